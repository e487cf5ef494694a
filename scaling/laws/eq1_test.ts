import assert from "node:assert/strict";
import { evaluateLaw } from "../law.ts";
import { EQ1 } from "./eq1.ts";
import { CHINCHILLA_LAW } from "./reference.ts";

const sixN = (s: { width: number; depth: number }) => 6 * s.width * s.depth;
const counting = { flopsCounter: "unused", flopsPerToken: sixN, relaxed: false };

Deno.test("Eq. 1 prescribes the loss minimum along C = 6ND (golden-section check at three budgets)", () => {
  const p = EQ1.prescribe(CHINCHILLA_LAW, [1e20, 1e22, 1e24], counting);
  assert.equal(p.method, "closed_form");
  assert.equal(p.flopsCounting, "C = 6ND");
  for (const o of p.optima) {
    assert.ok(Math.abs(6 * o.params * o.tokens / o.flops - 1) < 1e-12);
    assert.equal(o.lossNats, evaluateLaw(CHINCHILLA_LAW, { params: o.params, tokens: o.tokens }));
    // Independent: minimise L(N, C/6N) over ln N by golden section.
    const f = (u: number) =>
      evaluateLaw(CHINCHILLA_LAW, { params: Math.exp(u), tokens: o.flops / (6 * Math.exp(u)) });
    let lo = Math.log(1e3), hi = Math.log(1e15);
    const g = (Math.sqrt(5) - 1) / 2;
    for (let i = 0; i < 200; i++) {
      const a = hi - g * (hi - lo), b = lo + g * (hi - lo);
      if (f(a) < f(b)) hi = b;
      else lo = a;
    }
    assert.ok(Math.abs(Math.exp((lo + hi) / 2) / o.params - 1) < 1e-6, `N_opt at ${o.flops}`);
    assert.equal(o.width, null);
    assert.equal(o.atBoundary, null);
  }
});

Deno.test("Eq. 1's registry entry: variables, the full Gemstones grid, and a closed-form optimum", () => {
  assert.deepEqual(EQ1.variables, ["params", "tokens"]);
  assert.equal(EQ1.fit.grid, "gemstones");
  const o = EQ1.optimum!(CHINCHILLA_LAW, 1e21);
  assert.ok(Math.abs(6 * o.paramsOpt * o.tokensOpt / 1e21 - 1) < 1e-12);
});
