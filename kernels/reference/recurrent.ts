/**
 * Float64 recurrent reference of every mixer: it reads the sequence token by token and carries only the
 * mixer's state, so the floats it holds are the state size as a measured fact (tested equal to the closed
 * forms of `scaling/count/state.ts`), and its outputs must equal the parallel form's (`mixers.ts`).
 *
 * State per sequence, per layer, per key/value head (queries of a GQA group share it):
 * - softmax: a kv-cache of every past key and value (`T` slots of `hs + hs` floats at context T);
 * - window: a ring buffer of the last `window` keys and values (`min(window, T)` slots), the oldest evicted;
 * - taylor and power: `S = Σ_u φ(k_u) ⊗ v_u` (`D × hs`) and `z = Σ_u φ(k_u)` (`D`), with the explicit
 *   feature map φ such that `φ(q)·φ(k) = f(q·k)`; output `φ(q)·S / (φ(q)·z [+ POWER_EPS])`.
 *
 * Feature maps over x of size d' (unique symmetric terms, Zoology's convention, not the full d'² / d'^p):
 * - taylor: `[1, x_i / d'^(1/4), x_i² / (√2·√d'), x_i·x_j / √d' (i < j)]`: `D = 1 + d' + d'(d'+1)/2`;
 * - power p: for every multiset α of p indices, `√(p!/∏α_i!) · ∏ x_i^α_i`: `D = C(d' + p − 1, p)`.
 * @module
 */
import { type Mixer, POWER_EPS } from "../../scaling/count/mixer.ts";
import type { MixerShape } from "./mixers.ts";

/** Returns the feature map φ(x) of a linear mixer (taylor or power) for x of its q/k size. */
export function featureMap(mixer: Mixer, x: ArrayLike<number>): Float64Array {
  const d = x.length;
  if (mixer.kind === "taylor") {
    const f = new Float64Array(1 + d + (d * (d + 1)) / 2);
    const c1 = 1 / Math.pow(d, 0.25), cd = 1 / (Math.SQRT2 * Math.sqrt(d)), co = 1 / Math.sqrt(d);
    f[0] = 1;
    for (let i = 0; i < d; i++) f[1 + i] = x[i] * c1;
    let n = 1 + d;
    for (let i = 0; i < d; i++) {
      f[n++] = x[i] * x[i] * cd;
      for (let j = i + 1; j < d; j++) f[n++] = x[i] * x[j] * co;
    }
    return f;
  }
  if (mixer.kind === "power") {
    const out: number[] = [];
    const p = mixer.power;
    const fact = (n: number) => {
      let r = 1;
      for (let i = 2; i <= n; i++) r *= i;
      return r;
    };
    const idx = new Array<number>(p).fill(0);
    // non-decreasing index tuples i_1 ≤ … ≤ i_p enumerate the multisets of size p
    const visit = (pos: number, from: number) => {
      if (pos === p) {
        let prod = 1, denom = 1, run = 1;
        for (let a = 0; a < p; a++) {
          prod *= x[idx[a]];
          if (a > 0 && idx[a] === idx[a - 1]) run++;
          else run = 1;
          denom *= run; // ∏ α_i! built up one multiplicity at a time
        }
        out.push(Math.sqrt(fact(p) / denom) * prod);
        return;
      }
      for (let i = from; i < d; i++) {
        idx[pos] = i;
        visit(pos + 1, i);
      }
    };
    visit(0, 0);
    return Float64Array.from(out);
  }
  throw new Error(`featureMap: mixer kind "${mixer.kind}" has no feature map`);
}

/**
 * Runs the mixer token by token carrying only its state; returns the output `[B·T, hq·hs]` (same layout as
 * `mixerForward`) and `stateFloats`, the number of floats one sequence's state occupies in one layer
 * (summed over its key/value heads; the capacity allocated, which a kv-cache fills by the last token).
 */
export function recurrentMixerForward(
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  shape: MixerShape,
  mixer: Mixer,
): { out: Float64Array; stateFloats: number } {
  const { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs, keyDim: d } = shape;
  const group = hq / hkv, qw = hq * d, kw = hkv * d, vw = hkv * hs, ow = hq * hs;
  const out = new Float64Array(B * T * ow);
  let stateFloats = 0;
  for (let b = 0; b < B; b++) {
    let floats = 0;
    for (let kh = 0; kh < hkv; kh++) {
      const row = (arr: Float64Array, t: number, width: number, head: number, size: number) =>
        arr.subarray((b * T + t) * width + head * size, (b * T + t) * width + (head + 1) * size);
      if (mixer.kind === "softmax" || mixer.kind === "window") {
        const slots = mixer.kind === "window" ? Math.min(mixer.window, T) : T;
        const keys = new Float64Array(slots * d), vals = new Float64Array(slots * hs);
        floats += keys.length + vals.length;
        const scale = 1 / Math.sqrt(hs), sc = new Float64Array(slots);
        for (let t = 0; t < T; t++) {
          keys.set(row(k, t, kw, kh, d), (t % slots) * d); // evicts the key of step t − slots
          vals.set(row(v, t, vw, kh, hs), (t % slots) * hs);
          const used = Math.min(t + 1, slots);
          for (let h = kh * group; h < (kh + 1) * group; h++) {
            const qt = row(q, t, qw, h, d);
            let max = -Infinity;
            for (let j = 0; j < used; j++) {
              let s = 0;
              for (let i = 0; i < d; i++) s += qt[i] * keys[j * d + i];
              sc[j] = s * scale;
              if (sc[j] > max) max = sc[j];
            }
            let sum = 0;
            for (let j = 0; j < used; j++) sum += sc[j] = Math.exp(sc[j] - max);
            const o = out.subarray((b * T + t) * ow + h * hs, (b * T + t) * ow + (h + 1) * hs);
            for (let j = 0; j < used; j++) {
              for (let i = 0; i < hs; i++) o[i] += (sc[j] / sum) * vals[j * hs + i];
            }
          }
        }
      } else {
        const D = featureMap(mixer, new Float64Array(d)).length;
        const S = new Float64Array(D * hs), z = new Float64Array(D);
        floats += S.length + z.length;
        for (let t = 0; t < T; t++) {
          const fk = featureMap(mixer, row(k, t, kw, kh, d)), vt = row(v, t, vw, kh, hs);
          for (let a = 0; a < D; a++) {
            z[a] += fk[a];
            for (let i = 0; i < hs; i++) S[a * hs + i] += fk[a] * vt[i];
          }
          for (let h = kh * group; h < (kh + 1) * group; h++) {
            const fq = featureMap(mixer, row(q, t, qw, h, d));
            let den = mixer.kind === "power" ? POWER_EPS : 0;
            for (let a = 0; a < D; a++) den += fq[a] * z[a];
            const o = out.subarray((b * T + t) * ow + h * hs, (b * T + t) * ow + (h + 1) * hs);
            for (let a = 0; a < D; a++) {
              for (let i = 0; i < hs; i++) o[i] += (fq[a] * S[a * hs + i]) / den;
            }
          }
        }
      }
    }
    stateFloats = floats;
  }
  return { out, stateFloats };
}
