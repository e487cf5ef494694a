/**
 * Hex digests: bytes as lowercase hex, and the SHA-256 of text, bytes or a file as 64 hex characters.
 * @module
 */
import { createHash } from "node:crypto";

/** Returns the bytes as lowercase hex, two characters a byte. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Returns the lowercase hex SHA-256 (64 chars) of a string (as UTF-8) or of bytes. */
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
