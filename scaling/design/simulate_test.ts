import assert from "node:assert/strict";
import type { AdditiveLaw } from "../law.ts";
import { gemstonesParams } from "../count/mod.ts";
import { simulateCheckpoints, type SimulationOptions } from "./simulate.ts";

const CHINCHILLA: AdditiveLaw = {
  E: 1.69,
  terms: [{ variable: "params", A: 406.4, alpha: 0.34 }, { variable: "tokens", A: 410.7, alpha: 0.28 }],
};
const MODELS = [
  { shape: { width: 512, depth: 8 }, tokens: 2e9 },
  { shape: { width: 1024, depth: 28 }, tokens: 8e9 },
];
const OPTIONS: SimulationOptions = {
  paramsConvention: "total",
  checkpoints: 8,
  firstFraction: 1 / 16,
  tokensPerStep: 1024,
  cooldown: null,
  noise: 0,
  seed: 1,
};
const chinchilla = (params: number, tokens: number) =>
  1.69 + 406.4 * params ** -0.34 + 410.7 * tokens ** -0.28;

Deno.test("simulateCheckpoints: the law's values at whole steps log-spaced from 1/16 of the run to its end", () => {
  const out = simulateCheckpoints(MODELS, CHINCHILLA, OPTIONS);
  assert.equal(out.length, 2 * 8);
  for (const [i, m] of MODELS.entries()) {
    const hot = out.filter((c) => c.model === i);
    assert.deepEqual(hot.map((c) => c.checkpoint), [0, 1, 2, 3, 4, 5, 6, 7]);
    for (const [k, c] of hot.entries()) {
      // Checkpoint k at fraction 16^(k/7 - 1) of the run, rounded to a whole step of 1024 tokens.
      assert.equal(c.step, Math.round(m.tokens * 16 ** (k / 7 - 1) / 1024));
      assert.equal(c.tokens, c.step * 1024);
      assert.ok(Math.abs(c.lossNats - chinchilla(gemstonesParams(m.shape), c.tokens)) < 1e-12);
    }
  }
});

Deno.test("simulateCheckpoints: a cooled run ends 10 % later with 20 % of the reducible loss removed", () => {
  const out = simulateCheckpoints(MODELS, CHINCHILLA, { ...OPTIONS, cooldown: { fraction: 0.1, drop: 0.2 } });
  assert.equal(out.length, 2 * 8 * 2);
  for (let i = 0; i < out.length; i += 2) {
    const [hot, cool] = [out[i], out[i + 1]];
    assert.equal(hot.cooldown, false);
    assert.equal(cool.cooldown, true);
    assert.equal(cool.checkpoint, hot.checkpoint);
    assert.equal(cool.step, Math.max(hot.step + 1, Math.round(hot.step * 1.1)));
    const params = gemstonesParams(MODELS[hot.model].shape);
    const want = 1.69 + (chinchilla(params, cool.tokens) - 1.69) * 0.8;
    assert.ok(Math.abs(cool.lossNats - want) < 1e-12);
  }
});

Deno.test("simulateCheckpoints: seeded log-normal noise of σ = 0.01 (reproducible; mean log ratio ~ 0)", () => {
  const many = Array.from(
    { length: 50 },
    (_, i) => ({ shape: { width: 512, depth: 8 }, tokens: 1e9 + i * 1e7 }),
  );
  const exact = simulateCheckpoints(many, CHINCHILLA, OPTIONS);
  const noisy = simulateCheckpoints(many, CHINCHILLA, { ...OPTIONS, noise: 0.01 });
  assert.deepEqual(noisy, simulateCheckpoints(many, CHINCHILLA, { ...OPTIONS, noise: 0.01 }));
  const logs = noisy.map((c, i) => Math.log(c.lossNats / exact[i].lossNats));
  const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (logs.length - 1));
  // 400 draws: the sample sd is within 15 % of 0.01 and the mean within 4 standard errors of 0.
  assert.ok(Math.abs(sd / 0.01 - 1) < 0.15, `sd ${sd}`);
  assert.ok(Math.abs(mean) < 4 * 0.01 / Math.sqrt(logs.length), `mean ${mean}`);
});

Deno.test("simulateCheckpoints: bad options are errors naming the field", () => {
  assert.throws(
    () => simulateCheckpoints(MODELS, CHINCHILLA, { ...OPTIONS, paramsConvention: "nope" }),
    /"paramsConvention" must be one of total, /,
  );
  assert.throws(
    () => simulateCheckpoints(MODELS, CHINCHILLA, { ...OPTIONS, checkpoints: 0 }),
    /"checkpoints"/,
  );
  assert.throws(
    () => simulateCheckpoints(MODELS, CHINCHILLA, { ...OPTIONS, firstFraction: 0 }),
    /"firstFraction"/,
  );
  assert.throws(
    () => simulateCheckpoints(MODELS, CHINCHILLA, { ...OPTIONS, cooldown: { fraction: 0.1, drop: 1 } }),
    /"cooldown"/,
  );
});
