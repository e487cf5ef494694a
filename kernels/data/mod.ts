/**
 * Training data: the byte-level tokenizer, the synthetic Markov language with a known entropy rate,
 * Debian-packaged English corpora, token files with verified headers, corpus preparation with a
 * deterministic train/validation split, the seeded resumable `TokenLoader`, the associative-recall task
 * (MQAR) with its answer masks, and the `ExampleLoader` of whole examples with their answer weights.
 * @module
 */
export * from "./tokenizer.ts";
export * from "./markov.ts";
export * from "./tokenfile.ts";
export * from "./debian.ts";
export * from "./corpus.ts";
export * from "./loader.ts";
export * from "./mqar.ts";
export * from "./examples.ts";
