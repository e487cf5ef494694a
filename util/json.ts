/**
 * Canonical JSON: object keys sorted, no whitespace, so that equal values hash equally.
 * @module
 */

/**
 * Returns the canonical JSON text of a value: object keys sorted, no whitespace, object fields whose value is
 * `undefined` left out (as `JSON.stringify` does). Throws naming the path (`path`, then `.key` and `[i]`)
 * of a non-finite number or of a value JSON cannot hold.
 */
export function canonicalJson(value: unknown, path = "value"): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${path}: expected a finite number, got ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(",")}]`;
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${
      keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k], `${path}.${k}`)}`).join(",")
    }}`;
  }
  throw new Error(`${path}: expected a JSON value, got ${typeof value}`);
}
