import assert from "node:assert/strict";
import { prescribeStage } from "./fit_prescribe.ts";
import { resolveVariant } from "./variants.ts";
import { profileSettings, profileStages } from "./pipeline.ts";
import type { PrescriptionsRecord } from "../records/schemas.ts";
import { readAuthorsApproach3 } from "../records/importers/authors_parameters.ts";
import { chinchillaClosedForm } from "../scaling/laws/reference.ts";
import { evalPower } from "../scaling/laws/power.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const HOT = "data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_hot.json";

Deno.test("prescribe: the authors' stored Eq. 1 fit of hot, prescribed beside ours by the closed form of their file", async () => {
  const deps = await Deno.makeTempDir();
  const out = await Deno.makeTempDir();
  try {
    // Our fit: any Eq. 1 law on the same variables (here the authors' exponents moved by 0.01 and 0.02).
    const theirs = await readAuthorsApproach3(`${ROOT}/${HOT}`);
    const ours = {
      kind: "approach3",
      variant: "paper",
      form: "eq1",
      E: theirs.E,
      terms: [
        { variable: "params", A: theirs.A[0], alpha: theirs.alpha[0] + 0.01 },
        { variable: "tokens", A: theirs.A[1], alpha: theirs.alpha[1] - 0.02 },
      ],
      objective: 2.0e-4,
    };
    await Deno.mkdir(`${deps}/eq1`);
    await Deno.writeTextFile(`${deps}/eq1/fit.json`, JSON.stringify(ours));
    const stage = prescribeStage("paper", resolveVariant("paper"), {
      forms: ["eq1"],
      authorsLaws: { eq1: HOT, eq2: "data/gemstones/nosuch.json" },
    });
    await stage.run({
      id: stage.id!,
      params: stage.params,
      outDir: out,
      root: ROOT,
      deps: { "approach3_eq1.paper": `${deps}/eq1` },
      progress() {},
      log() {},
      signal: new AbortController().signal,
    });
    const r = JSON.parse(await Deno.readTextFile(`${out}/prescriptions.json`)) as PrescriptionsRecord;
    // Only the form prescribed, only a file that exists; both objectives and the exponent gap recorded.
    assert.equal(r.authors?.length, 1);
    const a = r.authors![0];
    assert.deepEqual([a.form, a.path, a.objective, a.ourObjective], ["eq1", HOT, theirs.objective, 2.0e-4]);
    assert.ok(Math.abs(a.exponentGap - 0.02) < 1e-12);
    // Their N_opt(C) is the closed form of their file: G·(C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β)).
    const closed = chinchillaClosedForm(theirs.A[0], theirs.alpha[0], theirs.A[1], theirs.alpha[1]);
    assert.equal(a.prescriptions.length, r.forms[0].prescriptions.length);
    for (const p of a.prescriptions) {
      assert.ok(Math.abs(p.params / evalPower(closed.params, p.flops) - 1) < 1e-9, `N_opt at ${p.flops}`);
    }
    assert.ok(Math.abs(closed.params.exponent - 0.6992) < 1e-3); // their a on hot (paper Figure 6)
    // The stage hashes the authors' files it reads.
    assert.ok(stage.inputs.includes("data/gemstones/parameters_delta-4"));
  } finally {
    await Deno.remove(deps, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("the paper graph names the authors' counterpart of each law it draws (subset, δ, embeddings)", () => {
  const stages = profileStages(profileSettings("paper"), "paper");
  const prescribe = stages.find((s) => s.id === "prescribe.over_100b")!;
  assert.deepEqual((prescribe.params as { authorsLaws: Record<string, string> }).authorsLaws, {
    eq1: "data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_hot_100b+.json",
    eq2: "data/gemstones/parameters_delta-4/approach_3_width_depth_parameters_grid_search_0_hot_100b+.json",
    eq3: "data/gemstones/parameters_delta-4/approach_3_width_depth_grid_search_0_hot_100b+.json",
  });
  // Figures 8 and 7's law view trace the authors' stored Eq. 2 fit of the same subset and δ beside ours.
  for (const id of ["overtraining.over_100b", "overspend.over_100b"]) {
    const stage = stages.find((s) => s.id === id)!;
    assert.equal(
      (stage.params as { authorsLaw: string }).authorsLaw,
      (prescribe.params as {
        authorsLaws: Record<string, string>;
      }).authorsLaws.eq2,
      id,
    );
  }
  const relaxed = stages.find((s) => s.id === "prescribe_relaxed.cooldown_huber_1e-3")!;
  assert.deepEqual(
    (relaxed.params as { authorsLaws: Record<string, string> }).authorsLaws.eq2,
    "data/gemstones/parameters_delta-3/approach_3_width_depth_parameters_grid_search_0_cool_end.json",
  );
  const report = stages.find((s) => s.id === "report.paper")!;
  const laws = (report.params as { authorsLaws: Record<string, string> }).authorsLaws;
  assert.equal(
    laws["width_512_only/eq1"],
    "data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_hot_100b+_512x.json",
  );
  assert.equal(
    laws["slim_chinchilla/eq1"],
    "data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_slim_chinchilla.json",
  );
  assert.equal(
    laws["no_embeds/eq1"],
    "data/gemstones/parameters_delta-4/approach_3_parameters_grid_search_0_hot_no_embeds.json",
  );
});
