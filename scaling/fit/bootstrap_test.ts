import assert from "node:assert/strict";
import { type AdditiveLaw } from "../law.ts";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { gemstonesPoints, readGemstones, synthesise } from "../../testing/gemstones.ts";
import { EQ1_VARIABLES, lawParameters } from "./approach3.ts";
import { bootstrapApproach1, bootstrapApproach3, quantileSorted } from "./bootstrap.ts";
import type { Approach1Point } from "./types.ts";

const shapes = gemstonesPoints(readGemstones("wandb_df_for_fitting_hot_100b+.jsonl")).filter((_, i) =>
  i % 5 === 0
);

/** Reference Chinchilla optimum of an Eq. 1 law with C = 6ND: N = G (C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β)). */
function chinchillaOptimum(law: AdditiveLaw, flops: number): { paramsOpt: number; tokensOpt: number } {
  const [n, d] = law.terms;
  const g = Math.pow((n.alpha * n.A) / (d.alpha * d.A), 1 / (n.alpha + d.alpha));
  const paramsOpt = g * Math.pow(flops / 6, d.alpha / (n.alpha + d.alpha));
  return { paramsOpt, tokensOpt: flops / (6 * paramsOpt) };
}

Deno.test("quantileSorted: numpy's linear-interpolation percentiles", () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantileSorted([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 9.5);
  assert.equal(quantileSorted([7], 0.3), 7);
  assert.throws(() => quantileSorted([], 0.5), /no values/);
});

Deno.test("bootstrapApproach3: with 1% log-normal noise the true parameters lie inside the 95% intervals", () => {
  const truth = lawParameters(CHINCHILLA_LAW);
  const datasets = 8;
  const covered: Record<string, number> = {};
  let allCovered = 0;
  for (let seed = 1; seed <= datasets; seed++) {
    const points = synthesise(shapes, CHINCHILLA_LAW, 0.01, seed);
    const b = bootstrapApproach3(
      points,
      { variables: EQ1_VARIABLES, grid: { kind: "lhs", starts: 40, seed: 7 } },
      { samples: 100, seed: 11, localStarts: 4 },
    );
    assert.equal(b.groups, 22);
    let all = true;
    for (const name of Object.keys(truth)) {
      const iv = b.parameters[name];
      assert.ok(iv.lower <= iv.estimate * 1.5 && iv.lower < iv.upper, name);
      const inside = iv.lower <= truth[name] && truth[name] <= iv.upper;
      covered[name] = (covered[name] ?? 0) + (inside ? 1 : 0);
      all &&= inside;
    }
    if (seed === 1) assert.ok(all, `dataset 1: ${JSON.stringify(b.parameters)}`);
    if (all) allCovered++;
  }
  // Nominal coverage is 95% per parameter; over 8 datasets demand at least 6 per parameter and 5 jointly.
  for (const name of Object.keys(truth)) assert.ok(covered[name] >= 6, `${name} covered ${covered[name]}/8`);
  assert.ok(allCovered >= 5, `all covered in ${allCovered}/8`);
});

Deno.test("bootstrapApproach3: seeded and deterministic; optimum intervals use the injected function", () => {
  const points = synthesise(shapes, CHINCHILLA_LAW, 0.01, 1);
  const opts = { variables: EQ1_VARIABLES, grid: { kind: "lhs" as const, starts: 20, seed: 3 } };
  const boot = { samples: 30, seed: 5, localStarts: 2, budgets: [1e21, 1e23], optimum: chinchillaOptimum };
  const a = bootstrapApproach3(points, opts, boot);
  const b = bootstrapApproach3(points, opts, boot);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.equal(a.laws.length, 30);
  assert.equal(a.optima.length, 2);
  const est = chinchillaOptimum(a.fit.law, 1e23);
  assert.equal(a.optima[1].paramsOpt.estimate, est.paramsOpt);
  const each = a.laws.map((l) => chinchillaOptimum(l, 1e23).paramsOpt).sort((x, y) => x - y);
  assert.equal(a.optima[1].paramsOpt.lower, quantileSorted(each, 0.025));
  assert.equal(a.optima[1].paramsOpt.upper, quantileSorted(each, 0.975));
  const other = bootstrapApproach3(points, opts, { ...boot, seed: 6 });
  assert.notEqual(JSON.stringify(other.parameters), JSON.stringify(a.parameters));
});

Deno.test("bootstrapApproach1: exact power-law frontiers give intervals collapsed on the estimate", () => {
  // Ten runs, each a curve of 5 checkpoints; the loss frontier follows params = 0.2·C^0.45 exactly.
  const points: Approach1Point[] = [];
  for (let r = 0; r < 10; r++) {
    const c = 1e18 * Math.pow(10, r / 3);
    points.push({
      resource: c,
      lossNats: 2 + 50 * Math.pow(c, -0.1),
      params: 0.2 * Math.pow(c, 0.45),
      tokens: 1e9 * (r + 1),
      group: `r${r}`,
    });
    for (let k = 1; k < 5; k++) {
      points.push({
        resource: c * (1 + 0.1 * k),
        lossNats: 3 + 50 * Math.pow(c, -0.1),
        params: 1e6,
        tokens: 1e9,
        group: `r${r}`,
      });
    }
  }
  const b = bootstrapApproach1(points, { method: "hull" }, { samples: 50, seed: 1 });
  assert.ok(Math.abs(b.fit.fits.params.slope - 0.45) < 1e-12);
  assert.ok(b.samples + b.failed === 50 && b.samples >= 45);
  assert.ok(
    Math.abs(b.fits.params.slope.lower - 0.45) < 1e-9 && Math.abs(b.fits.params.slope.upper - 0.45) < 1e-9,
  );
  assert.ok(Math.abs(b.fits.params.intercept.lower - Math.log(0.2)) < 1e-7);
  // The tokens of frontier points are not a power law, so their slope interval is not degenerate.
  assert.ok(b.fits.tokens.slope.upper - b.fits.tokens.slope.lower > 1e-3);
});
