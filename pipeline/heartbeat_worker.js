// Worker that refreshes the mtime of every lock file this process holds, every few seconds, so that a
// lock's age tells other processes whether its holder is alive even while the main thread is busy with
// a CPU-bound stage. Plain JavaScript so that spawning it never triggers a type check.

/** @type {Set<string>} */
const held = new Set();
let intervalMs = 2000;
/** @type {number | undefined} */
let timer;

function beat() {
  const now = new Date();
  for (const path of held) {
    try {
      Deno.utimeSync(path, now, now);
    } catch {
      // The lock may have been released between messages; nothing to refresh.
    }
  }
}

self.onmessage = (event) => {
  const { op, path, ms } = event.data;
  if (op === "add" && path) held.add(path);
  else if (op === "remove" && path) held.delete(path);
  else if (op === "interval" && ms) intervalMs = ms;
  if (timer !== undefined) clearInterval(timer);
  timer = setInterval(beat, intervalMs);
};
