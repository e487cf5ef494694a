/**
 * CLI: build a corpus folder of train/val token files.
 *
 *   deno run --allow-read --allow-write --allow-run=/usr/bin/bible kernels/data/prepare.ts \
 *     --source text --files a.txt,b.txt --out data/corpus
 *   ... --source synthetic --tokens 1000000 --seed 1 [--alphabet 16 --sharpness 2] --out DIR
 *   ... --source debian --package bible-kjv-text|jargon-text|dict-gcide --out DIR
 *   ... --source mqar --vocab-size 32 --seq-len 64 --pairs 8 --train-examples 100000 \
 *     --test-examples 1000 --seed 1 [--test-seed S --power-a 0.01 --zero-filler] --out DIR
 *   common (text, synthetic, debian): --val-fraction 0.05 --chunk-tokens 8192
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
import {
  DEFAULT_POWER_A,
  DEFAULT_TEST_SEED,
  type MqarPrepareOptions,
  prepareMqar,
  resolveMqarPrepare,
} from "./mqar.ts";

/** What the CLI builds: a corpus (`corpus.ts`) or an associative-recall set (`mqar.ts`). */
export type PrepareRequest = PrepareOptions | ({ readonly source: "mqar" } & MqarPrepareOptions);

/** Usage text of the CLI. */
export const USAGE = `usage: deno task prepare --source text|synthetic|debian|mqar --out DIR [options]

  --source text       --files a.txt,b.txt      UTF-8 text files, one document each
  --source synthetic  --tokens N --seed S      order-1 Markov language with known entropy rate
                      [--alphabet K] [--sharpness X]   (defaults 16 and 2)
  --source debian     --package NAME           one of: ${Object.keys(DEBIAN_CORPORA).join(", ")}
  --source mqar       --vocab-size V --seq-len T --pairs K --train-examples N --test-examples M --seed S
                      multi-query associative recall as Zoology generates it (keys from [1, V/2),
                      values from [V/2, V), K pairs then K queries with power-law gaps); adds
                      train.mask.bin, val.mask.bin (1 at answers) and mqar.json
                      [--test-seed S2]  seed of the fixed test set (default ${DEFAULT_TEST_SEED})
                      [--power-a A]     query-gap law p(g) ∝ g^(A−1) (default ${DEFAULT_POWER_A})
                      [--zero-filler]   filler token 0 instead of random tokens
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

/** Returns the `PrepareRequest` of a command line, or null for --help; throws naming the bad flag. */
export function parsePrepareArgs(args: string[]): PrepareRequest | null {
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
    "vocab-size": { type: "string" },
    "seq-len": { type: "string" },
    pairs: { type: "string" },
    "train-examples": { type: "string" },
    "test-examples": { type: "string" },
    "test-seed": { type: "string" },
    "power-a": { type: "string" },
    "zero-filler": { type: "boolean" },
  }).values as Record<string, string | undefined> & { help?: boolean; "zero-filler"?: boolean };
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
    case "mqar":
      return parseMqarArgs(values);
    default:
      throw new UsageError(
        `--source: expected text, synthetic, debian or mqar, got ${JSON.stringify(values.source)}`,
      );
  }
}

/** The MQAR options of a command line (`--source mqar`); throws naming a missing or bad flag. */
function parseMqarArgs(
  values: Record<string, string | undefined> & { "zero-filler"?: boolean },
): PrepareRequest {
  for (const f of ["val-fraction", "chunk-tokens"]) {
    if (values[f] !== undefined) {
      throw new UsageError(`--${f}: not used with --source mqar (the test set is --test-examples)`);
    }
  }
  const required = (flag: string): number => {
    const v = num(flag, values[flag], true);
    if (v === undefined) throw new UsageError(`--${flag}: required with --source mqar`);
    return v;
  };
  const seed = required("seed");
  try {
    const opts = resolveMqarPrepare({
      outDir: values.out!,
      vocabSize: required("vocab-size"),
      seqLen: required("seq-len"),
      pairs: required("pairs"),
      trainExamples: required("train-examples"),
      testExamples: required("test-examples"),
      seed,
      testSeed: num("test-seed", values["test-seed"], true),
      powerA: num("power-a", values["power-a"], false),
      randomNonQueries: values["zero-filler"] !== true,
    });
    return { ...opts, source: "mqar" };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Returns `opts` with the paths the user typed resolved against the folder the command was typed in. */
function resolvePaths(opts: PrepareRequest): PrepareRequest {
  const outDir = userPath(opts.outDir);
  return opts.source === "text" ? { ...opts, outDir, files: opts.files.map(userPath) } : { ...opts, outDir };
}

/** Builds a corpus; returns the line the CLI prints. */
async function runCorpus(opts: PrepareOptions): Promise<string> {
  const { train, val } = await prepareCorpus(opts);
  return `wrote ${opts.outDir}: train ${train.count} tokens, val ${val.count} tokens` +
    (train.source.entropyRateNats !== undefined
      ? `, entropy rate ${train.source.entropyRateNats.toFixed(6)} nats/token`
      : "");
}

/** Builds an MQAR set; returns the line the CLI prints. */
async function runMqar(opts: MqarPrepareOptions): Promise<string> {
  const { manifest: m } = await prepareMqar(opts);
  return `wrote ${opts.outDir}: ${m.train.examples} train and ${m.val.examples} test examples of ` +
    `${m.exampleTokens} tokens, ${m.options.pairs} answers each`;
}

if (import.meta.main) {
  let opts: PrepareRequest | null = null;
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
      console.log(opts.source === "mqar" ? await runMqar(opts) : await runCorpus(opts));
    }
  } catch (e) {
    console.error(`prepare: ${describeError(e, { write: "may write only inside the project folder" })}`);
    Deno.exit(EXIT_FAILURE);
  }
}
