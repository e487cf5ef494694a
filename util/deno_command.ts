/**
 * Running Deno itself (`deno info`, `deno fmt`, a child task): the executable that is running
 * (`Deno.execPath()`), which the deno.json tasks allow by its path, so a Deno that is not on PATH (a
 * downloaded binary, npx's cached copy) works too.
 * @module
 */

/** The one-line message when this process may not run the Deno executable: what is missing and the fix. */
export function denoNotRunnable(execPath: string): string {
  return `cannot run Deno (${execPath}): this command's --allow-run does not name it; start it with ` +
    `"deno task <name>" in the project folder (its tasks allow the Deno that runs them), or add ` +
    `--allow-run=${execPath}`;
}

/**
 * Runs the running Deno executable with `options` and returns its output. Under an older
 * `--allow-run=deno` the resolved path may be refused while the name `deno` is allowed: then it runs the
 * `deno` on PATH. Throws an Error naming the executable and the fix when neither may (or can) run.
 */
export async function denoOutput(options: Deno.CommandOptions): Promise<Deno.CommandOutput> {
  const exec = Deno.execPath();
  for (const program of [exec, "deno"]) {
    if (Deno.permissions.querySync({ name: "run", command: program }).state !== "granted") continue;
    try {
      return await new Deno.Command(program, options).output();
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound && program === "deno")) throw e;
    }
  }
  throw new Error(denoNotRunnable(exec));
}

/**
 * The text in a deno.json task command that stands for the path of the Deno running the task (in
 * `--allow-run=<it>,...`): `deno task` runs `deno` as itself, also when it is not on PATH.
 */
export const TASK_DENO_PATH = `"$(deno eval 'console.log(Deno.execPath())')"`;
