/**
 * Hex digests: bytes as lowercase hex, and the SHA-256 of text or bytes as 64 hex characters.
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
