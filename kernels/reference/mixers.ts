/**
 * Float64 reference of every sequence mixer (`scaling/count/mixer.ts`) in the parallel, masked quadratic form the
 * trainer uses: one explicit forward and one explicit backward, llm.c style. Softmax is `layers.ts`'s
 * `attentionForward`/`attentionBackward`, unchanged; the others share one formula.
 *
 * For query position t of head h (kv head `kh = floor(h / (hq/hkv))`) and each visible key u
 * (`u ≤ t`, and `u > t − window` for `window`), with `s = q_t · k_u` over the q/k size `dqk`:
 * - unnormalised weight `a_u`: `exp(s/√hs − max)` (window), `1 + s/√d' + s²/(2d')` (taylor), `s^p` (power);
 * - `Z_t = Σ_u a_u` (+ `POWER_EPS` for power), `p_u = a_u / Z_t`, `o_t = Σ_u p_u · v_u`.
 *
 * Backward: `dp_u = do_t · v_u`, `dv_u += p_u · do_t`, `c = Σ_u p_u · dp_u`, then `g_u = ∂L/∂s` is
 * `p_u · (dp_u − c) / √hs` (window) or `(dp_u − c) / Z_t · f'(s)` (linear kinds, `f' = 1/√d' + s/d'` or
 * `p · s^(p−1)`); `dq_t += g_u · k_u`, `dk_u += g_u · q_t`.
 * @module
 */
import { type Mixer, POWER_EPS } from "../../scaling/count/mixer.ts";
import { attentionBackward, attentionForward, type AttentionShape } from "./layers.ts";

/** Shape of a mixer's inputs: attention's, plus the per-head q/k size (d' of a linear mixer). */
export interface MixerShape extends AttentionShape {
  /** Per-head size of q and k (elements): `queryKeyDim(cfg)`; values and output use `headSize`. */
  readonly keyDim: number;
}

/** What a mixer's forward keeps for its backward: normalised weights `[B, hq, T, T]` and row sums `[B, hq, T]`. */
export interface MixerCache {
  /** Normalised weights p (zero where masked). */
  readonly probs: Float64Array;
  /** Row sums Z_t (linear kinds; unused by softmax and window). */
  readonly rowSum: Float64Array;
}

/** Returns the first key position visible to query t (0, or `t − window + 1` for a window). */
export function firstVisible(mixer: Mixer, t: number): number {
  return mixer.kind === "window" ? Math.max(0, t - mixer.window + 1) : 0;
}

/** Returns the unnormalised weight `f(s)` of a linear mixer at `s = q·k` over `d` = keyDim. */
export function linearScore(mixer: Mixer, s: number, d: number): number {
  if (mixer.kind === "taylor") return 1 + s / Math.sqrt(d) + (s * s) / (2 * d);
  if (mixer.kind === "power") return Math.pow(s, mixer.power);
  throw new Error(`linearScore: mixer kind "${mixer.kind}" is not linear`);
}

/** Returns `f'(s)`, the derivative of {@link linearScore} in s. */
function linearScoreSlope(mixer: Mixer, s: number, d: number): number {
  if (mixer.kind === "taylor") return 1 / Math.sqrt(d) + s / d;
  if (mixer.kind === "power") return mixer.power * Math.pow(s, mixer.power - 1);
  throw new Error(`linearScoreSlope: mixer kind "${mixer.kind}" is not linear`);
}

function checkShape(shape: MixerShape, mixer: Mixer): void {
  if (mixer.kind === "softmax" || mixer.kind === "window") {
    if (shape.keyDim !== shape.headSize) {
      throw new Error(`mixer ${mixer.kind}: keyDim ${shape.keyDim} must equal headSize ${shape.headSize}`);
    }
  }
}

function dotAt(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
  return s;
}

/**
 * Returns the mixer's output `[B·T, hq·hs]` and its cache. q is `[B·T, hq·keyDim]`, k `[B·T, hkv·keyDim]`,
 * v `[B·T, hkv·hs]`, all after RoPE.
 */
export function mixerForward(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  shape: MixerShape,
  mixer: Mixer,
): { out: Float64Array; cache: MixerCache } {
  checkShape(shape, mixer);
  const { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs, keyDim: d } = shape;
  if (mixer.kind === "softmax") {
    const { out, probs } = attentionForward(q, k, v, shape);
    return { out, cache: { probs, rowSum: new Float64Array(0) } };
  }
  const group = hq / hkv, qw = hq * d, kw = hkv * d, vw = hkv * hs, ow = hq * hs;
  const out = new Float64Array(B * T * ow);
  const probs = new Float64Array(B * hq * T * T);
  const rowSum = new Float64Array(B * hq * T);
  const scale = 1 / Math.sqrt(hs);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < hq; h++) {
      const kh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * qw + h * d;
        const po = ((b * hq + h) * T + t) * T;
        const lo = firstVisible(mixer, t);
        let max = -Infinity;
        for (let u = lo; u <= t; u++) {
          const s = dotAt(q, qo, k, (b * T + u) * kw + kh * d, d);
          const a = mixer.kind === "window" ? s * scale : linearScore(mixer, s, d);
          probs[po + u] = a;
          if (a > max) max = a;
        }
        let sum = 0;
        for (let u = lo; u <= t; u++) {
          if (mixer.kind === "window") probs[po + u] = Math.exp(probs[po + u] - max);
          sum += probs[po + u];
        }
        if (mixer.kind === "power") sum += POWER_EPS;
        rowSum[(b * hq + h) * T + t] = sum;
        const oo = (b * T + t) * ow + h * hs;
        for (let u = lo; u <= t; u++) {
          const p = probs[po + u] / sum;
          probs[po + u] = p;
          const vo = (b * T + u) * vw + kh * hs;
          for (let i = 0; i < hs; i++) out[oo + i] += p * v[vo + i];
        }
      }
    }
  }
  return { out, cache: { probs, rowSum } };
}

/** Returns the gradients dq, dk, dv (shapes of q, k, v) of {@link mixerForward}, given its cache. */
export function mixerBackward(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  cache: MixerCache,
  dout: Float64Array,
  shape: MixerShape,
  mixer: Mixer,
): { dq: Float64Array; dk: Float64Array; dv: Float64Array } {
  checkShape(shape, mixer);
  if (mixer.kind === "softmax") return attentionBackward(q, k, v, cache.probs, dout, shape);
  const { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs, keyDim: d } = shape;
  const group = hq / hkv, qw = hq * d, kw = hkv * d, vw = hkv * hs, ow = hq * hs;
  const scale = 1 / Math.sqrt(hs);
  const dq = new Float64Array(q.length);
  const dk = new Float64Array(k.length);
  const dv = new Float64Array(v.length);
  const dp = new Float64Array(T);
  const { probs, rowSum } = cache;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < hq; h++) {
      const kh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * qw + h * d;
        const oo = (b * T + t) * ow + h * hs;
        const po = ((b * hq + h) * T + t) * T;
        const lo = firstVisible(mixer, t);
        let c = 0;
        for (let u = lo; u <= t; u++) {
          const vo = (b * T + u) * vw + kh * hs;
          const p = probs[po + u];
          let x = 0;
          for (let i = 0; i < hs; i++) {
            x += dout[oo + i] * v[vo + i];
            dv[vo + i] += p * dout[oo + i];
          }
          dp[u] = x;
          c += p * x;
        }
        const z = rowSum[(b * hq + h) * T + t];
        for (let u = lo; u <= t; u++) {
          const ko = (b * T + u) * kw + kh * d;
          let g: number;
          if (mixer.kind === "window") {
            g = probs[po + u] * (dp[u] - c) * scale;
          } else {
            g = ((dp[u] - c) / z) * linearScoreSlope(mixer, dotAt(q, qo, k, ko, d), d);
          }
          for (let i = 0; i < d; i++) {
            dq[qo + i] += g * k[ko + i];
            dk[ko + i] += g * q[qo + i];
          }
        }
      }
    }
  }
  return { dq, dk, dv };
}
