/**
 * Progress reporting: a live bar per running stage when stdout is a terminal (npm cli-progress), plain
 * lines otherwise, and a final table of stages (id, cached/ran, seconds).
 * @module
 */
// Type only: cli-progress itself loads when a bar reporter is made (a terminal), not at start-up.
// @ts-types="./cli_progress.d.ts"
import type cliProgressTypes from "cli-progress";
type CliProgress = typeof cliProgressTypes;

/** What the runner tells a reporter. */
export interface Reporter {
  /** A line of text (decisions, waits, errors). */
  line(text: string): void;
  /** A stage started running. */
  stageStart(id: string): void;
  /** A running stage reported `done` of `total` units. */
  stageProgress(id: string, done: number, total: number, message?: string): void;
  /** A stage finished (ran or was restored from the store). */
  stageEnd(id: string, cached: boolean, seconds: number): void;
  /** The run ended; release the terminal. */
  close(): void;
}

/** One row of the final table. */
export interface TableRow {
  /** Node id. */
  id: string;
  /** "cached", "ran", "failed" or "skipped". */
  outcome: string;
  /** Wall time in seconds. */
  seconds: number;
}

/** Returns the final table of stages as text lines (id, cached/ran, seconds). */
export function formatTable(rows: readonly TableRow[]): string[] {
  const w = Math.max(5, ...rows.map((r) => r.id.length));
  const lines = [`${"stage".padEnd(w)}  outcome  seconds`, `${"-".repeat(w)}  -------  -------`];
  for (const r of rows) {
    lines.push(`${r.id.padEnd(w)}  ${r.outcome.padEnd(7)}  ${r.seconds.toFixed(2).padStart(7)}`);
  }
  const total = rows.reduce((a, r) => a + (r.outcome === "ran" ? 1 : 0), 0);
  lines.push(
    `${rows.length} stage(s): ${total} ran, ${rows.filter((r) => r.outcome === "cached").length} cached`,
  );
  return lines;
}

/** Returns a reporter printing plain lines through `write` (progress at most every 10 % or 5 s per stage). */
export function plainReporter(write: (line: string) => void): Reporter {
  const last = new Map<string, { pct: number; at: number }>();
  return {
    line: write,
    stageStart(id) {
      last.set(id, { pct: -1, at: 0 });
      write(`[run] ${id}`);
    },
    stageProgress(id, done, total, message) {
      const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
      const prev = last.get(id) ?? { pct: -1, at: 0 };
      const now = Date.now();
      if (Math.floor(pct / 10) > Math.floor(prev.pct / 10) || now - prev.at > 5000 || done === total) {
        if (pct === prev.pct && done !== total) return;
        last.set(id, { pct, at: now });
        write(`[run] ${id}: ${done}/${total} (${pct}%)${message ? ` ${message}` : ""}`);
      }
    },
    stageEnd(id, cached, seconds) {
      write(cached ? `[cached] ${id}` : `[done] ${id} in ${seconds.toFixed(2)} s`);
    },
    close() {},
  };
}

/** Returns a reporter drawing one live bar per running stage on the terminal (cli-progress, loaded here). */
export async function barReporter(write: (line: string) => void = console.log): Promise<Reporter> {
  // @ts-types="./cli_progress.d.ts"
  const cliProgress: CliProgress = (await import("cli-progress")).default;
  let multi: InstanceType<CliProgress["MultiBar"]> | undefined;
  const bars = new Map<string, ReturnType<InstanceType<CliProgress["MultiBar"]>["create"]>>();
  let active = 0;
  const say = (text: string) => (multi && active > 0 ? multi.log(`${text}\n`) : write(text));
  const stopAll = () => {
    multi?.stop();
    multi = undefined;
    bars.clear();
  };
  return {
    line: say,
    stageStart(id) {
      multi ??= new cliProgress.MultiBar({
        clearOnComplete: false,
        hideCursor: true,
        format: "{id} [{bar}] {percentage}% {value}/{total} {message}",
      }, cliProgress.Presets.shades_classic);
      bars.set(id, multi.create(1, 0, { id, message: "" }));
      active++;
    },
    stageProgress(id, done, total, message) {
      const bar = bars.get(id);
      if (!bar) return;
      bar.setTotal(Math.max(1, total));
      bar.update(done, { id, message: message ?? "" });
    },
    stageEnd(id, cached, seconds) {
      const bar = bars.get(id);
      if (bar) {
        bar.update(bar.getTotal(), { id, message: `done in ${seconds.toFixed(2)} s` });
        bar.stop();
        active--;
        if (active === 0) stopAll();
      } else if (cached) say(`[cached] ${id}`);
    },
    close: stopAll,
  };
}

/** Returns the bar reporter when stdout is a terminal, else the plain one writing to `write`. */
export async function defaultReporter(write: (line: string) => void = console.log): Promise<Reporter> {
  return Deno.stdout.isTerminal() ? await barReporter(write) : plainReporter(write);
}
