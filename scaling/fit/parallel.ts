/**
 * Approach 3 over several Web Workers: the starts are cut into contiguous slices, run in workers and
 * merged; the result is byte-identical to `fitApproach3` whatever the number of workers. A screened fit
 * (`screen`) screens the slices in the workers and polishes the merged candidates in this thread.
 * @module
 */

import {
  approach3Settings,
  finishApproach3,
  mergeStartSummaries,
  nearThreshold,
  runStartSlice,
  type StartSummary,
} from "./approach3.ts";
import { mergeScreenSummaries, polishScreen, runScreenSlice, type ScreenSummary } from "./screen.ts";
import { fitStarts } from "./grid.ts";
import { type LogData, prepareLogData } from "./objective.ts";
import type { Approach3Fit, Approach3Options, Approach3Settings, FitPoint } from "./types.ts";

/** Grids with more starts than this are split across workers by `fitApproach3Parallel`. */
export const PARALLEL_THRESHOLD = 20000;

/** Message sent to a fit worker. */
export interface SliceRequest {
  /** Slice id. */
  readonly id: number;
  /** Prepared data. */
  readonly data: LogData;
  /** Resolved settings. */
  readonly settings: Approach3Settings;
  /** Extra starts (global indices 0 … length−1). */
  readonly extraStarts: readonly (readonly number[])[];
  /** First global start index. */
  readonly from: number;
  /** One past the last global start index. */
  readonly to: number;
}

/** A worker's answer: the slice's summary (a screen summary for screened fits), or why it failed. */
export type SliceReply = { id: number; summary: StartSummary | ScreenSummary } | {
  id: number;
  error: string;
};

/** Runs one slice in this thread: screened when the settings have a screen, else every start in full. */
export function runSlice(
  data: LogData,
  settings: Approach3Settings,
  extraStarts: readonly (readonly number[])[],
  from: number,
  to: number,
): StartSummary | ScreenSummary {
  return settings.screen !== undefined
    ? runScreenSlice(data, settings, extraStarts, from, to)
    : runStartSlice(data, settings, extraStarts, from, to);
}

/**
 * Fits Approach 3 like `fitApproach3`, splitting grids larger than PARALLEL_THRESHOLD starts across
 * `options.workers` Web Workers (default 2); resolves to the same fit, byte for byte.
 */
export async function fitApproach3Parallel(
  points: readonly FitPoint[],
  options: Approach3Options,
): Promise<Approach3Fit> {
  const settings = approach3Settings(options);
  const data = prepareLogData(points, options.variables, "fitApproach3Parallel");
  const extra = options.extraStarts ?? [];
  const starts = fitStarts(settings.grid, data.k, extra).count;
  const workers = options.workers ?? 2;
  if (!(Number.isInteger(workers) && workers >= 0)) {
    throw new Error(`fitApproach3Parallel: workers must be an integer >= 0, got ${workers}`);
  }
  let parts: (StartSummary | ScreenSummary)[];
  if (workers <= 1 || starts <= (options.parallelThreshold ?? PARALLEL_THRESHOLD)) {
    parts = [runSlice(data, settings, extra, 0, starts)];
  } else {
    const slices = workers * 8;
    const bounds: [number, number][] = [];
    for (let s = 0; s < slices; s++) {
      bounds.push([Math.floor((starts * s) / slices), Math.floor((starts * (s + 1)) / slices)]);
    }
    parts = new Array(slices);
    let next = 0;
    const pool = Array.from(
      { length: workers },
      () => new Worker(new URL("./fit_worker.ts", import.meta.url).href, { type: "module" }),
    );
    try {
      await Promise.all(pool.map((w) =>
        new Promise<void>((resolve, reject) => {
          const send = () => {
            if (next >= slices) {
              resolve();
              return;
            }
            const id = next++;
            const req: SliceRequest = {
              id,
              data,
              settings,
              extraStarts: extra,
              from: bounds[id][0],
              to: bounds[id][1],
            };
            w.postMessage(req);
          };
          w.onmessage = (e: MessageEvent<SliceReply>) => {
            const reply = e.data;
            if ("error" in reply) {
              reject(new Error(`fitApproach3Parallel: worker failed on slice ${reply.id}: ${reply.error}`));
              return;
            }
            parts[reply.id] = reply.summary;
            send();
          };
          w.onerror = (e: ErrorEvent) => {
            e.preventDefault();
            reject(new Error(`fitApproach3Parallel: worker error: ${e.message}`));
          };
          send();
        })
      ));
    } finally {
      for (const w of pool) w.terminate();
    }
  }
  if (settings.screen !== undefined) {
    const merged = mergeScreenSummaries(parts as ScreenSummary[], settings.screen.candidates);
    const { summary, report } = polishScreen(data, settings, merged, nearThreshold);
    return { ...finishApproach3(points, options.variables, settings, starts, summary), screen: report };
  }
  const summary = parts.length === 1
    ? parts[0] as StartSummary
    : mergeStartSummaries(parts as StartSummary[]);
  return finishApproach3(points, options.variables, settings, starts, summary);
}
