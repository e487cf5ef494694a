/**
 * Causal grouped-query attention without materialised scores (flash attention: tiled, online softmax,
 * recomputation; no T × T scores in memory): the forward keeps only the output and the row log-sum-exp;
 * the backward recomputes probabilities from it. A workgroup takes `ATTENTION_ROWS` rows of one (batch,
 * head), one invocation per row, and stages the positions it attends to in blocks in workgroup memory.
 * Query head h reads kv head `floor(h / gqaRatio)`. Every sum runs over positions in increasing order, so
 * results are deterministic and no atomics are needed:
 * - `attention_forward`: per (b, h, t), online softmax over u ≤ t → o_t, lse_t;
 * - `attention_backward_dq`: per (b, h, t) → dq_t and `D_t = do_t · o_t`;
 * - `attention_backward_dkdv`: per (b, kv head, u), over the group's query heads and t ≥ u → dk_u, dv_u.
 * @module
 */
import type { Dispatch, GpuContext } from "./context.ts";
import { f32, u32 } from "./context.ts";

/** Shape of one attention call. */
export interface AttentionDims {
  /** Sequences. */
  readonly batch: number;
  /** Positions per sequence. */
  readonly seqLen: number;
  /** Query heads. */
  readonly numQueryHeads: number;
  /** Key/value heads. */
  readonly numKvHeads: number;
  /** Head size. */
  readonly headSize: number;
}

const PARAMS = `struct Params { B: u32, T: u32, hq: u32, hkv: u32, group: u32, scale: f32 }`;

/** Rows (query or key positions) per workgroup of the tiled kernels; one invocation per row. */
export const ATTENTION_ROWS = 64;

/**
 * Returns how many positions of K and V (forward, dq) or of Q and dO (dk, dv) one staged block holds, so
 * that two `[block, headSize]` tiles (plus two row scalars each) fit the workgroup memory limit; at most
 * `ATTENTION_ROWS`.
 */
export function attentionBlock(headSize: number, maxWorkgroupBytes: number): number {
  const block = Math.floor(maxWorkgroupBytes / (4 * (2 * headSize + 2)));
  if (block < 1) {
    throw new Error(
      `attention: head size ${headSize} leaves no room in ${maxWorkgroupBytes} bytes of workgroup memory`,
    );
  }
  return Math.min(ATTENTION_ROWS, block);
}

// RoPE inside the kernels (\`rope\`): the tables and, per kernel, inline rotations with the arithmetic of
// rope.ts (forward: x1·c − x2·s, x2·c + x1·s; inverse: the same with s = −sin), so the bits are the same as a
// separate rotation before (q, k) or after (dq, dk).
function ropeTables(first: number): string {
  return `@group(0) @binding(${first}) var<storage, read> cosT: array<f32>;
@group(0) @binding(${first + 1}) var<storage, read> sinT: array<f32>;
const HALF = HS / 2u;`;
}

/** WGSL: \`out\` = element \`i\` of the rotated head whose elements are \`at(j)\`, at position \`t\`. */
function rotatedElement(out: string, at: (j: string) => string, i: string, t: string): string {
  return `var ${out} = 0.0;
      {
        let j = ${i} % HALF;
        let c = cosT[${t} * HALF + j];
        let s = sinT[${t} * HALF + j];
        let x1 = ${at("j")};
        let x2 = ${at("j + HALF")};
        if (${i} < HALF) { ${out} = x1 * c - x2 * s; } else { ${out} = x2 * c + x1 * s; }
      }`;
}

/** WGSL: writes \`value(i) · scale\` inverse-rotated at position \`t\` to \`dst(i)\` for every element i. */
function writeInverse(dst: (i: string) => string, value: (i: string) => string, t: string): string {
  return `for (var j = 0u; j < HALF; j++) {
      let c = cosT[${t} * HALF + j];
      let s = -sinT[${t} * HALF + j];
      let x1 = ${value("j")} * p.scale;
      let x2 = ${value("j + HALF")} * p.scale;
      ${dst("j")} = x1 * c - x2 * s;
      ${dst("j + HALF")} = x2 * c + x1 * s;
    }`;
}

// The three kernels share their skeleton: a workgroup holds ATTENTION_ROWS rows of one (batch, head); it walks
// the other side's positions in blocks of BLK staged in workgroup memory (every invocation helps load, even
// past the end of its sequence), and each live row consumes the block's positions in increasing order.
function head(hs: number, blk: number, tiles: string, rope: string): string {
  return `${PARAMS}
const HS = ${hs}u;
const BLK = ${blk}u;
const ROWS = ${ATTENTION_ROWS}u;
${rope}
${tiles}
@compute @workgroup_size(${ATTENTION_ROWS})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) li: u32) {`;
}

// The forward and the dq kernels stage the same key/value blocks: the BLK positions from u0 on of the key and
// value head kh (the keys rotated as loaded when RoPE is fused), zeros past the end of the sequence.
const KV_TILES = "var<workgroup> Ks: array<f32, BLK * HS>;\nvar<workgroup> Vs: array<f32, BLK * HS>;";

function stageKeyValueBlock(rope: boolean): string {
  const stageK = rope
    ? `let kb = (b * p.T + uu) * p.hkv * HS + kh * HS;
        let ie = e % HS;
        ${rotatedElement("r", (j) => `k[kb + ${j}]`, "ie", "uu")}
        kx = r;
        vx = v[kb + ie];`
    : `let ko = (b * p.T + uu) * p.hkv * HS + kh * HS + e % HS;
        kx = k[ko];
        vx = v[ko];`;
  return `for (var e = li; e < BLK * HS; e += ROWS) {
      let uu = u0 + e / HS;
      var kx = 0.0;
      var vx = 0.0;
      if (uu < p.T) {
        ${stageK}
      }
      Ks[e] = kx;
      Vs[e] = vx;
    }`;
}

function forwardWgsl(hs: number, blk: number, rope: boolean): string {
  const loadQ = rope
    ? `for (var i = 0u; i < HS; i++) {
      ${rotatedElement("r", (j) => `q[qo + ${j}]`, "i", "t")}
      qv[i] = r * p.scale;
      acc[i] = 0.0;
    }`
    : `for (var i = 0u; i < HS; i++) { qv[i] = q[qo + i] * p.scale; acc[i] = 0.0; }`;
  return `
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;
${
    head(
      hs,
      blk,
      KV_TILES,
      rope ? ropeTables(6) : "",
    )
  }
  let h = wid.y % p.hq;
  let b = wid.y / p.hq;
  let kh = h / p.group;
  let t0 = wid.x * ROWS;
  let t = t0 + li;
  let live = t < p.T;
  let qo = (b * p.T + t) * p.hq * HS + h * HS;
  var qv: array<f32, HS>;
  var acc: array<f32, HS>;
  if (live) { ${loadQ} }
  var m = -3.0e38;
  var l = 0.0;
  let last = min(p.T - 1u, t0 + ROWS - 1u);
  for (var u0 = 0u; u0 <= last; u0 += BLK) {
    ${stageKeyValueBlock(rope)}
    workgroupBarrier();
    if (live) {
      let uEnd = min(u0 + BLK, t + 1u);
      for (var u = u0; u < uEnd; u++) {
        let ko = (u - u0) * HS;
        var s = 0.0;
        for (var i = 0u; i < HS; i++) { s = fma(qv[i], Ks[ko + i], s); }
        if (s > m) {
          let c = exp(m - s);
          l = l * c;
          for (var i = 0u; i < HS; i++) { acc[i] = acc[i] * c; }
          m = s;
        }
        let e = exp(s - m);
        l += e;
        for (var i = 0u; i < HS; i++) { acc[i] = fma(e, Vs[ko + i], acc[i]); }
      }
    }
    workgroupBarrier();
  }
  if (live) {
    let inv = 1.0 / l;
    for (var i = 0u; i < HS; i++) { o[qo + i] = acc[i] * inv; }
    lse[(b * p.hq + h) * p.T + t] = m + log(l);
  }
}`;
}

function backwardDqWgsl(hs: number, blk: number, rope: boolean): string {
  const loadQ = rope
    ? `${rotatedElement("r", (j) => `q[qo + ${j}]`, "i", "t")}
      qv[i] = r * p.scale;`
    : `qv[i] = q[qo + i] * p.scale;`;
  const store = rope
    ? writeInverse((i) => `dq[qo + ${i}]`, (i) => `acc[${i}]`, "t")
    : `for (var i = 0u; i < HS; i++) { dq[qo + i] = acc[i] * p.scale; }`;
  return `
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> o: array<f32>;
@group(0) @binding(4) var<storage, read> lse: array<f32>;
@group(0) @binding(5) var<storage, read> dout: array<f32>;
@group(0) @binding(6) var<storage, read_write> dq: array<f32>;
@group(0) @binding(7) var<storage, read_write> dsum: array<f32>;
@group(0) @binding(8) var<uniform> p: Params;
${
    head(
      hs,
      blk,
      KV_TILES,
      rope ? ropeTables(9) : "",
    )
  }
  let h = wid.y % p.hq;
  let b = wid.y / p.hq;
  let kh = h / p.group;
  let t0 = wid.x * ROWS;
  let t = t0 + li;
  let live = t < p.T;
  let row = (b * p.hq + h) * p.T + t;
  let qo = (b * p.T + t) * p.hq * HS + h * HS;
  var qv: array<f32, HS>;
  var dov: array<f32, HS>;
  var acc: array<f32, HS>;
  var d = 0.0;
  var L = 0.0;
  if (live) {
    for (var i = 0u; i < HS; i++) {
      ${loadQ}
      dov[i] = dout[qo + i];
      acc[i] = 0.0;
      d = fma(dov[i], o[qo + i], d);
    }
    dsum[row] = d;
    L = lse[row];
  }
  let last = min(p.T - 1u, t0 + ROWS - 1u);
  for (var u0 = 0u; u0 <= last; u0 += BLK) {
    ${stageKeyValueBlock(rope)}
    workgroupBarrier();
    if (live) {
      let uEnd = min(u0 + BLK, t + 1u);
      for (var u = u0; u < uEnd; u++) {
        let ko = (u - u0) * HS;
        var s = 0.0;
        var dp = 0.0;
        for (var i = 0u; i < HS; i++) { s = fma(qv[i], Ks[ko + i], s); dp = fma(dov[i], Vs[ko + i], dp); }
        let ds = exp(s - L) * (dp - d);
        for (var i = 0u; i < HS; i++) { acc[i] = fma(ds, Ks[ko + i], acc[i]); }
      }
    }
    workgroupBarrier();
  }
  if (live) { ${store} }
}`;
}

function backwardDkDvWgsl(hs: number, blk: number, rope: boolean): string {
  const loadK = rope
    ? `for (var i = 0u; i < HS; i++) {
      ${rotatedElement("r", (j) => `k[ko + ${j}]`, "i", "u")}
      kv[i] = r * p.scale;
      vv[i] = v[ko + i];
      dka[i] = 0.0;
      dva[i] = 0.0;
    }`
    : `for (var i = 0u; i < HS; i++) { kv[i] = k[ko + i] * p.scale; vv[i] = v[ko + i]; dka[i] = 0.0; dva[i] = 0.0; }`;
  const stageQ = rope
    ? `let qb = (b * p.T + tt) * p.hq * HS + h * HS;
          let ie = e % HS;
          ${rotatedElement("r", (j) => `q[qb + ${j}]`, "ie", "tt")}
          qx = r;
          dx = dout[qb + ie];`
    : `let qo = (b * p.T + tt) * p.hq * HS + h * HS + e % HS;
          qx = q[qo];
          dx = dout[qo];`;
  const store = rope
    ? `${writeInverse((i) => `dk[ko + ${i}]`, (i) => `dka[${i}]`, "u")}
    for (var i = 0u; i < HS; i++) { dv[ko + i] = dva[i]; }`
    : `for (var i = 0u; i < HS; i++) { dk[ko + i] = dka[i] * p.scale; dv[ko + i] = dva[i]; }`;
  const tiles = `var<workgroup> Qs: array<f32, BLK * HS>;
var<workgroup> Ds: array<f32, BLK * HS>;
var<workgroup> Ls: array<f32, BLK>;
var<workgroup> Ss: array<f32, BLK>;`;
  return `
@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> dsum: array<f32>;
@group(0) @binding(5) var<storage, read> dout: array<f32>;
@group(0) @binding(6) var<storage, read_write> dk: array<f32>;
@group(0) @binding(7) var<storage, read_write> dv: array<f32>;
@group(0) @binding(8) var<uniform> p: Params;
${head(hs, blk, tiles, rope ? ropeTables(9) : "")}
  let kh = wid.y % p.hkv;
  let b = wid.y / p.hkv;
  let u0 = wid.x * ROWS;
  let u = u0 + li;
  let live = u < p.T;
  let ko = (b * p.T + u) * p.hkv * HS + kh * HS;
  var kv: array<f32, HS>;
  var vv: array<f32, HS>;
  var dka: array<f32, HS>;
  var dva: array<f32, HS>;
  if (live) {
    ${loadK}
  }
  for (var g = 0u; g < p.group; g++) {
    let h = kh * p.group + g;
    for (var t0 = u0; t0 < p.T; t0 += BLK) {
      for (var e = li; e < BLK * HS; e += ROWS) {
        let tt = t0 + e / HS;
        var qx = 0.0;
        var dx = 0.0;
        if (tt < p.T) {
          ${stageQ}
        }
        Qs[e] = qx;
        Ds[e] = dx;
      }
      for (var e = li; e < BLK; e += ROWS) {
        var lx = 0.0;
        var sx = 0.0;
        if (t0 + e < p.T) {
          let row = (b * p.hq + h) * p.T + t0 + e;
          lx = lse[row];
          sx = dsum[row];
        }
        Ls[e] = lx;
        Ss[e] = sx;
      }
      workgroupBarrier();
      if (live) {
        let tEnd = min(t0 + BLK, p.T);
        for (var t = max(t0, u); t < tEnd; t++) {
          let qo = (t - t0) * HS;
          var s = 0.0;
          var dp = 0.0;
          for (var i = 0u; i < HS; i++) { s = fma(Qs[qo + i], kv[i], s); dp = fma(Ds[qo + i], vv[i], dp); }
          let pr = exp(s - Ls[t - t0]);
          let ds = pr * (dp - Ss[t - t0]);
          for (var i = 0u; i < HS; i++) {
            dva[i] = fma(pr, Ds[qo + i], dva[i]);
            dka[i] = fma(ds, Qs[qo + i], dka[i]);
          }
        }
      }
      workgroupBarrier();
    }
  }
  if (live) { ${store} }
}`;
}

function params(ctx: GpuContext, name: string, d: AttentionDims) {
  return ctx.uniform(name, [
    u32(d.batch),
    u32(d.seqLen),
    u32(d.numQueryHeads),
    u32(d.numKvHeads),
    u32(d.numQueryHeads / d.numKvHeads),
    f32(1 / Math.sqrt(d.headSize)),
  ]);
}

function grid(ctx: GpuContext, name: string, d: AttentionDims, heads: number): [number, number, number] {
  const g: [number, number, number] = [Math.ceil(d.seqLen / ATTENTION_ROWS), d.batch * heads, 1];
  const max = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (g[1] > max) {
    throw new Error(
      `kernel ${name}: batch ${d.batch} × ${heads} heads exceeds ${max} workgroups per dimension`,
    );
  }
  return g;
}

/** Options of the flash attention kernels. */
export interface AttentionOptions {
  /**
   * RoPE applied inside the kernels (the attention prologue): q and k are stored unrotated, rotated as they
   * are loaded, and dq, dk are written already inverse-rotated, with the arithmetic of `ropeDispatch` (the
   * same bits as separate rotations). The tables are `ropeTablesF32`'s `[seqLen, headSize/2]`.
   */
  readonly rope?: { readonly cos: GPUBuffer; readonly sin: GPUBuffer };
}

/** Records the forward: o `[B·T, hq·hs]` and lse `[B, hq, T]` (natural-log sums of exp of scaled scores). */
export function attentionForward(
  ctx: GpuContext,
  b: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer; o: GPUBuffer; lse: GPUBuffer },
  d: AttentionDims,
  opts: AttentionOptions = {},
): Dispatch {
  const blk = attentionBlock(d.headSize, ctx.limits.maxComputeWorkgroupStorageSize);
  const tables = opts.rope ? [opts.rope.cos, opts.rope.sin] : [];
  return ctx.dispatch(
    opts.rope ? "attention_rope_forward" : "attention_forward",
    forwardWgsl(d.headSize, blk, !!opts.rope),
    [b.q, b.k, b.v, b.o, b.lse, params(ctx, "attention_forward", d), ...tables],
    grid(ctx, "attention_forward", d, d.numQueryHeads),
  );
}

/**
 * Records the backward: dq `[B·T, hq·hs]`, dk and dv `[B·T, hkv·hs]` (all overwritten), using `dsum`
 * `[B, hq, T]` as scratch (`D_t = do_t · o_t`).
 */
export function attentionBackward(
  ctx: GpuContext,
  b: {
    q: GPUBuffer;
    k: GPUBuffer;
    v: GPUBuffer;
    o: GPUBuffer;
    lse: GPUBuffer;
    dout: GPUBuffer;
    dq: GPUBuffer;
    dk: GPUBuffer;
    dv: GPUBuffer;
    dsum: GPUBuffer;
  },
  d: AttentionDims,
  opts: AttentionOptions = {},
): Dispatch[] {
  const blk = attentionBlock(d.headSize, ctx.limits.maxComputeWorkgroupStorageSize);
  const tables = opts.rope ? [opts.rope.cos, opts.rope.sin] : [];
  const r = opts.rope ? "_rope" : "";
  return [
    ctx.dispatch(
      `attention${r}_backward_dq`,
      backwardDqWgsl(d.headSize, blk, !!opts.rope),
      [b.q, b.k, b.v, b.o, b.lse, b.dout, b.dq, b.dsum, params(ctx, "attention_backward_dq", d), ...tables],
      grid(ctx, "attention_backward_dq", d, d.numQueryHeads),
    ),
    ctx.dispatch(
      `attention${r}_backward_dkdv`,
      backwardDkDvWgsl(d.headSize, blk, !!opts.rope),
      [
        b.q,
        b.k,
        b.v,
        b.lse,
        b.dsum,
        b.dout,
        b.dk,
        b.dv,
        params(ctx, "attention_backward_dkdv", d),
        ...tables,
      ],
      grid(ctx, "attention_backward_dkdv", d, d.numKvHeads),
    ),
  ];
}
