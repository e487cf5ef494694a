import assert from "node:assert/strict";
import { evaluateLaw } from "../law.ts";
import { gemstonesFlopsPerToken } from "../count/flops.ts";
import { gemstonesParams } from "../count/params.ts";
import { GEMSTONES_MODELS } from "../count/shapes.ts";
import { overspend, overspendGrid, tokensToReachLoss } from "./overspend.ts";
import { EQ2_TEST_LAW } from "../../testing/laws.ts";

const EQ2 = EQ2_TEST_LAW;

Deno.test("tokensToReachLoss solves the law for tokens (Infinity when unreachable)", () => {
  const shape = { width: 1280, depth: 15 };
  const tokens = tokensToReachLoss(EQ2, shape, 2.9);
  const loss = evaluateLaw(EQ2, { width: 1280, depth: 15, params: gemstonesParams(shape), tokens });
  assert.ok(Math.abs(loss - 2.9) < 1e-12);
  assert.equal(tokensToReachLoss(EQ2, shape, 1.7), Infinity);
});

Deno.test("overspend against an exhaustive search over the candidates", () => {
  const target = 3.0;
  const rows = overspendGrid(EQ2, GEMSTONES_MODELS, target, { kind: "flops" }, {
    candidates: GEMSTONES_MODELS,
  });
  let bestCost = Infinity;
  for (const s of GEMSTONES_MODELS) {
    const tokens = tokensToReachLoss(EQ2, s, target);
    bestCost = Math.min(bestCost, tokens * gemstonesFlopsPerToken(s));
  }
  rows.forEach((r, i) => {
    const s = GEMSTONES_MODELS[i];
    assert.deepEqual([r.width, r.depth], [s.width, s.depth]);
    assert.ok(Math.abs(r.optimalCost / bestCost - 1) < 1e-12);
    if (Number.isFinite(r.cost)) {
      assert.ok(
        Math.abs(r.cost / (tokensToReachLoss(EQ2, s, target) * gemstonesFlopsPerToken(s)) - 1) < 1e-12,
      );
    }
    assert.ok(r.ratio >= 1 - 1e-12, `${s.width}x${s.depth}`);
  });
  assert.ok(rows.some((r) => Math.abs(r.ratio - 1) < 1e-12));
});

Deno.test("overspend on the full grid: the optimal shape overspends nothing, others more", () => {
  const target = 3.0;
  const first = overspend(EQ2, { width: 512, depth: 40 }, target);
  const best = overspend(EQ2, { width: first.optimalWidth, depth: first.optimalDepth }, target);
  assert.ok(Math.abs(best.ratio - 1) < 1e-12);
  assert.ok(first.ratio > 1 && Number.isFinite(first.ratio));
  // A shape that cannot reach the target overspends infinitely.
  assert.equal(overspend(EQ2, { width: 512, depth: 40 }, 2.7).ratio, Infinity);
  // GPU-hours with a time model proportional to FLOPs gives the same ratio.
  const gpu = overspend(EQ2, { width: 512, depth: 40 }, target, {
    kind: "gpuHours",
    gpuSecondsPerToken: (s) => gemstonesFlopsPerToken(s) / 4e14,
  });
  assert.ok(Math.abs(gpu.ratio / first.ratio - 1) < 1e-12);
  assert.ok(Math.abs(gpu.cost - first.cost / 4e14 / 3600) < 1e-9 * gpu.cost);
});
