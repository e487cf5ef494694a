#!/usr/bin/env bash
# The GPU session: one command on a lent GPU machine (no network, no npm registry), from the repository root,
# within a budget of seconds (GPU_SESSION_BUDGET, default 500), measuring as it goes:
#   1. set-up: the carried Vulkan loaders (.gl/*.deb) and Deno (.deno/deno.xz); prints the adapter and
#      whether PyTorch is installed (and its version);
#   2. kernel benchmarks: bench/kernels.ts (tiny, small, medium and 10M; unfused, fused dense and fused flash;
#      per-kernel profile), then bench/torch_baseline.py on the same shapes (eager, SDPA, torch.compile);
#   3. a probe run (one short micro unit) that rescales the plan (bench/gpu_session_plan.ts);
#   4. the state study's GPU tier (tools/state_h100.sh), whole, cut to the seconds left, or skipped;
#   5. the micro study's runs that fit what is left (units from bench/gpu_session_prepare.ts);
#   6. packs everything under $OUT: session.log, summary.json, kernels.tar.gz, state-h100.tar.gz,
#      state-h100.log, micro.tar.gz.
# Everything runs with `deno run --no-npm`. Prepare the carried folders first: bash bench/gpu_session_prepare.sh.
# Rehearsal at tiny sizes on llvmpipe: GPU_SESSION_REHEARSE=1 OUT=<folder> bash bench/gpu_session.sh
# (after bash bench/gpu_session_prepare.sh --rehearse). docs/BENCHMARKS.md has the device call.
set -uo pipefail
: "${OUT:?set OUT to the folder that receives the results}"
REHEARSE=${GPU_SESSION_REHEARSE:-0}
if [ "$REHEARSE" = 1 ]; then
  SESSION=${GPU_SESSION_DIR:-.gpu-session-rehearse}
  BUDGET=${GPU_SESSION_BUDGET:-150}
  KERNELS_S=${GPU_SESSION_KERNELS_S:-60}
  TORCH_S=${GPU_SESSION_TORCH_S:-20}
  read -r -a KERNEL_ARGS <<<"${GPU_SESSION_KERNEL_ARGS:---profile cpu --quick --models tiny --flash}"
  STATE_ENV=(STATE_PROFILE=state STATE_BACKEND=reference)
else
  SESSION=${GPU_SESSION_DIR:-.gpu-session}
  BUDGET=${GPU_SESSION_BUDGET:-500}
  KERNELS_S=${GPU_SESSION_KERNELS_S:-120}
  TORCH_S=${GPU_SESSION_TORCH_S:-75}
  KERNEL_ARGS=(--profile gpu --models 10M,tiny,small,medium --flash --kernels) # 10M first: a cut keeps the models finished
  STATE_ENV=()
fi
t0=$(date +%s)
W=$(mktemp -d)
mkdir -p "$OUT" "$W/k"
exec > >(tee -a "$OUT/session.log") 2>&1
elapsed() { echo $(($(date +%s) - t0)); }
left() { echo $((BUDGET - $(elapsed))); }
say() { printf '[gpu_session %4ds] %s\n' "$(elapsed)" "$*"; }
note() { printf '%s\t%s\n' "$1" "$2" >>"$W/summary.tsv"; } # key, value: summary.json
min() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }
# A step under a time limit; SIGINT first (the unit worker checkpoints and stops within a step), then KILL.
limited() {
  local s=$1
  shift
  if [ "$s" -le 0 ]; then return 124; fi
  timeout -k 10 -s INT "$s" "$@"
}
[ -f "$SESSION/plan.json" ] || {
  say "no $SESSION/plan.json: run bash bench/gpu_session_prepare.sh${REHEARSE/#1/ --rehearse} first"
  exit 2
}
say "budget ${BUDGET} s, rehearse=${REHEARSE}, session folder ${SESSION}"
note budgetSeconds "$BUDGET"
note rehearse "$REHEARSE"

# 1. Loaders and Deno
s0=$(elapsed)
if compgen -G ".gl/*.deb" >/dev/null; then
  if [ "$REHEARSE" = 1 ]; then
    mkdir -p "$W/gl-root" # rehearsal: unpack beside, never into this machine's /
    for f in .gl/*.deb; do dpkg -x "$f" "$W/gl-root" || say "cannot unpack $f"; done
    say "loaders unpack (into $W/gl-root): $(find "$W/gl-root" -name 'libvulkan.so*' | head -1)"
  else
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
else
  say "no .gl/*.deb: using the system's Vulkan loader"
fi
[ -e /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && [ -z "${VK_DRIVER_FILES:-}" ] &&
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$W}
if [ -n "${GPU_SESSION_DENO:-}" ]; then
  DENO=$GPU_SESSION_DENO
elif [ -f .deno/deno.xz ]; then
  DENO=$W/deno
  xz -dc .deno/deno.xz >"$DENO" 2>/dev/null ||
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
      .deno/deno.xz "$DENO"
  chmod +x "$DENO"
else
  DENO=$(command -v deno || true)
fi
if ! "$DENO" --version >/dev/null 2>&1; then
  say "no working Deno (.deno/deno.xz missing or broken): nothing can run"
  exit 1
fi
say "deno: $("$DENO" --version | head -1)"
note deno "$("$DENO" --version | head -1)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader
ADAPTER=$("$DENO" eval --no-npm --no-config \
  'const a = await navigator.gpu?.requestAdapter({ powerPreference: "high-performance" });
   console.log(a ? [a.info.vendor, a.info.architecture, a.info.device, a.info.description].join(" | ") : "none")' 2>&1 |
  tail -1)
say "WebGPU adapter: $ADAPTER"
[ "$ADAPTER" = none ] && say "no WebGPU adapter: the loader is $(ldconfig -p | grep -m1 libvulkan.so.1 || echo missing);" \
  "VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}; only PyTorch can run"
note adapter "$ADAPTER"
TORCH=$(python3 -c 'import torch; print(torch.__version__, "cuda" if torch.cuda.is_available() else "no-cuda")' 2>/dev/null || echo "none")
say "PyTorch: $TORCH"
note torch "$TORCH"
note setupSeconds $(($(elapsed) - s0))

# 2. Kernel benchmarks, then PyTorch on the same shapes
s0=$(elapsed)
limited "$(min "$KERNELS_S" "$(left)")" "$DENO" run --no-npm --allow-read=.,"$W","$SESSION" --allow-write="$W" --allow-env --allow-sys \
  bench/kernels.ts "${KERNEL_ARGS[@]}" --json "$W/k/kernels.json" 2>&1 | tee "$W/k/kernels.log"
rc=${PIPESTATUS[0]}
say "kernel benchmarks: exit $rc ($(($(elapsed) - s0)) s)"
note kernelsExit "$rc"
note kernelsSeconds $(($(elapsed) - s0))
s0=$(elapsed)
if [[ "$TORCH" == *" cuda" ]]; then
  shapes=()
  [ -f "$W/k/kernels.json" ] && shapes=(--shapes "$W/k/kernels.json")
  for mode in eager sdpa compile; do
    flag=()
    [ "$mode" != eager ] && flag=(--"$mode")
    budget=$(min $((TORCH_S - ($(elapsed) - s0))) "$(left)")
    PYTHONUNBUFFERED=1 limited "$budget" python3 bench/torch_baseline.py "${shapes[@]}" "${flag[@]}" \
      >"$W/k/torch_$mode.jsonl" 2>"$W/k/torch_$mode.err"
    say "PyTorch $mode: exit $? ($(wc -l <"$W/k/torch_$mode.jsonl") models)"
    cat "$W/k/torch_$mode.jsonl"
  done
else
  say "PyTorch with CUDA is not installed here: no PyTorch baseline"
fi
note torchSeconds $(($(elapsed) - s0))
tar -czf "$OUT/kernels.tar.gz" -C "$W" k

# 3. The probe: one short micro run, to rescale the plan to this device
s0=$(elapsed)
RUN_UNITS=("$DENO" run --no-npm --allow-read=.,"$W","$SESSION" --allow-write="$W,.cache" --allow-env --allow-sys stages/run_units.ts)
limited "$(min 90 "$(left)")" "${RUN_UNITS[@]}" "$SESSION/micro/probe" "$W/probe"
say "probe: exit $? ($(($(elapsed) - s0)) s)"
note probeSeconds $(($(elapsed) - s0))
PLAN=("$DENO" run --no-npm --allow-read=.,"$W","$SESSION" bench/gpu_session_plan.ts)
if [ ! -f "$W/probe/timings.json" ]; then
  say "the probe left no timings: the studies are skipped"
  note state "skipped: no probe"
  note micro "skipped: no probe"
else
  # 4. The state study's GPU tier
  read -r action tstate pstate < <("${PLAN[@]}" state --plan "$SESSION/plan.json" --probe "$W/probe/timings.json" \
    --left "$(left)" || echo "skip 0 ?")
  say "state tier: predicted ${pstate} s on this device, $(left) s left: ${action}"
  note statePredictedSeconds "$pstate"
  note stateAction "$action"
  s0=$(elapsed)
  if [ "$action" != skip ]; then
    env "${STATE_ENV[@]}" DENO="$DENO" OUT="$OUT" timeout -k 10 -s INT "$tstate" bash tools/state_h100.sh
    rc=$?
    if [ ! -f "$OUT/state-h100.tar.gz" ]; then # cut: pack what finished
      say "state tier stopped at its ${tstate} s (exit $rc): packing the runs that finished"
      cp .cache/state-h100.log "$OUT/state-h100.log" 2>/dev/null
      (cd .cache/state-h100 && tar -czf "$OUT/state-h100.tar.gz" $(ls -d runs sweep lr.json 2>/dev/null))
    fi
    note stateExit "$rc"
    note stateRuns "$(ls -d .cache/state-h100/runs/*/result.json 2>/dev/null | wc -l)"
  fi
  note stateSeconds $(($(elapsed) - s0))

  # 5. The micro study with what is left
  read -r pmicro ids < <("${PLAN[@]}" micro --plan "$SESSION/plan.json" --probe "$W/probe/timings.json" \
    --left "$(left)" || echo "0 -")
  say "micro study: $(left) s left; runs that fit (predicted ${pmicro} s): ${ids}"
  note microPredictedSeconds "$pmicro"
  note microRunsPlanned "$ids"
  s0=$(elapsed)
  if [ "$ids" != - ]; then
    limited $(($(left) - 5)) "${RUN_UNITS[@]}" "$SESSION/micro/units" "$W/micro" --only "$ids"
    note microExit "$?"
  fi
  note microRunsDone "$(ls -d "$W"/micro/*/result.json 2>/dev/null | wc -l)"
  note microSeconds $(($(elapsed) - s0))
fi
cp "$SESSION/plan.json" "$W/plan.json"
tar -czf "$OUT/micro.tar.gz" -C "$W" $(cd "$W" && ls -d plan.json probe micro 2>/dev/null)

# 6. The summary
note totalSeconds "$(elapsed)"
"$DENO" eval --no-npm --no-config \
  'const rows = Deno.readTextFileSync(Deno.args[0]).trim().split("\n").map((l) => l.split("\t"));
   const v = (s) => (s !== "" && Number.isFinite(Number(s)) ? Number(s) : s);
   Deno.writeTextFileSync(Deno.args[1], JSON.stringify(Object.fromEntries(rows.map(([k, x]) => [k, v(x ?? "")])), null, 2) + "\n");' \
  "$W/summary.tsv" "$OUT/summary.json"
rm -rf "$W"
say "done in $(elapsed) s of ${BUDGET}; under \$OUT: $(ls "$OUT" | tr '\n' ' ')"
exec >&- 2>&- # let tee write the log's last lines before the command returns
wait
sleep 0.5
