#!/usr/bin/env bash
# Regenerates every published output this machine can make without a hardware GPU, for a before/after
# comparison with tools/compare_outputs.ts: every law variant of the paper profile, the paper-vs-cooldown
# diff, and the micro-h100, simulate and nano profiles (nano trains three tiny models on llvmpipe, ~1 min).
#
#   bash tools/reproduce_all.sh                 # writes reports/
#   deno run --allow-read tools/compare_outputs.ts BEFORE reports
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
deno task reproduce --all-variants
deno task diff paper cooldown
for profile in micro-h100 simulate nano; do deno task reproduce --profile "$profile"; done
