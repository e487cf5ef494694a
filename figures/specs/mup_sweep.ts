/**
 * Paper Figure 3: the learning-rate sweep at scale (the authors' plotters/plot_mup.py on
 * `data/gemstones/data/preflight_mup_olmo_variant.csv`): global training loss after a short run against the
 * base learning rate (left) and against lr_eff = lr · width · √depth (right), one line per shape. The
 * authors clip the loss axis at 15; so does this figure, and it says which runs lie above it.
 * @module
 */
import { parse } from "csv-parse/sync";
import { type FigureDraft, fmt, topLevel } from "./common.ts";

/** Path of the sweep's CSV, relative to the project root. */
export const MUP_SWEEP_PATH = "data/gemstones/data/preflight_mup_olmo_variant.csv";

/** One run of the sweep. */
export interface MupRun {
  /** The W&B run name, e.g. "PyGemma-3072x12_8-2048_32nodes_olmoTrue_lr5e-02_scalernull". */
  readonly name: string;
  /** Model width. */
  readonly width: number;
  /** Model depth (blocks). */
  readonly depth: number;
  /** Base learning rate. */
  readonly lr: number;
  /** lr · width · √depth. */
  readonly lrEff: number;
  /** Global training loss, nats per token. */
  readonly loss: number;
}

/** Loss-axis ceiling of the figure (the authors' `set_ylim(0, 15)`), nats per token. */
export const MUP_LOSS_CEILING = 15;

/** Returns the runs of the sweep's CSV text (`where` names the file in errors); throws on a malformed row. */
export function parseMupSweep(text: string, where = MUP_SWEEP_PATH): MupRun[] {
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return records.map((r, i) => {
    const at = `${where}: row ${i + 2}`;
    const name = r["Name"];
    const m = /^PyGemma-(\d+)x(\d+)_.*_lr([0-9.eE+-]+)_scaler/.exec(name ?? "");
    if (!m) throw new Error(`${at}: field Name "${name}" is not "PyGemma-<W>x<D>_..._lr<lr>_scaler..."`);
    const loss = Number(r["scaling/global_loss"]);
    if (!(Number.isFinite(loss) && loss > 0)) {
      throw new Error(
        `${at}: field scaling/global_loss must be a number > 0, got "${r["scaling/global_loss"]}"`,
      );
    }
    const width = Number(m[1]), depth = Number(m[2]), lr = Number(m[3]);
    if (!(lr > 0)) throw new Error(`${at}: field Name: learning rate "${m[3]}" is not a number > 0`);
    return { name, width, depth, lr, lrEff: lr * width * Math.sqrt(depth), loss };
  });
}

/** Reads and parses the sweep's CSV at `path` (relative to the working directory). */
export async function readMupSweep(path: string = MUP_SWEEP_PATH): Promise<MupRun[]> {
  return parseMupSweep(await Deno.readTextFile(path), path);
}

/** The lowest-loss run of one shape. */
export interface MupOptimum {
  /** Shape "W x D". */
  readonly model: string;
  /** Its base learning rate. */
  readonly lr: number;
  /** Its lr · width · √depth. */
  readonly lrEff: number;
  /** Its loss, nats per token. */
  readonly loss: number;
}

/** Returns the lowest-loss run of each shape, in order of width. */
export function mupOptima(runs: readonly MupRun[]): MupOptimum[] {
  const best = new Map<string, MupRun>();
  for (const r of runs) {
    const key = `${r.width} x ${r.depth}`;
    const b = best.get(key);
    if (!b || r.loss < b.loss) best.set(key, r);
  }
  return [...best.entries()].sort((a, b) => a[1].width - b[1].width).map(([model, r]) => ({
    model,
    lr: r.lr,
    lrEff: r.lrEff,
    loss: r.loss,
  }));
}

/** Returns paper Figure 3 from the sweep's runs. */
export function mupSweepFigure(runs: readonly MupRun[]): FigureDraft {
  if (runs.length === 0) throw new Error("mupSweepFigure: no runs");
  const rows = runs.map((r) => ({
    model: `${r.width} x ${r.depth}`,
    width: r.width,
    lr: r.lr,
    lrEff: r.lrEff,
    loss: r.loss,
    shown: Math.min(r.loss, MUP_LOSS_CEILING),
    clipped: r.loss > MUP_LOSS_CEILING,
  }));
  const optima = mupOptima(runs);
  const models = [...new Set(rows.sort((a, b) => a.width - b.width || a.lr - b.lr).map((r) => r.model))];
  const panel = (field: string, title: string) => {
    const x = { field, type: "quantitative", scale: { type: "log" }, title, axis: { format: ".0e" } };
    const y = {
      field: "shown",
      type: "quantitative",
      scale: { domain: [0, MUP_LOSS_CEILING] },
      title: "loss (nats/token)",
    };
    const color = { field: "model", type: "nominal", title: "width x depth", sort: models };
    return {
      width: 340,
      height: 240,
      layer: [
        {
          data: { name: "runs" },
          mark: { type: "line", point: true, strokeWidth: 2 },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: "model" },
              { field: "lr", type: "quantitative", format: ".0e" },
              { field: "loss", type: "quantitative", format: ".3f" },
            ],
          },
        },
        {
          data: { name: "optima" },
          mark: { type: "point", shape: "diamond", size: 120, filled: false, strokeWidth: 2, color: "black" },
          encoding: { x, y: { ...y, field: "loss" } },
        },
      ],
    };
  };
  const clipped = rows.filter((r) => r.clipped);
  const spec = topLevel({
    title: "Learning-rate sweep at scale: lr_base and lr_eff = lr · width · √depth",
    datasets: { runs: rows, optima },
    hconcat: [panel("lr", "lr_base"), panel("lrEff", "lr_eff = lr · width · √depth")],
    resolve: { scale: { color: "shared" } },
  });
  const caption =
    `${runs.length} short runs of ${optima.length} shapes (${MUP_SWEEP_PATH}). Best learning rate ` +
    `per shape (open diamonds): ${
      optima.map((o) => `${o.model} lr ${fmt(o.lr)} (lr_eff ${fmt(o.lrEff)}, loss ${o.loss.toFixed(3)})`)
        .join("; ")
    }.` +
    (clipped.length > 0
      ? ` The loss axis stops at ${MUP_LOSS_CEILING}, as the authors' does: ${
        clipped.map((r) => `${r.model} at lr ${fmt(r.lr)} (${r.loss.toFixed(1)})`).join(", ")
      } sit on its top edge.`
      : "");
  return {
    paperFigure: "3",
    name: "mup_sweep",
    title: "The learning-rate rule at scale",
    caption,
    howToRead:
      "Left: loss after a short run against the base learning rate, one line per shape; the best rate differs " +
      "by shape. Right: the same runs against lr · width · √depth, the paper's scaling rule; if the rule holds " +
      "the minima (diamonds) line up at one value of lr_eff.",
    spec,
  };
}
