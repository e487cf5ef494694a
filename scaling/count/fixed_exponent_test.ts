import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import {
  fitFixedExponentLaw,
  fitPowerCoefficient,
  fixedExponentParams,
  fixedExponentTokens,
  formatFixedExponentLaw,
} from "./fixed_exponent.ts";

async function estimates(name: string): Promise<{ flops: number[]; params: number[]; tokens: number[] }> {
  const url = new URL(`../../data/krasserm-perceiver-ar/data/estimates/${name}`, import.meta.url);
  const rows: Record<string, string>[] = parse(await Deno.readTextFile(url), { columns: true });
  return {
    flops: rows.map((r) => Number(r.FLOPs)),
    params: rows.map((r) => Number(r.Parameters)),
    tokens: rows.map((r) => Number(r.Tokens)),
  };
}

Deno.test("seed 000: Chinchilla Table 3 estimates give N_opt = 0.0877 C^0.50, D_opt = 1.8960 C^0.50", async () => {
  const e = await estimates("approach_1.csv");
  const law = fitFixedExponentLaw(e.flops, e.params, e.tokens, 0.5, 0.5);
  assert.equal(formatFixedExponentLaw(law), "N_opt = 0.0877 * C ** 0.50\nD_opt = 1.8960 * C ** 0.50");
});

Deno.test("seed 000: Chinchilla Table A3 estimates give N_opt = 0.1448 C^0.49, D_opt = 1.1519 C^0.51", async () => {
  const e = await estimates("approach_2.csv");
  const law = fitFixedExponentLaw(e.flops, e.params, e.tokens, 0.49, 0.51);
  assert.equal(formatFixedExponentLaw(law), "N_opt = 0.1448 * C ** 0.49\nD_opt = 1.1519 * C ** 0.51");
});

Deno.test("the linear-space fit recovers k exactly from noiseless data and weights large x most", () => {
  const x = [1e18, 1e20, 1e22, 1e24];
  assert.ok(Math.abs(fitPowerCoefficient(x, x.map((v) => 0.3 * Math.sqrt(v)), 0.5) / 0.3 - 1) < 1e-14);
  // Doubling the smallest point's y barely moves k: the fit is dominated by the largest C (Σ x^2m weights).
  const k = fitPowerCoefficient(x, x.map((v, i) => (i === 0 ? 0.6 : 0.3) * Math.sqrt(v)), 0.5);
  assert.ok(Math.abs(k / 0.3 - 1) < 1e-5);
  const law = { kN: 2, a: 0.5, kD: 3, b: 0.25 };
  assert.equal(fixedExponentParams(law, 16), 8);
  assert.equal(fixedExponentTokens(law, 16), 6);
  assert.throws(() => fitPowerCoefficient([1, 2], [1], 1), /2 x values but 1 y values/);
  assert.throws(() => fitPowerCoefficient([1, NaN], [1, 2], 1), /index 1/);
});
