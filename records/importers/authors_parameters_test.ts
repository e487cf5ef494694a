/** The paths and the parsing of the authors' stored fits (data/gemstones/parameters*). */
import assert from "node:assert/strict";
import {
  AUTHORS_PARAMETER_DIRS,
  authorsApproach1Path,
  authorsApproach3Path,
  parseAuthorsApproach1,
  parseAuthorsApproach3,
  readAuthorsApproach3,
} from "./authors_parameters.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

async function authors(path: string) {
  return await readAuthorsApproach3(`${ROOT}/${path}`);
}

Deno.test("the authors' folders are the three shipped ones", async () => {
  assert.deepEqual(AUTHORS_PARAMETER_DIRS, [
    "data/gemstones/parameters",
    "data/gemstones/parameters_delta-3",
    "data/gemstones/parameters_delta-4",
  ]);
  for (const dir of AUTHORS_PARAMETER_DIRS) assert.ok((await Deno.stat(`${ROOT}/${dir}`)).isDirectory, dir);
});

Deno.test("authors' file paths: Eq. 2 and Eq. 3 names, δ folders, Approach 1 suffixes; none for unknown ones", () => {
  assert.equal(
    authorsApproach3Path("eq2", "hot_100b+", { huberDelta: 1e-3, noEmbeds: false }),
    "data/gemstones/parameters_delta-3/approach_3_width_depth_parameters_grid_search_0_hot_100b+.json",
  );
  assert.equal(
    authorsApproach3Path("eq3", "hot_100b+", { huberDelta: 1e-4, noEmbeds: false }),
    "data/gemstones/parameters_delta-4/approach_3_width_depth_grid_search_0_hot_100b+.json",
  );
  assert.equal(authorsApproach3Path("eq1", "hot", { huberDelta: 5e-4, noEmbeds: false }), null);
  assert.equal(
    authorsApproach1Path("params", "cool_end", true),
    "data/gemstones/parameters/approach_1_linear_regression_params_cooldown_no_embeds.json",
  );
  assert.equal(authorsApproach1Path("params", "hot", false), null);
});

Deno.test("authors' files parse into natural units and bad files name the file and field", async () => {
  const a1 = parseAuthorsApproach1(
    await Deno.readTextFile(`${ROOT}/data/gemstones/parameters/approach_1_linear_regression_params.json`),
    "p.json",
  );
  assert.equal(a1.slope, 0.499380216082636);
  assert.ok(Math.abs(Math.log(a1.k) - -2.8451076960767026) < 1e-15);
  const eq2 = await authors(
    "data/gemstones/parameters_delta-4/approach_3_width_depth_parameters_grid_search_0_hot_100b+.json",
  );
  assert.equal(eq2.alpha.length, 4);
  assert.ok(Math.abs(eq2.A[1] - Math.exp(-0.2186969889)) < 1e-15);
  assert.throws(() => parseAuthorsApproach3("{", "x.json"), /x\.json: invalid JSON/);
  assert.throws(
    () => parseAuthorsApproach3('{"coefficients":{"0":[1]},"exponents":{"0":"a"}}', "y.json"),
    /y\.json: field "exponents" is not an array of numbers/,
  );
  assert.throws(
    () => parseAuthorsApproach1('{"coef":[1,2],"intercept":0}', "z.json"),
    /z\.json: expected "coef"/,
  );
});
