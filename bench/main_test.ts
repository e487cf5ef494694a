// `deno task bench --json FILE` outside the project: refused at once, in the words every task uses, with
// exit 1 and no stack trace (a child process running the task as deno.json defines it).
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("bench --json outside the project is refused in words before any suite runs", async () => {
  const outside = await Deno.makeTempDir({ prefix: "bench_json_" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "bench", "--only", "kernels", "--json", `${outside}/k.json`],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, text);
    assert.equal(
      text.trim(),
      `bench: cannot write ${outside}/k.json: this task may write only inside the project folder; ` +
        "choose a path inside the project folder",
    );
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});
