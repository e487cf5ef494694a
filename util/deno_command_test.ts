// Running Deno itself: by the running executable's path, which every deno.json task that may run Deno
// allows by that path and no task allows by the name `deno`; where neither may run, one line says why.
import assert from "node:assert/strict";
import { denoNotRunnable, denoOutput, TASK_DENO_PATH } from "./deno_command.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("deno_command: runs the running Deno; the tasks allow it by path, never `deno` by name", async () => {
  const out = await denoOutput({ args: ["eval", "console.log(Deno.execPath())"], stdout: "piped" });
  assert.equal(new TextDecoder().decode(out.stdout).trim(), Deno.execPath());
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).tasks;
  for (const [name, task] of Object.entries(tasks) as [string, { command: string }][]) {
    const run = /--allow-run=(\S+)/.exec(task.command.replaceAll(TASK_DENO_PATH, "<deno>"))?.[1];
    if (run === undefined) continue;
    assert.ok(!run.split(",").includes("deno"), `task ${name} allows "deno" by name: ${run}`);
  }
  for (const name of ["reproduce", "status", "diff", "gc", "check", "bench"]) {
    assert.ok(tasks[name].command.includes(`--allow-run=${TASK_DENO_PATH}`), `task ${name}`);
  }
});

Deno.test("deno_command: without permission to run it (deno not on PATH) one line says what is missing", async () => {
  const empty = await Deno.makeTempDir({ prefix: "deno_command_" });
  try {
    const script = `${empty}/run.ts`;
    await Deno.writeTextFile(
      script,
      `import { denoOutput } from "${ROOT}/util/deno_command.ts";\n` +
        `try { await denoOutput({ args: ["--version"] }); } catch (e) { console.log((e as Error).message); }\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", `--allow-read=${ROOT},${empty}`, "--allow-run=deno", script],
      env: { PATH: empty, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout).trim(), denoNotRunnable(Deno.execPath()));
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});
