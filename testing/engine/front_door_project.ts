/**
 * A project folder for tests of the front door: the engine (`pipeline/`, `cli/`, `util/`), the real
 * deno.json (its tasks, their permissions), deno.lock and .npmrc, with a `stages/main.ts` of two stages, so
 * `deno task reproduce|status|gc` and `npx -y deno@2.9.6 task ...` run there exactly as written. Variant
 * `many` publishes `FILES` files of 64 kB (a publish that takes a while); variant `slow` has a stage that
 * sleeps for a minute (a run to interrupt).
 * @module
 */
import { copyDir } from "../../pipeline/fsutil.ts";

const REPO = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** Files the variant `many` publishes. */
export const FILES = 300;

const MAIN = `import { runCli } from "../pipeline/cli.ts";
import type { PipelineDefinition, Stage } from "../pipeline/stage.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\\/+$/, "");

function stages(variant: string): Stage[] {
  const files: Stage = {
    name: "files",
    module: import.meta.url,
    deps: [],
    params: { variant },
    inputs: [],
    outputs: ["files/"],
    async run(ctx) {
      const block = new Uint8Array(65536).fill(variant.length);
      await Deno.mkdir(\`\${ctx.outDir}/files\`);
      for (let i = 0; i < (variant === "many" ? ${FILES} : 2); i++) {
        await Deno.writeFile(\`\${ctx.outDir}/files/f\${String(i).padStart(3, "0")}.bin\`, block);
      }
      if (variant === "slow") await new Promise((r) => setTimeout(r, 60_000));
    },
  };
  return [files];
}

const definition: PipelineDefinition = {
  variants: ["many", "slow"],
  profiles: ["default"],
  build: ({ variant }) => stages(variant),
  publish: ["files"],
};

if (import.meta.main) Deno.exit(await runCli(Deno.args, definition, { root: ROOT }));
`;

/** Writes the project into a new temporary folder and returns its path (the caller removes it). */
export async function frontDoorProject(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "front_door_" });
  for (const dir of ["pipeline", "cli", "util"]) await copyDir(`${REPO}/${dir}`, `${root}/${dir}`);
  for (const f of ["deno.json", "deno.lock", ".npmrc"]) await Deno.copyFile(`${REPO}/${f}`, `${root}/${f}`);
  if ((await Deno.stat(`${REPO}/node_modules`).catch(() => null))?.isDirectory) {
    await Deno.symlink(`${REPO}/node_modules`, `${root}/node_modules`);
  }
  await Deno.mkdir(`${root}/stages`);
  await Deno.writeTextFile(`${root}/stages/main.ts`, MAIN);
  return root;
}
