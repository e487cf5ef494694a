/**
 * `kernels/cli.ts` as a child process for tests, with every optimizer step slowed by
 * `TRAIN_TEST_STEP_DELAY_MS` milliseconds (a test seam, see train_seams.ts), so that a test can signal or
 * kill the run mid-way. Same arguments and exit status as `deno task train`.
 * @module
 */
import { runTrainCommand } from "../kernels/cli.ts";
import { slowSteps, wrappedBackendOf } from "./train_seams.ts";

const ms = Number(Deno.env.get("TRAIN_TEST_STEP_DELAY_MS") ?? "0");
Deno.exit(await runTrainCommand(Deno.args, wrappedBackendOf((b) => slowSteps(b, ms))));
