/**
 * Hashing primitives of the engine: streaming SHA-256 of files, length-prefixed field digests and
 * canonical (sorted-key) JSON.
 * @module
 */
import { createHash } from "node:crypto";

export { canonicalJson } from "../util/json.ts";
export { sha256File, sha256Hex } from "../util/hex.ts";

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
