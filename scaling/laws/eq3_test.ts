import assert from "node:assert/strict";
import { type AdditiveLaw, evaluateLaw } from "../law.ts";
import { gemstonesFlopsPerToken } from "../count/flops.ts";
import { EQ3 } from "./eq3.ts";

const LAW: AdditiveLaw = {
  E: 1.7,
  terms: [
    { variable: "width", A: 40, alpha: 0.45 },
    { variable: "depth", A: 1.2, alpha: 0.6 },
    { variable: "tokens", A: 300, alpha: 0.27 },
  ],
};

Deno.test("Eq. 3 prescribes the best shape: no feasible shape at the same FLOPs has a lower loss", () => {
  const counting = { flopsCounter: "gemstones", flopsPerToken: gemstonesFlopsPerToken, relaxed: false };
  const o = EQ3.prescribe(LAW, [1e21], counting).optima[0];
  assert.ok(
    Math.abs(o.tokens * gemstonesFlopsPerToken({ width: o.width!, depth: o.depth! }) / 1e21 - 1) < 1e-12,
  );
  let best = Infinity;
  for (let heads = 2; heads <= 64; heads += 2) {
    for (let depth = 1; depth <= 128; depth++) {
      const shape = { width: heads * 128, depth };
      best = Math.min(best, evaluateLaw(LAW, { ...shape, tokens: 1e21 / gemstonesFlopsPerToken(shape) }));
    }
  }
  assert.ok(o.lossNats <= best + 1e-12, `${o.lossNats} vs exhaustive ${best}`);
  assert.deepEqual(EQ3.variables, ["width", "depth", "tokens"]);
});
