import assert from "node:assert/strict";
import { countingOf, PARAM_CONVENTIONS } from "./conventions.ts";
import { gemstonesFlopsPerToken } from "./flops.ts";

// Closed form: the conventions differ only by the embedding matrices (vocabulary 50304, width 1024).
Deno.test("PARAM_CONVENTIONS: total and non-embedding counts of 1024x28 differ by both V·w matrices", () => {
  const shape = { width: 1024, depth: 28 };
  const total = PARAM_CONVENTIONS.total(shape);
  assert.equal(total - PARAM_CONVENTIONS.non_embedding(shape), 2 * 50304 * 1024);
  assert.equal(total - PARAM_CONVENTIONS.non_embedding_one(shape), 50304 * 1024);
  assert.deepEqual(Object.keys(PARAM_CONVENTIONS), [
    "total",
    "non_embedding",
    "non_embedding_one",
    "continuous",
  ]);
});

Deno.test("countingOf resolves names and lists the valid ones on a typo", () => {
  const c = countingOf("total", "gemstones");
  assert.equal(c.flopsPerToken({ width: 512, depth: 8 }), gemstonesFlopsPerToken({ width: 512, depth: 8 }));
  assert.throws(() => countingOf("totl", "gemstones"), /unknown params convention "totl"; valid: total, /);
  assert.throws(() => countingOf("total", "nope"), /unknown FLOP counter "nope"; valid: /);
});
