/**
 * Hashing primitives of the engine: streaming SHA-256 of files, length-prefixed field digests and
 * canonical (sorted-key) JSON.
 * @module
 */
import { createHash } from "node:crypto";

/** Returns the lowercase hex SHA-256 (64 chars) of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Returns the hex SHA-256 and the size in bytes of a file, read in streaming chunks. */
export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  using file = await Deno.open(path, { read: true });
  const buf = new Uint8Array(1 << 20);
  while (true) {
    const n = await file.read(buf);
    if (n === null) break;
    size += n;
    hash.update(buf.subarray(0, n));
  }
  return { sha256: hash.digest("hex"), size };
}

const encoder = new TextEncoder();

/**
 * Returns the hex SHA-256 of a sequence of fields, each written as `<byte length>:<bytes>` so that no
 * concatenation of two fields can collide with another split.
 */
export function hashFields(fields: readonly string[]): string {
  const hash = createHash("sha256");
  for (const field of fields) {
    const bytes = encoder.encode(field);
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}

/** Returns the canonical JSON text of a value: object keys sorted, no whitespace; throws on non-JSON values. */
export function canonicalJson(value: unknown, path = "params"): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${path}: expected a finite number, got ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value as Record<string, unknown>).sort();
    const parts = keys.map((k) =>
      `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], `${path}.${k}`)}`
    );
    return `{${parts.join(",")}}`;
  }
  throw new Error(`${path}: expected a JSON value, got ${typeof value}`);
}
