import assert from "node:assert/strict";
import { canonicalJson } from "./json.ts";

Deno.test("canonicalJson: sorted keys at every depth, no whitespace, undefined fields left out", () => {
  assert.equal(canonicalJson({ b: [1, { d: 2, c: null }], a: "x" }), '{"a":"x","b":[1,{"c":null,"d":2}]}');
  assert.equal(canonicalJson({ z: undefined, y: true, x: 1.5e-7 }), '{"x":1.5e-7,"y":true}');
  assert.equal(canonicalJson([]), "[]");
});

Deno.test("canonicalJson: non-finite numbers and non-JSON values throw naming their path", () => {
  assert.throws(
    () => canonicalJson({ a: { b: Number.NaN } }),
    /value\.a\.b: expected a finite number, got NaN/,
  );
  assert.throws(
    () => canonicalJson({ a: [1, Infinity] }, "params"),
    /params\.a\[1\]: expected a finite number/,
  );
  assert.throws(() => canonicalJson({ f: () => 1 }), /value\.f: expected a JSON value, got function/);
});
