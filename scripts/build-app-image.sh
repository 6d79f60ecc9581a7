#!/usr/bin/env bash
# Build Tanuki's GitHub App image (Dockerfile at the repository root).
#
# Usage: scripts/build-app-image.sh [IMAGE] [-- DOCKER_BUILD_ARGS...]
#   IMAGE   image to build (default: tanuki-app:latest)
#   extra arguments after `--` go to `docker build` (e.g. --build-arg LLAMA_BINARIES=none)
#
# Environment:
#   TANUKI_APP_BASE      base image with Node.js >= 20.18 and npm. Default: node:20-bookworm-slim when present or
#                        pullable; otherwise a local base, tanuki-node-base:<suite>, is built from the debootstrap
#                        image tanuki-sandbox-base:<suite> (made by scripts/build-sandbox-image.sh when no registry is
#                        reachable) plus the host's node and npm (docker/app/node-base.Dockerfile).
#   TANUKI_DEBIAN_SUITE  suite of the local base (default bookworm).
# Needs: a running Docker engine (scripts/start-docker.sh).
set -euo pipefail

log() { printf '[app-image] %s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image="tanuki-app:latest"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then image="$1"; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
suite="${TANUKI_DEBIAN_SUITE:-bookworm}"

docker info >/dev/null 2>&1 || fail "no Docker engine answers 'docker info' (start one, e.g. scripts/start-docker.sh)"

base="${TANUKI_APP_BASE:-}"
if [ -z "$base" ]; then
  if docker image inspect node:20-bookworm-slim >/dev/null 2>&1; then
    base=node:20-bookworm-slim
  elif log "pulling node:20-bookworm-slim" && timeout 300 docker pull node:20-bookworm-slim >/dev/null 2>&1; then
    base=node:20-bookworm-slim
  else
    debian_base="tanuki-sandbox-base:$suite"
    docker image inspect "$debian_base" >/dev/null 2>&1 \
      || fail "no registry and no $debian_base: run scripts/build-sandbox-image.sh first (it imports a debootstrap base), or set TANUKI_APP_BASE"
    base="tanuki-node-base:$suite"
    host_node="$(command -v node || true)"
    [ -n "$host_node" ] || fail "no node on PATH to copy into $base"
    node_real="$(readlink -f "$host_node")"
    node_version="$("$node_real" --version)"
    if [ "$(docker image inspect -f '{{ index .Config.Labels "tanuki.node" }}' "$base" 2>/dev/null || true)" != "$node_version" ]; then
      context="$(mktemp -d /tmp/tanuki-node-base.XXXXXX)"
      trap 'rm -rf "$context"' EXIT
      mkdir -p "$context/node/bin" "$context/node/lib/node_modules" "$context/ca"
      cp "$node_real" "$context/node/bin/node"
      npm_dir="$(dirname "$node_real")/../lib/node_modules/npm"
      [ -d "$npm_dir" ] || fail "npm not found beside $node_real"
      cp -r "$npm_dir" "$context/node/lib/node_modules/npm"
      if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
        cp "$NODE_EXTRA_CA_CERTS" "$context/ca/extra-ca.crt"
        log "the base trusts the host's NODE_EXTRA_CA_CERTS bundle (for npm)"
      fi
      cp "$repo_root/docker/app/node-base.Dockerfile" "$context/Dockerfile"
      log "building $base from $debian_base with the host's Node.js $node_version"
      docker build --build-arg "BASE_IMAGE=$debian_base" --label "tanuki.node=$node_version" -t "$base" "$context" >&2 \
        || fail "building $base failed"
      rm -rf "$context"
      trap - EXIT
    else
      log "$base present (Node.js $node_version)"
    fi
  fi
fi

log "building $image FROM $base"
start=$(date +%s)
docker build --build-arg "BASE_IMAGE=$base" "$@" -t "$image" "$repo_root" >&2 || fail "docker build failed"
size="$(docker image inspect -f '{{.Size}}' "$image")"
log "built $image in $(( $(date +%s) - start )) s, size $(( size / 1024 / 1024 )) MiB"
