/**
 * Headless Chromium for the report tests (tests/browser_test.ts, tests/profile_state_test.ts): playwright-core
 * loaded under the suite's permissions, and the launch options that keep the browser offline.
 * @module
 */
import fs from "node:fs";

/** Path of the Chromium the tests drive (installed by tools/test.sh when missing). */
export const CHROMIUM = "/usr/bin/chromium";

/** Chromium flags of the tests: headless, no sandbox, no GPU, no background network. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Returns playwright-core. It probes /proc/sys/fs/binfmt_misc/WSLInterop when it loads; Deno only allows that
 * path under --allow-all, which the test suite does not grant, so the probe answers "not WSL" instead.
 */
export async function loadPlaywright(): Promise<typeof import("playwright-core")> {
  const existsSync = fs.existsSync;
  fs.existsSync = (p: fs.PathLike) =>
    String(p).startsWith("/proc/sys/fs/binfmt_misc") ? false : existsSync(p);
  try {
    return await import("playwright-core");
  } finally {
    fs.existsSync = existsSync;
  }
}
