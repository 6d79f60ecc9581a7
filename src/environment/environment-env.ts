import type { EnvironmentConfig } from "../config/environment-config.js";
import { SANDBOX_ENV } from "../sandbox/container-spec.js";
import { endpointOf } from "./egress-policy.js";
import { ENV_DIR, VENV_DIR } from "./setup-plan.js";

/** Where the install step's throwaway caches go (npm, pip, uv, poetry); removed when the install ends. */
export const SETUP_CACHE_DIR = `${ENV_DIR}/cache`;

/**
 * Environment shared by the install step and every later command: the virtual environment and node_modules/.bin
 * first on PATH, and each toolchain's dependency store inside the work tree's `.tanuki-env` folder, which the
 * no-network test containers see (Go module cache and build cache, Cargo home, Maven repository, Gradle home).
 */
function commonEnv(): Record<string, string> {
  return {
    PATH: `${VENV_DIR}/bin:/workspace/node_modules/.bin:${SANDBOX_ENV.PATH}`,
    UV_PROJECT_ENVIRONMENT: VENV_DIR,
    UV_PYTHON_DOWNLOADS: "never",
    POETRY_VIRTUALENVS_IN_PROJECT: "true",
    POETRY_VIRTUALENVS_OPTIONS_SYSTEM_SITE_PACKAGES: "true",
    GOPATH: `${ENV_DIR}/go`,
    GOMODCACHE: `${ENV_DIR}/go/mod`,
    GOCACHE: `${ENV_DIR}/go/cache`,
    GOFLAGS: "-mod=mod",
    // /tmp is mounted noexec in the sandbox; go test runs its test binaries from GOTMPDIR.
    GOTMPDIR: `${ENV_DIR}/tmp`,
    GOTOOLCHAIN: "local",
    CARGO_HOME: `${ENV_DIR}/cargo`,
    TANUKI_M2_REPO: `${ENV_DIR}/m2`,
    GRADLE_USER_HOME: `${ENV_DIR}/gradle`,
  };
}

/**
 * Environment of every command after the install (tests, the base check, attempts): no network, so every tool is
 * told to stay offline (GOPROXY=off, CARGO_NET_OFFLINE, Maven's offline flag through Tanuki's settings.xml).
 */
export function testPhaseEnv(): Record<string, string> {
  return {
    ...commonEnv(),
    GOPROXY: "off",
    GOSUMDB: "off",
    CARGO_NET_OFFLINE: "true",
    TANUKI_MAVEN_OFFLINE: "true",
    TANUKI_MAVEN_PROXY_ACTIVE: "false",
  };
}

/**
 * Environment of the install step, which reaches the registries through the egress proxy at `proxy`: mirrors from
 * the config (npm `registry`, pip `index-url` + trusted host when plain http, uv's default index, GOPROXY), the
 * proxy for tools that ignore HTTP(S)_PROXY (Maven via Tanuki's settings.xml, Gradle via JVM properties), caches in
 * a folder removed afterwards.
 */
export function setupPhaseEnv(
  config: EnvironmentConfig,
  proxy: { host: string; port: number },
): Record<string, string> {
  const env: Record<string, string> = {
    ...commonEnv(),
    GOPROXY: config.goProxy ?? "https://proxy.golang.org",
    CARGO_NET_OFFLINE: "false",
    CARGO_HTTP_PROXY: `http://${proxy.host}:${proxy.port}`,
    TANUKI_MAVEN_OFFLINE: "false",
    TANUKI_MAVEN_PROXY_ACTIVE: "true",
    TANUKI_PROXY_HOST: proxy.host,
    TANUKI_PROXY_PORT: String(proxy.port),
    GRADLE_OPTS: ["http", "https"]
      .map((scheme) => `-D${scheme}.proxyHost=${proxy.host} -D${scheme}.proxyPort=${proxy.port}`)
      .join(" "),
    npm_config_cache: `${SETUP_CACHE_DIR}/npm`,
    // npm retries a failed request for minutes by default, a TLS failure included: fail fast, say why.
    npm_config_fetch_retries: "1",
    npm_config_fetch_retry_mintimeout: "2000",
    npm_config_fetch_retry_maxtimeout: "10000",
    PIP_CACHE_DIR: `${SETUP_CACHE_DIR}/pip`,
    XDG_CACHE_HOME: SETUP_CACHE_DIR,
  };
  if (config.npmRegistry) env.npm_config_registry = config.npmRegistry;
  if (config.pipIndexUrl) {
    env.PIP_INDEX_URL = config.pipIndexUrl;
    env.UV_DEFAULT_INDEX = config.pipIndexUrl;
    if (config.pipIndexUrl.startsWith("http:")) {
      const { host } = endpointOf(config.pipIndexUrl);
      env.PIP_TRUSTED_HOST = host;
      env.UV_INSECURE_HOST = host;
    }
  }
  return env;
}
