/**
 * The training log `log.jsonl`: one JSON object per line. Step lines carry the numbers of one logged
 * step; the last line is an event (`done` or `diverged`). Lines are appended with a single write each;
 * on resume the log is cut back (atomically) to the lines the checkpoint covers.
 * @module
 */

import { exists, writeFileAtomic } from "../../util/fs.ts";

/** File name of the training log inside a run folder. */
export const LOG_FILE = "log.jsonl";

/** One logged step. Timing fields (`seconds`, `tokens_per_s`, `flops_per_s`) differ between runs. */
export interface StepRecord {
  /** Optimizer steps taken. */
  step: number;
  /** Training tokens consumed. */
  tokens: number;
  /** Mean train loss over the steps since the previous log line (nats/token). */
  train_loss: number;
  /** Train loss of this step alone (nats/token). */
  train_loss_last: number;
  /** Mean validation loss on the fixed held-out batches (nats/token), when evaluated at this step. */
  val_loss?: number;
  /**
   * Validation accuracy at the weighted targets (the answers of an associative-recall set: the weighted
   * fraction whose argmax is the target), when evaluated at this step on a set with weights.
   */
  val_accuracy?: number;
  /** Learning rate of this (the last) step. */
  lr: number;
  /** Mean pre-clip global gradient L2 norm over the steps since the previous log line. */
  grad_norm: number;
  /** Wall-clock seconds since the run started (summed over resumes). */
  seconds: number;
  /** Training throughput since the previous log line, evaluation and checkpoint time excluded (tokens/s). */
  tokens_per_s: number;
  /** Achieved training FLOP/s over the same window (tokens/s × FLOPs per token of flops.ts). */
  flops_per_s: number;
}

/** The final event of a run. */
export type EventRecord =
  | {
    event: "done";
    step: number;
    tokens: number;
    final_val_loss: number | null;
    /** Last validation accuracy, on a set with weights only. */
    final_val_accuracy?: number | null;
  }
  | { event: "diverged"; reason: string; step: number; tokens: number };

/** Any log line. */
export type LogRecord = StepRecord | EventRecord;

/** Fields of a step record that depend on wall-clock time. */
export const TIMING_FIELDS = ["seconds", "tokens_per_s", "flops_per_s"] as const;

/** Appends one record as a JSON line to `path`. */
export async function appendLog(path: string, record: LogRecord): Promise<void> {
  const f = await Deno.open(path, { append: true, create: true });
  try {
    const bytes = new TextEncoder().encode(JSON.stringify(record) + "\n");
    let off = 0;
    while (off < bytes.length) off += await f.write(bytes.subarray(off));
  } finally {
    f.close();
  }
}

/** Returns the records of a log file; throws naming the file and line on malformed JSON. */
export async function readLog(path: string): Promise<LogRecord[]> {
  const text = await Deno.readTextFile(path);
  const lines = text.split("\n");
  const out: LogRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      throw new Error(`${path}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
  });
  return out;
}

/**
 * Rewrites `path` (atomically) keeping only the complete step lines with `step <= lastStep`; drops event
 * lines and a torn last line. Returns the number of lines kept. A missing file becomes an empty one.
 */
export async function truncateLog(path: string, lastStep: number): Promise<number> {
  if (!(await exists(path))) {
    await writeFileAtomic(path, "", { sync: true });
    return 0;
  }
  const text = await Deno.readTextFile(path);
  const kept: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let rec: LogRecord;
    try {
      rec = JSON.parse(line);
    } catch {
      continue; // a torn line from a killed write
    }
    if (!("event" in rec) && rec.step <= lastStep) kept.push(line);
  }
  await writeFileAtomic(path, kept.map((l) => l + "\n").join(""), { sync: true });
  return kept.length;
}
