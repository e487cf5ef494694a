import assert from "node:assert/strict";
import {
  type MarkovChain,
  markovChain,
  sampleMarkov,
  stationaryDistribution,
  syntheticEntropyRate,
} from "./markov.ts";

const h = (p: number) => -p * Math.log(p) - (1 - p) * Math.log(1 - p);

Deno.test("entropy rate: two-state chain closed form and uniform chain ln K", () => {
  const a = 0.1, b = 0.3;
  const chain: MarkovChain = {
    alphabetSize: 2,
    firstToken: 97,
    transitions: new Float64Array([1 - a, a, b, 1 - b]),
  };
  const pi = stationaryDistribution(chain);
  assert.ok(Math.abs(pi[0] - b / (a + b)) < 1e-12);
  assert.ok(Math.abs(syntheticEntropyRate(chain) - ((b * h(a) + a * h(b)) / (a + b))) < 1e-12);
  const uniform: MarkovChain = {
    alphabetSize: 5,
    firstToken: 0,
    transitions: new Float64Array(25).fill(0.2),
  };
  assert.ok(Math.abs(syntheticEntropyRate(uniform) - Math.log(5)) < 1e-14);
  assert.ok(Math.abs(syntheticEntropyRate(markovChain(8, 1, 0)) - Math.log(8)) < 1e-14);
});

Deno.test("entropy rate: empirical conditional entropy of 300k samples matches the closed form", () => {
  const chain = markovChain(8, 42, 2);
  const H = syntheticEntropyRate(chain);
  assert.ok(H > 0.3 && H < Math.log(8) - 0.2, `H = ${H} should be well below ln 8`);
  const K = 8, n = 300_000, s = sampleMarkov(chain, n, 7);
  const counts = new Float64Array(K * K), rows = new Float64Array(K), first = new Float64Array(K);
  for (let i = 0; i + 1 < n; i++) {
    const x = s[i] - 97, y = s[i + 1] - 97;
    assert.ok(x >= 0 && x < K);
    counts[x * K + y]++;
    rows[x]++;
  }
  let est = 0;
  for (let i = 0; i < K * K; i++) {
    if (counts[i] > 0) est -= (counts[i] / (n - 1)) * Math.log(counts[i] / rows[Math.floor(i / K)]);
  }
  // plug-in estimator bias ≈ −K(K−1)/(2n) ≈ −1e-4; sampling SE ≈ 2e-3
  assert.ok(Math.abs(est - H) < 0.01, `empirical ${est} vs closed form ${H}`);
  // the stationary start: 1000 chains' first symbols follow π
  const pi = stationaryDistribution(chain);
  for (let seed = 0; seed < 2000; seed++) first[sampleMarkov(chain, 1, seed)[0] - 97]++;
  for (let i = 0; i < K; i++) assert.ok(Math.abs(first[i] / 2000 - pi[i]) < 0.05, `π[${i}]`);
  assert.deepEqual(sampleMarkov(chain, 50, 3), sampleMarkov(chain, 50, 3));
});

Deno.test("markovChain: bad arguments are named", () => {
  assert.throws(() => markovChain(1, 0), /alphabetSize/);
  assert.throws(() => markovChain(10, 0, 2, 250), /must lie in 0..255/);
});
