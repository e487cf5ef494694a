// The micro profile from its front door: `deno task reproduce --profile micro` exactly as deno.json
// defines the task (its real permissions: read access to the project and to the corpus path only).
// The corpus stage reads the Debian jargon-text package under those permissions (tools/test.sh installs
// it), and on this machine's software adapter the profile says what training would cost and stops
// before running anything unless given --accept-cost.
import assert from "node:assert/strict";
import { taskArgs } from "../testing/deno_tasks.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** The reproduce task's command line from deno.json, with its permission flags, plus `args`. */
async function reproduceTask(args: string[]): Promise<Deno.CommandOutput> {
  const rest = taskArgs("reproduce");
  assert.ok(
    rest.includes("--allow-read=.,/usr/share/doc/jargon-text"),
    `task permissions: ${rest.join(" ")}`,
  );
  const env: Record<string, string> = { NO_COLOR: "1" };
  if (!Deno.env.get("XDG_RUNTIME_DIR")) env.XDG_RUNTIME_DIR = Deno.makeTempDirSync();
  return await new Deno.Command(Deno.execPath(), {
    args: [...rest, ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("micro front door: the corpus stage reads jargon-text under the task's own permissions", async () => {
  const out = await reproduceTask(["--profile", "micro", "--only", "corpus"]);
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.match(text, /corpus\s+(ran|cached)/);
  assert.doesNotMatch(text, /not found|permission/i);
});

Deno.test("micro front door: on llvmpipe it says what training would cost and stops before running", async () => {
  const out = await reproduceTask(["--profile", "micro"]);
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, text);
  const m =
    /cost: (\d+) training run\(s\), ([0-9.e+]+) FLOPs on .*llvmpipe.* \(a software adapter, not a GPU\); .* ran at ([0-9.]+) GFLOP\/s, so training would take about ([0-9.]+) h; stopping: .*--accept-cost/
      .exec(text);
  assert.ok(m, text);
  // hours = FLOPs / measured rate; the message's rounded figures agree to their printed precision.
  const [flops, gflops, hours] = [Number(m[2]), Number(m[3]), Number(m[4])];
  assert.ok(
    Math.abs(flops / (gflops * 1e9) / 3600 / hours - 1) < 0.05,
    `${flops} / ${gflops} GFLOP/s vs ${hours} h`,
  );
  assert.ok(hours > 1, "stopped, so over the one-hour limit");
  assert.doesNotMatch(text, /\[run\]|published/);
});
