#!/usr/bin/env bash
# Quick-start demo: copy the bundled example (examples/calculator, a Python program with a real bug and a test
# that shows it) into a fresh git repository and run `tanuki fix` on it with the local defaults.
# Extra arguments are passed to `tanuki fix` (e.g. --model ./models/my.gguf).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo="${TANUKI_DEMO_DIR:-$root/.tanuki/demo}"

cd "$root"
npm run build --silent

if ! docker image inspect "${TANUKI_SANDBOX_IMAGE:-tanuki-sandbox:latest}" >/dev/null 2>&1; then
  echo "demo: the sandbox image is missing; building it (once)…" >&2
  bash scripts/build-sandbox-image.sh
fi

rm -rf "$demo/repo"
mkdir -p "$demo"
cp -R examples/calculator "$demo/repo"
git -C "$demo/repo" init -q -b main
git -C "$demo/repo" add -A
git -C "$demo/repo" -c user.name=demo -c user.email=demo@example.invalid commit -qm "calculator example"

echo "demo: running tanuki fix on $demo/repo" >&2
exec node bin/tanuki.js fix "$demo/repo" --issue "@examples/calculator/ISSUE.md" --out "$demo/run" "$@"
