/**
 * The deno.json tasks as tests run them: a task's `deno` arguments with the running Deno's path where the
 * task names it (`TASK_DENO_PATH`), so a test runs a task with exactly its permissions.
 * @module
 */
import { TASK_DENO_PATH } from "../util/deno_command.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Returns the command line of deno.json task `name` (relative to the project root) as it is written. */
export function taskCommandLine(name: string): string {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;
  const task = tasks[name];
  if (task === undefined) throw new Error(`deno.json: no task "${name}"`);
  return typeof task === "string" ? task : task.command;
}

/**
 * Returns the arguments after `deno` of task `name` (e.g. `["run", "--allow-read=.", ..., "stages/main.ts",
 * "reproduce"]`), the running Deno's path in place of {@link TASK_DENO_PATH}; throws unless it starts with
 * `deno`.
 */
export function taskArgs(name: string): string[] {
  const [cmd, ...rest] = taskCommandLine(name).replaceAll(TASK_DENO_PATH, Deno.execPath()).split(/\s+/);
  if (cmd !== "deno") throw new Error(`deno.json: task "${name}" does not start with deno: ${cmd}`);
  return rest;
}

/** Returns the permission flags (`--allow-*`, `--deny-*`) of task `name`, see {@link taskArgs}. */
export function taskPermissions(name: string): string[] {
  return taskArgs(name).filter((a) => /^--(allow|deny)-/.test(a));
}
