import assert from "node:assert/strict";
import { stateFitsTable } from "./state_report.ts";
import type { StateFits } from "../records/state_runs.ts";

Deno.test("the state report's fit table: one sign per exponent, — for a value JSON wrote as null, each verdict in its cell", () => {
  const health = (verdict: string, codes: string[] = []) => ({
    verdict,
    findings: codes.map((code) => ({ code, message: "" })),
  });
  const fits = JSON.parse(JSON.stringify({
    stateLaws: [{
      kind: "taylor",
      width: 16,
      context: 16,
      pairs: 3,
      loss: {
        E: 1,
        A: 2,
        alpha: -0.03,
        intervals: null,
        health: health("warn", ["exponent_at_bound"]),
        points: 4,
      },
      recall: {
        halfState: Infinity,
        steepness: 2,
        chance: 0.125,
        rms: 0,
        health: health("warn", ["coefficient_at_bound"]),
      },
      star: {
        targetLossNats: 2.1,
        fitted: null,
        measured: 64,
        params: 1000,
        fittedRatio: null,
        measuredRatio: 0.064,
      },
    }],
    contextLaws: [{
      regime: "growing",
      kind: "taylor",
      width: 16,
      fit: {
        gamma: 0.5,
        gammaInterval: { estimate: 0.5, lower: 0.4, upper: 0.6 },
        alpha: 0.5,
        kappa: 0.25,
        health: health("ok"),
      },
    }],
    skipped: ["state law of power at width 32, T 16: 0 run(s)"],
  })) as StateFits;
  const html = stateFitsTable(fits);
  assert.ok(html.includes("L(S) = 1 + 2·S^0.03<"), html);
  assert.ok(html.includes("<td>warn: exponent_at_bound</td>"), html);
  assert.ok(html.includes("S½ = —, k = 2 (warn: coefficient_at_bound)"), html);
  assert.ok(html.includes("never within 5 % (measured 0.064)"), html);
  assert.ok(html.includes("γ = 0.5 [0.4, 0.6]; α = 0.5, κ = 0.25</td><td>ok</td>"), html);
  assert.ok(
    html.includes("Not fitted (too few runs): state law of power at width 32, T 16: 0 run(s)."),
    html,
  );
});
