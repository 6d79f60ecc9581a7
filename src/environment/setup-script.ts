import { SETUP_CACHE_DIR } from "./environment-env.js";
import { ENV_DIR, ENV_DIR_NAME } from "./setup-plan.js";

/** Where the host's CA bundle is mounted (read-only) in the install container. */
export const HOST_CA_PATH = "/etc/tanuki/host-ca.pem";
/** Marker line the script prints before each command: `[tanuki] $ <n> <command>`. */
export const COMMAND_MARKER = "[tanuki] $";
/** Marker line printed when a command fails: `[tanuki] command <n> failed with exit <code>`. */
export const FAILURE_MARKER = "[tanuki] command";
/** List of the paths the install created (repository-relative, `./`-prefixed, one per line), for the cache. */
export const OUTPUTS_LIST = `${ENV_DIR_NAME}/outputs.list`;

/**
 * Environment variables carrying the commands to the script (data, never spliced into its text):
 * `TANUKI_SETUP_COUNT` and `TANUKI_SETUP_1` … `TANUKI_SETUP_<n>`.
 */
export function setupCommandEnv(commands: readonly string[]): Record<string, string> {
  const env: Record<string, string> = { TANUKI_SETUP_COUNT: String(commands.length) };
  commands.forEach((command, index) => {
    env[`TANUKI_SETUP_${index + 1}`] = command;
  });
  return env;
}

/**
 * The install step as one `sh` script, run in the work tree (/workspace) of the install container:
 * 1. `.tanuki-env/` is created and ignored (a `.gitignore` of `*`), like every folder the install creates, so
 *    installed dependencies never show up in a diff, a snapshot or a pushed branch;
 * 2. with the host's CA bundle mounted, a combined bundle (the image's + the host's) is trusted by npm/Node
 *    (`NODE_EXTRA_CA_CERTS`), OpenSSL-based tools, pip, requests, cargo, git and curl (`SSL_CERT_FILE`, …), and the
 *    host's extra CAs are added to a copy of Java's trust store for Maven and Gradle (`keytool`, when present);
 * 3. each command runs with `sh -c`, announced by a marker line; the first failure ends the script with its exit
 *    code after a failure marker;
 * 4. the paths the install created are listed (topmost only) in `.tanuki-env/outputs.list`, each new folder gets
 *    its ignoring `.gitignore`, and the throwaway caches are removed.
 * Inspired by devcontainer lifecycle scripts and SWE-bench's per-repository install scripts.
 */
export function buildSetupScript(): string {
  return `set -u
cd /workspace || exit 1
mkdir -p ${ENV_DIR}/tmp && printf '*\\n' > ${ENV_DIR}/.gitignore || exit 1
if [ -r ${HOST_CA_PATH} ] && [ -s ${HOST_CA_PATH} ]; then
  cat /etc/ssl/certs/ca-certificates.crt ${HOST_CA_PATH} > /tmp/tanuki-ca.pem 2>/dev/null || cp ${HOST_CA_PATH} /tmp/tanuki-ca.pem
  export NODE_EXTRA_CA_CERTS=${HOST_CA_PATH} SSL_CERT_FILE=/tmp/tanuki-ca.pem REQUESTS_CA_BUNDLE=/tmp/tanuki-ca.pem
  export PIP_CERT=/tmp/tanuki-ca.pem CARGO_HTTP_CAINFO=/tmp/tanuki-ca.pem GIT_SSL_CAINFO=/tmp/tanuki-ca.pem CURL_CA_BUNDLE=/tmp/tanuki-ca.pem
  export UV_NATIVE_TLS=true
  if command -v keytool >/dev/null 2>&1 && [ -r /etc/ssl/certs/java/cacerts ]; then
    cp /etc/ssl/certs/java/cacerts /tmp/tanuki-cacerts && chmod u+w /tmp/tanuki-cacerts
    mkdir -p /tmp/tanuki-ca.d && (cd /tmp/tanuki-ca.d && awk '/BEGIN CERT/{n++} n{print > ("c" n ".pem")}' ${HOST_CA_PATH})
    for cert in /tmp/tanuki-ca.d/*.pem; do
      [ -f "$cert" ] || continue
      grep -qxF "$(sed -n 2p "$cert")" /etc/ssl/certs/ca-certificates.crt 2>/dev/null && continue
      keytool -importcert -noprompt -keystore /tmp/tanuki-cacerts -storepass changeit -alias "tanuki-$(basename "$cert")" -file "$cert" >/dev/null 2>&1 || true
    done
    trust="-Djavax.net.ssl.trustStore=/tmp/tanuki-cacerts -Djavax.net.ssl.trustStorePassword=changeit"
    export MAVEN_OPTS="\${MAVEN_OPTS:-} $trust" GRADLE_OPTS="\${GRADLE_OPTS:-} $trust"
  fi
fi
find . -mindepth 1 -path ./${ENV_DIR_NAME} -prune -o -print 2>/dev/null | LC_ALL=C sort > /tmp/tanuki-before
i=1
status=0
while [ "$i" -le "\${TANUKI_SETUP_COUNT:-0}" ]; do
  eval "command=\\"\\\${TANUKI_SETUP_$i}\\""
  printf '\\n${COMMAND_MARKER} %s %s\\n' "$i" "$command"
  sh -c "$command" </dev/null 2>&1
  status=$?
  if [ "$status" -ne 0 ]; then
    printf '\\n${FAILURE_MARKER} %s failed with exit %s\\n' "$i" "$status"
    break
  fi
  i=$((i + 1))
done
rm -rf ${SETUP_CACHE_DIR}
find . -mindepth 1 -path ./${ENV_DIR_NAME} -prune -o -print 2>/dev/null | LC_ALL=C sort > /tmp/tanuki-after
LC_ALL=C comm -13 /tmp/tanuki-before /tmp/tanuki-after | awk '
  { p = $0; q = p; top = 1
    while (sub(/\\/[^\\/]*$/, "", q) && q != ".") if (q in seen) { top = 0; break }
    if (top) { seen[p] = 1; print p } }' > /tmp/tanuki-outputs
while IFS= read -r path; do
  if [ -d "$path" ] && [ ! -L "$path" ]; then printf '*\\n' > "$path/.gitignore"; fi
done < /tmp/tanuki-outputs
{ cat /tmp/tanuki-outputs; echo ./${ENV_DIR_NAME}; } > ${OUTPUTS_LIST}
exit "$status"
`;
}
