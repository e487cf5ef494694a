#!/usr/bin/env bash
# The project's whole test suite: format, lint, type check, then every test.
# Installs the system packages the tests need (Mesa's Vulkan driver for WebGPU, Chromium for the
# browser test of the HTML report) when they are missing, and says so. It never skips those tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "test: installing missing system packages: ${need[*]} (apt-get)"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
echo "test: deno fmt --check"; deno fmt --check
echo "test: deno lint"; deno lint
echo "test: deno check"; deno check .
echo "test: deno test"
deno test --allow-read --allow-write --allow-run --allow-env --allow-sys --allow-ffi --deny-net "$@"
