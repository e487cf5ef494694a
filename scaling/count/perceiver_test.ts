import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { fitFixedExponentLaw, fixedExponentParams } from "./fixed_exponent.ts";
import {
  formatExp2,
  formatPerceiverRow,
  PERCEIVER_EXPERIMENTS,
  perceiverCrossAttnFlops,
  perceiverExperimentTable,
  perceiverReferenceCompute,
  perceiverSelfAttnFlops,
  perceiverSelfAttnParams,
} from "./perceiver.ts";

const EXP1 = { vocabSize: 32000, maxSeqLen: 2048, numLatents: 512 };

Deno.test("seed 000 compute estimates: 2.82e+08, 7.10e+06, 2.45 %, C_self/C_self_approx = 1.05", () => {
  const cSelf = perceiverSelfAttnFlops(EXP1, 512, 9);
  const cCross = perceiverCrossAttnFlops(EXP1, 512, 0.5);
  assert.equal(formatExp2(cSelf), "2.82e+08");
  assert.equal(formatExp2(cCross), "7.10e+06");
  assert.equal((cCross / (cCross + cSelf) * 100).toFixed(2), "2.45");
  const nSelf = perceiverSelfAttnParams(EXP1, { channels: 512, layers: 9 });
  assert.equal((cSelf / (6 * nSelf)).toFixed(2), "1.05");
});

async function estimates(name: string): Promise<{ flops: number[]; params: number[]; tokens: number[] }> {
  const url = new URL(`../../data/krasserm-perceiver-ar/data/estimates/${name}`, import.meta.url);
  const rows: Record<string, string>[] = parse(await Deno.readTextFile(url), { columns: true });
  return {
    flops: rows.map((r) => Number(r.FLOPs)),
    params: rows.map((r) => Number(r.Parameters)),
    tokens: rows.map((r) => Number(r.Tokens)),
  };
}

Deno.test("seed 000 experiment 1: C_ref = 5.78e+17, N_opt (approach 2) = 7.32e+07, N_self = 7.17e+07", async () => {
  const ref = perceiverReferenceCompute(EXP1, { channels: 512, layers: 9 }, 50000, 80);
  assert.equal(formatExp2(ref.flops), "5.78e+17");
  assert.equal(ref.flops, perceiverSelfAttnFlops(EXP1, 512, 9) * ref.tokens);
  assert.equal(ref.tokens, 2048000000);
  const a2 = await estimates("approach_2.csv");
  const law2 = fitFixedExponentLaw(a2.flops, a2.params, a2.tokens, 0.49, 0.51);
  assert.equal(formatExp2(fixedExponentParams(law2, ref.flops)), "7.32e+07");
  assert.equal(formatExp2(perceiverSelfAttnParams(EXP1, { channels: 624, layers: 11 })), "7.17e+07");
});

Deno.test("seed 000 experiment 2a: N_opt (approach 1) = 3.90e+07, (approach 2) = 4.33e+07", async () => {
  const exp = PERCEIVER_EXPERIMENTS[1];
  const { reference } = perceiverExperimentTable(exp);
  const a1 = await estimates("approach_1.csv"), a2 = await estimates("approach_2.csv");
  const law1 = fitFixedExponentLaw(a1.flops, a1.params, a1.tokens, 0.5, 0.5);
  const law2 = fitFixedExponentLaw(a2.flops, a2.params, a2.tokens, 0.49, 0.51);
  assert.equal(formatExp2(fixedExponentParams(law1, reference.flops)), "3.90e+07");
  assert.equal(formatExp2(fixedExponentParams(law2, reference.flops)), "4.33e+07");
});

/** Seed 000's Tables 1-4 (and the experiment 2b table), each row merged with its ratio row. */
const TABLES: Record<string, string[]> = {
  "scaling-1": [
    "512 | 9 | 50000 | 2.05e+09 | 4.58e+07 | 7.86e+05 | 4.50e+07 | 5.93e+17 | 1.45e+16 | 5.78e+17 | 5.53e+17 | 0.0172 | 0.0245 | 1.0455",
    "624 | 11 | 31421 | 1.29e+09 | 7.27e+07 | 9.58e+05 | 7.17e+07 | 5.91e+17 | 1.27e+16 | 5.78e+17 | 5.54e+17 | 0.0132 | 0.0216 | 1.0437",
    "728 | 13 | 21231 | 8.70e+08 | 1.08e+08 | 1.12e+06 | 1.06e+08 | 5.89e+17 | 1.12e+16 | 5.78e+17 | 5.55e+17 | 0.0104 | 0.0191 | 1.0414",
  ],
  "scaling-2a": [
    "512 | 9 | 26144 | 1.07e+09 | 3.06e+07 | 1.84e+06 | 2.87e+07 | 2.16e+17 | 1.77e+16 | 1.98e+17 | 1.85e+17 | 0.0600 | 0.0822 | 1.0723",
    "584 | 10 | 18275 | 7.49e+08 | 4.35e+07 | 2.09e+06 | 4.14e+07 | 2.13e+17 | 1.55e+16 | 1.98e+17 | 1.86e+17 | 0.0481 | 0.0724 | 1.0644",
    "584 | 9 | 20298 | 8.31e+08 | 3.94e+07 | 2.09e+06 | 3.73e+07 | 2.15e+17 | 1.72e+16 | 1.98e+17 | 1.86e+17 | 0.0531 | 0.0798 | 1.0635",
    "432 | 7 | 46451 | 1.90e+09 | 1.76e+07 | 1.55e+06 | 1.60e+07 | 2.22e+17 | 2.38e+16 | 1.98e+17 | 1.83e+17 | 0.0881 | 0.1074 | 1.0820",
    "768 | 13 | 8276 | 3.39e+08 | 9.54e+07 | 2.75e+06 | 9.26e+07 | 2.09e+17 | 1.12e+16 | 1.98e+17 | 1.88e+17 | 0.0289 | 0.0536 | 1.0505",
  ],
  // Experiment 2b prints no ratio table: compare the first 11 cells only.
  "scaling-2b": [
    "512 | 9 | 26144 | 1.07e+09 | 2.95e+07 | 7.86e+05 | 2.87e+07 | 2.06e+17 | 7.60e+15 | 1.98e+17 | 1.85e+17",
    "584 | 10 | 18275 | 7.49e+08 | 4.23e+07 | 8.97e+05 | 4.14e+07 | 2.05e+17 | 6.63e+15 | 1.98e+17 | 1.86e+17",
  ],
};

Deno.test("seed 000 Tables 1-4 and the experiment 2b table, every cell", () => {
  for (const exp of PERCEIVER_EXPERIMENTS) {
    const { rows } = perceiverExperimentTable(exp);
    const expected = TABLES[exp.name];
    assert.equal(rows.length, expected.length, exp.name);
    rows.forEach((row, i) => {
      const cells = expected[i].split(" | ");
      assert.deepEqual(formatPerceiverRow(row).slice(0, cells.length), cells, `${exp.name} row ${i + 1}`);
    });
  }
});

Deno.test("formatExp2 writes Python's {:.2e}", () => {
  assert.equal(formatExp2(7096320), "7.10e+06");
  assert.equal(formatExp2(0.000123), "1.23e-04");
  assert.equal(formatExp2(1.3e28), "1.30e+28");
});
