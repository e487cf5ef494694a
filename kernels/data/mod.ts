/**
 * Training data: the byte-level tokenizer, the synthetic Markov language with a known entropy rate,
 * Debian-packaged English corpora, token files with verified headers, corpus preparation with a
 * deterministic train/validation split, and the seeded resumable `TokenLoader`.
 * @module
 */
export * from "./tokenizer.ts";
export * from "./markov.ts";
export * from "./tokenfile.ts";
export * from "./debian.ts";
export * from "./corpus.ts";
export * from "./loader.ts";
