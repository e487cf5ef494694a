import assert from "node:assert/strict";
import { gemstonesGridSize } from "../fit/grid.ts";
import {
  CHINCHILLA_LAW,
  closedFormOf,
  EPOCH_LAW,
  evalPower,
  KAPLAN_PARAMS,
  LAW_NAMES,
  LAW_SPECS,
  lawSpec,
  PF_DAY_FLOPS,
  powerLawOf,
} from "./mod.ts";

Deno.test("the registry looks forms up by name and names the registered ones otherwise", () => {
  assert.deepEqual(LAW_NAMES, ["eq1", "eq2", "eq3"]);
  for (const name of LAW_NAMES) {
    const spec = lawSpec(name);
    assert.equal(spec.name, name);
    assert.equal(new Set(spec.variables).size, spec.variables.length);
    assert.equal(LAW_SPECS[name], spec);
  }
  assert.throws(() => lawSpec("eq9"), /unknown law form "eq9"; registered: eq1, eq2, eq3/);
  assert.equal(gemstonesGridSize(lawSpec("eq2").variables.length), 4_050_000);
});

Deno.test("reference laws: closed-form exponents β/(α+β) and Kaplan's 1.6e9 parameters at 1 PF-day", () => {
  const h = closedFormOf(CHINCHILLA_LAW);
  assert.ok(Math.abs(h.params.exponent - 0.28 / 0.62) < 1e-15);
  assert.ok(Math.abs(h.tokens.exponent - 0.34 / 0.62) < 1e-15);
  const e = closedFormOf(EPOCH_LAW);
  assert.ok(Math.abs(e.params.exponent - 0.3658 / (0.3478 + 0.3658)) < 1e-15);
  // N_opt · D_opt = C / 6 for every C.
  assert.ok(Math.abs(evalPower(e.params, 1e23) * evalPower(e.tokens, 1e23) / (1e23 / 6) - 1) < 1e-12);
  assert.ok(Math.abs(evalPower(KAPLAN_PARAMS, PF_DAY_FLOPS) / 1.6e9 - 1) < 1e-12);
});

Deno.test("powerLawOf turns a log-log fit into y = e^intercept · x^slope", () => {
  const p = powerLawOf({ slope: 0.5, intercept: Math.log(3), r2: 0.9, n: 4 });
  assert.ok(Math.abs(p.k - 3) < 1e-15);
  assert.deepEqual({ ...p, k: 3 }, { k: 3, exponent: 0.5, r2: 0.9, n: 4 });
  assert.ok(Math.abs(evalPower(p, 16) - 12) < 1e-12);
});
