/**
 * `deno task check`: fmt --check, lint and type check, one after another (stops at the first that fails).
 * `--help` prints this usage without running anything; an unknown flag is bad usage (exit 2) instead of
 * reaching Deno's own parser. Exit: 0 all clean, 1 one of them failed, 2 bad usage.
 * @module
 */
import { denoOutput } from "../util/deno_command.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseFlags, UsageError } from "../cli/mod.ts";

/** Usage text of `deno task check`. */
export const CHECK_USAGE = `usage: deno task check

Runs, in the project folder and in this order: deno fmt --check, deno lint, deno check .
Exit status: 0 all clean, 1 one of them failed, 2 bad usage.

  --help   this text`;

/** The commands `check` runs, in order. */
export const CHECK_STEPS: readonly (readonly string[])[] = [["fmt", "--check"], ["lint"], ["check", "."]];

/**
 * Runs the check on `args`: each of `steps` (Deno's arguments; default {@link CHECK_STEPS}) in turn, then
 * one line through `write` saying all passed. Returns the exit code.
 */
export async function runCheck(
  args: readonly string[],
  steps: readonly (readonly string[])[] = CHECK_STEPS,
  write: (line: string) => void = console.log,
): Promise<number> {
  try {
    if (parseFlags("check", args, {}).values.help) {
      console.log(CHECK_USAGE);
      return EXIT_OK;
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n${e.hint}`);
    return EXIT_USAGE;
  }
  for (const step of steps) {
    const { code } = await denoOutput({ args: [...step], stdout: "inherit", stderr: "inherit" });
    if (code !== 0) {
      console.error(
        `check: deno ${step.join(" ")} failed (exit ${code}); fix the files it names and run again`,
      );
      return EXIT_FAILURE;
    }
  }
  write(`check: all clean (${steps.map((s) => `deno ${s.join(" ")}`).join(", ")})`);
  return EXIT_OK;
}

if (import.meta.main) Deno.exit(await runCheck(Deno.args));
