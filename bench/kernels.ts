/**
 * Kernel benchmark: prints the adapter, matmul GFLOP/s at shapes typical of micro models against a
 * plain-TypeScript matmul on the same machine (ratio), and, for three model sizes, the training step of
 * the fused plan (the default) beside the unfused plan (`fused: false`, the baseline, run in the same
 * process on the same shapes): dispatches per step (and per layer), step time, tokens/s, achieved FLOP/s,
 * MFU against the best measured matmul rate and against the adapter's nominal f32 peak (where known), and
 * the unfused / fused step-time ratio. Shapes are chosen for the adapter: small ones on a software
 * rasteriser (llvmpipe), micro-model sizes on a real GPU.
 *
 * Run: `deno run -A bench/kernels.ts [--json out.json] [--profile cpu|gpu] [--kernels] [--quick]
 * [--models tiny,10M] [--flash]` (`--kernels` adds a per-kernel time breakdown of one training step, `--models`
 * picks from {@link BENCH_MODELS}, `--flash` also times the flash attention); `deno task bench --only kernels
 * --json FILE`. It imports no npm package, so `deno run --no-npm` runs it where no registry can be reached.
 * @module
 */
import { parseArgs } from "node:util";
import { createGpuBackend } from "../kernels/gpu/backend.ts";
import type { DispatchCounts } from "../kernels/gpu/recorder.ts";
import { GpuContext } from "../kernels/gpu/context.ts";
import { isSoftwareAdapter } from "../kernels/gpu/software.ts";
import {
  DEFAULT_TILE,
  LARGE_TILE,
  matmulDispatch,
  type MatmulTile,
  WIDE_TILE,
} from "../kernels/gpu/matmul.ts";
import { initParams } from "../kernels/init.ts";
import { NOMINAL_F32_PEAKS } from "../kernels/gpu/peaks.ts";
import { type FeatureCheck, OPTIONAL_FEATURES } from "../kernels/gpu/features.ts";
import { trainFlopsPerToken } from "../kernels/train/flops.ts";
import { type ModelConfig, parameterCount } from "../kernels/types.ts";
import { writeFileAtomic } from "../util/fs.ts";

/** Options of `benchKernels`. */
export interface BenchOptions {
  /** "gpu" for micro-model shapes, "cpu" for small shapes (default: "cpu" on a fallback adapter). */
  readonly profile?: "cpu" | "gpu";
  /** Also print a per-kernel time breakdown of one training step (default false). */
  readonly profileKernels?: boolean;
  /** Fewer figures: one large matmul shape, two tiles, only the middle model (default false). */
  readonly quick?: boolean;
  /** Where progress lines go (default console.log). */
  readonly log?: (line: string) => void;
  /** Models to time, names of {@link BENCH_MODELS} (default: the profile's three; `quick`: its middle one). */
  readonly models?: readonly string[];
  /**
   * Also time the fused plan with the tiled flash attention, in the same alternating rounds; the fused
   * plan is then timed with the dense attention explicitly (default false: fused with "auto", flash counted only).
   */
  readonly flash?: boolean;
  /** Called with the figures so far after each model (e.g. to keep them on disk should the run be cut). */
  readonly onModel?: (partial: BenchResult) => Promise<void>;
}

/** One matmul measurement. */
export interface MatmulResult {
  /** "MxNxK". */
  readonly shape: string;
  /** Layout, "NN", "NT" or "TN". */
  readonly form: string;
  /** Tile, "BMxBN/TMxTN/BK". */
  readonly tile: string;
  /** Achieved rate, GFLOP/s. */
  readonly gflops: number;
}

/** One plan's figures on one model. */
export interface StepFigures {
  /** Compute dispatches of one training step. */
  readonly dispatchesPerStep: number;
  /** Dispatches of one transformer block (forward and backward). */
  readonly dispatchesPerLayer: number;
  /** Dispatches outside the blocks (embedding, head, loss, clip, AdamW). */
  readonly dispatchesOutsideLayers: number;
  /** Time of one optimizer step, milliseconds (the best of 3 rounds, alternating with the other plan). */
  readonly stepMs: number;
  /** Training throughput, tokens per second. */
  readonly tokensPerSecond: number;
  /** Achieved training FLOP/s (6N + attention count), GFLOP/s. */
  readonly gflops: number;
  /** Achieved over the best measured matmul rate (model FLOPs utilisation), fraction. */
  readonly mfu: number;
  /** Achieved over the adapter's nominal f32 peak, fraction; null when the peak is not known. */
  readonly mfuNominal: number | null;
  /** Loss of the last timed step (nats/token), a sanity check. */
  readonly lastLoss: number;
}

/** One training measurement: a model, its fused plan and the unfused baseline on the same shapes. */
export interface TrainResult {
  /** Model label. */
  readonly model: string;
  /** Parameters (count). */
  readonly params: number;
  /** Model width. */
  readonly width: number;
  /** Transformer blocks. */
  readonly depth: number;
  /** Sequences per step. */
  readonly batch: number;
  /** Tokens per sequence. */
  readonly seqLen: number;
  /** The fused plan (the default). */
  readonly fused: StepFigures;
  /** The unfused plan (`fused: false`), the baseline. */
  readonly unfused: StepFigures;
  /** Unfused step time over fused step time (> 1: the fused plan is faster). */
  readonly speedup: number;
  /** Dispatch counts of the fused plan with the tiled flash attention (recorded, not timed). */
  readonly fusedFlash: DispatchCounts;
  /** Attention of the timed fused plan: "auto" (the default), or "dense" when flash is timed beside it. */
  readonly fusedAttention: "auto" | "dense";
  /** The fused plan with the tiled flash attention, timed (null unless `BenchOptions.flash`). */
  readonly flash: StepFigures | null;
  /** The model's full configuration (what bench/torch_baseline.py --shapes reads). */
  readonly config: ModelConfig;
}

/** Everything `benchKernels` measured. */
export interface BenchResult {
  /** Adapter identity. */
  readonly adapter: string;
  /** Matmul measurements. */
  readonly matmul: MatmulResult[];
  /** Plain TypeScript matmul rate on this machine, GFLOP/s. */
  readonly cpuGflops: number;
  /** Best GPU matmul rate, GFLOP/s. */
  readonly peakGflops: number;
  /** The adapter's nominal f32 peak, GFLOP/s, or null when not known (software rasterisers). */
  readonly nominalGflops: number | null;
  /** The optional features' known-answer checks (the kernels still compute in f32). */
  readonly features: readonly FeatureCheck[];
  /** Training measurements. */
  readonly train: TrainResult[];
}

function tileName(t: MatmulTile): string {
  return `${t.bm}x${t.bn}/${t.tm}x${t.tn}/${t.bk}`;
}

/** Returns the rate (GFLOP/s) of a plain TypeScript f32 matmul (i-k-j loops) of shape m×n×k. */
export function cpuMatmulGflops(m: number, n: number, k: number): number {
  const a = new Float32Array(m * k).map((_, i) => (i % 7) * 0.1);
  const b = new Float32Array(k * n).map((_, i) => (i % 5) * 0.1);
  const c = new Float32Array(m * n);
  const t0 = performance.now();
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      const bo = p * n, co = i * n;
      for (let j = 0; j < n; j++) c[co + j] += av * b[bo + j];
    }
  }
  const s = (performance.now() - t0) / 1000;
  return (2 * m * n * k) / s / 1e9;
}

async function timeGpu(ctx: GpuContext, run: () => void, minSeconds: number): Promise<number> {
  run();
  await ctx.device.queue.onSubmittedWorkDone();
  let reps = 1, elapsed = 0;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    await ctx.device.queue.onSubmittedWorkDone();
    elapsed = (performance.now() - t0) / 1000;
    if (elapsed >= minSeconds || reps >= 1 << 12) break;
    reps *= Math.max(2, Math.min(8, Math.ceil(minSeconds / Math.max(elapsed, 1e-4))));
  }
  await ctx.check();
  return elapsed / reps;
}

async function benchMatmul(
  ctx: GpuContext,
  m: number,
  n: number,
  k: number,
  form: string,
  tile: MatmulTile,
  minSeconds: number,
): Promise<number> {
  const fill = (len: number) => new Float32Array(len).map((_, i) => ((i * 37) % 101) / 101 - 0.5);
  const a = ctx.upload("bench A", fill(m * k)), b = ctx.upload("bench B", fill(k * n));
  const c = ctx.storage("bench C", m * n);
  const d = matmulDispatch(ctx, a, b, c, { m, n, k, transA: form[0] === "T", transB: form[1] === "T", tile });
  const inner = 4;
  const seconds = await timeGpu(ctx, () => ctx.run("bench matmul", Array(inner).fill(d).flat()), minSeconds);
  [a, b, c].forEach((x) => x.destroy());
  return (2 * m * n * k * inner) / seconds / 1e9;
}

function model(vocab: number, width: number, depth: number, headSize: number, seqLen: number): ModelConfig {
  return {
    vocabSize: vocab,
    width,
    depth,
    headSize,
    gqaRatio: 2,
    mlpRatio: 4,
    seqLen,
    ropeTheta: 10000,
    normEps: 1e-6,
  };
}

/**
 * The benchmark's models by name: model config and sequences per step. "tiny", "small" and "medium" are the
 * llvmpipe ("cpu") profile's, "8M", "10M" and "48M" the GPU profile's (vocabulary 8192-16384, batch 16-32 ×
 * 256-512 tokens; "10M" is the model the PyTorch comparison is quoted for).
 */
export const BENCH_MODELS: Readonly<Record<string, readonly [ModelConfig, number]>> = {
  tiny: [model(256, 32, 2, 16, 32), 4],
  small: [model(512, 64, 2, 16, 64), 4],
  medium: [model(1024, 128, 2, 32, 64), 4],
  "8M": [model(8192, 256, 4, 64, 256), 32],
  "10M": [model(8192, 256, 6, 64, 512), 16],
  "48M": [model(16384, 512, 8, 64, 512), 16],
};

/** Returns the named models of {@link BENCH_MODELS}; throws naming the unknown name and the valid ones. */
export function benchModels(names: readonly string[]): [string, ModelConfig, number][] {
  return names.map((name) => {
    const m = BENCH_MODELS[name];
    if (m === undefined) {
      throw new Error(`bench: unknown model "${name}"; valid: ${Object.keys(BENCH_MODELS).join(", ")}`);
    }
    return [name, m[0], m[1]];
  });
}

/** Writes a `benchKernels` result as JSON to `path` (a temporary file renamed into place). */
export async function writeBenchJson(path: string, result: BenchResult): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(result, null, 2) + "\n");
}

/** Returns the nominal f32 peak (GFLOP/s) of an adapter from `NOMINAL_F32_PEAKS`, or null. */
export function nominalGflops(identity: string): number | null {
  const hit = NOMINAL_F32_PEAKS.find((p) => p.match.test(identity));
  return hit ? hit.tflops * 1000 : null;
}

/** Runs the benchmark and prints one line per figure; returns every measurement. */
export async function benchKernels(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? console.log;
  const ctx = await GpuContext.create({ features: OPTIONAL_FEATURES });
  const info = ctx.identity;
  const profile = options.profile ?? (isSoftwareAdapter(info) ? "cpu" : "gpu");
  log(`adapter: ${info} (profile ${profile})`);
  for (const c of ctx.featureChecks) {
    log(
      `feature ${c.feature}: ${
        c.verified ? "verified" : c.offered ? "FAILED its check" : "not offered"
      } (${c.detail})`,
    );
  }
  const gpu = profile === "gpu";
  const quick = options.quick ?? false;
  const shapes: [number, number, number][] = quick
    ? [gpu ? [4096, 1024, 4096] : [256, 256, 256]]
    : gpu
    ? [[2048, 256, 1024], [2048, 512, 2048], [4096, 1024, 4096], [8192, 4096, 4096]]
    : [[129, 64, 96], [256, 256, 256]];
  const tiles = gpu && !quick
    ? [DEFAULT_TILE, WIDE_TILE, LARGE_TILE, { bm: 128, bn: 64, bk: 16, tm: 8, tn: 4 }]
    : [DEFAULT_TILE, WIDE_TILE];
  const minSeconds = gpu ? 0.3 : 0.5;
  const matmul: MatmulResult[] = [];
  for (const [m, n, k] of shapes) {
    for (const tile of tiles) {
      const g = await benchMatmul(ctx, m, n, k, "NN", tile, minSeconds);
      matmul.push({ shape: `${m}x${n}x${k}`, form: "NN", tile: tileName(tile), gflops: g });
      log(`matmul NN ${m}x${n}x${k} tile ${tileName(tile)}: ${g.toFixed(1)} GFLOP/s`);
    }
  }
  const [m1, n1, k1] = shapes[shapes.length - 1];
  const bestTile = tiles[
    tiles.findIndex((t) =>
      tileName(t) ===
        matmul.filter((r) => r.shape === `${m1}x${n1}x${k1}`).sort((a, b) => b.gflops - a.gflops)[0].tile
    )
  ];
  for (const form of ["NT", "TN"]) {
    const g = await benchMatmul(ctx, m1, n1, k1, form, bestTile, minSeconds);
    matmul.push({ shape: `${m1}x${n1}x${k1}`, form, tile: tileName(bestTile), gflops: g });
    log(`matmul ${form} ${m1}x${n1}x${k1} tile ${tileName(bestTile)}: ${g.toFixed(1)} GFLOP/s`);
  }
  const peak = Math.max(...matmul.map((r) => r.gflops));
  // the TypeScript matmul on a slice of rows of the middle shape, bounded to ~0.3 GFLOP
  const [, nc, kc] = shapes[Math.min(1, shapes.length - 1)];
  const mc = Math.max(1, Math.floor(3e8 / (2 * nc * kc)));
  const cpu = cpuMatmulGflops(mc, nc, kc);
  log(
    `plain TypeScript matmul ${mc}x${nc}x${kc}: ${cpu.toFixed(2)} GFLOP/s; best GPU / TS = ${
      (peak / cpu).toFixed(1)
    }x`,
  );

  const defaults = benchModels(gpu ? ["8M", "10M", "48M"] : ["tiny", "small", "medium"]);
  const models = options.models ? benchModels(options.models) : quick ? [defaults[1]] : defaults;
  const flashTimed = options.flash ?? false;
  const nominal = nominalGflops(info);
  const train: TrainResult[] = [];
  const result = (): BenchResult => ({
    adapter: info,
    matmul,
    cpuGflops: cpu,
    peakGflops: peak,
    nominalGflops: nominal,
    features: ctx.featureChecks,
    train: [...train],
  });
  for (const [name, cfg, batch] of models) {
    const tokens = new Int32Array(batch * (cfg.seqLen + 1)).map((_, i) => (i * 7919) % cfg.vocabSize);
    const opt = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };
    // both plans side by side, timed in alternating rounds (the best round of each), so that load on a
    // shared machine hits both alike
    const backends = [
      await createGpuBackend(cfg, { context: ctx, fused: false }),
      await createGpuBackend(cfg, {
        context: ctx,
        fused: true,
        ...(flashTimed ? { attention: "dense" } : {}),
      }),
      ...(flashTimed ? [await createGpuBackend(cfg, { context: ctx, fused: true, attention: "flash" })] : []),
    ];
    const planName = ["unfused", "fused", "fused flash"];
    const figures: StepFigures[] = [];
    try {
      for (const backend of backends) {
        const params = initParams(cfg, 1);
        await backend.setState({
          params,
          m: params.map((p) => new Float32Array(p.length)),
          v: params.map((p) => new Float32Array(p.length)),
          step: 0,
        });
        backend.trainStep(tokens, batch, opt);
        await backend.readTrainLosses();
      }
      const steps = gpu ? 20 : 3, rounds = 3;
      const best = backends.map(() => Infinity), last = backends.map(() => NaN);
      for (let round = 0; round < rounds; round++) {
        for (const [i, backend] of backends.entries()) {
          const t0 = performance.now();
          for (let s = 0; s < steps; s++) backend.trainStep(tokens, batch, opt);
          const { loss } = await backend.readTrainLosses();
          best[i] = Math.min(best[i], (performance.now() - t0) / 1000 / steps);
          last[i] = loss[loss.length - 1];
        }
      }
      for (const [i, backend] of backends.entries()) {
        const stepS = best[i];
        const tokensPerStep = batch * cfg.seqLen;
        const gflops = (trainFlopsPerToken(cfg) * tokensPerStep) / stepS / 1e9;
        const counts = backend.dispatchCounts(batch, cfg.seqLen);
        figures.push({
          dispatchesPerStep: counts.total,
          dispatchesPerLayer: counts.perLayer,
          dispatchesOutsideLayers: counts.outsideLayers,
          stepMs: stepS * 1000,
          tokensPerSecond: tokensPerStep / stepS,
          gflops,
          mfu: gflops / peak,
          mfuNominal: nominal === null ? null : gflops / nominal,
          lastLoss: last[i],
        });
        if (options.profileKernels) {
          const prof = await backend.profileStep(tokens, batch, opt, gpu ? 5 : 1);
          log(
            `  per-kernel time of one step (${name}, ${planName[i]}): ` +
              prof.map((p) => `${p.name} ${p.ms.toFixed(2)} ms`).join(", "),
          );
        }
      }
    } finally {
      backends.forEach((b) => b.destroy());
    }
    const [unfused, fused, flashFigures] = figures;
    const flash = await createGpuBackend(cfg, { context: ctx, attention: "flash" });
    const fusedFlash = flash.dispatchCounts(batch, cfg.seqLen);
    flash.destroy();
    const r: TrainResult = {
      model: name,
      params: parameterCount(cfg),
      width: cfg.width,
      depth: cfg.depth,
      batch,
      seqLen: cfg.seqLen,
      fused,
      unfused,
      speedup: unfused.stepMs / fused.stepMs,
      fusedFlash,
      fusedAttention: flashTimed ? "dense" : "auto",
      flash: flashFigures ?? null,
      config: cfg,
    };
    train.push(r);
    await options.onModel?.(result());
    const line = (f: StepFigures) =>
      `${f.dispatchesPerStep} dispatches (${f.dispatchesPerLayer}/layer + ${f.dispatchesOutsideLayers}), ` +
      `${f.stepMs.toFixed(1)} ms/step, ${f.tokensPerSecond.toFixed(0)} tokens/s, ${
        f.gflops.toFixed(1)
      } GFLOP/s, ` +
      `MFU ${(100 * f.mfu).toFixed(1)}% of measured matmul peak` +
      (f.mfuNominal === null ? "" : `, ${(100 * f.mfuNominal).toFixed(1)}% of nominal f32 peak`) +
      `, loss ${f.lastLoss.toFixed(3)}`;
    log(
      `train ${name} (${(r.params / 1e6).toFixed(2)}M params, width ${cfg.width}, depth ${cfg.depth}, ` +
        `batch ${batch}x${cfg.seqLen}):\n  fused${flashTimed ? " dense" : ""}:   ${line(fused)}\n` +
        `  unfused: ${line(unfused)}\n` +
        (r.flash ? `  fused flash: ${line(r.flash)}\n` : "") +
        `  unfused / fused step time: ${r.speedup.toFixed(2)}x; fused with flash attention: ` +
        `${fusedFlash.total} dispatches (${fusedFlash.perLayer}/layer + ${fusedFlash.outsideLayers})`,
    );
  }
  ctx.destroy();
  return result();
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      json: { type: "string" },
      profile: { type: "string" },
      kernels: { type: "boolean" },
      quick: { type: "boolean" },
      models: { type: "string" },
      flash: { type: "boolean" },
    },
  });
  const profile = values.profile;
  if (profile !== undefined && profile !== "cpu" && profile !== "gpu") {
    throw new Error(`bench: --profile must be "cpu" or "gpu", got "${profile}"`);
  }
  const result = await benchKernels({
    profile,
    profileKernels: values.kernels,
    quick: values.quick,
    models: values.models?.split(","),
    flash: values.flash,
    // the JSON after each model too, so that a run cut short keeps the models it finished
    onModel: values.json ? (partial) => writeBenchJson(values.json!, partial) : undefined,
  });
  if (values.json) await writeBenchJson(values.json, result);
}
