import assert from "node:assert/strict";
import { type AdditiveLaw, evaluateLaw } from "../law.ts";
import { CHINCHILLA_LAW } from "../laws/reference.ts";
import { gemstonesFlopsPerToken } from "../count/flops.ts";
import { gemstonesParams, gemstonesParamsContinuous } from "../count/params.ts";
import { chinchillaOptimum } from "./chinchilla.ts";
import { prescribeWidthDepth, prescribeWidthDepthCurve } from "./width_depth.ts";
import { EQ2_TEST_LAW } from "../../testing/laws.ts";

const EQ2 = EQ2_TEST_LAW;

/** Eq. 3 form: no params term. */
const EQ3: AdditiveLaw = {
  E: 1.7,
  terms: [
    { variable: "width", A: 40, alpha: 0.45 },
    { variable: "depth", A: 1.2, alpha: 0.6 },
    { variable: "tokens", A: 300, alpha: 0.27 },
  ],
};

/** Exhaustive search with evaluateLaw over every shape of a small box. */
function exhaustive(law: AdditiveLaw, flops: number, widthMax: number, depthMax: number) {
  let best = { width: 0, depth: 0, loss: Infinity };
  for (let heads = 2; heads * 128 <= widthMax; heads += 2) {
    for (let depth = 1; depth <= depthMax; depth++) {
      const width = heads * 128;
      const params = gemstonesParams({ width, depth });
      const tokens = flops / gemstonesFlopsPerToken({ width, depth });
      const loss = evaluateLaw(law, { width, depth, params, tokens });
      if (loss < best.loss) best = { width, depth, loss };
    }
  }
  return best;
}

Deno.test("Eq. 2 / Eq. 3 brute-force prescription equals an exhaustive search on a small grid", () => {
  for (const law of [EQ2, EQ3]) {
    const budgets = [1e17, 1e18, 1e19, 1e20];
    const curve = prescribeWidthDepthCurve(law, budgets, { widthMax: 4096, depthMax: 48 });
    budgets.forEach((flops, i) => {
      const ex = exhaustive(law, flops, 4096, 48);
      const p = curve[i];
      assert.equal(p.width, ex.width, `width at ${flops}`);
      assert.equal(p.depth, ex.depth, `depth at ${flops}`);
      assert.ok(Math.abs(p.lossNats - ex.loss) < 1e-12);
      assert.equal(p.params, gemstonesParams(p));
      assert.ok(Math.abs(p.tokens * p.flopsPerToken / flops - 1) < 1e-12);
      assert.equal(p.widthDepthRatio, p.width / p.depth);
      assert.equal(p.tokensPerParam, p.tokens / p.params);
    });
  }
});

Deno.test("prescriptions flag optima on the edge of the search box", () => {
  const p = prescribeWidthDepth(EQ2, 1e24, { widthMax: 1024, depthMax: 16 });
  assert.equal(p.atBoundary, true);
  const q = prescribeWidthDepth(EQ2, 1e19);
  assert.equal(q.atBoundary, false);
});

Deno.test("relaxed prescription refines to a stationary point at fixed FLOPs, no worse than the grid", () => {
  for (const flops of [1e19, 1e22]) {
    const discrete = prescribeWidthDepth(EQ2, flops);
    const relaxed = prescribeWidthDepth(EQ2, flops, { relaxed: true });
    assert.ok(relaxed.lossNats <= discrete.lossNats + 1e-12);
    const lossAt = (width: number, depth: number) =>
      evaluateLaw(EQ2, {
        width,
        depth,
        params: gemstonesParamsContinuous({ width, depth }),
        tokens: flops / gemstonesFlopsPerToken({ width, depth }),
      });
    assert.ok(Math.abs(lossAt(relaxed.width, relaxed.depth) - relaxed.lossNats) < 1e-12);
    for (const [fw, fd] of [[1.01, 1], [0.99, 1], [1, 1.01], [1, 0.99], [1.01, 1.01], [0.99, 0.99]]) {
      assert.ok(lossAt(relaxed.width * fw, relaxed.depth * fd) > relaxed.lossNats, `${flops} ${fw} ${fd}`);
    }
  }
});

Deno.test("a [params, tokens] law with 6N FLOPs per token recovers the Chinchilla closed form", () => {
  const sixN = (s: { width: number; depth: number }) => 6 * gemstonesParamsContinuous(s);
  for (const flops of [1e20, 1e22]) {
    const p = prescribeWidthDepth(CHINCHILLA_LAW, flops, { relaxed: true, flopsPerToken: sixN });
    const opt = chinchillaOptimum(CHINCHILLA_LAW, flops);
    assert.ok(Math.abs(p.params / opt.paramsOpt - 1) < 1e-4, `${p.params} vs ${opt.paramsOpt}`);
    assert.ok(Math.abs(p.lossNats - opt.lossNats) < 1e-9);
  }
});

Deno.test("prescription rejects unknown law variables and empty ranges", () => {
  const bad: AdditiveLaw = { E: 1, terms: [{ variable: "context", A: 1, alpha: 1 }] };
  assert.throws(() => prescribeWidthDepth(bad, 1e20), /unsupported law variable "context"/);
  assert.throws(
    () => prescribeWidthDepth(EQ2, 1e20, { widthMin: 4096, widthMax: 1024 }),
    /empty search range/,
  );
});
