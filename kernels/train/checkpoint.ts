/**
 * Checkpoints of a training run: `checkpoint.bin` holds the parameters, then the AdamW first moments, then
 * the second moments, each tensor in `parameterSpecs` order as little-endian float32; `checkpoint.json`
 * holds the step, the config and its trajectory hash, the data loader's cursor and RNG state, the
 * loop's bookkeeping, and the SHA-256 and size of `checkpoint.bin`.
 *
 * Writing: both files are first written in full as `*.tmp` and synced; then `checkpoint.bin.tmp` is
 * renamed over `checkpoint.bin`, then `checkpoint.json.tmp` over `checkpoint.json`. A kill at any point
 * leaves either the previous pair intact, or the new binary with its complete `checkpoint.json.tmp`
 * beside it, which `readCheckpoint` recognises by the hash and finishes renaming.
 * @module
 */

import { type ModelConfig, parameterCount, parameterSpecs, type TrainState } from "../types.ts";
import type { TrainConfig } from "./config.ts";
import { exists, writeSynced } from "../../util/fs.ts";
import { sha256Hex } from "../../util/hex.ts";

/** Format tag of checkpoint.json. */
export const CHECKPOINT_FORMAT = "gemstones-trainer-checkpoint/1";

/** The loop's bookkeeping saved with a checkpoint so that a resumed run continues identically. */
export interface LoopState {
  /** Running minimum of the per-step train losses seen so far (nats/token; null before any). */
  readonly runningMinLoss: number | null;
  /** Train losses (nats/token) read back but not yet written to a log line. */
  readonly pendingLosses: number[];
  /** Pre-clip gradient norms matching `pendingLosses`. */
  readonly pendingGradNorms: number[];
  /** Wall-clock seconds spent training before this checkpoint (accumulated over resumes). */
  readonly elapsedSeconds: number;
}

/** The content of checkpoint.json. */
export interface CheckpointMeta {
  /** Always {@link CHECKPOINT_FORMAT}. */
  readonly format: string;
  /** Optimizer steps taken. */
  readonly step: number;
  /** Training tokens consumed (step · batchSize · seqLen). */
  readonly tokens: number;
  /** Trajectory hash of the config (see `trajectoryHash`). */
  readonly configHash: string;
  /** The full config of the run. */
  readonly config: TrainConfig;
  /** Identity of the backend that wrote it. */
  readonly backend: string;
  /** Data loader state (cursor and RNG), as the loader's `state()` returned it. */
  readonly loader: unknown;
  /** Loop bookkeeping. */
  readonly loop: LoopState;
  /** Byte length of checkpoint.bin. */
  readonly binBytes: number;
  /** Hex SHA-256 of checkpoint.bin. */
  readonly binSha256: string;
}

/** File names of a checkpoint inside a run folder. */
export const CHECKPOINT_BIN = "checkpoint.bin";
/** File name of the checkpoint metadata. */
export const CHECKPOINT_JSON = "checkpoint.json";

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function checkEndian(): void {
  if (!littleEndian) throw new Error("checkpoint: only little-endian hosts are supported");
}

/** The number of float32 values of one copy of the parameters (= of m, = of v); defined in `types.ts`. */
export { parameterCount };

/** Returns the bytes of checkpoint.bin for a state (params, m, v; float32 little-endian). */
export function encodeState(cfg: ModelConfig, state: TrainState): Uint8Array {
  checkEndian();
  const specs = parameterSpecs(cfg);
  const n = parameterCount(cfg);
  const out = new Float32Array(3 * n);
  let off = 0;
  for (const group of [state.params, state.m, state.v]) {
    if (group.length !== specs.length) {
      throw new Error(`checkpoint: state has ${group.length} tensors, expected ${specs.length}`);
    }
    group.forEach((t, i) => {
      const size = specs[i].shape.reduce((a, b) => a * b, 1);
      if (t.length !== size) {
        throw new Error(`checkpoint: tensor ${specs[i].name} has ${t.length} values, expected ${size}`);
      }
      out.set(t, off);
      off += size;
    });
  }
  return new Uint8Array(out.buffer);
}

/** Returns the state stored in checkpoint.bin bytes; `path` names the file in errors. */
export function decodeState(cfg: ModelConfig, bytes: Uint8Array, step: number, path: string): TrainState {
  checkEndian();
  const specs = parameterSpecs(cfg);
  const n = parameterCount(cfg);
  if (bytes.length !== 12 * n) {
    throw new Error(`${path}: ${bytes.length} bytes, expected ${12 * n} (3 × ${n} float32 values)`);
  }
  const all = new Float32Array(bytes.slice().buffer);
  let off = 0;
  const take = () =>
    specs.map((s) => {
      const size = s.shape.reduce((a, b) => a * b, 1);
      const t = all.slice(off, off + size);
      off += size;
      return t;
    });
  const params = take(), m = take(), v = take();
  return { params, m, v, step };
}

/**
 * Writes a checkpoint (binary and metadata) into `dir` with the crash-safe protocol of the module doc.
 * Returns the metadata written.
 */
export async function writeCheckpoint(
  dir: string,
  cfg: TrainConfig,
  configHash: string,
  backend: string,
  state: TrainState,
  loader: unknown,
  loop: LoopState,
): Promise<CheckpointMeta> {
  const bin = encodeState(cfg.model, state);
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    step: state.step,
    tokens: state.step * cfg.batchSize * cfg.model.seqLen,
    configHash,
    config: cfg,
    backend,
    loader,
    loop,
    binBytes: bin.length,
    binSha256: sha256Hex(bin),
  };
  const binPath = `${dir}/${CHECKPOINT_BIN}`, jsonPath = `${dir}/${CHECKPOINT_JSON}`;
  await writeSynced(`${binPath}.tmp`, bin);
  await writeSynced(`${jsonPath}.tmp`, new TextEncoder().encode(JSON.stringify(meta, null, 1) + "\n"));
  await Deno.rename(`${binPath}.tmp`, binPath);
  await Deno.rename(`${jsonPath}.tmp`, jsonPath);
  return meta;
}

async function readMeta(path: string): Promise<CheckpointMeta | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (meta?.format !== CHECKPOINT_FORMAT) {
    throw new Error(
      `${path}: field "format" must be "${CHECKPOINT_FORMAT}", got ${JSON.stringify(meta?.format)}`,
    );
  }
  for (const f of ["step", "binBytes"] as const) {
    if (!Number.isInteger(meta[f]) || meta[f] < 0) {
      throw new Error(`${path}: field "${f}" must be a non-negative integer, got ${JSON.stringify(meta[f])}`);
    }
  }
  return meta;
}

/**
 * Returns the last complete checkpoint in `dir` (metadata and state), or null when there is none.
 * Finishes an interrupted write (see module doc). Throws naming the file when the pair is inconsistent.
 */
export async function readCheckpoint(
  dir: string,
): Promise<{ meta: CheckpointMeta; state: TrainState } | null> {
  const binPath = `${dir}/${CHECKPOINT_BIN}`, jsonPath = `${dir}/${CHECKPOINT_JSON}`;
  if (!(await exists(binPath))) {
    if (await exists(jsonPath)) throw new Error(`${jsonPath}: present but ${binPath} is missing`);
    return null;
  }
  const bin = await Deno.readFile(binPath);
  const sha = sha256Hex(bin);
  let meta = await readMeta(jsonPath);
  if (meta === null || meta.binSha256 !== sha) {
    // Killed between the two renames: the new metadata is still in checkpoint.json.tmp.
    let pending: CheckpointMeta | null = null;
    try {
      pending = await readMeta(`${jsonPath}.tmp`);
    } catch {
      pending = null;
    }
    if (pending !== null && pending.binSha256 === sha) {
      await Deno.rename(`${jsonPath}.tmp`, jsonPath);
      meta = pending;
    } else if (meta === null) {
      throw new Error(`${jsonPath}: missing, and no complete ${CHECKPOINT_JSON}.tmp matches ${binPath}`);
    } else {
      throw new Error(`${binPath}: SHA-256 ${sha} does not match field "binSha256" of ${jsonPath}`);
    }
  }
  if (meta.binBytes !== bin.length) {
    throw new Error(
      `${binPath}: ${bin.length} bytes, but field "binBytes" of ${jsonPath} says ${meta.binBytes}`,
    );
  }
  return { meta, state: decodeState(meta.config.model, bin, meta.step, binPath) };
}
