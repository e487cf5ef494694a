// The README's commands as a user or a batch system runs them, as real processes, each started in its own
// process group and signalled alone (as `kill`, `timeout` and systemd signal the process they started):
// - SIGTERM to `npx -y deno@2.9.6 task train ...` (and to `deno task train ...`) stops the training run
//   under it with a checkpoint (its output ends: no process is left holding it);
// - SIGTERM to `npx -y deno@2.9.6 task reproduce` says what was kept and what the next run does, exit 130;
// - a SIGKILL while `reproduce` publishes: `status` names the damaged published copy and the leftover,
//   and the next `reproduce` removes the leftover and republishes;
// - `deno task reproduce|status` with a Deno that is not on PATH.
// The pipeline commands run in a project of two toy stages with the real deno.json (front_door_project.ts).
import assert from "node:assert/strict";
import { FILES, frontDoorProject } from "../testing/engine/front_door_project.ts";
import { prepareCorpus } from "../kernels/data/corpus.ts";
import { listFiles } from "../pipeline/fsutil.ts";
import { randomHex } from "../util/fs.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const NPX = ["-y", "deno@2.9.6"]; // the README's form
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

function env(extra: Record<string, string> = {}): Record<string, string> {
  const e: Record<string, string> = { NO_COLOR: "1", npm_config_prefer_offline: "true", ...extra };
  if (!Deno.env.get("XDG_RUNTIME_DIR")) e.XDG_RUNTIME_DIR = Deno.makeTempDirSync();
  return e;
}

/** Starts `cmd args` in `cwd` in a process group of its own. */
function start(cmd: string, args: string[], cwd: string, extra?: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(cmd, {
    args,
    cwd,
    env: env(extra),
    stdout: "piped",
    stderr: "piped",
    detached: true,
  })
    .spawn();
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000, poll = 50) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, poll));
  }
}

/**
 * Returns the child's output once every process holding its stdout/stderr has ended; fails (after killing
 * the whole group) when that takes longer than `ms`: something outlived the signalled process.
 */
async function ended(child: Deno.ChildProcess, ms: number): Promise<{ code: number; text: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch { /* already gone */ }
      reject(
        new Error(`processes under pid ${child.pid} still held its output ${ms / 1000} s after the signal`),
      );
    }, ms);
  });
  try {
    const out = await Promise.race([child.output(), late]);
    return { code: out.code, text: decode(out.stdout) + decode(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

for (
  const [form, cmd, pre] of [["npx -y deno@2.9.6 task", "npx", [...NPX, "task"]], [
    "deno task",
    Deno.execPath(),
    ["task"],
  ]] as const
) {
  Deno.test(`front door: SIGTERM to \`${form} train\` stops the run under it with a checkpoint`, async () => {
    const corpus = await Deno.makeTempDir({ prefix: "front_door_corpus_" });
    const rel = `.cache/front-door-${randomHex(4)}`;
    const out = `${REPO}/${rel}`;
    try {
      await prepareCorpus({ outDir: corpus, source: "synthetic", tokens: 10_000, seed: 4 });
      const args = ["--backend=reference", `--corpus=${corpus}`, "--width=16", "--depth=1", "--head-size=8"];
      args.push(
        "--seq-len=8",
        "--batch-size=2",
        "--steps=1000000",
        "--log-every=20",
        `--out=${rel}/run`,
        "--quiet",
      );
      const child = start(cmd, [...pre, "train", ...args], REPO);
      await until("the first logged step", async () => {
        try {
          return (await Deno.readTextFile(`${out}/run/log.jsonl`)).includes('"step"');
        } catch {
          return false;
        }
      });
      child.kill("SIGTERM"); // the process started, not its group
      const r = await ended(child, 20_000);
      assert.match(r.text, /train: SIGTERM received: stopping at the next step/);
      assert.match(r.text, /stopped by SIGTERM at step \d+; checkpoint .*checkpoint\.json written; exit 130/);
      const step = JSON.parse(await Deno.readTextFile(`${out}/run/checkpoint.json`)).step;
      assert.ok(step > 0 && step < 1_000_000, `checkpoint at step ${step}`);
    } finally {
      await Deno.remove(corpus, { recursive: true });
      await Deno.remove(out, { recursive: true }).catch(() => {});
    }
  });
}

Deno.test("front door: reproduce through npx and deno task (Deno not on PATH); SIGTERM, SIGKILL while publishing", async () => {
  const root = await frontDoorProject();
  const noDeno = await Deno.makeTempDir({ prefix: "front_door_path_" }); // a PATH without deno
  const task = (args: string[]) =>
    new Deno.Command(Deno.execPath(), { args: ["task", ...args], cwd: root, env: env({ PATH: noDeno }) })
      .output();
  try {
    // Interrupted: the words, exit 130, nothing left running under npx.
    const slow = start("npx", [...NPX, "task", "reproduce", "--variant", "slow"], root);
    await until("the slow stage", () => {
      try {
        return [...Deno.readDirSync(`${root}/.cache/tmp`)].length > 0;
      } catch {
        return false;
      }
    });
    await new Promise((r) => setTimeout(r, 300)); // the stage has started its sleep
    slow.kill("SIGTERM");
    const cut = await ended(slow, 20_000);
    assert.match(cut.text, /reproduce: SIGTERM received: stopped; exit 130/);
    assert.match(cut.text, /dropped: the unfinished work of files \(its temporary build/);
    assert.match(cut.text, /reports\/slow\/ was not updated by this run/);
    assert.match(cut.text, /next: "deno task reproduce --variant slow" restores what was kept/);

    // A Deno not on PATH runs the pipeline (it spawns itself for the module graph).
    let r = await task(["reproduce", "--variant", "many"]);
    assert.equal(r.code, 0, decode(r.stdout) + decode(r.stderr));
    const published = `${root}/reports/many/files`;
    assert.equal(listFiles(published).length, FILES);
    const store = listFiles(published).map((f) => [f, Deno.readFileSync(`${published}/${f}`).length]);

    // SIGKILL while a fully cached run publishes into an emptied reports/.
    await Deno.remove(`${root}/reports`, { recursive: true });
    const kill = start(Deno.execPath(), ["task", "reproduce", "--variant", "many"], root);
    await until(
      "a publish in progress",
      () => {
        try {
          return [...Deno.readDirSync(`${root}/reports/many`)].some((e) => e.name.includes(".new-"));
        } catch {
          return false;
        }
      },
      60_000,
      2,
    );
    Deno.kill(-kill.pid, "SIGKILL");
    await kill.output();
    r = await task(["status", "--variant", "many"]);
    let text = decode(r.stdout);
    assert.equal(r.code, 0, text + decode(r.stderr));
    assert.match(text, /^files +cached .*but its published copy reports\/many\/files\/ (is missing|lacks)/m);
    assert.match(text, /^reports\/many\/\.files\.new-[0-9a-f]{16}\/: left by an interrupted publish/m);
    r = await task(["reproduce", "--variant", "many"]);
    text = decode(r.stdout);
    assert.match(
      text,
      /^removed reports\/many\/\.files\.new-[0-9a-f]{16}\/ \(left by an interrupted publish\)$/m,
    );
    assert.match(text, /^published files -> reports\/many\/files\/$/m);
    assert.deepEqual([...Deno.readDirSync(`${root}/reports/many`)].map((e) => e.name), ["files"]);
    assert.deepEqual(
      listFiles(published).map((f) => [f, Deno.readFileSync(`${published}/${f}`).length]),
      store,
    );
    r = await task(["status", "--variant", "many"]);
    assert.doesNotMatch(decode(r.stdout), /published copy|interrupted publish/);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(noDeno, { recursive: true });
  }
});
