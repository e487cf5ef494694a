/**
 * Seed 003's report ("Transformer State Size Scaling Laws"): its figures from the state study's tables
 * (records/state_runs.ts) and fits, with "how to read" lines, a table of every fit and its verdict, and a
 * line saying which tier of the study produced it. Its own module so that only `report_state`
 * (stages/report_state.ts) reaches it.
 * @module
 */
import { escapeHtml, type Figure, fmt } from "./specs/common.ts";
import { centralSpec, heatMapLaw, heatMapSpec, learningCurvesSpec, stateLawSpec } from "./specs/state.ts";
import { sourceFile } from "./sources.ts";
import type { InputSource } from "./sources.ts";
import { readStateCurves, readStateRuns, type StateFits, type StateRunRow } from "../records/state_runs.ts";

/** Where the report reads from: node ids of `collect_state` and `state_fits` and their folders. */
export interface StateReportRun {
  /** Output folder. */
  readonly outDir: string;
  /** Folder of `collect_state` (state_runs.csv, state_curves.csv). */
  readonly collectDir: string;
  /** Folder of `state_fits` (state_fits.json). */
  readonly fitsDir: string;
  /** Contexts of the growing-K regime ("T<T>_K<K>"), for the heat map. */
  readonly growing: readonly string[];
  /** Contexts of the fixed-K regime. */
  readonly fixed: readonly string[];
  /** What tier of the study this is (said on the page). */
  readonly tier: string;
  /** Log line sink. */
  readonly log: (line: string) => void;
}

const verdictOf = (v: string) => (v === "ok" ? "ok" : v === "warn" ? "warn" : "REFUSED");

function interval(iv: { lower: number; upper: number } | null | undefined): string {
  return iv ? ` [${num(iv.lower)}, ${num(iv.upper)}]` : "";
}

/** Returns `x` for a table cell: "—" when it is not a finite number (JSON writes ∞ and NaN as null). */
function num(x: number | null | undefined): string {
  return typeof x === "number" && Number.isFinite(x) ? fmt(x) : "—";
}

/** Returns `S^−α` written with one sign: `S^−0.5`, or `S^0.03` for a negative α. */
function power(variable: string, alpha: number): string {
  return alpha >= 0 ? `${variable}^−${num(alpha)}` : `${variable}^${num(-alpha)}`;
}

/** Returns a verdict and its finding codes as one cell. */
function verdictCell(h: { verdict: string; findings: readonly { code: string }[] }): string {
  const codes = h.findings.map((f) => f.code).join(", ");
  return `${verdictOf(h.verdict)}${codes ? `: ${escapeHtml(codes)}` : ""}`;
}

/** Returns the HTML table of every fit with its verdict and findings. */
export function stateFitsTable(fits: StateFits): string {
  const rows = fits.stateLaws.map((l) =>
    `<tr><td>${escapeHtml(l.kind)}</td><td>${l.width}</td><td>${l.context}</td><td>L(S) = ${
      num(l.loss.E)
    } + ${num(l.loss.A)}·${power("S", l.loss.alpha)}${
      escapeHtml(interval(l.loss.intervals?.alpha))
    }</td><td>${verdictCell(l.loss.health)}</td><td>${
      l.recall
        ? `S½ = ${num(l.recall.halfState)}, k = ${num(l.recall.steepness)} (${verdictCell(l.recall.health)})`
        : "—"
    }</td><td>${l.star?.fittedRatio != null ? num(l.star.fittedRatio) : "never within 5 %"}${
      l.star?.measuredRatio != null ? ` (measured ${num(l.star.measuredRatio)})` : ""
    }</td></tr>`
  ).join("\n");
  const ctx = fits.contextLaws.map((c) =>
    `<tr><td>${escapeHtml(c.kind)}</td><td>${c.width}</td><td>${c.regime}</td><td>γ = ${num(c.fit.gamma)}${
      escapeHtml(interval(c.fit.gammaInterval))
    }; α = ${num(c.fit.alpha)}, κ = ${num(c.fit.kappa)}</td><td>${verdictCell(c.fit.health)}</td></tr>`
  ).join("\n");
  const skipped = fits.skipped.length
    ? `<p>Not fitted (too few runs): ${escapeHtml(fits.skipped.join("; "))}.</p>`
    : "";
  return `<h2>Fits</h2>
<table><thead><tr><th>mixer</th><th>width</th><th>T</th><th>loss law (α 95 % interval)</th><th>verdict</th><th>recall (verdict)</th><th>S* ÷ N</th></tr></thead>
<tbody>${rows}</tbody></table>
<table><thead><tr><th>mixer</th><th>width</th><th>K regime</th><th>heat-map law L = E + A·T^κ·S^−α (γ = κ/α, 95 % interval)</th><th>verdict</th></tr></thead>
<tbody>${ctx}</tbody></table>${skipped}`;
}

/** Returns the runs whose learning curves are drawn: per kind, the largest-state run at the state-law context of the smallest width. */
function selectedRuns(rows: readonly StateRunRow[], fits: StateFits): StateRunRow[] {
  const law = fits.stateLaws[0];
  if (law === undefined) return rows.filter((r) => r.seed === 0).slice(0, 4);
  const here = rows.filter((r) =>
    r.width === law.width && r.context === law.context && r.seed === 0 && !r.diverged
  );
  const out: StateRunRow[] = [];
  for (const kind of [...new Set(here.map((r) => r.kind))]) {
    const own = here.filter((r) => r.kind === kind).sort((a, b) => a.state - b.state);
    out.push(own[0]);
    if (own.length > 1) out.push(own[own.length - 1]);
  }
  return out;
}

/** Writes the state report (index.html, figures/) from the study's tables and fits. */
export async function writeStateReport(run: StateReportRun): Promise<void> {
  const runsPath = `${run.collectDir}/state_runs.csv`, curvesPath = `${run.collectDir}/state_curves.csv`;
  const fitsPath = `${run.fitsDir}/state_fits.json`;
  const rows = await readStateRuns(runsPath);
  const curves = await readStateCurves(curvesPath);
  const fits = JSON.parse(await Deno.readTextFile(fitsPath)) as StateFits;
  const sources: Record<string, InputSource> = {
    runs: {
      files: [await sourceFile(runsPath, "collect_state/state_runs.csv")],
      fits: [],
      describe: `${rows.length} MQAR runs`,
    },
    curves: {
      files: [await sourceFile(curvesPath, "collect_state/state_curves.csv")],
      fits: [],
      describe: `${curves.length} validation checkpoints`,
    },
    fits: {
      files: [await sourceFile(fitsPath, "state_fits/state_fits.json")],
      fits: ["state_fits"],
      describe: "seed 003 fits",
    },
  };
  const figures: Figure[] = [];
  if (fits.stateLaws.length > 0) {
    const alphas = fits.stateLaws.map((l) =>
      `${l.kind} (w${l.width}) α = ${fmt(l.loss.alpha)}, ${l.loss.health.verdict}`
    );
    figures.push({
      paperFigure: "S1",
      name: "state-law",
      title: "State scaling law of each architecture: loss and recall against state size",
      reads: ["runs", "fits"],
      caption:
        `Final masked loss and recall at the answer positions against the state each mixer carries at context T, ` +
        `with the fitted L(S) = E + A·S^−α and the logistic recall curve. ${alphas.join("; ")}.`,
      howToRead:
        "Each colour is one architecture; each dot one run (a knob value: window size, feature dimension). " +
        "Further right is a bigger state; lower loss and higher recall are better. A line that keeps falling " +
        "to the right is a state scaling law; softmax attention is one dot, its state fixed by T.",
      spec: stateLawSpec(rows, fits),
    });
    figures.push({
      paperFigure: "S2",
      name: "central",
      title: "Final loss against state size, one line per architecture",
      reads: ["runs", "fits"],
      caption:
        "Seed 003's central plot: state size across (log), final loss up, one line per mixer; the selector " +
        "picks the model width, the dashed line is 1.05 × softmax attention's loss (S* is where a line crosses it).",
      howToRead:
        "Pick a width with the selector above the plot (the static image shows the smallest). Where a " +
        "line crosses the dashed line is the smallest state within 5 % of softmax attention; S* ÷ N in the table " +
        "below divides it by the non-embedding parameters (seed 003: of the order of 1).",
      spec: centralSpec(rows, fits),
    });
  }
  const heat = heatMapSpec(rows, curves, fits, run.growing, run.fixed);
  const law = heatMapLaw(fits);
  if (heat !== null && law !== undefined) {
    figures.push({
      paperFigure: "S3",
      name: "heat-map",
      title: "Loss over context × state, with the iso-loss line",
      reads: ["curves", "runs", "fits"],
      caption:
        `Loss (colour) of each run by training context T (up) and state S (across); the slider steps through ` +
        `the validation checkpoints (the static image shows the last). Dashed: the fitted iso-loss line S ∝ T^γ ` +
        `through the median final loss (fitted to the final losses), ` +
        `γ = ${fmt(law.fit.gamma)}${
          interval(law.fit.gammaInterval)
        } (${law.fit.health.verdict}); seed 003's rule ` +
        `("double the state every time the context is quadrupled") is γ = 1/2.`,
      howToRead:
        "Darker is lower loss. Moving the slider shows how the map fills in over training. Along the " +
        "dashed line the law predicts one loss: a steeper line means a longer context needs a much larger state.",
      spec: heat,
    });
  }
  figures.push({
    paperFigure: "S4",
    name: "learning-curves",
    title: "Learning curves of selected runs",
    reads: ["curves", "runs"],
    caption:
      "Validation loss at the answer positions against training tokens, for the smallest and largest " +
      "state of each architecture at the state-law context.",
    howToRead:
      "Each line is one run. MQAR is often learned abruptly: a plateau near ln(V/2) nats, then a drop.",
    spec: learningCurvesSpec(curves, selectedRuns(rows, fits)),
  });
  const { writeReport } = await import("./write.ts");
  await writeReport(run.outDir, figures, {
    title: "Transformer state size scaling laws (seed 003)",
    intro: `Models whose sequence mixer carries a state of chosen size (softmax attention's kv-cache, a ` +
      `sliding window, Based's Taylor linear attention, symmetric power attention) trained on multi-query ` +
      `associative recall (Zoology's MQAR), with seed 003's fits. This page is ${run.tier}.`,
    sources,
    extraHtml: stateFitsTable(fits),
    files: { "state_fits.json": JSON.stringify(fits, null, 1) + "\n" },
  });
  run.log(`report_state: ${figures.length} figures, ${rows.length} runs`);
}
