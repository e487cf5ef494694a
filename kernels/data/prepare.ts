/**
 * CLI: build a corpus folder of train/val token files.
 *
 *   deno run --allow-read --allow-write --allow-run=/usr/bin/bible kernels/data/prepare.ts \
 *     --source text --files a.txt,b.txt --out data/corpus
 *   ... --source synthetic --tokens 1000000 --seed 1 [--alphabet 16 --sharpness 2] --out DIR
 *   ... --source debian --package bible-kjv-text|jargon-text|dict-gcide --out DIR
 *   common: --val-fraction 0.05 --chunk-tokens 8192
 * @module
 */
import {
  describeError,
  EXIT_FAILURE,
  EXIT_USAGE,
  helpHint,
  parseFlags,
  UsageError,
  userPath,
} from "../../cli/mod.ts";
import { DEFAULT_CHUNK_TOKENS, DEFAULT_VAL_FRACTION, prepareCorpus, type PrepareOptions } from "./corpus.ts";
import { DEBIAN_CORPORA } from "./debian.ts";

/** Usage text of the CLI. */
export const USAGE = `usage: deno task prepare --source text|synthetic|debian --out DIR [options]

  --source text       --files a.txt,b.txt      UTF-8 text files, one document each
  --source synthetic  --tokens N --seed S      order-1 Markov language with known entropy rate
                      [--alphabet K] [--sharpness X]   (defaults 16 and 2)
  --source debian     --package NAME           one of: ${Object.keys(DEBIAN_CORPORA).join(", ")}
  --out DIR            output folder: train.bin/.json, val.bin/.json
  --val-fraction F     fraction held out for validation (default ${DEFAULT_VAL_FRACTION})
  --chunk-tokens N     contiguous split chunk size (default ${DEFAULT_CHUNK_TOKENS})
  --help               this text`;

function num(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    throw new UsageError(`--${name}: expected ${integer ? "an integer" : "a number"}, got "${v}"`);
  }
  return x;
}

/** Returns the `PrepareOptions` of a command line, or null for --help; throws naming the bad flag. */
export function parsePrepareArgs(args: string[]): PrepareOptions | null {
  const values = parseFlags("prepare", args, {
    source: { type: "string" },
    files: { type: "string" },
    tokens: { type: "string" },
    seed: { type: "string" },
    alphabet: { type: "string" },
    sharpness: { type: "string" },
    package: { type: "string" },
    out: { type: "string" },
    "val-fraction": { type: "string" },
    "chunk-tokens": { type: "string" },
  }).values as Record<string, string | undefined> & { help?: boolean };
  if (values.help) return null;
  if (!values.out) throw new UsageError("--out: required");
  const common = {
    outDir: values.out,
    valFraction: num("val-fraction", values["val-fraction"], false),
    chunkTokens: num("chunk-tokens", values["chunk-tokens"], true),
  };
  switch (values.source) {
    case "text": {
      const files = (values.files ?? "").split(",").filter((f) => f.length > 0);
      if (files.length === 0) throw new UsageError("--files: required with --source text (comma-separated)");
      return { ...common, source: "text", files };
    }
    case "synthetic": {
      const tokens = num("tokens", values.tokens, true), seed = num("seed", values.seed, true);
      if (tokens === undefined || tokens < 2) {
        throw new UsageError("--tokens: required with --source synthetic (≥ 2)");
      }
      if (seed === undefined) throw new UsageError("--seed: required with --source synthetic");
      return {
        ...common,
        source: "synthetic",
        tokens,
        seed,
        alphabetSize: num("alphabet", values.alphabet, true),
        sharpness: num("sharpness", values.sharpness, false),
      };
    }
    case "debian":
      if (!values.package) throw new UsageError("--package: required with --source debian");
      return { ...common, source: "debian", package: values.package };
    default:
      throw new UsageError(
        `--source: expected text, synthetic or debian, got ${JSON.stringify(values.source)}`,
      );
  }
}

/** Returns `opts` with the paths the user typed resolved against the folder the command was typed in. */
function resolvePaths(opts: PrepareOptions): PrepareOptions {
  const outDir = userPath(opts.outDir);
  return opts.source === "text" ? { ...opts, outDir, files: opts.files.map(userPath) } : { ...opts, outDir };
}

if (import.meta.main) {
  let opts: PrepareOptions | null = null;
  try {
    opts = parsePrepareArgs(Deno.args);
  } catch (e) {
    const m = (e as Error).message;
    console.error(`${m.startsWith("prepare: ") ? "" : "prepare: "}${m}\n${helpHint("prepare")}`);
    Deno.exit(EXIT_USAGE);
  }
  try {
    if (opts === null) {
      console.log(USAGE);
    } else {
      opts = resolvePaths(opts);
      const { train, val } = await prepareCorpus(opts);
      console.log(
        `wrote ${opts.outDir}: train ${train.count} tokens, val ${val.count} tokens` +
          (train.source.entropyRateNats !== undefined
            ? `, entropy rate ${train.source.entropyRateNats.toFixed(6)} nats/token`
            : ""),
      );
    }
  } catch (e) {
    console.error(`prepare: ${describeError(e, { write: "may write only inside the project folder" })}`);
    Deno.exit(EXIT_FAILURE);
  }
}
