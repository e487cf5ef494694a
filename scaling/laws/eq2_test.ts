import assert from "node:assert/strict";
import { evaluateLaw } from "../law.ts";
import { gemstonesFlopsPerToken } from "../count/flops.ts";
import { gemstonesParams } from "../count/params.ts";
import { EQ2 } from "./eq2.ts";
import { EQ2_TEST_LAW } from "../../testing/laws.ts";

const LAW = EQ2_TEST_LAW;

Deno.test("Eq. 2 prescribes the best shape: no feasible shape at the same FLOPs has a lower loss", () => {
  const counting = { flopsCounter: "gemstones", flopsPerToken: gemstonesFlopsPerToken, relaxed: false };
  const p = EQ2.prescribe(LAW, [1e20], counting);
  assert.equal(p.method, "brute_force");
  assert.equal(p.flopsCounting, "gemstones");
  const o = p.optima[0];
  assert.equal(
    o.lossNats,
    evaluateLaw(LAW, { width: o.width!, depth: o.depth!, params: o.params, tokens: o.tokens }),
  );
  let best = Infinity;
  for (let heads = 2; heads <= 64; heads += 2) {
    for (let depth = 1; depth <= 128; depth++) {
      const shape = { width: heads * 128, depth };
      const tokens = 1e20 / gemstonesFlopsPerToken(shape);
      best = Math.min(best, evaluateLaw(LAW, { ...shape, params: gemstonesParams(shape), tokens }));
    }
  }
  assert.ok(o.lossNats <= best + 1e-12, `${o.lossNats} vs exhaustive ${best}`);
  assert.deepEqual(EQ2.variables, ["width", "depth", "params", "tokens"]);
});
