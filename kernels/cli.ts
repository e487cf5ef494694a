/**
 * `deno task train`: train one model on a prepared corpus with the WebGPU or the float64 reference
 * backend, writing `log.jsonl`, `config.json` and checkpoints into `--out`.
 *
 * Exit status: 0 done, 1 error, 2 bad usage, 3 diverged, 130 interrupted. SIGINT, SIGTERM and SIGUSR1
 * (what `timeout`, `kill`, systemd and batch schedulers send, SIGUSR1 as a warning ahead of a time limit)
 * are all handled alike: the loop stops at the next step boundary, writes a checkpoint, says so, and the
 * process exits 130 whichever of the three it was; `--resume` continues bit-identically.
 * @module
 */

import {
  describeError,
  EXIT_FAILURE,
  EXIT_USAGE,
  helpHint,
  parseFlags,
  UsageError,
  userPath,
} from "../cli/mod.ts";
import type { Backend, ModelConfig } from "./types.ts";
import { initParams } from "./init.ts";
import { type BackendName, backendOf, isBackendName } from "./backend_of.ts";
import {
  peakLearningRate,
  resolveTrainConfig,
  type ScheduleKind,
  type TrainConfig,
  type TrainConfigInput,
} from "./train/config.ts";
import { openCorpus } from "./train/data.ts";
import { train, type TrainResult } from "./train/loop.ts";

import { CHECKPOINT_JSON } from "./train/checkpoint.ts";
import type { StepRecord } from "./train/log.ts";
import {
  describeThroughput,
  formatDuration,
  type ThroughputEstimate,
  ThroughputMeter,
} from "./train/throughput.ts";
import { exists } from "../util/fs.ts";

/** Usage text printed by --help. */
export const TRAIN_USAGE = `usage: deno task train --corpus DIR --out DIR [options]

Trains a Gemstones-style decoder (seed 002 §3) on a corpus made by kernels/data/prepare.ts.
Writes DIR/log.jsonl (one JSON line per logged step, then {"event":"done"} or "diverged"),
DIR/config.json and DIR/checkpoint.{bin,json}.

  --config FILE            JSON TrainConfig (partial; flags below override it)
  --corpus DIR             corpus folder (train.bin/.json, val.bin/.json); an associative-recall
                           set (prepare --source mqar) trains on whole examples, with loss and
                           accuracy at the answers only (--seq-len must be its T)
  --out DIR                run folder
  --backend gpu|reference  compute backend (default gpu)
  --resume                 continue from the checkpoint in --out (required if one exists; an error
                           if there is none); without --config, the run's own --out/config.json is
                           the base config
  --width N --depth N --head-size N --seq-len N --vocab-size N
  --mixer softmax|window|taylor|power
                           sequence mixer (default softmax; docs/training.md#mixers); replaces the
                           config file's mixer; its knob: --window N (window), --feature-dim N (q/k
                           size per head of taylor and power), --power N (even power p of power)
  --batch-size N           sequences per step (default 8)
  --tokens N | --steps N   run length (tokens are rounded up to whole steps)
  --lr-base X              lr = X / (width · sqrt(depth)) (default 5)
  --warmup-tokens N        linear warm-up (default 5 % of the run)
  --schedule constant|cosine
  --cooldown-fraction F    linear cooldown to zero over the last fraction F of the steps
  --seed N                 init and data seed (default 0)
  --log-every N            read back losses and log every N steps (default 10)
  --eval-every-tokens N    validation loss every N tokens (default: at the end only)
  --eval-batches N         fixed validation batches per evaluation (default 4)
  --checkpoint-every N     checkpoint every N steps (default: at the end only)
  --spike-factor X         diverged when loss > X × running minimum (default 3)
  --quiet                  no progress lines
  --help                   this text

SIGINT, SIGTERM and SIGUSR1 stop the run at the next step: a checkpoint is written, then it exits 130.

Exit status: 0 done, 1 error, 2 bad usage, 3 diverged, 130 interrupted by a signal (checkpoint written).`;

/** Exit status after SIGINT, SIGTERM or SIGUSR1: the run stopped and wrote a checkpoint first. */
export const EXIT_INTERRUPTED = 130;

/** Signals that stop a run with a checkpoint (each handled like Ctrl-C). */
export const STOP_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGUSR1"];

/** What the command line asks for. */
export interface TrainArgs {
  /** Partial config: the --config file merged with the flags. */
  readonly config: TrainConfigInput;
  /** Where the config came from, for error messages. */
  readonly where: string;
  /** Run folder. */
  readonly out: string;
  /** Backend name. */
  readonly backend: BackendName;
  /** Whether to resume from a checkpoint. */
  readonly resume: boolean;
  /** Suppress progress lines. */
  readonly quiet: boolean;
}

const INT_FLAGS: Record<string, [keyof TrainConfigInput | `model.${string}` | "divergence.spikeFactor"]> = {
  "width": ["model.width"],
  "depth": ["model.depth"],
  "head-size": ["model.headSize"],
  "seq-len": ["model.seqLen"],
  "vocab-size": ["model.vocabSize"],
  "batch-size": ["batchSize"],
  "tokens": ["totalTokens"],
  "steps": ["steps"],
  "warmup-tokens": ["warmupTokens"],
  "seed": ["seed"],
  "log-every": ["logEvery"],
  "eval-every-tokens": ["evalEveryTokens"],
  "eval-batches": ["evalBatches"],
  "checkpoint-every": ["checkpointEvery"],
  "window": ["model.mixer.window"],
  "feature-dim": ["model.mixer.featureDim"],
  "power": ["model.mixer.power"],
};
const NUM_FLAGS: Record<string, string> = {
  "lr-base": "lrBase",
  "cooldown-fraction": "cooldownFraction",
  "spike-factor": "divergence.spikeFactor",
};

function parseNumber(flag: string, text: string, integer: boolean): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new Error(`--${flag}: expected ${integer ? "an integer" : "a number"}, got "${text}"`);
  }
  return v;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== "object" || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

/** Returns the parsed command line, or null when --help was asked for. Throws on bad usage. */
export async function parseTrainArgs(args: string[]): Promise<TrainArgs | null> {
  const options: Record<string, { type: "string" | "boolean" }> = {
    config: { type: "string" },
    corpus: { type: "string" },
    out: { type: "string" },
    backend: { type: "string" },
    schedule: { type: "string" },
    mixer: { type: "string" },
    resume: { type: "boolean" },
    quiet: { type: "boolean" },
  };
  for (const f of [...Object.keys(INT_FLAGS), ...Object.keys(NUM_FLAGS)]) options[f] = { type: "string" };
  const parsed = parseFlags("train", args, options);
  if (parsed.values.help) return null;
  // Paths the user typed resolve against the folder the command was typed in (INIT_CWD under deno task).
  const values = { ...parsed.values } as Record<string, string | boolean | undefined>;
  for (const f of ["config", "corpus", "out"]) {
    if (typeof values[f] === "string") values[f] = userPath(values[f] as string);
  }
  let config: Record<string, unknown> = {};
  let where = "command line";
  let configFile = typeof values.config === "string" ? values.config : undefined;
  // `--resume --out DIR` alone continues with the config the run wrote into DIR/config.json.
  const saved = typeof values.out === "string" ? `${values.out}/config.json` : undefined;
  if (configFile === undefined && values.resume === true && saved !== undefined && (await exists(saved))) {
    configFile = saved;
  }
  if (configFile !== undefined) {
    where = configFile;
    let text: string;
    try {
      text = await Deno.readTextFile(configFile);
    } catch (e) {
      throw new Error(`${configFile}: cannot read config: ${(e as Error).message}`);
    }
    try {
      config = JSON.parse(text);
    } catch (e) {
      throw new Error(`${configFile}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new Error(`${configFile}: must hold a JSON object`);
    }
    where += " + flags";
  }
  if (typeof values.mixer === "string") setPath(config, "model.mixer", { kind: values.mixer });
  for (const [flag, [path]] of Object.entries(INT_FLAGS)) {
    const v = values[flag];
    if (typeof v === "string") setPath(config, path, parseNumber(flag, v, true));
  }
  for (const [flag, path] of Object.entries(NUM_FLAGS)) {
    const v = values[flag];
    if (typeof v === "string") setPath(config, path, parseNumber(flag, v, false));
  }
  if (typeof values.corpus === "string") config.corpus = values.corpus;
  if (typeof values.schedule === "string") config.schedule = values.schedule as ScheduleKind;
  if (typeof values.out !== "string") throw new UsageError("train: --out DIR is required", helpHint("train"));
  const backend = values.backend ?? "gpu";
  if (!isBackendName(backend)) {
    throw new Error(`--backend: expected "gpu" or "reference", got "${backend}"`);
  }
  return {
    config: config as TrainConfigInput,
    where,
    out: values.out,
    backend,
    resume: values.resume === true,
    quiet: values.quiet === true,
  };
}

function progressLine(cfg: TrainConfig, r: StepRecord, e: ThroughputEstimate | null): string {
  const val = (r.val_loss !== undefined ? `  val ${r.val_loss.toFixed(4)}` : "") +
    (r.val_accuracy !== undefined ? `  val acc ${r.val_accuracy.toFixed(3)}` : "");
  return `step ${r.step}/${cfg.steps}  loss ${r.train_loss.toFixed(4)}${val}  lr ${r.lr.toExponential(2)}  ` +
    `|g| ${r.grad_norm.toFixed(3)}  ${Math.round(r.tokens_per_s)} tok/s  ${
      (r.flops_per_s / 1e9).toFixed(3)
    } GFLOP/s` + (e === null ? "" : `  ${formatDuration(e.remainingSeconds)} left`);
}

/** Returns the progress printer of a run: each log line, and the measured estimate once it is known. */
function progressPrinter(cfg: TrainConfig): (r: StepRecord) => void {
  const meter = new ThroughputMeter(cfg.totalTokens);
  let told = false;
  return (r) => {
    const e = meter.add(r);
    console.log(progressLine(cfg, r, e));
    if (e !== null && !told) {
      told = true;
      console.log(`train: ${describeThroughput(e)}`);
    }
  };
}

function summary(res: TrainResult): string {
  const f = (x: number | null) => (x === null ? "n/a" : x.toFixed(4));
  return `${res.status}: ${res.steps} steps, ${res.tokens} tokens, train loss ${f(res.finalTrainLoss)}, ` +
    `val loss ${f(res.finalValLoss)}` +
    (res.finalValAccuracy !== undefined ? `, val accuracy ${f(res.finalValAccuracy)}` : "") +
    `, ${res.seconds.toFixed(1)} s` +
    (res.resumedFrom > 0 ? ` (resumed at step ${res.resumedFrom})` : "") +
    (res.reason ? `; ${res.reason}` : "") +
    (res.status === "aborted" ? "; checkpoint written, continue with --resume" : "");
}

/** Makes the backend a run trains with, from its name and model. */
export type BackendMaker = (name: BackendName, model: ModelConfig) => Promise<Backend>;

/** Runs the command line; returns the process exit status (see module doc). */
export function main(args: string[]): Promise<number> {
  return runTrainCommand(args, backendOf);
}

/**
 * Runs the command line with the backend made by `makeBackend` (`main` passes `backendOf`; a test entry
 * module passes a wrapper of it that poisons or slows the steps); returns the process exit status.
 */
export async function runTrainCommand(args: string[], makeBackend: BackendMaker): Promise<number> {
  let parsed: TrainArgs | null;
  let cfg: TrainConfig;
  try {
    parsed = await parseTrainArgs(args);
    if (parsed === null) {
      console.log(TRAIN_USAGE);
      return 0;
    }
    cfg = resolveTrainConfig(parsed.config, parsed.where);
  } catch (e) {
    const m = (e as Error).message;
    console.error(`${m.startsWith("train: ") ? "" : "train: "}${m}\n${helpHint("train")}`);
    return EXIT_USAGE;
  }
  const a = parsed;
  let backend: Backend | null = null;
  const ac = new AbortController();
  let caught: Deno.Signal | null = null;
  const listeners = STOP_SIGNALS.map((sig) => {
    const onSignal = () => {
      if (caught !== null) return;
      caught = sig;
      console.error(`train: ${sig} received: stopping at the next step, writing a checkpoint first`);
      ac.abort();
    };
    Deno.addSignalListener(sig, onSignal);
    return [sig, onSignal] as const;
  });
  try {
    const ckptFile = `${a.out}/${CHECKPOINT_JSON}`;
    if (!a.resume && (await exists(ckptFile))) {
      throw new Error(`${ckptFile}: a checkpoint exists; pass --resume or use another --out`);
    }
    if (a.resume && !(await exists(ckptFile))) {
      throw new Error(
        `--resume: no checkpoint in ${a.out} (no ${CHECKPOINT_JSON}); nothing to resume. ` +
          `Run without --resume to start at step 0`,
      );
    }
    const corpus = await openCorpus(cfg.corpus, cfg.seed, cfg.model.vocabSize);
    backend = await makeBackend(a.backend, cfg.model);
    if (!a.quiet) {
      console.log(
        `train: ${backend.identity}; width ${cfg.model.width} depth ${cfg.model.depth}, ` +
          `${cfg.steps} steps × ${cfg.batchSize}×${cfg.model.seqLen} tokens, peak lr ${
            peakLearningRate(cfg).toExponential(3)
          }`,
      );
    }
    const res = await train(cfg, {
      backend,
      loader: corpus.data,
      outDir: a.out,
      initParams: (c) => initParams(c.model, c.seed),
      resume: a.resume,
      signal: ac.signal,
      onProgress: a.quiet ? undefined : progressPrinter(cfg),
    });
    console.log(summary(res));
    if (res.status === "aborted") {
      console.error(
        `train: stopped by ${caught ?? "a signal"} at step ${res.steps}; checkpoint ${ckptFile} written; ` +
          `exit ${EXIT_INTERRUPTED}`,
      );
    }
    return res.status === "done" ? 0 : res.status === "diverged" ? 3 : EXIT_INTERRUPTED;
  } catch (e) {
    console.error(`train: ${describeError(e, { write: "may write only inside the project folder" })}`);
    return EXIT_FAILURE;
  } finally {
    for (const [sig, onSignal] of listeners) Deno.removeSignalListener(sig, onSignal);
    backend?.destroy();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
