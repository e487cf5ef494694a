import assert from "node:assert/strict";
import {
  MARGIN_SECONDS,
  pickMicro,
  probeScale,
  readProbeTiming,
  type SessionPlan,
  stateDecision,
} from "./gpu_session_plan.ts";

// 1 µs per token planned for every shape; the probe: 1000 training tokens, no evaluation tokens.
const plan: SessionPlan = {
  throughput: { perToken: 1e-6, perDepth: 0, perFlop: 0 },
  probe: { id: "probe", params: 1, depth: 3, flopsPerToken: 1, tokens: 1000, evalTokens: 0 },
  state: { profile: "state-h100", runs: 10, seconds: 100 },
  micro: [
    { id: "a", params: 1, depth: 1, flopsPerToken: 1, tokens: 1, evalTokens: 0, seconds: 10 },
    { id: "b", params: 1, depth: 1, flopsPerToken: 1, tokens: 1, evalTokens: 0, seconds: 50 },
    { id: "c", params: 1, depth: 1, flopsPerToken: 1, tokens: 1, evalTokens: 0, seconds: 5 },
  ],
  microLr: 0.8,
};

Deno.test("the probe's scale: measured over planned seconds per token, and the wall time beyond the tokens", () => {
  // 500k tokens/s measured = 2 µs/token: twice the plan; 3 s of wall time, 2 ms of it training.
  const s = probeScale(plan, { tokens: 1000, wallSeconds: 3, steadyTokensPerS: 5e5 });
  assert.ok(Math.abs(s.factor - 2) < 1e-12, String(s.factor));
  assert.ok(Math.abs(s.overheadSeconds - 2.998) < 1e-12, String(s.overheadSeconds));
  assert.throws(
    () => probeScale(plan, { tokens: 1000, wallSeconds: NaN, steadyTokensPerS: 1 }),
    /wallSeconds/,
  );
});

Deno.test("the state tier runs whole, in part or not at all, from its rescaled plan and the seconds left", () => {
  const s = { factor: 2, overheadSeconds: 1 }; // 100 s × 2 + 10 runs × 1 s = 210 s
  assert.deepEqual(stateDecision(plan, s, 300), {
    action: "run",
    timeoutSeconds: 300 - MARGIN_SECONDS,
    predictedSeconds: 210,
  });
  assert.deepEqual(stateDecision(plan, s, 200), {
    action: "partial",
    timeoutSeconds: 200 - MARGIN_SECONDS,
    predictedSeconds: 210,
  });
  assert.equal(stateDecision(plan, s, 70).action, "skip"); // 55 s of room: under the 60 s worth starting
});

Deno.test("the micro runs that fit are taken in plan order, passing over one that does not", () => {
  const one = { factor: 1, overheadSeconds: 0 };
  assert.deepEqual(pickMicro(plan, one, MARGIN_SECONDS + 20), { ids: ["a", "c"], predictedSeconds: 15 });
  assert.deepEqual(pickMicro(plan, one, MARGIN_SECONDS + 65), { ids: ["a", "b", "c"], predictedSeconds: 65 });
  // 2 s of overhead each: a = 12, b = 52, c = 7 s
  assert.deepEqual(pickMicro(plan, { factor: 1, overheadSeconds: 2 }, MARGIN_SECONDS + 18).ids, ["a"]);
  assert.deepEqual(pickMicro(plan, one, 4).ids, []);
});

Deno.test("a probe timings.json without a usable run is refused naming the file and field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/t.json`, JSON.stringify({ runs: [{ tokens: 10, wallSeconds: 0 }] }));
    await assert.rejects(
      readProbeTiming(`${dir}/t.json`),
      /t\.json: runs\[0\] field "wallSeconds" must be a number > 0, got 0/,
    );
    await Deno.writeTextFile(
      `${dir}/t.json`,
      JSON.stringify({ runs: [{ tokens: 10, wallSeconds: 2, steadyTokensPerS: 5 }] }),
    );
    assert.deepEqual(await readProbeTiming(`${dir}/t.json`), {
      tokens: 10,
      wallSeconds: 2,
      steadyTokensPerS: 5,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
