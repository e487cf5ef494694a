import assert from "node:assert/strict";
import { nameTensors, parameterSpecs, paramSpec } from "../types.ts";
import { resolveTrainConfig } from "./config.ts";
import { decodeState, encodeState, parameterCount, readCheckpoint, writeCheckpoint } from "./checkpoint.ts";

const cfg = resolveTrainConfig({
  model: { width: 8, depth: 1, headSize: 4, vocabSize: 11 },
  steps: 3,
  corpus: "c",
});
const loop = {
  runningMinLoss: 2.5,
  pendingLosses: [3, 2.75],
  pendingGradNorms: [0.5, 0.25],
  elapsedSeconds: 1.5,
};

function state(step: number) {
  const fill = (k: number) =>
    parameterSpecs(cfg.model).map((s, i) =>
      Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, (_, j) => k + i + j / 7 + step)
    );
  return { params: fill(0), m: fill(100), v: fill(200), step };
}

Deno.test("checkpoint: parameter count and byte layout (params, m, v; float32 LE)", () => {
  // embed 11·8 + per layer (8 + 8·8 + 8·4 + 8·4 + 8·8 + 8 + 3·8·32) + final 8 + lm_head 8·11.
  assert.equal(parameterCount(cfg.model), 88 + (8 + 64 + 32 + 32 + 64 + 8 + 768) + 8 + 88);
  const s = state(3);
  const bytes = encodeState(cfg.model, s);
  assert.equal(bytes.length, 12 * parameterCount(cfg.model));
  const view = new DataView(bytes.buffer);
  const params = nameTensors(cfg.model, s.params), m = nameTensors(cfg.model, s.m);
  assert.equal(view.getFloat32(4, true), params.embed[1]);
  assert.equal(view.getFloat32(4 * parameterCount(cfg.model), true), m.embed[0]);
  // every tensor sits at its ParamSpec offset of the flat vector (the GPU's flat buffers share it)
  const wo = paramSpec(cfg.model, "layers.0.attn.wo");
  assert.equal(view.getFloat32(4 * (wo.offset + 5), true), params.layers[0].wo[5]);
  assert.equal(view.getFloat32(4 * (parameterCount(cfg.model) + wo.offset), true), m.layers[0].wo[0]);
  assert.deepEqual(decodeState(cfg.model, bytes, 3, "x"), s);
  assert.throws(
    () => decodeState(cfg.model, bytes.subarray(4), 3, "run/checkpoint.bin"),
    /run\/checkpoint\.bin: \d+ bytes, expected/,
  );
});

Deno.test("checkpoint: write/read round trip, interrupted write recovered, corruption named", async () => {
  const dir = await Deno.makeTempDir();
  assert.equal(await readCheckpoint(dir), null);
  await writeCheckpoint(dir, cfg, "h1", "test", state(1), { cursor: 1 }, loop);
  let ck = await readCheckpoint(dir);
  assert.deepEqual(ck?.state, state(1));
  assert.deepEqual([ck?.meta.loader, ck?.meta.loop, ck?.meta.configHash, ck?.meta.tokens], [
    { cursor: 1 },
    loop,
    "h1",
    8 * 64,
  ]);

  // Simulate a kill between the two renames: new bin in place, new json still in checkpoint.json.tmp.
  await writeCheckpoint(dir, cfg, "h1", "test", state(2), { cursor: 2 }, loop);
  const json2 = await Deno.readTextFile(`${dir}/checkpoint.json`);
  await writeCheckpoint(dir, cfg, "h1", "test", state(1), { cursor: 1 }, loop);
  const json1 = await Deno.readTextFile(`${dir}/checkpoint.json`);
  await Deno.writeFile(`${dir}/checkpoint.bin`, encodeState(cfg.model, state(2)));
  await Deno.writeTextFile(`${dir}/checkpoint.json.tmp`, json2);
  ck = await readCheckpoint(dir);
  assert.equal(ck?.meta.step, 2);
  assert.deepEqual(ck?.meta.loader, { cursor: 2 });
  assert.equal(await Deno.readTextFile(`${dir}/checkpoint.json`), json2);

  // A bin that matches neither metadata is an error naming both files.
  await Deno.writeTextFile(`${dir}/checkpoint.json`, json1);
  const bad = encodeState(cfg.model, state(2));
  bad[0] ^= 1;
  await Deno.writeFile(`${dir}/checkpoint.bin`, bad);
  await assert.rejects(
    readCheckpoint(dir),
    /checkpoint\.bin: SHA-256 [0-9a-f]+ does not match field "binSha256" of .*checkpoint\.json/,
  );
  await Deno.writeTextFile(`${dir}/checkpoint.json`, "{");
  await assert.rejects(readCheckpoint(dir), /checkpoint\.json: not valid JSON/);
  await Deno.remove(dir, { recursive: true });
});
