/**
 * Token embedding gather and its gradient. The gradient is deterministic and atomic-free: the host
 * groups positions by token (a counting sort, `tokenIndex`), and one invocation per (vocab row, column)
 * sums its positions' gradients in increasing position order.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, WG } from "./wgsl.ts";

const FORWARD = `
struct Params { rows: u32, width: u32, start: u32, count: u32, off: u32 }
@group(0) @binding(0) var<storage, read> table: array<f32>;
@group(0) @binding(1) var<storage, read> tokens: array<u32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.rows * p.width) { return; }
  let r = gi / p.width;
  let c = gi % p.width;
  let v = tokens[r] - p.start; // wraps around (large) for tokens below start
  if (v >= p.count) { return; }
  y[gi] = table[p.off + v * p.width + c];
}`;

const BACKWARD = `
struct Params { vocab: u32, width: u32, start: u32, off: u32 }
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> offsets: array<u32>;
@group(0) @binding(2) var<storage, read> positions: array<u32>;
@group(0) @binding(3) var<storage, read_write> dtable: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.vocab * p.width) { return; }
  let v = gi / p.width + p.start;
  let c = gi % p.width;
  var s = 0.0;
  for (var j = offsets[v]; j < offsets[v + 1u]; j++) { s += dy[positions[j] * p.width + c]; }
  dtable[p.off + gi] = s;
}`;

/**
 * Returns the CSR grouping of `tokens` by value: `offsets` `[vocab+1]` and `positions` `[tokens.length]`
 * (positions of token v are `positions[offsets[v] .. offsets[v+1])`, increasing). Throws on a token
 * outside [0, vocab), naming its position.
 */
export function tokenIndex(
  tokens: Int32Array,
  vocab: number,
): { offsets: Uint32Array; positions: Uint32Array } {
  const offsets = new Uint32Array(vocab + 1);
  for (let r = 0; r < tokens.length; r++) {
    const t = tokens[r];
    if (!(t >= 0 && t < vocab)) {
      throw new Error(`tokens: token ${t} at position ${r} is outside [0, ${vocab})`);
    }
    offsets[t + 1]++;
  }
  for (let v = 0; v < vocab; v++) offsets[v + 1] += offsets[v];
  const fill = offsets.slice(0, vocab);
  const positions = new Uint32Array(tokens.length);
  for (let r = 0; r < tokens.length; r++) positions[fill[tokens[r]]++] = r;
  return { offsets, positions };
}

/** A block of consecutive vocabulary rows `[start, start + count)` held in one buffer. */
export interface VocabRange {
  /** First token id of the block. */
  readonly start: number;
  /** Number of token ids in the block. */
  readonly count: number;
}

/**
 * Records `y[r, :] = table[tokens[r], :]` for `rows` tokens (u32 buffer) and a `[vocab, width]` table.
 * With `o.range`, `table` holds only rows `[start, start + count)` (`[count, width]`) and only the tokens in
 * that range are written; one dispatch per block of a partition then fills every row.
 */
export function embeddingForward(
  ctx: GpuContext,
  b: { table: GPUBuffer; tokens: GPUBuffer; y: GPUBuffer },
  o: {
    /** Tokens (rows of y). */
    readonly rows: number;
    /** Values per row (model width). */
    readonly width: number;
    /** The vocabulary rows `table` holds (default: all). */
    readonly range?: VocabRange;
    /** Element offset of the table in its buffer, floats (default 0). */
    readonly tableOffset?: number;
  },
): Dispatch {
  const { rows, width } = o, range = o.range ?? { start: 0, count: 0xffffffff };
  const p = ctx.uniform("embedding_forward", [
    u32(rows),
    u32(width),
    u32(range.start),
    u32(range.count),
    u32(o.tableOffset ?? 0),
  ]);
  return ctx.dispatch(
    "embedding_forward",
    FORWARD,
    [b.table, b.tokens, b.y, p],
    grid1d(Math.ceil(rows * width / WG)),
  );
}

/**
 * Records `dtable[v − start, :] = Σ_{r: tokens[r]=v} dy[r, :]` for `v` in `[start, start + vocab)` from the
 * `tokenIndex` buffers (overwrites dtable, `[vocab, width]`; `start` 0 covers a whole table).
 */
export function embeddingBackward(
  ctx: GpuContext,
  b: { dy: GPUBuffer; offsets: GPUBuffer; positions: GPUBuffer; dtable: GPUBuffer },
  o: {
    /** Vocabulary rows of dtable. */
    readonly vocab: number;
    /** Values per row (model width). */
    readonly width: number;
    /** Token id of dtable's first row (default 0). */
    readonly start?: number;
    /** Element offset of dtable in its buffer, floats (default 0). */
    readonly dtableOffset?: number;
  },
): Dispatch {
  const { vocab, width } = o, start = o.start ?? 0;
  const p = ctx.uniform("embedding_backward", [u32(vocab), u32(width), u32(start), u32(o.dtableOffset ?? 0)]);
  return ctx.dispatch(
    "embedding_backward",
    BACKWARD,
    [b.dy, b.offsets, b.positions, b.dtable, p],
    grid1d(Math.ceil(vocab * width / WG)),
  );
}
