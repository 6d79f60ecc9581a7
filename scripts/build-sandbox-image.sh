#!/usr/bin/env bash
# Build Tanuki's sandbox image (docker/sandbox/Dockerfile): Python 3 + pytest, Node.js, git, coreutils, a
# non-root user `tanuki` (uid/gid 1000), WORKDIR /workspace.
#
# Usage: scripts/build-sandbox-image.sh [--force] [--force-base] [IMAGE]
#   IMAGE         image to build (default: $TANUKI_SANDBOX_IMAGE or tanuki-sandbox:latest)
#   --force       rebuild even when IMAGE already exists (by default an existing image is kept)
#   --force-base  also rebuild the debootstrap base image (implies --force)
#
# Environment:
#   TANUKI_SANDBOX_BASE   base image (default debian:bookworm-slim). Used when it is present locally or can be
#                         pulled. When neither works (no registry reachable), a base is made with
#                         `debootstrap --variant=minbase` from the Debian mirror in the host's apt sources and
#                         imported as tanuki-sandbox-base:<suite>.
#   TANUKI_DEBIAN_SUITE   Debian release for the debootstrap fallback (default bookworm).
#   TANUKI_DEBIAN_MIRROR  mirror URL for the fallback, when the host's apt sources do not name one.
#   TANUKI_SANDBOX_NODE   host | debian | auto (default auto). Node.js in the image:
#                         host   copy the host's `node` binary and its npm (needs only glibc/libstdc++, so a
#                                current LTS runs on bookworm: Debian bookworm's own nodejs is v18, past its
#                                end of life);
#                         debian install Debian's nodejs + npm packages;
#                         auto   host when `node` on PATH is v18+ and links only glibc/libstdc++/libgcc,
#                                else debian.
# Needs: a running Docker engine (scripts/start-docker.sh); for the fallback, root and apt-get.
set -euo pipefail

log() { printf '[sandbox-image] %s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image="${TANUKI_SANDBOX_IMAGE:-tanuki-sandbox:latest}"
base="${TANUKI_SANDBOX_BASE:-debian:bookworm-slim}"
suite="${TANUKI_DEBIAN_SUITE:-bookworm}"
node_mode="${TANUKI_SANDBOX_NODE:-auto}"
force=0
force_base=0

for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --force-base) force=1; force_base=1 ;;
    -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option: $arg" ;;
    *) image="$arg" ;;
  esac
done

docker info >/dev/null 2>&1 || fail "no Docker engine answers 'docker info' (start one, e.g. scripts/start-docker.sh)"

if [ "$force" -eq 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
  log "$image already exists (use --force to rebuild)"
  exit 0
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Print "URI SUITE COMPONENTS..." for every enabled `deb` entry of the host's apt sources, both formats:
# one-line (sources.list, *.list) and deb822 (*.sources).
host_apt_entries() {
  local files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  awk '
    function flush(   n, u, s, i, j, us, ss) {
      if (types ~ /(^| )deb( |$)/ && enabled !~ /^[Nn]o/ && uris != "" && suites != "") {
        n = split(uris, us, " "); m = split(suites, ss, " ")
        for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print us[i], ss[j], comps
      }
      types = ""; uris = ""; suites = ""; comps = ""; enabled = ""
    }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    /^[ \t]*#/ { next }
    deb822 {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      key = tolower($1); sub(/:$/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
      if (key == "types") types = val; else if (key == "uris") uris = val
      else if (key == "suites") suites = val; else if (key == "components") comps = val
      else if (key == "enabled") enabled = val
      next
    }
    $1 == "deb" {
      i = 2
      if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      line = $(i) " " $(i + 1); for (k = i + 2; k <= NF; k++) line = line " " $k
      print line
    }
    END { flush() }
  ' "${files[@]}"
}

# Pick the base image: present locally, else pulled, else made with debootstrap.
apt_sources=""
if docker image inspect "$base" >/dev/null 2>&1; then
  log "base image $base present"
elif log "pulling $base" && timeout 300 docker pull "$base" >/dev/null 2>&1; then
  log "pulled $base"
else
  log "cannot pull $base (no registry reachable?): using a debootstrap base from the host's apt mirror"
  entries="$(host_apt_entries | awk -v s="$suite" '$2 == s || index($2, s "-") == 1')"
  mirror="${TANUKI_DEBIAN_MIRROR:-$(printf '%s\n' "$entries" | awk -v s="$suite" '$2 == s { print $1; exit }')}"
  [ -n "$mirror" ] || fail "no '$suite' entry in the host's apt sources: set TANUKI_DEBIAN_MIRROR or TANUKI_SANDBOX_BASE"
  apt_sources="$(printf '%s\n' "$entries" | awk 'NF >= 2 { c = ""; for (i = 3; i <= NF; i++) c = c " " $i; if (c == "") c = " main"; print "deb " $1 " " $2 c }')"
  [ -n "$apt_sources" ] || apt_sources="deb $mirror $suite main"
  base="tanuki-sandbox-base:$suite"
  if [ "$force_base" -eq 1 ] || ! docker image inspect "$base" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null 2>&1 || {
      log "installing debootstrap with apt-get"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    }
    rootfs="$(mktemp -d /tmp/tanuki-rootfs.XXXXXX)"
    trap 'as_root rm -rf "$rootfs"' EXIT
    log "debootstrap --variant=minbase $suite from $mirror (about a minute)"
    as_root debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >/tmp/tanuki-debootstrap.log 2>&1 \
      || { tail -n 20 /tmp/tanuki-debootstrap.log >&2; fail "debootstrap failed (log: /tmp/tanuki-debootstrap.log)"; }
    as_root rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    log "importing the root file system as $base"
    as_root tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$base" >/dev/null
    as_root rm -rf "$rootfs"
    trap - EXIT
  else
    log "base image $base present"
  fi
fi

# Build context: the Dockerfile, apt sources (fallback only) and, optionally, the host's Node.js.
context="$(mktemp -d /tmp/tanuki-sandbox-context.XXXXXX)"
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/apt" "$context/node"
cp "$repo_root/docker/sandbox/Dockerfile" "$context/Dockerfile"
[ -z "$apt_sources" ] || printf '%s\n' "$apt_sources" >"$context/apt/sources.list"

host_node="$(command -v node || true)"
if [ "$node_mode" = auto ] && [ -n "$host_node" ]; then
  node_mode=debian
  major="$("$host_node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  other_libs="$(ldd "$host_node" 2>/dev/null | awk '$1 !~ /^(linux-vdso|\/lib64\/ld-linux|ld-linux|libc\.|libm\.|libdl\.|libpthread\.|librt\.|libstdc\+\+\.|libgcc_s\.)/' | wc -l)"
  if [ "$major" -ge 18 ] && [ "$other_libs" -eq 0 ]; then node_mode=host; fi
elif [ "$node_mode" = auto ]; then
  node_mode=debian
fi
if [ "$node_mode" = host ]; then
  [ -n "$host_node" ] || fail "TANUKI_SANDBOX_NODE=host but no node on PATH"
  node_real="$(readlink -f "$host_node")"
  npm_dir="$(dirname "$node_real")/../lib/node_modules/npm"
  mkdir -p "$context/node/bin" "$context/node/lib/node_modules"
  cp "$node_real" "$context/node/bin/node"
  if [ -d "$npm_dir" ]; then cp -r "$npm_dir" "$context/node/lib/node_modules/npm"; else log "warning: npm not found beside $node_real"; fi
  log "Node.js: host's $("$host_node" --version)"
else
  log "Node.js: Debian's nodejs package"
fi

log "building $image FROM $base"
start=$(date +%s)
docker build --build-arg "BASE_IMAGE=$base" -t "$image" "$context" >&2 \
  || fail "docker build failed"
size="$(docker image inspect -f '{{.Size}}' "$image")"
log "built $image in $(( $(date +%s) - start )) s, size $(( size / 1024 / 1024 )) MiB"
