import assert from "node:assert/strict";
import { explainChanges, type FingerprintFields, paramChange } from "./fingerprint.ts";

const fields = (params: unknown): FingerprintFields => ({
  name: "report",
  code: {},
  packages: [],
  params: JSON.stringify(params),
  inputs: {},
  deps: [],
  runtime: "deno",
  env: "",
});

Deno.test("status names what was added to or removed from a list parameter", () => {
  const variants = ["paper", "no_embeds", "cooldown", "lr_ablation", "over_100b", "over_120b_only"];
  const before = fields({ variant: "paper", rainbowVariants: variants });
  const after = fields({ variant: "paper", rainbowVariants: [...variants, "my_variant"] });
  assert.deepEqual(explainChanges(before, after), ['parameter rainbowVariants (a list): added "my_variant"']);
  assert.deepEqual(explainChanges(after, before), [
    'parameter rainbowVariants (a list): removed "my_variant"',
  ]);
  assert.equal(paramChange("xs", "[1,2,3]", "[3,2,1]"), "parameter xs (a list): reordered");
  assert.equal(paramChange("xs", "[1,2]", "[2,5]"), "parameter xs (a list): added 5; removed 1");
  assert.equal(paramChange("delta", "0.0001", "0.0002"), "parameter delta changed from 0.0001 to 0.0002");
});
