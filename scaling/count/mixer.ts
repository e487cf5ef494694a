/**
 * The sequence mixer of a decoder block, chosen by `ModelConfig.mixer` (absent ⇒ softmax attention, the
 * Gemstones model exactly). Seed 003 varies the recurrent state a mixer carries; each kind here has one
 * knob that sets it:
 *
 * - `softmax`: causal softmax attention, score `exp(q·k/√hs)`; state = the kv-cache, grows with context T.
 * - `window`: sliding-window softmax: key j is visible to query i iff `i − window < j ≤ i`; state = a
 *   kv-cache of `window` entries.
 * - `taylor`: linear attention with the second-order Taylor kernel of Based,
 *   `f(s) = 1 + s/√d' + s²/(2d')` with `s = q·k`, normalised by the causal row sum (no max subtraction,
 *   `f > 0` always); q and k have `featureDim = d'` per head.
 * - `power`: symmetric power attention, `f(s) = s^p` with `s = q·k` and `p` even, normalised by the row sum
 *   plus {@link POWER_EPS}; q and k have `featureDim` per head (default: headSize).
 *
 * For the linear kinds (`taylor`, `power`) `wq` is `[width, hq·d']` and `wk` `[width, hkv·d']` (values and
 * output keep `headSize`); the head count `width / headSize` is their second knob. RoPE stays on q and k
 * (over d', which must be even): it rotates each token's q or k by its own position before the kernel, so
 * the recurrent form (state updated with each rotated key) still equals the parallel form.
 * @module
 */

/** A sequence mixer and its state knob. */
export type Mixer =
  | { readonly kind: "softmax" }
  | { readonly kind: "window"; readonly window: number }
  | { readonly kind: "taylor"; readonly featureDim: number }
  | { readonly kind: "power"; readonly power: number; readonly featureDim?: number };

/** Kind of a mixer. */
export type MixerKind = Mixer["kind"];

/** Every mixer kind, in documentation order. */
export const MIXER_KINDS: readonly MixerKind[] = ["softmax", "window", "taylor", "power"];

/** The default mixer: softmax attention (what an absent `ModelConfig.mixer` means). */
export const SOFTMAX: Mixer = { kind: "softmax" };

/** ε added to the power mixer's row sum `Σ_u (q·k_u)^p` before normalising (dimensionless). */
export const POWER_EPS = 1e-6;

const FIELDS: Readonly<Record<MixerKind, readonly string[]>> = {
  softmax: ["kind"],
  window: ["kind", "window"],
  taylor: ["kind", "featureDim"],
  power: ["kind", "power", "featureDim"],
};

function isPosInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v > 0;
}

/**
 * Returns `value` as a `Mixer`, or throws an Error naming the field (`where.kind`, `where.window`, ...) and
 * showing the value as written. Checks: a known kind, no unknown field, `window` a positive integer,
 * `featureDim` a positive even integer (RoPE rotates pairs), `power` a positive even integer.
 */
export function validateMixer(value: unknown, where = "mixer"): Mixer {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(
      `${where} must be an object such as {"kind":"taylor","featureDim":16}, got ${JSON.stringify(value)}`,
    );
  }
  const v = value as Record<string, unknown>;
  const kind = v.kind;
  if (typeof kind !== "string" || !(MIXER_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`${where}.kind must be one of ${MIXER_KINDS.join(", ")}, got ${JSON.stringify(kind)}`);
  }
  const allowed = FIELDS[kind as MixerKind];
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) {
      throw new Error(
        `${where}: unknown field "${where}.${k}" for kind "${kind}" (expected: ${allowed.join(", ")})`,
      );
    }
  }
  const need = (field: string, even: boolean): number => {
    const x = v[field];
    if (!isPosInt(x) || (even && x % 2 !== 0)) {
      const what = even ? "a positive even integer" : "a positive integer";
      throw new Error(`${where}.${field} must be ${what}, got ${JSON.stringify(x)}`);
    }
    return x;
  };
  switch (kind as MixerKind) {
    case "softmax":
      return SOFTMAX;
    case "window":
      return { kind: "window", window: need("window", false) };
    case "taylor":
      return { kind: "taylor", featureDim: need("featureDim", true) };
    case "power": {
      const power = need("power", true);
      return v.featureDim === undefined
        ? { kind: "power", power }
        : { kind: "power", power, featureDim: need("featureDim", true) };
    }
  }
  throw new Error(`${where}.kind: unhandled ${JSON.stringify(kind)}`);
}

/** Returns the mixer of a config: its `mixer`, or softmax when absent. */
export function mixerOf(cfg: { readonly mixer?: Mixer }): Mixer {
  return cfg.mixer ?? SOFTMAX;
}

/** Whether a mixer is a linear-attention kind (a fixed-size S, z state per key/value head). */
export function isLinearMixer(m: Mixer): m is Extract<Mixer, { kind: "taylor" | "power" }> {
  return m.kind === "taylor" || m.kind === "power";
}

/**
 * Returns the per-head dimension of q and k (elements): `featureDim` d' of the linear kinds (power's
 * default: `headSize`), `headSize` for softmax and window.
 */
export function queryKeyDim(cfg: { readonly headSize: number; readonly mixer?: Mixer }): number {
  const m = mixerOf(cfg);
  if (m.kind === "taylor") return m.featureDim;
  if (m.kind === "power") return m.featureDim ?? cfg.headSize;
  return cfg.headSize;
}

/** Returns a short label of a mixer, e.g. "softmax", "window w=16", "taylor d'=16", "power p=2 d'=8". */
export function mixerLabel(m: Mixer): string {
  switch (m.kind) {
    case "softmax":
      return "softmax";
    case "window":
      return `window w=${m.window}`;
    case "taylor":
      return `taylor d'=${m.featureDim}`;
    case "power":
      return m.featureDim === undefined ? `power p=${m.power}` : `power p=${m.power} d'=${m.featureDim}`;
  }
}
