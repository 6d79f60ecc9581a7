#!/usr/bin/env bash
# Build the images of Tanuki's environment phase, FROM the sandbox image (scripts/build-sandbox-image.sh, built
# first when missing), so they share its Debian base and apt sources:
#   egress            tanuki-egress:latest, the Squid egress proxy (docker/egress/Dockerfile)
#   go | rust | java  tanuki-sandbox-<name>:latest, the sandbox image plus Debian's toolchain (golang-go;
#                     rustc-web + cargo-web; openjdk-17-jdk-headless + maven), docker/toolchain/Dockerfile
#   go+rust, ...      one image with several toolchains, for mixed repositories: tanuki-sandbox-go-rust:latest
#                     (names sorted; Tanuki asks for exactly this name when it detects several languages)
#
# Usage: scripts/build-env-images.sh [--force] [TARGET...]   (default targets: egress go rust java)
#   --force   rebuild even when the image exists (by default an existing image is kept when it was built from
#             the current sandbox image and the current recipe: its Dockerfile directory and build arguments)
#
# Environment: TANUKI_SANDBOX_IMAGE (default tanuki-sandbox:latest) is the base; TANUKI_EGRESS_IMAGE (default
# tanuki-egress:latest). Needs a running Docker engine whose builds reach the Debian mirror.
set -euo pipefail

log() { printf '[env-images] %s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sandbox="${TANUKI_SANDBOX_IMAGE:-tanuki-sandbox:latest}"
egress="${TANUKI_EGRESS_IMAGE:-tanuki-egress:latest}"
force=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option: $arg" ;;
    *) targets+=("$arg") ;;
  esac
done
[ "${#targets[@]}" -gt 0 ] || targets=(egress go rust java)

docker info >/dev/null 2>&1 || fail "no Docker engine answers 'docker info' (start one, e.g. scripts/start-docker.sh)"
docker image inspect "$sandbox" >/dev/null 2>&1 || bash "$repo_root/scripts/build-sandbox-image.sh" "$sandbox"
sandbox_id="$(docker image inspect -f '{{.Id}}' "$sandbox")"

# recipe DOCKERFILE_DIR [BUILD_ARG...]: a digest of the build context's files and the build arguments, so that an
# image built from an older Dockerfile (e.g. Rust before rustc-web) is rebuilt rather than kept.
recipe() {
  local dir="$1"; shift
  { (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); printf '%s\n' "$@"; } |
    sha256sum | cut -c1-32
}

# build IMAGE DOCKERFILE_DIR [BUILD_ARG...]: kept when present and built from the current sandbox image and recipe.
# A rebuild reuses Docker's layer cache, so a changed label alone costs seconds, not a new apt install.
build() {
  local image="$1" dir="$2"; shift 2
  local key; key="$sandbox_id $(recipe "$dir" "$@")"
  if [ "$force" -eq 0 ] && [ "$(docker image inspect -f '{{ index .Config.Labels "tanuki.build" }}' "$image" 2>/dev/null || true)" = "$key" ]; then
    log "$image already exists (use --force to rebuild)"
    return
  fi
  local args=(--build-arg "BASE_IMAGE=$sandbox" --label "tanuki.base=$sandbox_id" --label "tanuki.build=$key")
  for a in "$@"; do args+=(--build-arg "$a"); done
  log "building $image"
  local start; start=$(date +%s)
  docker build "${args[@]}" -t "$image" "$dir" >&2 || fail "building $image failed"
  log "built $image in $(( $(date +%s) - start )) s, size $(( $(docker image inspect -f '{{.Size}}' "$image") / 1024 / 1024 )) MiB"
}

for target in "${targets[@]}"; do
  if [ "$target" = egress ]; then
    build "$egress" "$repo_root/docker/egress"
    continue
  fi
  names="$(printf '%s\n' ${target//+/ } | sort -u | tr '\n' ' ')"
  for name in $names; do
    case "$name" in go|rust|java) ;; *) fail "unknown target '$name' (egress, go, rust, java, or a+b)" ;; esac
  done
  suffix="$(printf '%s' "$names" | sed 's/ $//; s/ /-/g')"
  build "${sandbox%%:*}-$suffix:latest" "$repo_root/docker/toolchain" "TOOLCHAINS=$names"
done
