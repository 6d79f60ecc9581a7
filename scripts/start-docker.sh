#!/usr/bin/env bash
# Make sure a Docker engine answers `docker info`. Idempotent: does nothing when one already runs.
#
# When no engine answers, installs Debian's `docker.io` package (if `dockerd` is missing), starts `dockerd`
# in the background (log: /var/log/dockerd.log, override with DOCKERD_LOG) and waits up to
# DOCKER_START_TIMEOUT seconds (default 60) for it. Needs root for the install and the daemon start.
# Exit status: 0 when the engine is ready, 1 otherwise (with the reason on stderr).
set -euo pipefail

log() { printf '[start-docker] %s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }

timeout_s="${DOCKER_START_TIMEOUT:-60}"
dockerd_log="${DOCKERD_LOG:-/var/log/dockerd.log}"

if docker info >/dev/null 2>&1; then
  log "docker engine already running"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: start the Docker engine yourself"
  sudo_cmd=(sudo)
fi

if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || fail "dockerd is missing and apt-get is not available: install Docker Engine"
  log "dockerd not found: installing docker.io with apt-get"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # Keep the docker CLI that is already installed, if any: docker.io brings its own, which is fine as well.
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    docker.io iptables ca-certificates >/dev/null
fi

if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd is already starting (pid $(pgrep -x dockerd | head -n1)); waiting for it"
else
  log "starting dockerd (log: $dockerd_log)"
  # setsid: the daemon must outlive this script and the shell that ran it.
  "${sudo_cmd[@]}" setsid dockerd >"$dockerd_log" 2>&1 </dev/null &
fi

for ((i = 0; i < timeout_s * 2; i++)); do
  if docker info >/dev/null 2>&1; then
    log "docker engine ready after ~$((i / 2)) s"
    exit 0
  fi
  sleep 0.5
done

log "last lines of $dockerd_log:"
tail -n 20 "$dockerd_log" >&2 2>/dev/null || true
fail "docker engine did not answer 'docker info' within ${timeout_s} s"
