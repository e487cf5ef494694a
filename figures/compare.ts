/**
 * Side-by-side comparison of two variants' fit records (pure functions behind the `diff` stage):
 * every fitted coefficient with absolute and relative differences and both intervals, prescriptions
 * at fixed budgets, and the data rows that differ between the two selections.
 * @module
 */
import type {
  Approach1Record,
  Approach3Record,
  Interval,
  LawForm,
  Prescription,
  PrescriptionsRecord,
  SelectedRow,
} from "../records/schemas.ts";
import { fmt } from "./specs/common.ts";

/** One coefficient of one law in both variants. */
export interface CoefficientDiff {
  /** Which fit, e.g. "approach3 eq2" or "approach1 hull (FLOPs)". */
  readonly fit: string;
  /** Coefficient name, e.g. "E", "A_params", "alpha_tokens", "N_opt exponent". */
  readonly name: string;
  /** Value in A (NaN when absent). */
  readonly a: number;
  /** Value in B (NaN when absent). */
  readonly b: number;
  /** b − a. */
  readonly abs: number;
  /** (b − a) / |a|. */
  readonly rel: number;
  /** Interval in A, or null. */
  readonly aInterval: Interval | null;
  /** Interval in B, or null. */
  readonly bInterval: Interval | null;
}

function coefficients(rec: Approach3Record): Map<string, { value: number; interval: Interval | null }> {
  const out = new Map<string, { value: number; interval: Interval | null }>();
  const iv = (name: string) => rec.bootstrap?.parameters[name] ?? null;
  out.set("E", { value: rec.E, interval: iv("E") });
  for (const t of rec.terms) {
    out.set(`A_${t.variable}`, { value: t.A, interval: iv(`A_${t.variable}`) });
    out.set(`alpha_${t.variable}`, { value: t.alpha, interval: iv(`alpha_${t.variable}`) });
  }
  return out;
}

function diffRow(
  fit: string,
  name: string,
  a: number,
  b: number,
  aInterval: Interval | null,
  bInterval: Interval | null,
): CoefficientDiff {
  return { fit, name, a, b, abs: b - a, rel: (b - a) / Math.abs(a), aInterval, bInterval };
}

/** Returns every coefficient of two Approach 3 fits of the same form side by side (union of names). */
export function compareApproach3(a: Approach3Record, b: Approach3Record): CoefficientDiff[] {
  if (a.form !== b.form) throw new Error(`compareApproach3: forms differ (${a.form} vs ${b.form})`);
  const ca = coefficients(a), cb = coefficients(b);
  const names = [...new Set([...ca.keys(), ...cb.keys()])];
  return names.map((n) =>
    diffRow(
      `approach3 ${a.form}`,
      n,
      ca.get(n)?.value ?? NaN,
      cb.get(n)?.value ?? NaN,
      ca.get(n)?.interval ?? null,
      cb.get(n)?.interval ?? null,
    )
  );
}

/** Returns the Approach 1 power-law coefficients (hull and binning, FLOPs and GPU-hours) side by side. */
export function compareApproach1(a: Approach1Record, b: Approach1Record): CoefficientDiff[] {
  const out: CoefficientDiff[] = [];
  const axes = [["FLOPs", a.flops, b.flops], ["GPU-hours", a.gpuHours, b.gpuHours]] as const;
  for (const [axis, ra, rb] of axes) {
    if (!ra || !rb) continue;
    for (const method of ["hull", "binning"] as const) {
      for (const q of ["params", "tokens", "tokensPerParam"] as const) {
        const fit = `approach1 ${method} (${axis})`;
        const ma = ra[method], mb = rb[method];
        out.push(
          diffRow(
            fit,
            `${q} k`,
            ma[q].k,
            mb[q].k,
            ma.bootstrap?.coefficients[q] ?? null,
            mb.bootstrap?.coefficients[q] ?? null,
          ),
        );
        out.push(
          diffRow(
            fit,
            `${q} exponent`,
            ma[q].exponent,
            mb[q].exponent,
            ma.bootstrap?.exponents[q] ?? null,
            mb.bootstrap?.exponents[q] ?? null,
          ),
        );
      }
    }
  }
  return out;
}

/** The budgets at which prescriptions are compared, FLOPs. */
export const DIFF_BUDGETS: readonly number[] = [1e19, 1e21, 1e23, 1e25];

/**
 * Returns the prescription at `flops`: the record's own entry when within 0.1% of it, else a log-log
 * interpolation of params and tokens between the bracketing budgets (width/depth from the nearer one);
 * null outside the record's range.
 */
export function prescriptionAt(list: readonly Prescription[], flops: number): Prescription | null {
  const sorted = [...list].sort((x, y) => x.flops - y.flops);
  for (const p of sorted) if (Math.abs(Math.log(p.flops / flops)) < 1e-3) return p;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const lo = sorted[i], hi = sorted[i + 1];
    if (lo.flops <= flops && flops <= hi.flops) {
      const t = Math.log(flops / lo.flops) / Math.log(hi.flops / lo.flops);
      const lerp = (x: number, y: number) => Math.exp(Math.log(x) + t * (Math.log(y) - Math.log(x)));
      const near = t < 0.5 ? lo : hi;
      return {
        flops,
        params: lerp(lo.params, hi.params),
        tokens: lerp(lo.tokens, hi.tokens),
        width: near.width,
        depth: near.depth,
        loss: lo.loss + t * (hi.loss - lo.loss),
        atBoundary: near.atBoundary,
      };
    }
  }
  return null;
}

/** One prescription compared. */
export interface PrescriptionDiff {
  /** Law form. */
  readonly form: LawForm;
  /** Budget, FLOPs. */
  readonly flops: number;
  /** Prescription in A (null when out of range). */
  readonly a: Prescription | null;
  /** Prescription in B. */
  readonly b: Prescription | null;
}

/** Returns the prescriptions of both variants at each budget, for every law form both have. */
export function comparePrescriptions(
  a: PrescriptionsRecord,
  b: PrescriptionsRecord,
  budgets: readonly number[] = DIFF_BUDGETS,
): PrescriptionDiff[] {
  const out: PrescriptionDiff[] = [];
  for (const fa of a.forms) {
    const fb = b.forms.find((f) => f.form === fa.form);
    if (!fb) continue;
    for (const c of budgets) {
      out.push({
        form: fa.form,
        flops: c,
        a: prescriptionAt(fa.prescriptions, c),
        b: prescriptionAt(fb.prescriptions, c),
      });
    }
  }
  return out;
}

/** One data row that differs between the two selections. */
export interface RowDiff {
  /** "only in A", "only in B" or "changed". */
  readonly change: "only in A" | "only in B" | "changed";
  /** Run id. */
  readonly run_id: string;
  /** Step. */
  readonly step: number;
  /** Fields that differ, "field: a -> b" (changed rows) or the row's subset and loss. */
  readonly detail: string;
}

const COMPARED: readonly (keyof SelectedRow)[] = ["tokens", "params", "flops", "gpu_hours", "loss", "subset"];

/** Returns the rows that differ between two selections, keyed by (run_id, step), in A's then B's order. */
export function diffRows(a: readonly SelectedRow[], b: readonly SelectedRow[]): RowDiff[] {
  const key = (r: SelectedRow) => `${r.run_id}\u0000${r.step}`;
  const mb = new Map(b.map((r) => [key(r), r]));
  const ka = new Set(a.map(key));
  const out: RowDiff[] = [];
  const same = (x: unknown, y: unknown) => x === y || (Number.isNaN(x) && Number.isNaN(y));
  for (const ra of a) {
    const rb = mb.get(key(ra));
    if (!rb) {
      out.push({
        change: "only in A",
        run_id: ra.run_id,
        step: ra.step,
        detail: `${ra.subset}, loss ${ra.loss}`,
      });
      continue;
    }
    const fields = COMPARED.filter((f) => !same(ra[f], rb[f]));
    if (fields.length > 0) {
      out.push({
        change: "changed",
        run_id: ra.run_id,
        step: ra.step,
        detail: fields.map((f) => `${f}: ${ra[f]} -> ${rb[f]}`).join("; "),
      });
    }
  }
  for (const rb of b) {
    if (!ka.has(key(rb))) {
      out.push({
        change: "only in B",
        run_id: rb.run_id,
        step: rb.step,
        detail: `${rb.subset}, loss ${rb.loss}`,
      });
    }
  }
  return out;
}

function intervalText(i: Interval | null): string {
  return i ? `[${fmt(i.lower, 4)}, ${fmt(i.upper, 4)}]` : "-";
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + " " : s + " ".repeat(n - s.length);
}

/** Everything the diff reports. */
export interface DiffResult {
  /** Variant A. */
  readonly a: string;
  /** Variant B. */
  readonly b: string;
  /** Coefficients side by side. */
  readonly coefficients: readonly CoefficientDiff[];
  /** Prescriptions side by side. */
  readonly prescriptions: readonly PrescriptionDiff[];
  /** Rows that differ. */
  readonly rows: readonly RowDiff[];
  /** Rows selected in A and in B. */
  readonly rowCounts: { readonly a: number; readonly b: number };
}

/** Returns the terminal summary (plain text, fixed-width columns) of a diff. */
export function summaryText(d: DiffResult, maxRows = 20): string {
  const lines: string[] = [`diff ${d.a} (A) vs ${d.b} (B)`, ""];
  lines.push("Fitted coefficients (B − A; relative to |A|; intervals: bootstrap percentile):");
  lines.push(
    `  ${pad("fit", 26)}${pad("coefficient", 22)}${pad("A", 12)}${pad("B", 12)}${pad("B−A", 12)}${
      pad("rel", 10)
    }` +
      `${pad("A interval", 24)}B interval`,
  );
  for (const c of d.coefficients) {
    lines.push(
      `  ${pad(c.fit, 26)}${pad(c.name, 22)}${pad(fmt(c.a, 4), 12)}${pad(fmt(c.b, 4), 12)}${
        pad(fmt(c.abs, 3), 12)
      }` +
        `${pad(Number.isFinite(c.rel) ? `${(100 * c.rel).toFixed(1)}%` : "-", 10)}${
          pad(intervalText(c.aInterval), 24)
        }` +
        intervalText(c.bInterval),
    );
  }
  lines.push("", "Prescriptions (params, tokens, width x depth):");
  for (const p of d.prescriptions) {
    const s = (x: Prescription | null) =>
      x
        ? `N ${fmt(x.params)} D ${fmt(x.tokens)}${x.width !== null ? ` ${x.width}x${x.depth}` : ""}`
        : "out of range";
    lines.push(`  ${pad(p.form, 5)} C=${p.flops.toExponential(0)}  A: ${pad(s(p.a), 34)} B: ${s(p.b)}`);
  }
  const counts = { "only in A": 0, "only in B": 0, changed: 0 };
  for (const r of d.rows) counts[r.change]++;
  lines.push(
    "",
    `Data rows: A ${d.rowCounts.a}, B ${d.rowCounts.b}; ${counts["only in A"]} only in A, ${
      counts["only in B"]
    } only ` +
      `in B, ${counts.changed} changed.`,
  );
  for (const r of d.rows.slice(0, maxRows)) {
    lines.push(`  ${pad(r.change, 10)} ${r.run_id} step ${r.step}: ${r.detail}`);
  }
  if (d.rows.length > maxRows) lines.push(`  ... ${d.rows.length - maxRows} more in index.html`);
  return lines.join("\n") + "\n";
}
