#!/usr/bin/env bash
# The state study's GPU tier (seed 003, profile state-h100) as one command on a lent H100 machine, from the
# repository root: prepares the MQAR corpora, trains the lr sweep and the study's runs with the WebGPU trainer
# (tools/state_units.ts, no npm package needed), and packs the logs into $OUT/state-h100.tar.gz (runs/,
# sweep/, lr.json, each folder's timings.json) to be shipped under data/state-h100/ with a SOURCE.md.
# Planned at about 270 s of training on an H100 (deno run --allow-read tools/state_plan.ts).
#   OUT=/some/folder bash tools/state_h100.sh
# Rehearsed here at the CI tier's size: STATE_PROFILE=state STATE_BACKEND=reference OUT=... bash tools/state_h100.sh
set -euo pipefail
: "${OUT:?set OUT to the folder that receives state-h100.tar.gz}"
work=.cache/state-h100
rm -rf "$work"
mkdir -p "$work"
"${DENO:-deno}" run --no-npm --allow-read=. --allow-write=. tools/state_units.ts --out "$work" \
  --profile "${STATE_PROFILE:-state-h100}" ${STATE_BACKEND:+--backend "$STATE_BACKEND"} 2>&1 | tee "$work.log"
cp "$work.log" "$OUT/state-h100.log"
tar -czf "$OUT/state-h100.tar.gz" -C "$work" runs sweep lr.json
