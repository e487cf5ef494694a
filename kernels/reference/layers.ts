/**
 * Float64 reference layers of the Gemstones decoder: one explicit forward and one explicit backward
 * function per layer (llm.c style), on flat row-major `Float64Array`s. The WebGPU kernels are tested
 * against these element by element, so the formulas below are the contract.
 *
 * Notation: `rows = batch · seqLen` token positions, row index `r = b · seqLen + t`.
 *
 * - matmul: `y[r, o] = Σ_i x[r, i] · W[i, o]`, W stored `[in, out]`.
 *   Backward: `dx = dy · Wᵀ`, `dW = xᵀ · dy`.
 * - embedding: `y[r, :] = E[token_r, :]`, E `[vocab, width]`. Backward scatter-adds `dy[r, :]` into
 *   `dE[token_r, :]`.
 * - RMSNorm: `rstd_r = 1 / sqrt(mean_i(x[r, i]²) + eps)`, `y = x · rstd_r · g` (gain, no bias).
 *   Backward: `dg_i = Σ_r dy · x · rstd`, `dx = rstd · (dy·g) − rstd³ · x · Σ_i(dy·g·x) / width`.
 * - RoPE (GPT-NeoX rotate-half on the full head dim hs, half = hs/2): for pair `j < half`,
 *   `freq_j = θ^(−2j/hs)`, `angle = t · freq_j` (t = position within the sequence),
 *   `y[j] = x[j]·cos − x[j+half]·sin`, `y[j+half] = x[j+half]·cos + x[j]·sin`.
 *   Applied to every head of q and k, never to v. Backward is the inverse rotation (angle → −angle).
 * - causal GQA attention: query head h reads kv head `floor(h / gqaRatio)`;
 *   `s[t, u] = (q_t · k_u) / sqrt(hs)` for `u ≤ t`, `p = softmax_u(s)`, `o_t = Σ_u p[t, u] · v_u`.
 *   q and o are `[rows, hq·hs]`, k and v `[rows, hkv·hs]`, head h at columns `[h·hs, (h+1)·hs)`.
 *   Backward: `dp = do_t · v_u`, `ds = p · (dp − Σ_u p·dp)`, `dq_t = Σ_u ds·k_u / sqrt(hs)`,
 *   `dk_u = Σ_t ds·q_t / sqrt(hs)`, `dv_u = Σ_t p[t, u]·do_t` (summed over the query heads of a group).
 * - gelu_tanh: `0.5 · x · (1 + tanh(c · (x + 0.044715 · x³)))`, `c = sqrt(2/π)`.
 * - GEGLU: `h = gelu_tanh(gate) ⊙ up` where `gate = x·W_gate`, `up = x·W_up`; then `h · W_down`.
 * - softmax cross-entropy (fused): `loss = mean_r(logsumexp(z_r) − z_r[target_r])` in nats/token;
 *   `dz = (softmax(z_r) − onehot(target_r)) / rows` (gradient of the mean). With per-target weights w
 *   (the loss mask of a recall task): `loss = Σ_r w_r·ℓ_r / Σ w`, `dz_r = w_r·(softmax − onehot) / Σ w`.
 * - residual: `y = a + b`; backward passes dy to both.
 * @module
 */
import { checkWeights } from "../batch.ts";

/** Returns `y = x · W` as `[rows, outDim]`; x is `[rows, inDim]`, W is `[inDim, outDim]`. */
export function matmulForward(
  x: Float64Array,
  w: Float64Array,
  rows: number,
  inDim: number,
  outDim: number,
): Float64Array {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    const yo = r * outDim;
    for (let i = 0; i < inDim; i++) {
      const xv = x[r * inDim + i];
      if (xv === 0) continue;
      const wo = i * outDim;
      for (let o = 0; o < outDim; o++) y[yo + o] += xv * w[wo + o];
    }
  }
  return y;
}

/** Returns the gradients of `y = x · W`: `dx = dy · Wᵀ` `[rows, inDim]` and `dW = xᵀ · dy` `[inDim, outDim]`. */
export function matmulBackward(
  x: Float64Array,
  w: Float64Array,
  dy: Float64Array,
  rows: number,
  inDim: number,
  outDim: number,
): { dx: Float64Array; dW: Float64Array } {
  const dx = new Float64Array(rows * inDim);
  const dW = new Float64Array(inDim * outDim);
  for (let r = 0; r < rows; r++) {
    const dyo = r * outDim;
    for (let i = 0; i < inDim; i++) {
      const wo = i * outDim;
      const xv = x[r * inDim + i];
      let acc = 0;
      for (let o = 0; o < outDim; o++) {
        const g = dy[dyo + o];
        acc += g * w[wo + o];
        dW[wo + o] += xv * g;
      }
      dx[r * inDim + i] = acc;
    }
  }
  return { dx, dW };
}

function checkToken(tok: number, vocab: number, r: number): void {
  if (!Number.isInteger(tok) || tok < 0 || tok >= vocab) {
    throw new Error(`embedding: token ${tok} at position ${r} is outside the vocabulary [0, ${vocab})`);
  }
}

/** Returns the gathered rows `E[tokens[r], :]` as `[tokens.length, width]`; E is `[vocab, width]`. */
export function embeddingForward(
  table: Float64Array,
  tokens: ArrayLike<number>,
  vocab: number,
  width: number,
): Float64Array {
  const y = new Float64Array(tokens.length * width);
  for (let r = 0; r < tokens.length; r++) {
    const tok = tokens[r];
    checkToken(tok, vocab, r);
    y.set(table.subarray(tok * width, (tok + 1) * width), r * width);
  }
  return y;
}

/** Returns dE `[vocab, width]`: each `dy[r, :]` scatter-added into row `tokens[r]`. */
export function embeddingBackward(
  dy: Float64Array,
  tokens: ArrayLike<number>,
  vocab: number,
  width: number,
): Float64Array {
  const dE = new Float64Array(vocab * width);
  for (let r = 0; r < tokens.length; r++) {
    const tok = tokens[r];
    checkToken(tok, vocab, r);
    const eo = tok * width, yo = r * width;
    for (let i = 0; i < width; i++) dE[eo + i] += dy[yo + i];
  }
  return dE;
}

/** Returns RMSNorm output y `[rows, width]` and the per-row reciprocal RMS `rstd` `[rows]` (kept for backward). */
export function rmsnormForward(
  x: Float64Array,
  g: Float64Array,
  rows: number,
  width: number,
  eps: number,
): { y: Float64Array; rstd: Float64Array } {
  const y = new Float64Array(rows * width);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    let ss = 0;
    for (let i = 0; i < width; i++) ss += x[o + i] * x[o + i];
    const s = 1 / Math.sqrt(ss / width + eps);
    rstd[r] = s;
    for (let i = 0; i < width; i++) y[o + i] = x[o + i] * s * g[i];
  }
  return { y, rstd };
}

/** Returns the RMSNorm gradients dx `[rows, width]` and dg `[width]`, given the forward's `rstd`. */
export function rmsnormBackward(
  x: Float64Array,
  g: Float64Array,
  rstd: Float64Array,
  dy: Float64Array,
  rows: number,
  width: number,
): { dx: Float64Array; dg: Float64Array } {
  const dx = new Float64Array(rows * width);
  const dg = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    const s = rstd[r];
    let dot = 0;
    for (let i = 0; i < width; i++) {
      dot += dy[o + i] * g[i] * x[o + i];
      dg[i] += dy[o + i] * x[o + i] * s;
    }
    const c = (s * s * s * dot) / width;
    for (let i = 0; i < width; i++) dx[o + i] = s * dy[o + i] * g[i] - c * x[o + i];
  }
  return { dx, dg };
}

/** Returns RoPE tables cos and sin, each `[seqLen, headSize/2]`: angle `t · θ^(−2j/headSize)` (radians). */
function ropeTables(
  seqLen: number,
  headSize: number,
  theta: number,
): { cos: Float64Array; sin: Float64Array } {
  const half = headSize / 2;
  const cos = new Float64Array(seqLen * half);
  const sin = new Float64Array(seqLen * half);
  for (let t = 0; t < seqLen; t++) {
    for (let j = 0; j < half; j++) {
      const angle = t * Math.pow(theta, (-2 * j) / headSize);
      cos[t * half + j] = Math.cos(angle);
      sin[t * half + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

function rotate(
  x: Float64Array,
  batch: number,
  seqLen: number,
  numHeads: number,
  headSize: number,
  theta: number,
  sign: number,
): Float64Array {
  const { cos, sin } = ropeTables(seqLen, headSize, theta);
  const half = headSize / 2, rowWidth = numHeads * headSize;
  const y = new Float64Array(x.length);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seqLen; t++) {
      const ro = (b * seqLen + t) * rowWidth;
      for (let h = 0; h < numHeads; h++) {
        const ho = ro + h * headSize;
        for (let j = 0; j < half; j++) {
          const c = cos[t * half + j], s = sign * sin[t * half + j];
          const x1 = x[ho + j], x2 = x[ho + j + half];
          y[ho + j] = x1 * c - x2 * s;
          y[ho + j + half] = x2 * c + x1 * s;
        }
      }
    }
  }
  return y;
}

/** Returns x `[batch·seqLen, numHeads·headSize]` with every head rotated by RoPE (NeoX rotate-half). */
export function ropeForward(
  x: Float64Array,
  batch: number,
  seqLen: number,
  numHeads: number,
  headSize: number,
  theta: number,
): Float64Array {
  return rotate(x, batch, seqLen, numHeads, headSize, theta, 1);
}

/** Returns dx of RoPE: dy rotated by the inverse (negative) angles; same shape as dy. */
export function ropeBackward(
  dy: Float64Array,
  batch: number,
  seqLen: number,
  numHeads: number,
  headSize: number,
  theta: number,
): Float64Array {
  return rotate(dy, batch, seqLen, numHeads, headSize, theta, -1);
}

/** Shapes of causal grouped-query attention: `numQueryHeads` must be a multiple of `numKvHeads`. */
export interface AttentionShape {
  /** Number of sequences. */
  readonly batch: number;
  /** Sequence length T. */
  readonly seqLen: number;
  /** Query heads hq. */
  readonly numQueryHeads: number;
  /** Key/value heads hkv (query head h uses kv head floor(h / (hq / hkv))). */
  readonly numKvHeads: number;
  /** Head size hs. */
  readonly headSize: number;
}

/**
 * Returns causal GQA attention output `[batch·seqLen, hq·hs]` and the softmax probabilities
 * `probs` `[batch, hq, seqLen, seqLen]` (zero above the diagonal), kept for backward.
 */
export function attentionForward(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  shape: AttentionShape,
): { out: Float64Array; probs: Float64Array } {
  const { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs } = shape;
  const group = hq / hkv, qw = hq * hs, kw = hkv * hs, scale = 1 / Math.sqrt(hs);
  const out = new Float64Array(B * T * qw);
  const probs = new Float64Array(B * hq * T * T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < hq; h++) {
      const kh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * qw + h * hs;
        const po = ((b * hq + h) * T + t) * T;
        let max = -Infinity;
        for (let u = 0; u <= t; u++) {
          const ko = (b * T + u) * kw + kh * hs;
          let s = 0;
          for (let i = 0; i < hs; i++) s += q[qo + i] * k[ko + i];
          s *= scale;
          probs[po + u] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let u = 0; u <= t; u++) {
          const e = Math.exp(probs[po + u] - max);
          probs[po + u] = e;
          sum += e;
        }
        for (let u = 0; u <= t; u++) {
          const p = probs[po + u] / sum;
          probs[po + u] = p;
          const vo = (b * T + u) * kw + kh * hs;
          for (let i = 0; i < hs; i++) out[qo + i] += p * v[vo + i];
        }
      }
    }
  }
  return { out, probs };
}

/** Returns the gradients dq `[rows, hq·hs]`, dk and dv `[rows, hkv·hs]` of causal GQA attention. */
export function attentionBackward(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  probs: Float64Array,
  dout: Float64Array,
  shape: AttentionShape,
): { dq: Float64Array; dk: Float64Array; dv: Float64Array } {
  const { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs } = shape;
  const group = hq / hkv, qw = hq * hs, kw = hkv * hs, scale = 1 / Math.sqrt(hs);
  const dq = new Float64Array(q.length);
  const dk = new Float64Array(k.length);
  const dv = new Float64Array(v.length);
  const dp = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < hq; h++) {
      const kh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * qw + h * hs;
        const po = ((b * hq + h) * T + t) * T;
        let pdp = 0;
        for (let u = 0; u <= t; u++) {
          const vo = (b * T + u) * kw + kh * hs;
          const p = probs[po + u];
          let d = 0;
          for (let i = 0; i < hs; i++) {
            d += dout[qo + i] * v[vo + i];
            dv[vo + i] += p * dout[qo + i];
          }
          dp[u] = d;
          pdp += p * d;
        }
        for (let u = 0; u <= t; u++) {
          const ds = probs[po + u] * (dp[u] - pdp) * scale;
          const ko = (b * T + u) * kw + kh * hs;
          for (let i = 0; i < hs; i++) {
            dq[qo + i] += ds * k[ko + i];
            dk[ko + i] += ds * q[qo + i];
          }
        }
      }
    }
  }
  return { dq, dk, dv };
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** Returns gelu_tanh(x) elementwise (same length as x). */
export function geluTanhForward(x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + GELU_A * v * v * v)));
  }
  return y;
}

/** Returns dx = dy · gelu_tanh'(x) elementwise. */
export function geluTanhBackward(x: Float64Array, dy: Float64Array): Float64Array {
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const th = Math.tanh(GELU_C * (v + GELU_A * v * v * v));
    const dth = (1 - th * th) * GELU_C * (1 + 3 * GELU_A * v * v);
    dx[i] = dy[i] * (0.5 * (1 + th) + 0.5 * v * dth);
  }
  return dx;
}

/** Returns the GEGLU hidden activation `gelu_tanh(gate) ⊙ up` (same length as gate). */
export function gegluForward(gate: Float64Array, up: Float64Array): Float64Array {
  const gl = geluTanhForward(gate);
  for (let i = 0; i < gl.length; i++) gl[i] *= up[i];
  return gl;
}

/** Returns the GEGLU gradients `dgate = dy · up · gelu'(gate)` and `dup = dy · gelu(gate)`. */
export function gegluBackward(
  gate: Float64Array,
  up: Float64Array,
  dy: Float64Array,
): { dgate: Float64Array; dup: Float64Array } {
  const gl = geluTanhForward(gate);
  const dup = new Float64Array(gate.length);
  const dgl = new Float64Array(gate.length);
  for (let i = 0; i < gate.length; i++) {
    dup[i] = dy[i] * gl[i];
    dgl[i] = dy[i] * up[i];
  }
  return { dgate: geluTanhBackward(gate, dgl), dup };
}

/**
 * Fused softmax cross-entropy over logits `[rows, vocab]` and integer targets `[rows]`: returns the mean
 * loss (nats/token), dlogits `[rows, vocab]` (the gradient of that mean) and the accuracy (fraction of rows
 * whose target logit is the row maximum, i.e. argmax = target, ties counted as hits). With per-row
 * `weights` w (checked by `checkWeights`), the mean is weighted: `loss = Σ w·ℓ / Σ w`,
 * `dz_r = w_r·(softmax(z_r) − onehot(target_r)) / Σ w`, `accuracy = Σ w·hit / Σ w`; without them every
 * row weighs 1 (the arithmetic of the unweighted mean is kept as it was).
 */
export function softmaxCrossEntropy(
  logits: Float64Array,
  targets: ArrayLike<number>,
  rows: number,
  vocab: number,
  weights?: ArrayLike<number>,
): { loss: number; dlogits: Float64Array; accuracy: number } {
  const dlogits = new Float64Array(rows * vocab);
  const wsum = weights === undefined ? rows : checkWeights(weights, rows);
  let total = 0, hits = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * vocab;
    const tgt = targets[r];
    if (!Number.isInteger(tgt) || tgt < 0 || tgt >= vocab) {
      throw new Error(`cross-entropy: target ${tgt} at row ${r} is outside the vocabulary [0, ${vocab})`);
    }
    let max = -Infinity;
    for (let i = 0; i < vocab; i++) if (logits[o + i] > max) max = logits[o + i];
    let sum = 0;
    for (let i = 0; i < vocab; i++) {
      const e = Math.exp(logits[o + i] - max);
      dlogits[o + i] = e;
      sum += e;
    }
    if (weights === undefined) {
      total += Math.log(sum) + max - logits[o + tgt];
      if (logits[o + tgt] >= max) hits++;
      for (let i = 0; i < vocab; i++) dlogits[o + i] /= sum * rows;
      dlogits[o + tgt] -= 1 / rows;
    } else {
      const w = weights[r];
      total += w * (Math.log(sum) + max - logits[o + tgt]);
      if (logits[o + tgt] >= max) hits += w;
      for (let i = 0; i < vocab; i++) dlogits[o + i] = (dlogits[o + i] * w) / (sum * wsum);
      dlogits[o + tgt] -= w / wsum;
    }
  }
  return { loss: total / wsum, dlogits, accuracy: hits / wsum };
}

/** Returns `a + b` elementwise. */
export function residualForward(a: Float64Array, b: Float64Array): Float64Array {
  const y = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) y[i] = a[i] + b[i];
  return y;
}
