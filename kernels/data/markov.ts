/**
 * A synthetic language with a known entropy rate: a seeded, stationary order-1 Markov chain over a
 * small alphabet. For transition matrix P (row-stochastic, all entries > 0) with stationary
 * distribution π, the entropy rate is `H = −Σ_i π_i Σ_j P_ij · ln P_ij` nats/token. Sequences start
 * from π, so every position is stationary and no predictor of the next token, whatever context it
 * sees, can do better than H on average: H is the irreducible loss E of a model trained on it.
 * @module
 */
import { Rng } from "../../util/rng.ts";

/** An order-1 Markov chain whose states are emitted as tokens `firstToken + state`. */
export interface MarkovChain {
  /** Number of states K. */
  readonly alphabetSize: number;
  /** Token id of state 0 (states map to consecutive ids). */
  readonly firstToken: number;
  /** Row-stochastic transition matrix `[K, K]`: entry (i, j) = P(next = j | current = i). */
  readonly transitions: Float64Array;
}

/**
 * Returns a seeded chain with `P_ij ∝ exp(sharpness · z_ij)`, z standard normal (larger sharpness,
 * lower entropy). States emit tokens `firstToken .. firstToken + K − 1` (default 97, "a"...).
 */
export function markovChain(alphabetSize: number, seed: number, sharpness = 2, firstToken = 97): MarkovChain {
  if (!Number.isInteger(alphabetSize) || alphabetSize < 2) {
    throw new Error(`markovChain: alphabetSize must be an integer ≥ 2, got ${alphabetSize}`);
  }
  if (!Number.isInteger(firstToken) || firstToken < 0 || firstToken + alphabetSize > 256) {
    throw new Error(`markovChain: tokens ${firstToken}..${firstToken + alphabetSize - 1} must lie in 0..255`);
  }
  if (!(sharpness >= 0 && Number.isFinite(sharpness))) {
    throw new Error(`markovChain: sharpness must be a finite number ≥ 0, got ${sharpness}`);
  }
  const K = alphabetSize, rng = new Rng(seed);
  const transitions = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    let sum = 0;
    for (let j = 0; j < K; j++) sum += transitions[i * K + j] = Math.exp(sharpness * rng.nextNormal());
    for (let j = 0; j < K; j++) transitions[i * K + j] /= sum;
  }
  return { alphabetSize: K, firstToken, transitions };
}

/** Returns the stationary distribution π `[K]` (π·P = π, Σπ = 1) by power iteration. */
export function stationaryDistribution(chain: MarkovChain): Float64Array {
  const K = chain.alphabetSize, P = chain.transitions;
  let pi = new Float64Array(K).fill(1 / K);
  for (let it = 0; it < 100_000; it++) {
    const next = new Float64Array(K);
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) next[j] += pi[i] * P[i * K + j];
    let diff = 0;
    for (let j = 0; j < K; j++) diff += Math.abs(next[j] - pi[j]);
    pi = next;
    if (diff < 1e-15) break;
  }
  return pi;
}

/** Returns the entropy rate `−Σ_i π_i Σ_j P_ij ln P_ij` of the chain, in nats/token. */
export function syntheticEntropyRate(chain: MarkovChain): number {
  const K = chain.alphabetSize, P = chain.transitions, pi = stationaryDistribution(chain);
  let h = 0;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const p = P[i * K + j];
      if (p > 0) h -= pi[i] * p * Math.log(p);
    }
  }
  return h;
}

function sampleRow(cdfRow: Float64Array, u: number): number {
  let j = 0;
  while (j < cdfRow.length - 1 && u >= cdfRow[j]) j++;
  return j;
}

/** Returns `count` tokens of the chain started from its stationary distribution, seeded. */
export function sampleMarkov(chain: MarkovChain, count: number, seed: number): Uint16Array {
  if (!Number.isInteger(count) || count < 0) throw new Error(`sampleMarkov: count must be ≥ 0, got ${count}`);
  const K = chain.alphabetSize, rng = new Rng(seed);
  const cdf = (row: ArrayLike<number>) => {
    const c = new Float64Array(K);
    let s = 0;
    for (let j = 0; j < K; j++) c[j] = s += row[j];
    return c;
  };
  const rows = Array.from({ length: K }, (_, i) => cdf(chain.transitions.subarray(i * K, (i + 1) * K)));
  const out = new Uint16Array(count);
  if (count === 0) return out;
  let state = sampleRow(cdf(stationaryDistribution(chain)), rng.nextFloat());
  out[0] = chain.firstToken + state;
  for (let n = 1; n < count; n++) {
    state = sampleRow(rows[state], rng.nextFloat());
    out[n] = chain.firstToken + state;
  }
  return out;
}
