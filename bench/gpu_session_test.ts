// The GPU session's rehearsal at its smallest on this machine's adapter (llvmpipe): the device command runs
// end to end with `deno run --no-npm` and leaves the files a device call brings back.
import assert from "node:assert/strict";
import { prepareSession } from "./gpu_session_prepare.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

async function tarList(file: string): Promise<string[]> {
  const out = await new Deno.Command("tar", { args: ["-tzf", file], stdout: "piped" }).output();
  assert.equal(out.code, 0, `tar -tzf ${file}`);
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

async function tarRead(file: string, member: string): Promise<string> {
  const out = await new Deno.Command("tar", { args: ["-xzOf", file, member], stdout: "piped" }).output();
  assert.equal(out.code, 0, `tar -xzOf ${file} ${member}`);
  return new TextDecoder().decode(out.stdout);
}

Deno.test("the rehearsal of the GPU session writes the session log, the summary and the three packs", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "gpu_session_rehearse_" });
  try {
    await prepareSession(ROOT, `${tmp}/session`, true);
    const run = await new Deno.Command("bash", {
      args: ["bench/gpu_session.sh"],
      cwd: ROOT,
      env: {
        OUT: `${tmp}/out`,
        GPU_SESSION_REHEARSE: "1",
        GPU_SESSION_DIR: `${tmp}/session`,
        GPU_SESSION_DENO: Deno.execPath(),
        GPU_SESSION_KERNEL_ARGS: "--profile cpu --quick --models tiny --flash",
        XDG_RUNTIME_DIR: tmp,
        NO_COLOR: "1",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 0, text);
    const files = [...Deno.readDirSync(`${tmp}/out`)].map((e) => e.name).sort();
    const summary = JSON.parse(await Deno.readTextFile(`${tmp}/out/summary.json`));
    const state = summary.stateAction === "skip" ? [] : ["state-h100.log", "state-h100.tar.gz"];
    assert.deepEqual(
      files,
      ["kernels.tar.gz", "micro.tar.gz", "session.log", ...state, "summary.json"].sort(),
      text,
    );
    assert.match(summary.adapter, /llvmpipe/);
    assert.equal(summary.kernelsExit, 0, text);
    assert.ok(["run", "partial", "skip"].includes(summary.stateAction), summary.stateAction);
    // Kernels: fused dense, unfused and fused flash timed on the same model, its config kept for PyTorch.
    const kernels = JSON.parse(await tarRead(`${tmp}/out/kernels.tar.gz`, "k/kernels.json"));
    assert.equal(kernels.train[0].model, "tiny");
    assert.equal(kernels.train[0].fusedAttention, "dense");
    assert.ok(kernels.train[0].flash.stepMs > 0);
    assert.ok(kernels.train[0].flash.dispatchesPerStep < kernels.train[0].fused.dispatchesPerStep);
    assert.equal(kernels.train[0].config.width, 32);
    // The probe ran, and every micro run the plan picked finished.
    const micro = await tarList(`${tmp}/out/micro.tar.gz`);
    assert.ok(micro.includes("plan.json") && micro.includes("probe/timings.json"), micro.join(" "));
    const picked = summary.microRunsPlanned === "-" ? [] : String(summary.microRunsPlanned).split(",");
    assert.equal(summary.microRunsDone, picked.length, text);
    for (const id of picked) assert.ok(micro.includes(`micro/${id}/result.json`), id);
    if (summary.stateAction !== "skip") {
      assert.ok((await tarList(`${tmp}/out/state-h100.tar.gz`)).some((f) => f.endsWith("/result.json")));
    }
    assert.match(await Deno.readTextFile(`${tmp}/out/session.log`), /PyTorch: /);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
