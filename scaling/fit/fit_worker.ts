/**
 * Web Worker entry of `fitApproach3Parallel`: runs one slice of starts and posts its summary back.
 * @module
 */

/// <reference lib="deno.worker" />

import { runSlice, type SliceReply, type SliceRequest } from "./parallel.ts";

self.onmessage = (event: MessageEvent<SliceRequest>) => {
  const r = event.data;
  try {
    const reply: SliceReply = {
      id: r.id,
      summary: runSlice(r.data, r.settings, r.extraStarts, r.from, r.to),
    };
    self.postMessage(reply);
  } catch (e) {
    const reply: SliceReply = { id: r.id, error: e instanceof Error ? e.message : String(e) };
    self.postMessage(reply);
  }
};
