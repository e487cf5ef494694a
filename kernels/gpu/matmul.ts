/**
 * Tiled matrix product `C (+)= op(A) · op(B)` in WGSL, with the transposed forms the backward pass
 * needs read in place (no transpose is materialised):
 * - NN: `C[M,N] = A[M,K] · B[K,N]` (forward `y = x·W`);
 * - NT: `C[M,N] = A[M,K] · B[N,K]ᵀ` (input gradient `dx = dy·Wᵀ`);
 * - TN: `C[M,N] = A[K,M]ᵀ · B[K,N]` (weight gradient `dW = xᵀ·dy`).
 * Each workgroup computes a BM×BN tile of C, staging BK-deep slices of A and B in double-buffered
 * workgroup memory (as vec4 rows; one barrier per slice, the next slice's global loads issued into
 * registers before the current one is multiplied out); each invocation accumulates a TM×TN register
 * block held in fully unrolled vec4 variables, its rows and columns strided across the tile so that
 * neighbouring invocations read neighbouring vec4s. Operands stored contiguous along K are written
 * transposed into padded rows (no bank conflicts). When the output has few tiles and K is long (weight gradients), K is split over
 * `splitK` workgroup layers writing partial products to a scratch buffer, summed afterwards in a fixed
 * order. Every sum runs in a fixed order, so results are deterministic. Shapes need not be multiples of
 * the tile (bounds are checked). `multiMatmulDispatch` runs up to three products in one dispatch (side by
 * side, summed, or as a GEGLU gate/up pair), each with the plain kernel's inner loop and hence its bits.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { f32, grid1d, u32 } from "./context.ts";
import { ENTRY, GLOBAL_INDEX, WG } from "./wgsl.ts";
import { gegluBackwardWgsl, gegluWgsl, GELU_WGSL } from "./geglu.ts";

/** Tile configuration of the matmul kernel. Threads per workgroup = (BM/TM)·(BN/TN); TM, TN multiples of 4. */
export interface MatmulTile {
  /** Rows of C per workgroup. */
  readonly bm: number;
  /** Columns of C per workgroup. */
  readonly bn: number;
  /** Depth of one staged slice. */
  readonly bk: number;
  /** Rows of C per invocation. */
  readonly tm: number;
  /** Columns of C per invocation. */
  readonly tn: number;
}

/** Default tile: 64×64 per workgroup, 4×4 per invocation (256 invocations), 16-deep slices. */
export const DEFAULT_TILE: MatmulTile = { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 };

/** Wide tile: 64×128 per workgroup, 4×8 per invocation, 16-deep slices. */
export const WIDE_TILE: MatmulTile = { bm: 64, bn: 128, bk: 16, tm: 4, tn: 8 };

/** Large tile for big products on discrete GPUs: 128×128, 8×8 per invocation, 8-deep slices. */
export const LARGE_TILE: MatmulTile = { bm: 128, bn: 128, bk: 8, tm: 8, tn: 8 };

/** Tall tile: 128×64 per workgroup, 8×4 per invocation, 16-deep slices. */
export const TALL_TILE: MatmulTile = { bm: 128, bn: 64, bk: 16, tm: 8, tn: 4 };

/** Big tile: 128×128 per workgroup, 8×8 per invocation, 16-deep slices (about 33 KB of workgroup memory). */
export const BIG_TILE: MatmulTile = { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 };

/**
 * Tiles the backend's tuner times per product. All are 16 deep, so that a product's K slices, and hence
 * every bit of its result, are the same whichever of them runs.
 */
export const TUNE_TILES: readonly MatmulTile[] = [DEFAULT_TILE, WIDE_TILE, TALL_TILE, BIG_TILE];

/** Operand layout and accumulation of one matmul call. */
export interface MatmulSpec {
  /** Rows of C. */
  readonly m: number;
  /** Columns of C. */
  readonly n: number;
  /** Inner dimension. */
  readonly k: number;
  /** A is stored `[K, M]` (use its transpose). */
  readonly transA?: boolean;
  /** B is stored `[N, K]` (use its transpose). */
  readonly transB?: boolean;
  /** Add into C instead of overwriting it. */
  readonly accumulate?: boolean;
  /** A fused epilogue (see `MatmulEpilogue`; not with `accumulate`). */
  readonly epilogue?: MatmulEpilogue;
  /** Tile (default `DEFAULT_TILE`). */
  readonly tile?: MatmulTile;
  /** Number of K slices computed by separate workgroups (default 1; see `chooseSplitK`). */
  readonly splitK?: number;
  /** Scratch buffer of at least `splitK · m · n` floats (required when splitK > 1). */
  readonly scratch?: GPUBuffer;
  /** Row stride of A as stored (default: its column count). */
  readonly lda?: number;
  /** Row stride of B as stored (default: its column count). */
  readonly ldb?: number;
  /** Row stride of C (default n). */
  readonly ldc?: number;
  /** Element offset of A's first value in its buffer, floats (default 0; not with `batch`). */
  readonly offsetA?: number;
  /** Element offset of B's first value in its buffer, floats (default 0; not with `batch`). */
  readonly offsetB?: number;
  /** Element offset of C's first value in its buffer, floats (default 0; not with `batch`). */
  readonly offsetC?: number;
  /** Scale of the product: `C (+)= alpha · op(A)·op(B)` (default 1). */
  readonly alpha?: number;
  /** Batched product over `count = batches · heads` independent matrices (no K split then). */
  readonly batch?: MatmulBatch;
  /**
   * Causal structure of a square attention product (`m` rows of queries against `T` keys), used to skip
   * work whose result is unused or exactly zero (no split-K then):
   * - "skipUpper": output tiles entirely above the diagonal (column > row) are not computed (left as
   *   they were; the causal softmax ignores them);
   * - "kToRow": op(A)[i, j] = 0 for j > i (causal probabilities times V), so row tile r stops at K = its
   *   last row + 1;
   * - "kFromRow": op(A)[i, j] = 0 for j < i (their transposes), so row tile r starts at K = its first row.
   * Skipped terms are exact zeros added to a sum that starts at +0, so results are bit-identical.
   */
  readonly causal?: "skipUpper" | "kToRow" | "kFromRow";
}

const CAUSAL_CODE = { skipUpper: 1, kToRow: 2, kFromRow: 3 } as const;

/**
 * What the product's epilogue does with each value `y = alpha · (op(A)·op(B))[i]` (extra buffers share C's
 * indexing; each is bit-identical to the separate kernels it replaces):
 * - "residual": `C = r + y` (a copy of the residual stream and an accumulating product);
 * - "geglu": the up projection: `C = y` (up, kept for the backward) and `h = gelu_tanh(gate) · y`;
 * - "gegluBackward": dh of the down projection, never stored: C holds gate and `up` holds up, overwritten
 *   in place by dgate and dup (as `gegluBackward`).
 */
export type MatmulEpilogue =
  | { readonly kind: "residual"; readonly r: GPUBuffer }
  | { readonly kind: "geglu"; readonly gate: GPUBuffer; readonly h: GPUBuffer }
  | { readonly kind: "gegluBackward"; readonly up: GPUBuffer };

/** Kind of a matmul epilogue ("plain": overwrite or accumulate C). */
export type EpilogueKind = "plain" | MatmulEpilogue["kind"];

/** WGSL of an epilogue: extra bindings from `first` on, and the statements storing `value` at C[idx]. */
function epilogueWgsl(kind: EpilogueKind, first: number, value: string): { decl: string; store: string } {
  const bind = (i: number, name: string, access: string) =>
    `@group(0) @binding(${first + i}) var<storage, ${access}> ${name}: array<f32>;`;
  switch (kind) {
    case "plain":
      return {
        decl: "",
        store:
          `if (p.acc != 0u) { C[idx] = C[idx] + p.alpha * ${value}; } else { C[idx] = p.alpha * ${value}; }`,
      };
    case "residual":
      return { decl: bind(0, "R", "read"), store: `C[idx] = R[idx] + p.alpha * ${value};` };
    case "geglu":
      return {
        decl: `${bind(0, "G", "read")}\n${bind(1, "H", "read_write")}\n${GELU_WGSL}`,
        store: `let y = p.alpha * ${value}; C[idx] = y; let x = G[idx]; H[idx] = ${gegluWgsl("x", "y")};`,
      };
    case "gegluBackward":
      return {
        decl: `${bind(0, "U", "read_write")}\n${GELU_WGSL}`,
        store: `let d = p.alpha * ${value}; let x = C[idx]; let u = U[idx];\n  ${
          gegluBackwardWgsl("C[idx]", "U[idx]")
        }`,
      };
  }
}

function epilogueBuffers(e: MatmulEpilogue | undefined): GPUBuffer[] {
  if (!e) return [];
  if (e.kind === "residual") return [e.r];
  if (e.kind === "geglu") return [e.gate, e.h];
  return [e.up];
}

/**
 * Where matrix `(b, h)` of an operand starts: `b·batch + ((h·mul) / div + add)·head` floats (integer
 * division), so that grouped-query heads can share a kv matrix (`div = gqaRatio`).
 */
export interface OperandStrides {
  /** Stride between batches, floats. */
  readonly batch: number;
  /** Stride between heads, floats. */
  readonly head: number;
  /** Head index multiplier (default 1). */
  readonly mul?: number;
  /** Head index divisor (default 1). */
  readonly div?: number;
  /** Head index offset (default 0). */
  readonly add?: number;
}

/** A batch of `batches · heads` products with per-operand offsets. */
export interface MatmulBatch {
  /** Number of batches b. */
  readonly batches: number;
  /** Heads per batch h. */
  readonly heads: number;
  /** Offsets of A. */
  readonly a: OperandStrides;
  /** Offsets of B. */
  readonly b: OperandStrides;
  /** Offsets of C. */
  readonly c: OperandStrides;
}

function checkTile(t: MatmulTile): void {
  const ok = [t.bm, t.bn, t.bk, t.tm, t.tn].every((v) => Number.isInteger(v) && v > 0) &&
    t.bm % t.tm === 0 && t.bn % t.tn === 0 && t.tm % 4 === 0 && t.tn % 4 === 0 &&
    (t.bm / t.tm) * (t.bn / t.tn) <= 256 && (t.bm * t.bk) % ((t.bm / t.tm) * (t.bn / t.tn)) === 0 &&
    (t.bn * t.bk) % ((t.bm / t.tm) * (t.bn / t.tn)) === 0;
  if (!ok) {
    throw new Error(
      `matmul tile ${
        JSON.stringify(t)
      }: need bm%tm = bn%tn = tm%4 = tn%4 = 0, ≤ 256 threads dividing bm·bk and bn·bk`,
    );
  }
}

/** Returns the workgroup memory (bytes) the matmul kernel uses for a tile and operand layout. */
export function matmulSharedBytes(tile: MatmulTile, transA: boolean, transB: boolean): number {
  const rowA = tile.bm / 4 + (transA ? 0 : 1), rowB = tile.bn / 4 + (transB ? 1 : 0);
  return 2 * tile.bk * (rowA + rowB) * 16;
}

/** Names a tile loop reads: operand bindings, the column limit and the operands' row strides. */
interface TileNames {
  readonly A: string;
  readonly B: string;
  readonly N: string;
  readonly lda: string;
  readonly ldb: string;
}

/** The plain kernel's names. */
const PLAIN_NAMES: TileNames = { A: "A", B: "B", N: "p.N", lda: "p.lda", ldb: "p.ldb" };

/**
 * WGSL pieces of one workgroup's tile product (see the module doc): the workgroup arrays' sizes, the
 * accumulator declarations `c{r}_{j}`, the main loop over `[kBegin, kEnd)` (needs `row0`, `col0`, `iy`, `ix`,
 * `li`, `aOff`, `bOff`, `kBegin`, `kEnd` and `p.M` in scope) and, per accumulator value, its row and column.
 */
function tileCode(transA: boolean, transB: boolean, tile: MatmulTile, names: TileNames) {
  checkTile(tile);
  const { bm, bn, bk, tm, tn } = tile;
  const tx = bn / tn, ty = bm / tm, threads = tx * ty;
  const tm4 = tm / 4, tn4 = tn / 4;
  // An operand stored contiguous along K (A in NN, B in NT) is stored transposed into workgroup memory;
  // its rows are padded by one vec4 so that those scalar stores hit distinct banks.
  const kMajorA = !transA, kMajorB = transB;
  const sA = bm / 4 + (kMajorA ? 1 : 0), sB = bn / 4 + (kMajorB ? 1 : 0); // row strides, vec4 (see matmulSharedBytes)
  const sizeA = bk * sA, sizeB = bk * sB;
  // Inner product over one staged slice. Invocation (y, x) owns the vec4 row groups y, y + ty, … and
  // the column groups x, x + tx, …, so neighbouring invocations read neighbouring vec4s.
  const inner: string[] = [];
  for (let i = 0; i < tm4; i++) inner.push(`let a${i} = As[oa + kk * ${sA}u + ${i * ty}u];`);
  for (let j = 0; j < tn4; j++) inner.push(`let b${j} = Bs[ob + kk * ${sB}u + ${j * tx}u];`);
  for (let r = 0; r < tm; r++) {
    for (let j = 0; j < tn4; j++) {
      inner.push(`c${r}_${j} = fma(vec4f(a${r >> 2}[${r & 3}]), b${j}, c${r}_${j});`);
    }
  }
  const decl: string[] = [];
  for (let r = 0; r < tm; r++) for (let j = 0; j < tn4; j++) decl.push(`var c${r}_${j} = vec4f(0.0);`);
  /** Store statements: `row(r)` opens row r's guarded block, `put(r, j, e, col)` stores one value. */
  const store = (put: (r: number, j: number, e: number, col: string) => string): string[] => {
    const out: string[] = [];
    for (let r = 0; r < tm; r++) {
      out.push(`{ let gm = row0 + (iy + ${(r >> 2) * ty}u) * 4u + ${r & 3}u; if (gm < p.M) {`);
      for (let j = 0; j < tn4; j++) {
        for (let e = 0; e < 4; e++) out.push(`  ${put(r, j, e, `col0 + (ix + ${j * tx}u) * 4u + ${e}u`)}`);
      }
      out.push(`} }`);
    }
    return out;
  };
  // Global → register loads of the next slice (issued before the current slice is multiplied out).
  // K-contiguous operands: each run of 32 invocations reads 8 consecutive k of 4 rows (full 32-byte
  // sectors, distinct banks when stored transposed); the others read consecutive rows/columns.
  const pre: string[] = [], fetch: string[] = [], stash: string[] = [];
  const operand = (
    name: string,
    dim: number,
    kMajor: boolean,
    stride: number,
    limit: string,
    index: string,
    origin: string,
  ) => {
    const n = (dim * bk) / threads;
    for (let i = 0; i < n; i++) {
      const e = `(li + ${i * threads}u)`;
      let xk: string, xm: string;
      if (kMajor && bk % 8 === 0 && dim % 4 === 0) {
        xk = `(${e} / 32u % ${bk / 8}u * 8u + ${e} % 8u)`;
        xm = `(${e} / ${(32 * bk) / 8}u * 4u + ${e} % 32u / 8u)`;
      } else if (kMajor) {
        xk = `(${e} % ${bk}u)`;
        xm = `(${e} / ${bk}u)`;
      } else {
        xk = `(${e} / ${dim}u)`;
        xm = `(${e} % ${dim}u)`;
      }
      pre.push(`let ${name}K${i} = ${xk}; let ${name}M${i} = ${xm}; var r${name}${i} = 0.0;`);
      fetch.push(
        `{ let gm = ${origin} + ${name}M${i}; let gk = K0 + ${name}K${i}; r${name}${i} = 0.0;` +
          ` if (gm < ${limit} && gk < kEnd) { r${name}${i} = ${index}; } }`,
      );
      const buf = name === "a" ? "As" : "Bs";
      stash.push(
        `${buf}[o${name} + ${name}K${i} * ${stride}u + ${name}M${i} / 4u][${name}M${i} % 4u] = r${name}${i};`,
      );
    }
  };
  const { A, B, lda, ldb } = names;
  operand(
    "a",
    bm,
    kMajorA,
    sA,
    "p.M",
    transA ? `${A}[aOff + gk * ${lda} + gm]` : `${A}[aOff + gm * ${lda} + gk]`,
    "row0",
  );
  operand(
    "b",
    bn,
    kMajorB,
    sB,
    names.N,
    transB ? `${B}[bOff + gm * ${ldb} + gk]` : `${B}[bOff + gk * ${ldb} + gm]`,
    "col0",
  );
  const fetchAt = (k: string) => `{ let K0 = ${k};\n    ${fetch.join("\n    ")}\n  }`;
  // Double-buffered workgroup memory: slice s is read from buffer s % 2 while slice s + 1 is written
  // into the other one, so one barrier per slice suffices.
  const mainLoop = `${pre.join("\n  ")}
  ${fetchAt("kBegin")}
  {
    let oa = 0u; let ob = 0u;
    ${stash.join("\n    ")}
  }
  workgroupBarrier();
  var cur = 0u;
  for (var k0 = kBegin; k0 < kEnd; k0 += ${bk}u) {
    ${fetchAt(`k0 + ${bk}u`)}
    {
      let oa = cur * ${sizeA}u + iy; let ob = cur * ${sizeB}u + ix;
      for (var kk = 0u; kk < ${bk}u; kk++) {
        ${inner.join("\n        ")}
      }
    }
    cur = 1u - cur;
    {
      let oa = cur * ${sizeA}u; let ob = cur * ${sizeB}u;
      ${stash.join("\n      ")}
    }
    workgroupBarrier();
  }`;
  return { sizeA, sizeB, threads, tx, decl, mainLoop, store };
}

/** Returns the WGSL source of the matmul kernel for the given layout, tile and epilogue. */
export function matmulWgsl(
  transA: boolean,
  transB: boolean,
  tile: MatmulTile = DEFAULT_TILE,
  epilogue: EpilogueKind = "plain",
): string {
  const ep = epilogueWgsl(epilogue, 4, "v");
  const { bm, bn, bk } = tile;
  const { sizeA, sizeB, threads, tx, decl, mainLoop, store: storeOf } = tileCode(
    transA,
    transB,
    tile,
    PLAIN_NAMES,
  );
  const store = storeOf((r, j, e, col) => `put(gm, ${col}, c${r}_${j}[${e}]);`);
  return /* wgsl */ `
struct Params { M: u32, N: u32, K: u32, acc: u32, kChunk: u32, split: u32, heads: u32, lda: u32, ldb: u32,
  ldc: u32, alpha: f32, aB: u32, aH: u32, aMul: u32, aDiv: u32, aAdd: u32, bB: u32, bH: u32, bMul: u32, bDiv: u32,
  bAdd: u32, cB: u32, cH: u32, cMul: u32, cDiv: u32, cAdd: u32, causal: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
${ep.decl}
var<workgroup> As: array<vec4f, ${2 * sizeA}>;
var<workgroup> Bs: array<vec4f, ${2 * sizeB}>;

fn put(m: u32, n: u32, v: f32) {
  if (n >= p.N) { return; }
  if (p.split > 1u) { C[zoff + m * p.N + n] = v; return; }
  let idx = cOff + m * p.ldc + n;
  ${ep.store}
}
var<private> zoff: u32;
var<private> cOff: u32;

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) li: u32) {
  let row0 = wid.y * ${bm}u;
  let col0 = wid.x * ${bn}u;
  let iy = li / ${tx}u;
  let ix = li % ${tx}u;
  let slice = wid.z % p.split;
  let bi = wid.z / p.split;
  let bb = bi / p.heads;
  let hh = bi % p.heads;
  let aOff = bb * p.aB + ((hh * p.aMul) / p.aDiv + p.aAdd) * p.aH;
  let bOff = bb * p.bB + ((hh * p.bMul) / p.bDiv + p.bAdd) * p.bH;
  cOff = bb * p.cB + ((hh * p.cMul) / p.cDiv + p.cAdd) * p.cH;
  if (p.causal == 1u && col0 > row0 + ${bm - 1}u) { return; } // tile above the diagonal
  var kBegin = slice * p.kChunk;
  var kEnd = min(p.K, kBegin + p.kChunk);
  if (p.causal == 2u) { kEnd = min(kEnd, row0 + ${bm}u); }
  if (p.causal == 3u) { kBegin = max(kBegin, row0 / ${bk}u * ${bk}u); }
  zoff = slice * p.M * p.N;
  ${decl.join("\n  ")}
  ${mainLoop}
  ${store.join("\n  ")}
}
`;
}

function splitSumWgsl(epilogue: EpilogueKind): string {
  const ep = epilogueWgsl(epilogue, 3, "s");
  return `
struct Params { n: u32, split: u32, acc: u32, alpha: f32, cols: u32, ldc: u32, off: u32 }
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> C: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
${ep.decl}
${ENTRY} {
  ${GLOBAL_INDEX}
  if (gi >= p.n) { return; }
  var s = 0.0;
  for (var z = 0u; z < p.split; z++) { s += part[z * p.n + gi]; }
  var idx = p.off + gi;
  if (p.ldc != p.cols) { idx = p.off + gi / p.cols * p.ldc + gi % p.cols; }
  ${ep.store}
}`;
}

/**
 * Returns a K-split factor for a product whose output has few workgroup tiles: enough slices for about
 * `targetGroups` workgroups, each slice at least `minChunk` deep (1 means no split).
 */
export function chooseSplitK(
  spec: { m: number; n: number; k: number },
  tile: MatmulTile,
  targetGroups = 264,
  minChunk = 256,
): number {
  const tiles = Math.ceil(spec.m / tile.bm) * Math.ceil(spec.n / tile.bn);
  return Math.max(1, Math.min(Math.ceil(targetGroups / tiles), Math.floor(spec.k / minChunk), 32));
}

/** Throws, naming the kernel and tile, when a tile's staged operands exceed the adapter's workgroup memory. */
function checkWorkgroupMemory(
  ctx: GpuContext,
  name: string,
  tile: MatmulTile,
  ta: boolean,
  tb: boolean,
): void {
  const shared = matmulSharedBytes(tile, ta, tb);
  if (shared > ctx.limits.maxComputeWorkgroupStorageSize) {
    throw new Error(
      `${name}: tile ${
        JSON.stringify(tile)
      } needs ${shared} bytes of workgroup memory, above this adapter's ` +
        `maxComputeWorkgroupStorageSize ${ctx.limits.maxComputeWorkgroupStorageSize}`,
    );
  }
}

/** Records `C (+)= op(A)·op(B)` as reusable dispatches (one, or two with a K split). */
export function matmulDispatch(
  ctx: GpuContext,
  a: GPUBuffer,
  b: GPUBuffer,
  c: GPUBuffer,
  spec: MatmulSpec,
): Dispatch[] {
  const tile = spec.tile ?? DEFAULT_TILE;
  const ta = spec.transA ?? false, tb = spec.transB ?? false;
  const name = `matmul_${ta ? "T" : "N"}${tb ? "T" : "N"}`;
  const bt = spec.batch;
  const split = bt ? 1 : Math.max(1, Math.min(spec.splitK ?? 1, Math.ceil(spec.k / tile.bk)));
  // slices are a multiple of bk deep so that every slice but the last is full
  const kChunk = Math.ceil(Math.ceil(spec.k / split) / tile.bk) * tile.bk;
  const layers = Math.max(1, Math.ceil(spec.k / kChunk));
  if (spec.causal && layers > 1) throw new Error(`${name}: a causal product cannot be split over K`);
  const count = bt ? bt.batches * bt.heads : 1;
  const grid: [number, number, number] = [
    Math.ceil(spec.n / tile.bn),
    Math.ceil(spec.m / tile.bm),
    layers * count,
  ];
  const acc = spec.accumulate ? 1 : 0;
  if (bt && (spec.offsetA || spec.offsetB || spec.offsetC)) {
    throw new Error(`${name}: operand offsets are not supported with a batched product`);
  }
  const zero: OperandStrides = { batch: 0, head: 0 };
  // an unbatched product's operand offset is its (only) head's offset: head stride 1, head index `add`
  const at = (off?: number): OperandStrides => off ? { batch: 0, head: 1, add: off } : zero;
  const strides = (o: OperandStrides) => [
    u32(o.batch),
    u32(o.head),
    u32(o.mul ?? 1),
    u32(o.div ?? 1),
    u32(o.add ?? 0),
  ];
  const params = ctx.uniform(name, [
    u32(spec.m),
    u32(spec.n),
    u32(spec.k),
    u32(acc),
    u32(kChunk),
    u32(layers),
    u32(bt?.heads ?? 1),
    u32(spec.lda ?? (ta ? spec.m : spec.k)),
    u32(spec.ldb ?? (tb ? spec.k : spec.n)),
    u32(spec.ldc ?? spec.n),
    f32(spec.alpha ?? 1),
    ...strides(bt?.a ?? at(spec.offsetA)),
    ...strides(bt?.b ?? at(spec.offsetB)),
    ...strides(bt?.c ?? at(spec.offsetC)),
    u32(spec.causal ? CAUSAL_CODE[spec.causal] : 0),
  ]);
  checkWorkgroupMemory(ctx, name, tile, ta, tb);
  const kind: EpilogueKind = spec.epilogue?.kind ?? "plain";
  const extra = epilogueBuffers(spec.epilogue);
  if (spec.epilogue && (spec.accumulate || extra.includes(c))) {
    throw new Error(`${name}: a ${kind} epilogue needs buffers other than C and no accumulate`);
  }
  if (layers === 1) {
    return [ctx.dispatch(name, matmulWgsl(ta, tb, tile, kind), [a, b, c, params, ...extra], grid)];
  }
  if (!spec.scratch || spec.scratch.size < layers * spec.m * spec.n * 4) {
    throw new Error(
      `${name}: split-K ${layers} needs a scratch buffer of ${layers * spec.m * spec.n} floats`,
    );
  }
  const n = spec.m * spec.n;
  const p2 = ctx.uniform("matmul_split_sum", [
    u32(n),
    u32(layers),
    u32(acc),
    f32(spec.alpha ?? 1),
    u32(spec.n),
    u32(spec.ldc ?? spec.n),
    u32(spec.offsetC ?? 0),
  ]);
  return [
    ctx.dispatch(name, matmulWgsl(ta, tb, tile), [a, b, spec.scratch, params], grid),
    ctx.dispatch(
      "matmul_split_sum",
      splitSumWgsl(kind),
      [spec.scratch, c, p2, ...extra],
      grid1d(Math.ceil(n / WG)),
    ),
  ];
}

/**
 * How the products of one multi-product dispatch (`multiMatmulDispatch`) are combined:
 * - "grouped": side by side, each product its own output (its own column tiles of the grid), e.g. q, k
 *   and v from one normed input, or the weight gradients of wq, wk and wv;
 * - "summed": one output, the products added in order (`C = P0; C = C + P1; …`, the bits of an
 *   overwriting product followed by accumulating ones), e.g. `dx = dq·Wqᵀ + dk·Wkᵀ + dv·Wvᵀ`;
 * - "geglu": two products of one shape, gate and up: stores both (kept for the backward) and
 *   `h = gelu_tanh(gate) · up` (the bits of a gate product and an up product with the "geglu" epilogue).
 */
export type MultiMatmulKind = "grouped" | "summed" | "geglu";

/** Most products of one multi-product dispatch. */
export const MAX_PARTS = 3;

/** One product `C = op(A)·op(B)` of a multi-product dispatch (offsets and strides in floats). */
export interface MatmulPart {
  /** A operand. */
  readonly a: GPUBuffer;
  /** B operand. */
  readonly b: GPUBuffer;
  /** Output ("summed": the same for every part; "geglu": gate, then up). */
  readonly c: GPUBuffer;
  /** Columns of C. */
  readonly n: number;
  /** Inner dimension. */
  readonly k: number;
  /** Element offset of A's first value, floats (default 0). */
  readonly offsetA?: number;
  /** Element offset of B's first value, floats (default 0). */
  readonly offsetB?: number;
  /** Element offset of C's first value, floats (default 0). */
  readonly offsetC?: number;
  /** Row stride of A as stored (default: its column count). */
  readonly lda?: number;
  /** Row stride of B as stored (default: its column count). */
  readonly ldb?: number;
  /** Row stride of C (default n). */
  readonly ldc?: number;
}

/** The shared layout of a multi-product dispatch's parts. */
export interface MultiMatmulSpec {
  /** How the parts combine. */
  readonly kind: MultiMatmulKind;
  /** Rows of every C. */
  readonly m: number;
  /** A is stored `[K, M]` (every part). */
  readonly transA?: boolean;
  /** B is stored `[N, K]` (every part). */
  readonly transB?: boolean;
  /** Tile (default `DEFAULT_TILE`). */
  readonly tile?: MatmulTile;
  /** "geglu": the output `h`, laid out as the gate's C. */
  readonly h?: GPUBuffer;
}

/** Bindings of a multi-product kernel: `reads` read-only buffers, then `writes` outputs; per part its indices. */
interface MultiLayout {
  readonly kind: MultiMatmulKind;
  readonly reads: number;
  readonly writes: number;
  readonly parts: readonly { readonly a: number; readonly b: number; readonly c: number }[];
}

/**
 * Returns the WGSL of a multi-product kernel (see `MultiMatmulKind`): bindings `R0…` (read), `W0…`
 * (read_write; "geglu": gate, up, h), then the uniform. Each part's inner loop is the plain kernel's
 * (same k order, fused multiply-adds from +0), so each product's bits are those of `matmulWgsl` without a
 * K split.
 */
function multiMatmulWgsl(transA: boolean, transB: boolean, tile: MatmulTile, layout: MultiLayout): string {
  const { bm, bn } = tile;
  const { kind, parts } = layout;
  const count = parts.length;
  const blocks: string[] = [];
  let sizes = { sizeA: 0, sizeB: 0, threads: 0, tx: 0 };
  const saved: string[] = [];
  parts.forEach((part, i) => {
    const pc = `p.parts[${i}]`;
    const t = tileCode(transA, transB, tile, {
      A: `R${part.a}`,
      B: `R${part.b}`,
      N: `${pc}.N`,
      lda: `${pc}.lda`,
      ldb: `${pc}.ldb`,
    });
    sizes = t;
    let finish: string[];
    if (kind === "grouped") {
      finish = t.store((r, j, e, col) =>
        `{ let gn = ${col}; if (gn < ${pc}.N) { W${part.c}[${pc}.cOff + gm * ${pc}.ldc + gn] = c${r}_${j}[${e}]; } }`
      );
    } else if (i === 0) {
      finish = t.decl.map((d) => d.replace(/var c(\d+_\d+) = vec4f\(0\.0\);/, "s$1 = c$1;"));
      saved.push(...t.decl.map((d) => d.replace("var c", "var s")));
    } else if (kind === "summed") {
      finish = t.decl.map((d) => d.replace(/var c(\d+_\d+) = vec4f\(0\.0\);/, "s$1 = s$1 + c$1;"));
    } else {
      // geglu: s holds gate, c holds up
      finish = t.store((r, j, e, col) => `put2(gm, ${col}, s${r}_${j}[${e}], c${r}_${j}[${e}]);`);
    }
    const body = `{
  let aOff = ${pc}.aOff; let bOff = ${pc}.bOff; let kBegin = 0u; let kEnd = ${pc}.K;
  ${t.decl.join("\n  ")}
  ${t.mainLoop}
  ${finish.join("\n  ")}
  }`;
    blocks.push(kind === "grouped" ? `if (g == ${i}u) ${body}` : body);
  });
  if (kind === "summed") {
    blocks.push(
      ...tileCode(transA, transB, tile, PLAIN_NAMES).store((r, j, e, col) =>
        `{ let gn = ${col}; if (gn < p.parts[0].N) { W0[p.parts[0].cOff + gm * p.parts[0].ldc + gn] = s${r}_${j}[${e}]; } }`
      ),
    );
  }
  const decls = [
    ...Array.from(
      { length: layout.reads },
      (_, i) => `@group(0) @binding(${i}) var<storage, read> R${i}: array<f32>;`,
    ),
    ...Array.from(
      { length: layout.writes },
      (_, j) => `@group(0) @binding(${layout.reads + j}) var<storage, read_write> W${j}: array<f32>;`,
    ),
  ];
  const geglu = kind !== "geglu" ? "" : `${GELU_WGSL}
fn put2(m: u32, n: u32, x: f32, y: f32) {
  if (n >= p.parts[0].N) { return; }
  let gi = p.parts[0].cOff + m * p.parts[0].ldc + n;
  let ui = p.parts[1].cOff + m * p.parts[1].ldc + n;
  W0[gi] = x; W1[ui] = y; W2[gi] = ${gegluWgsl("x", "y")};
}`;
  const pick = kind !== "grouped" ? "let col0 = wid.x * " + bn + "u;" : `var g = 0u;
  for (var i = 1u; i < ${count}u; i++) { if (wid.x >= p.parts[i].tile0) { g = i; } }
  let col0 = (wid.x - p.parts[g].tile0) * ${bn}u;`;
  return /* wgsl */ `
struct Part { N: u32, K: u32, lda: u32, ldb: u32, ldc: u32, aOff: u32, bOff: u32, cOff: u32, tile0: u32,
  pad0: u32, pad1: u32, pad2: u32 }
struct Params { M: u32, count: u32, pad0: u32, pad1: u32, parts: array<Part, ${count}> }
${decls.join("\n")}
@group(0) @binding(${layout.reads + layout.writes}) var<uniform> p: Params;
var<workgroup> As: array<vec4f, ${2 * sizes.sizeA}>;
var<workgroup> Bs: array<vec4f, ${2 * sizes.sizeB}>;
${geglu}

@compute @workgroup_size(${sizes.threads})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) li: u32) {
  let row0 = wid.y * ${bm}u;
  let iy = li / ${sizes.tx}u;
  let ix = li % ${sizes.tx}u;
  ${pick}
  ${saved.join("\n  ")}
  ${blocks.join("\n  ")}
}
`;
}

/**
 * Records up to `MAX_PARTS` products of one M as one dispatch, combined per `spec.kind` (see
 * `MultiMatmulKind`), each part's bits those of `matmulDispatch` without a K split. Read operands (A, B)
 * must be other buffers than the outputs; a buffer may serve several parts (bound once).
 */
export function multiMatmulDispatch(
  ctx: GpuContext,
  parts: readonly MatmulPart[],
  spec: MultiMatmulSpec,
): Dispatch {
  const tile = spec.tile ?? DEFAULT_TILE;
  const ta = spec.transA ?? false, tb = spec.transB ?? false;
  const name = `matmul_${spec.kind}_${ta ? "T" : "N"}${tb ? "T" : "N"}`;
  const n0 = parts[0]?.n;
  const sameC = (q: MatmulPart) =>
    q.c === parts[0].c && (q.offsetC ?? 0) === (parts[0].offsetC ?? 0) &&
    (q.ldc ?? q.n) === (parts[0].ldc ?? n0);
  if (
    parts.length < 1 || parts.length > MAX_PARTS ||
    (spec.kind === "geglu" && (parts.length !== 2 || !spec.h || parts[1].c === parts[0].c)) ||
    (spec.kind !== "grouped" && parts.some((q) => q.n !== n0)) ||
    (spec.kind === "summed" && !parts.every(sameC))
  ) {
    throw new Error(`${name}: ${parts.length} parts do not fit a ${spec.kind} product`);
  }
  const reads: GPUBuffer[] = [], writes: GPUBuffer[] = [];
  const slot = (list: GPUBuffer[], b: GPUBuffer) => {
    if (!list.includes(b)) list.push(b);
    return list.indexOf(b);
  };
  const layoutParts = parts.map((q) => ({ a: slot(reads, q.a), b: slot(reads, q.b), c: slot(writes, q.c) }));
  if (spec.h) slot(writes, spec.h);
  if (writes.some((b) => reads.includes(b))) throw new Error(`${name}: an output is also an operand`);
  checkWorkgroupMemory(ctx, name, tile, ta, tb);
  const tiles = parts.map((q) => Math.ceil(q.n / tile.bn));
  const values = [u32(spec.m), u32(parts.length), u32(0), u32(0)];
  let tile0 = 0;
  parts.forEach((q, i) => {
    values.push(
      u32(q.n),
      u32(q.k),
      u32(q.lda ?? (ta ? spec.m : q.k)),
      u32(q.ldb ?? (tb ? q.k : q.n)),
      u32(q.ldc ?? q.n),
      u32(q.offsetA ?? 0),
      u32(q.offsetB ?? 0),
      u32(q.offsetC ?? 0),
      u32(tile0),
      u32(0),
      u32(0),
      u32(0),
    );
    tile0 += spec.kind === "grouped" ? tiles[i] : 0;
  });
  const code = multiMatmulWgsl(ta, tb, tile, {
    kind: spec.kind,
    reads: reads.length,
    writes: writes.length,
    parts: layoutParts,
  });
  const gx = spec.kind === "grouped" ? tile0 : tiles[0];
  return ctx.dispatch(name, code, [...reads, ...writes, ctx.uniform(name, values)], [
    gx,
    Math.ceil(spec.m / tile.bm),
    1,
  ]);
}
