#!/usr/bin/env bash
# Regenerates every published output this machine can make without a hardware GPU, for a before/after
# comparison with tools/compare_outputs.ts: every law variant of the paper profile, the paper-vs-cooldown
# diff, and the micro-h100, simulate and nano profiles (nano trains three tiny models on llvmpipe, ~1 min).
#
#   bash tools/reproduce_all.sh                 # writes reports/
#   deno run --allow-read tools/compare_outputs.ts BEFORE reports --ignore nano/
#
# The nano profile's GPU-hour outputs (approach1.json's GPU-hour rows, overspend, their figures, the page) come
# from measured wall-clock seconds per step, so they differ from run to run; its losses and Approach 3 fits are
# bit-identical. Compare nano's loss-derived records on their own:
#   deno run --allow-read tools/compare_outputs.ts BEFORE/nano reports/nano --ignore approach1 --ignore overspend \
#     --ignore report.paper
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
deno task reproduce --all-variants
deno task diff paper cooldown
for profile in micro-h100 simulate nano; do deno task reproduce --profile "$profile"; done
