/**
 * A run stopped by Ctrl-C (SIGINT) or SIGTERM: what it kept and what the next run does, said in words
 * before the process exits 130. Every stage committed to the store stays there (a commit is a rename, so an
 * entry is whole or absent); a stage cut short leaves only a temporary build, which `gc` removes; a
 * publish cut short leaves the published folders each old or new (and a hidden copy that the next run
 * removes), which the next run republishes.
 * @module
 */
import type { Reporter } from "./progress.ts";

/** Exit status of a run stopped by a signal (128 + SIGINT's number, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/** The signals that stop a run with {@link interruptedLines}. */
export const STOP_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM"];

/** What a run did so far, filled in through {@link RunProgress.track}. */
export class RunProgress {
  /** Node ids computed and committed to the store in this run. */
  readonly stored: string[] = [];
  /** Node ids restored from the store in this run. */
  readonly restored: string[] = [];
  /** Node ids running now. */
  readonly running = new Set<string>();
  /** True once the run began to publish its outputs. */
  publishing = false;

  /** Returns `reporter` with its stage events also recorded here. */
  track(reporter: Reporter): Reporter {
    return {
      line: (text) => reporter.line(text),
      stageStart: (id) => {
        this.running.add(id);
        reporter.stageStart(id);
      },
      stageProgress: (id, done, total, message) => reporter.stageProgress(id, done, total, message),
      stageEnd: (id, cached, seconds) => {
        this.running.delete(id);
        (cached ? this.restored : this.stored).push(id);
        reporter.stageEnd(id, cached, seconds);
      },
      close: () => reporter.close(),
    };
  }
}

function list(ids: readonly string[]): string {
  return ids.length <= 4 ? ids.join(", ") : `${ids.slice(0, 4).join(", ")} and ${ids.length - 4} more`;
}

/** Returns the lines that say what a run stopped by `signal` kept and what `again` (the command) will do. */
export function interruptedLines(signal: string, p: RunProgress, reports: string, again: string): string[] {
  const lines = [`${signal} received: stopped; exit ${EXIT_INTERRUPTED}`];
  const kept = p.stored.length + p.restored.length;
  lines.push(
    p.stored.length > 0
      ? `  kept in the store (.cache/store/): the ${p.stored.length} stage(s) this run computed (${
        list(p.stored)
      })${p.restored.length > 0 ? ` and the ${p.restored.length} it restored` : ""}`
      : `  kept in the store (.cache/store/): ${kept > 0 ? `the ${kept} stage(s) this run restored; ` : ""}` +
        "nothing new was computed",
  );
  if (p.running.size > 0) {
    lines.push(
      `  dropped: the unfinished work of ${list([...p.running])} (its temporary build under .cache/tmp/ ` +
        `is removed by "deno task gc")`,
    );
  }
  lines.push(
    !p.publishing
      ? `  ${reports} was not updated by this run`
      : `  publishing under ${reports} was cut short: each folder there is either the old or the new one`,
  );
  lines.push(
    `  next: "${again}" restores what was kept, computes the rest${
      !p.publishing ? "" : ", republishes what differs"
    } and removes the leftovers of this run under ${reports}`,
  );
  return lines;
}

/**
 * Until the returned function is called, SIGINT and SIGTERM make this process write `say(signal)` through
 * `write` and exit {@link EXIT_INTERRUPTED}. Returns the function that removes the listeners.
 */
export function exitOnStopSignal(
  say: (signal: Deno.Signal) => string[],
  write: (line: string) => void,
): () => void {
  const listeners = STOP_SIGNALS.map((sig) => {
    const listener = () => {
      for (const line of say(sig)) write(line);
      Deno.exit(EXIT_INTERRUPTED);
    };
    Deno.addSignalListener(sig, listener);
    return [sig, listener] as const;
  });
  return () => {
    for (const [sig, listener] of listeners) Deno.removeSignalListener(sig, listener);
  };
}
