/**
 * Web Worker entry of `fitApproach3Parallel`: runs one slice of starts and posts its summary back.
 * @module
 */

/// <reference lib="deno.worker" />

import { runStartSlice } from "./approach3.ts";
import type { SliceRequest } from "./parallel.ts";

self.onmessage = (event: MessageEvent<SliceRequest>) => {
  const r = event.data;
  try {
    const summary = runStartSlice(r.data, r.settings, r.extraStarts, r.from, r.to);
    self.postMessage({ id: r.id, summary });
  } catch (e) {
    self.postMessage({ id: r.id, error: e instanceof Error ? e.message : String(e) });
  }
};
