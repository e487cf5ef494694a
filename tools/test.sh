#!/usr/bin/env bash
# The project's whole test suite: format, lint, type check, then every test.
# Installs the system packages the tests need (Mesa's Vulkan driver for WebGPU, Chromium for the
# browser test of the HTML report, the jargon-text corpus of the micro profile's front-door test,
# jupyter-nbconvert and python3-nbclient for the notebooks) when they are missing, installs the Deno
# Jupyter kernel spec when none launches this deno, and starts the single-node Slurm of the executor
# tests (tools/slurm_local.sh, which installs slurmctld, slurmd, slurm-client and munge when missing),
# and says so. It never skips those tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s jargon-text >/dev/null 2>&1 || need+=(jargon-text)
dpkg -s jupyter-nbconvert >/dev/null 2>&1 || need+=(jupyter-nbconvert)
dpkg -s python3-nbclient >/dev/null 2>&1 || need+=(python3-nbclient)
if [ ${#need[@]} -gt 0 ]; then
  echo "test: installing missing system packages: ${need[*]} (apt-get)"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed|allocated"; then
  echo "test: starting a single-node Slurm for the executor tests (tools/slurm_local.sh start)"
  bash tools/slurm_local.sh start
fi

# The notebook test (tests/notebooks_test.ts) runs them on the "deno" kernel spec: it must launch this deno.
if ! deno task -q notebooks --check-kernel >/dev/null 2>&1; then
  echo "test: installing the Deno Jupyter kernel spec for this deno (deno jupyter --install --force)"
  deno jupyter --install --force >/dev/null 2>&1
fi

export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
echo "test: deno fmt --check"; deno fmt --check
echo "test: deno lint"; deno lint
echo "test: deno check"; deno check .
echo "test: deno test"
deno test --allow-read --allow-write --allow-run --allow-env --allow-sys --allow-ffi --deny-net "$@"
