/**
 * `deno task notebooks`: executes every notebook of `notebooks/` headless on the Deno Jupyter kernel
 * (`jupyter nbconvert --to notebook --execute`, one kernel per notebook, in name order) and writes the executed
 * copies, outputs included, to `reports/notebooks/` (git-ignored; `--out` for another folder inside the
 * project). It stops at the first cell that throws: exit 1, naming the notebook and printing the cell and its
 * error. Before running it checks that `jupyter nbconvert` is installed and that the `deno` kernel spec launches
 * the deno running this task (`--check-kernel` does only that). A notebook that reads published reports
 * (`NOTEBOOK_REPORTS`) gets `reports/` (or `--reports DIR`); when `reports/paper/` has no report yet, this runs
 * `deno task reproduce` first and says so.
 * @module
 */
import {
  describeError,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  helpHint,
  parseFlags,
  UsageError,
  userPath,
} from "../cli/mod.ts";

/** Usage text of the task. */
const USAGE = `usage: deno task notebooks [--out DIR] [--reports DIR] [NOTEBOOK...]

Executes the notebooks (default: every notebooks/*.ipynb, in name order) headless on the Deno Jupyter
kernel and writes the executed copies to DIR; stops at the first cell that throws (exit 1).

  --out DIR        folder of the executed notebooks, inside the project (default reports/notebooks)
  --reports DIR    published reports the notebooks read (default reports/; when reports/paper has
                   no report yet, "deno task reproduce" runs first)
  --check-kernel   only check that jupyter nbconvert is installed and that the "deno" kernel spec
                   launches this deno; exit 0 or 1
  --help           this text`;

/** The project folder (this file's parent's parent). */
const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/** The environment variable through which a notebook learns where the published reports are. */
export const REPORTS_ENV = "NOTEBOOK_REPORTS";

/** The report a notebook reading published reports needs, relative to the reports folder. */
export const REPORT_MANIFEST = "paper/report.paper/figures/figures.json";

/** Options of one run, parsed from the command line. */
export interface NotebooksOptions {
  /** Notebooks to run (absolute paths), in order. */
  readonly notebooks: readonly string[];
  /** Output folder (absolute, inside the project). */
  readonly out: string;
  /** Published reports folder (absolute). */
  readonly reports: string;
  /** Whether --reports was given (then a missing report is an error, not a reason to reproduce). */
  readonly reportsGiven: boolean;
  /** Only check the kernel spec. */
  readonly checkKernel: boolean;
}

/** Returns whether `path` lies inside (or is) the folder `dir` (both absolute, normalised). */
export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** Returns the notebooks of `dir` (`*.ipynb`, not checkpoints), sorted by name, as absolute paths. */
export async function listNotebooks(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ipynb")) out.push(`${dir}/${e.name}`);
  }
  return out.sort();
}

/** Returns the parsed options of `args` (project folder `root`), or null for --help; throws a usage error. */
export async function parseNotebooksArgs(
  args: readonly string[],
  root: string = ROOT,
): Promise<NotebooksOptions | null> {
  const parsed = parseFlags("notebooks", args, {
    out: { type: "string" },
    reports: { type: "string" },
    "check-kernel": { type: "boolean" },
  }, { positionals: true });
  const v = parsed.values as { out?: string; reports?: string; help?: boolean; "check-kernel"?: boolean };
  if (v.help) return null;
  const out = v.out === undefined ? `${root}/reports/notebooks` : userPath(v.out);
  if (!isInside(out, root)) {
    throw new UsageError(
      `notebooks: cannot write ${out}: this task may write only inside the project folder; ` +
        `choose a path inside the project folder`,
      helpHint("notebooks"),
    );
  }
  const notebooks = parsed.positionals.length > 0
    ? parsed.positionals.map((p) => userPath(p))
    : await listNotebooks(`${root}/notebooks`);
  for (const n of notebooks) {
    if (!n.endsWith(".ipynb")) {
      throw new UsageError(`notebooks: "${n}" is not a notebook (.ipynb)`, helpHint("notebooks"));
    }
  }
  return {
    notebooks,
    out,
    reports: v.reports === undefined ? `${root}/reports` : userPath(v.reports),
    reportsGiven: v.reports !== undefined,
    checkKernel: v["check-kernel"] ?? false,
  };
}

/** Returns a command's exit code and its stdout and stderr as text (throws when it cannot be started). */
async function run(
  cmd: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await new Deno.Command(cmd, { args: [...args], stdout: "piped", stderr: "piped", ...options })
    .output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

/** Returns the absolute path `cmd` runs as: itself when it has a slash, else the first match on PATH. */
async function whichCommand(cmd: string): Promise<string | null> {
  if (cmd.includes("/")) return cmd;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "")) {
    const candidate = `${dir}/${cmd}`;
    if ((await Deno.stat(candidate).catch(() => null))?.isFile) return candidate;
  }
  return null;
}

/** What {@link checkKernelSpec} found. */
export interface KernelCheck {
  /** Whether the spec exists and launches this deno. */
  readonly ok: boolean;
  /** One line saying what was found and, when not ok, what to do. */
  readonly message: string;
}

/**
 * Returns whether the `deno` kernel spec that Jupyter finds first (in `dataDirs`, Jupyter's search order)
 * launches `deno` (paths compared after resolving links).
 */
export async function checkKernelSpec(dataDirs: readonly string[], deno: string): Promise<KernelCheck> {
  const self = await Deno.realPath(deno);
  for (const dir of dataDirs) {
    const path = `${dir}/kernels/deno/kernel.json`;
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch {
      continue;
    }
    let argv0: unknown;
    try {
      argv0 = (JSON.parse(text) as { argv?: unknown[] }).argv?.[0];
    } catch (e) {
      return {
        ok: false,
        message: `${path}: invalid JSON (${(e as Error).message}); run: deno jupyter --install --force`,
      };
    }
    if (typeof argv0 !== "string") {
      return {
        ok: false,
        message: `${path}: field "argv" names no program; run: deno jupyter --install --force`,
      };
    }
    const found = await whichCommand(argv0);
    const launches = found === null ? null : await Deno.realPath(found).catch(() => null);
    if (launches !== self) {
      return {
        ok: false,
        message:
          `${path} launches ${argv0}${launches && launches !== argv0 ? ` (${launches})` : ""}, not the ` +
          `deno running this task (${self}); run: deno jupyter --install --force`,
      };
    }
    return { ok: true, message: `${path} launches ${self}` };
  }
  return {
    ok: false,
    message: `no "deno" kernel spec in Jupyter's data folders (${
      dataDirs.join(", ")
    }); run: deno jupyter --install`,
  };
}

/** Returns Jupyter's data folders (where kernel specs live), in its search order; throws when jupyter is missing. */
async function jupyterDataDirs(): Promise<string[]> {
  let r;
  try {
    r = await run("jupyter", ["--paths", "--json"]);
  } catch {
    throw new Error(
      "jupyter is not installed; install it with: sudo apt-get install jupyter-nbconvert python3-nbclient",
    );
  }
  if (r.code !== 0) throw new Error(`jupyter --paths failed: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as { data: string[] }).data;
}

/** Checks jupyter nbconvert and the kernel spec; returns the failure message, or null when both are fine. */
async function checkTools(): Promise<string | null> {
  let version;
  try {
    version = await run("jupyter", ["nbconvert", "--version"]);
  } catch {
    version = { code: 1 };
  }
  if (version.code !== 0) {
    return "jupyter nbconvert is not installed; install it with: sudo apt-get install jupyter-nbconvert python3-nbclient";
  }
  const kernel = await checkKernelSpec(await jupyterDataDirs(), Deno.execPath());
  return kernel.ok ? null : kernel.message;
}

/** Returns the part of nbconvert's error output that names the failing cell and its error (npm noise dropped). */
export function cellError(stderr: string): string {
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
  const lines = stderr.split("\n").map((l) => l.replace(ansi, ""))
    .filter((l) => !/^\s*(Initialize|Download)\s/.test(l));
  const at = lines.findIndex((l) => l.includes("An error occurred while executing the following cell"));
  return (at >= 0 ? lines.slice(at) : lines.slice(-30)).join("\n").trim();
}

/** Makes sure the published report exists when a notebook reads reports; returns an error message or null. */
async function ensureReports(o: NotebooksOptions, log: (t: string) => void): Promise<string | null> {
  const needs = [];
  for (const n of o.notebooks) if ((await Deno.readTextFile(n)).includes(REPORTS_ENV)) needs.push(n);
  if (needs.length === 0) return null;
  const manifest = `${o.reports}/${REPORT_MANIFEST}`;
  if ((await Deno.stat(manifest).catch(() => null)) !== null) return null;
  if (o.reportsGiven) return `${manifest} not found: --reports must name a folder of published reports`;
  log(
    `notebooks: ${manifest.slice(ROOT.length + 1)} is not published yet; running "deno task reproduce" first`,
  );
  const r = await new Deno.Command(Deno.execPath(), { args: ["task", "-q", "reproduce"], cwd: ROOT })
    .output();
  return r.code === 0 ? null : `deno task reproduce failed (exit ${r.code}); the notebooks were not run`;
}

/** Runs the task on `args`; returns the exit code (0 every notebook ran, 1 one failed or a tool is missing, 2 usage). */
export async function runNotebooks(
  args: readonly string[],
  out: (text: string) => void = (t) => console.log(t),
  err: (text: string) => void = (t) => console.error(t),
): Promise<number> {
  let o: NotebooksOptions | null;
  try {
    o = await parseNotebooksArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}\n${e.hint ?? helpHint("notebooks")}`);
    return EXIT_USAGE;
  }
  if (o === null) {
    out(USAGE);
    return EXIT_OK;
  }
  try {
    const problem = await checkTools();
    if (problem !== null) {
      err(`notebooks: ${problem}`);
      return EXIT_FAILURE;
    }
    if (o.checkKernel) {
      out("notebooks: jupyter nbconvert and the deno kernel spec are ready");
      return EXIT_OK;
    }
    const missing = await ensureReports(o, out);
    if (missing !== null) {
      err(`notebooks: ${missing}`);
      return EXIT_FAILURE;
    }
    for (const notebook of o.notebooks) {
      const t0 = performance.now();
      const r = await run("jupyter", [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--ExecutePreprocessor.kernel_name=deno",
        "--ExecutePreprocessor.timeout=600",
        "--ExecutePreprocessor.startup_timeout=120",
        // A guard, not the fix of the lost table seen in CI (that was the kernel reporting idle before its
        // last display: notebooks/show.ts). nbclient waits 4 s by default for a cell's outputs after the
        // kernel's reply, then drops the rest with only a log line; on a loaded machine wait longer, and
        // fail rather than write a notebook with an output missing.
        "--ExecutePreprocessor.iopub_timeout=120",
        "--ExecutePreprocessor.raise_on_iopub_timeout=True",
        "--output-dir",
        o.out,
        notebook,
      ], { env: { [REPORTS_ENV]: o.reports, NO_COLOR: "1" } });
      const name = notebook.startsWith(`${ROOT}/`) ? notebook.slice(ROOT.length + 1) : notebook;
      if (r.code !== 0) {
        err(`notebooks: ${name} failed (later notebooks not run):\n${cellError(r.stderr)}`);
        return EXIT_FAILURE;
      }
      const written = `${o.out}/${notebook.slice(notebook.lastIndexOf("/") + 1)}`.slice(ROOT.length + 1);
      out(`notebooks: ran ${name} in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${written}`);
    }
    return EXIT_OK;
  } catch (e) {
    err(`notebooks: ${describeError(e)}`);
    return EXIT_FAILURE;
  }
}

if (import.meta.main) {
  Deno.exit(await runNotebooks(Deno.args));
}
