/**
 * Entry point of `deno task reproduce | status | diff | gc`: runs the pipeline CLI on the project's
 * pipeline definition (stages/pipeline.ts) in the project folder (the parent of this file's folder,
 * wherever the command was typed), offering the Slurm executor (`reproduce --executor slurm`). Exits with the CLI's code (0 ok, 1 failure, 2 bad usage).
 * @module
 */
import { runCli } from "../pipeline/cli.ts";
import { SLURM_EXECUTOR } from "../pipeline/executor_slurm_cli.ts";
import { definition } from "./pipeline.ts";

/** The project folder: the parent of `stages/`. */
const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/+$/, "");

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, definition, { root: ROOT, executors: [SLURM_EXECUTOR] }));
}
