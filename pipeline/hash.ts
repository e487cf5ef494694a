/**
 * Hashing primitives of the engine: streaming SHA-256 of files, length-prefixed field digests and
 * canonical (sorted-key) JSON.
 * @module
 */
import { createHash } from "node:crypto";

export { canonicalJson } from "../util/json.ts";
export { sha256Hex } from "../util/hex.ts";

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
