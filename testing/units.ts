/**
 * What the unit tests of the train units share (stages/unit_test.ts, stages/run_units_test.ts): the smallest
 * model a run.json may name, trained in seconds on the float64 reference backend.
 * @module
 */
import type { ModelConfig } from "../kernels/types.ts";

/** A one-layer model of width 16 over the byte vocabulary (259 tokens), sequences of 8 tokens. */
export const UNIT_TEST_MODEL: ModelConfig = {
  vocabSize: 259,
  width: 16,
  depth: 1,
  headSize: 8,
  gqaRatio: 2,
  mlpRatio: 2,
  seqLen: 8,
  ropeTheta: 10000,
  normEps: 1e-6,
};
