/**
 * `deno task bench`: every benchmark of the project, each printing its figures (and, where it has one,
 * the ratio against a baseline run in the same process).
 *
 *   deno task bench                      # engine, fitter, prescriptions, kernels, vocabulary split
 *   deno task bench --only engine        # one of: engine, scaling, prescribe, kernels, split
 *   deno task bench --only kernels --json FILE   # also write the kernel figures (per model) as JSON
 * @module
 */
import { parseArgs } from "node:util";
import { benchEngine } from "./engine.ts";
import { benchScaling } from "./scaling.ts";
import { benchKernels, writeBenchJson } from "./kernels.ts";
import { benchPrescribe } from "./prescribe.ts";
import { benchSplit } from "./split.ts";
import { describeError, EXIT_FAILURE, userPath } from "../cli/mod.ts";

/** The words of a refused write, as every task says them. */
const WRITE_LIMIT = "may write only inside the project folder";

const SUITES = ["engine", "scaling", "prescribe", "kernels", "split"] as const;
const USAGE = `usage: deno task bench [--only ${SUITES.join("|")}] [--help]

  --only NAME   run one suite (default: all)
  --json FILE   write the kernel suite's figures (per model: dispatchesPerStep, stepMs, tokens/s, MFU) as JSON
  --help        this text`;

if (import.meta.main) {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: { only: { type: "string" }, json: { type: "string" }, help: { type: "boolean" } },
      strict: true,
    }));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const only = values.only;
  if (only !== undefined && !(SUITES as readonly string[]).includes(only)) {
    console.error(`bench: unknown suite "${only}"; valid: ${SUITES.join(", ")}`);
    Deno.exit(2);
  }
  const want = (s: string) => only === undefined || only === s;
  if (values.json !== undefined && !want("kernels")) {
    console.error(`bench: --json writes the kernel figures; it needs the kernels suite (not --only ${only})`);
    Deno.exit(2);
  }
  // The JSON path is typed by the user: relative to where the command was typed, and refused before the
  // kernels run (minutes) rather than after, in words instead of a stack trace.
  const json = values.json === undefined ? undefined : userPath(values.json);
  if (json !== undefined && Deno.permissions.querySync({ name: "write", path: json }).state !== "granted") {
    console.error(`bench: ${
      describeError(new Deno.errors.NotCapable(`Requires write access to "${json}"`), {
        write: WRITE_LIMIT,
      })
    }`);
    Deno.exit(EXIT_FAILURE);
  }
  try {
    await runSuites(want, json);
  } catch (e) {
    console.error(`bench: ${describeError(e, { write: WRITE_LIMIT })}`);
    Deno.exit(EXIT_FAILURE);
  }
}

/** Runs the suites `want` selects; writes the kernel figures to `json` when given. Returns nothing. */
async function runSuites(want: (suite: string) => boolean, json: string | undefined): Promise<void> {
  if (want("engine")) {
    console.log("== engine (pipeline/) ==");
    await benchEngine();
  }
  if (want("scaling")) {
    console.log("== fitter (scaling/) ==");
    await benchScaling([]);
  }
  if (want("prescribe")) {
    console.log("== prescriptions (scaling/prescribe) ==");
    benchPrescribe();
  }
  if (want("kernels")) {
    console.log("== kernels (WebGPU) ==");
    const result = await benchKernels();
    if (json !== undefined) await writeBenchJson(json, result);
  }
  if (want("split")) {
    console.log("== vocabulary split (WebGPU) ==");
    await benchSplit();
  }
}
