/**
 * What every command-line entry point of the project shares, so that every task follows one rule:
 * exit 0 on success, 1 on a failure (bad input data, a failed stage), 2 on bad usage, always with the
 * valid choices listed and a hint a `deno task` user can follow. Also: paths typed by the user resolve
 * against the directory the command was typed in (`INIT_CWD`, set by `deno task`), and a refused write
 * outside the project is explained in words. Depends on nothing of the project.
 * @module
 */
import { parseArgs } from "node:util";

/** Exit status of a successful command. */
export const EXIT_OK = 0;
/** Exit status of a command that failed (bad input data, a failed stage or fit). */
export const EXIT_FAILURE = 1;
/** Exit status of a command given bad usage (unknown flag or value, missing argument). */
export const EXIT_USAGE = 2;

/** Bad usage: the message says what was wrong and lists the valid choices; exit code 2. */
export class UsageError extends Error {
  /** Creates a usage error with `message` (and, optionally, the hint line that follows it). */
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The flags of a command, as node:util parseArgs declares them. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/** Returns the hint line of `task`: how to see its usage, e.g. `hint: run "deno task fit --help"`. */
export function helpHint(task: string): string {
  return `hint: run "deno task ${task} --help" for the valid flags`;
}

/**
 * Parses `args` strictly against `flags` (plus --help); throws a {@link UsageError} naming an unknown
 * flag, a flag missing its value or a value given to a boolean flag, with the valid flags listed.
 */
export function parseFlags(
  task: string,
  args: readonly string[],
  flags: FlagSpec,
  options: { positionals?: boolean } = {},
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  const all: FlagSpec = { ...flags, help: { type: "boolean" } };
  const valid = Object.keys(all).map((f) => `--${f}`).join(", ");
  try {
    return parseArgs({
      args: [...args],
      options: all,
      strict: true,
      allowPositionals: options.positionals ?? false,
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const text = (e as Error).message;
    const name = /'(-{1,2}[^' ]+)/.exec(text)?.[1];
    let message: string;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      message = `unknown option ${name ?? text}; valid options: ${valid}`;
    } else if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const flag = /--([\w-]+)/.exec(text)?.[1];
      message = flag !== undefined && all[flag]?.type === "boolean"
        ? `option --${flag} takes no value`
        : `option --${flag ?? "?"} needs a value`;
    } else if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      message = `unexpected argument ${
        /'([^']*)'/.exec(text)?.[1] ?? ""
      }; this command takes only flags (${valid})`;
    } else message = text;
    throw new UsageError(`${task}: ${message}`, helpHint(task));
  }
}

/** Returns `name` if it is one of `valid`; else throws a usage error listing them (`what`: e.g. "variant"). */
export function pickChoice(task: string, what: string, name: string, valid: readonly string[]): string {
  if (valid.includes(name)) return name;
  throw new UsageError(
    `${task}: unknown ${what} "${name}"; valid ${what}s: ${valid.join(", ")}`,
    helpHint(task),
  );
}

/**
 * Returns the absolute path of a path the user typed: absolute paths as they are, relative ones against
 * the directory the command was typed in (`INIT_CWD`, which `deno task` sets; else the current one).
 */
export function userPath(path: string): string {
  if (path.startsWith("/")) return path;
  let initCwd: string | undefined;
  try {
    initCwd = Deno.env.get("INIT_CWD");
  } catch {
    initCwd = undefined; // no env permission: not run by deno task with --allow-env=INIT_CWD
  }
  const base = (initCwd ?? Deno.cwd()).replace(/\/+$/, "");
  const joined = `${base}/${path}`.split("/");
  const out: string[] = [];
  for (const part of joined) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/**
 * Returns the message of an error in words a task user can act on: a write (or read, or run) that the
 * task's permissions refuse is explained as the task's limit (e.g. "may write only inside the project
 * folder") instead of Deno's "run again with the --allow-write flag", which a `deno task` user cannot do.
 */
export function describeError(e: unknown, limits: { write?: string; read?: string } = {}): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
    const m = /Requires (read|write|run|env|net|sys) access to "?([^",]+)"?/.exec(message);
    if (m) {
      const [, kind, target] = m;
      const limit = kind === "write" ? limits.write : kind === "read" ? limits.read : undefined;
      return `cannot ${kind === "run" ? "run" : kind} ${target}: this task ` +
        (limit ?? `has no ${kind} permission for it`) +
        (kind === "write" ? "; choose a path inside the project folder" : "");
    }
  }
  return message;
}
