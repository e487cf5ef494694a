/**
 * The model state on the device: parameters, gradients and AdamW moments, one storage buffer per tensor,
 * with the vocabulary-sized tensors (token embedding and LM head) split into vocabulary blocks that each
 * fit a storage binding (`vocabBounds`: the embedding into row blocks, the LM head into column blocks).
 * Converts between these blocks and the canonical tensors of `parameterSpecs` for `setState`,
 * `getState` and `readGradients`.
 * @module
 */
import {
  type ModelConfig,
  nameTensors,
  parameterSpecs,
  type ParameterTensors,
  type ParamSpec,
  type TrainState,
} from "../types.ts";
import type { GpuContext } from "./context.ts";
import { joinColumns, splitColumns, vocabBounds } from "./vocab_split.ts";

/** What the store holds per tensor: its blocks (one buffer, or the vocabulary blocks of embed and lm_head). */
export type TensorBlocks = readonly GPUBuffer[];

/** The four copies of the model kept on the device. */
export type StateGroup = "param" | "grad" | "adam_m" | "adam_v";

/** Parameters, gradients and AdamW moments on the device; see the module doc. */
export class ParameterStore {
  /** The tensors' specs, canonical order. */
  readonly specs: readonly ParamSpec[];
  /** Vocabulary partition of the embedding and LM head blocks: bounds `[0, …, V]` (`[0, V]` unsplit). */
  readonly bounds: readonly number[];
  /** Floats of each block of each tensor, canonical order. */
  readonly blockSizes: readonly (readonly number[])[];
  /** Blocks of each tensor per group, canonical order. */
  readonly blocks: Readonly<Record<StateGroup, readonly TensorBlocks[]>>;
  readonly #ctx: GpuContext;
  readonly #cfg: ModelConfig;

  /**
   * Allocates every buffer of the state of `cfg`; vocabulary blocks hold at most `maxBindingBytes`
   * bytes (at least one embedding row, `4 · width`).
   */
  constructor(ctx: GpuContext, cfg: ModelConfig, maxBindingBytes: number) {
    this.#ctx = ctx;
    this.#cfg = cfg;
    this.specs = parameterSpecs(cfg);
    this.bounds = vocabBounds(cfg.vocabSize, Math.floor(maxBindingBytes / (4 * cfg.width)));
    const b = this.bounds;
    const isVocab = (s: ParamSpec) => s.kind === "embed" || s.kind === "lmHead";
    this.blockSizes = this.specs.map((s) =>
      isVocab(s) ? b.slice(1).map((e, j) => (e - b[j]) * cfg.width) : [s.size]
    );
    const alloc = (group: StateGroup) =>
      this.specs.map((s, i) =>
        this.blockSizes[i].map((n, j) =>
          ctx.storage(
            this.blockSizes[i].length === 1
              ? `${group} ${s.name}`
              : `${group} ${s.name} [${b[j]}:${b[j + 1]})`,
            n,
          )
        )
      );
    this.blocks = {
      param: alloc("param"),
      grad: alloc("grad"),
      adam_m: alloc("adam_m"),
      adam_v: alloc("adam_v"),
    };
  }

  /** The blocks of one group by tensor name. */
  named(group: StateGroup): ParameterTensors<TensorBlocks> {
    return nameTensors(this.#cfg, this.blocks[group]);
  }

  /** Writes parameters and moments; rejects (naming the tensor) a group of the wrong count or size. */
  write(state: Pick<TrainState, "params" | "m" | "v">): Promise<void> {
    const groups: [string, readonly Float32Array[], StateGroup][] = [
      ["params", state.params, "param"],
      ["m", state.m, "adam_m"],
      ["v", state.v, "adam_v"],
    ];
    for (const [name, ts] of groups) {
      if (ts.length !== this.specs.length) {
        return Promise.reject(
          new Error(`setState: ${name} has ${ts.length} tensors, expected ${this.specs.length}`),
        );
      }
      for (const s of this.specs) {
        if (ts[s.index].length !== s.size) {
          return Promise.reject(
            new Error(
              `setState: ${name}[${s.index}] "${s.name}" has ${
                ts[s.index].length
              } values, expected ${s.size}`,
            ),
          );
        }
      }
    }
    const q = this.#ctx.device.queue;
    for (const [, ts, group] of groups) {
      ts.forEach((t, i) =>
        this.#toBlocks(i, t).forEach((b, j) =>
          q.writeBuffer(this.blocks[group][i][j], 0, b.buffer, b.byteOffset, b.byteLength)
        )
      );
    }
    return this.#ctx.check();
  }

  /** Reads every tensor of `group` and returns the canonical flat tensors (float32, canonical order). */
  read(group: StateGroup): Promise<Float32Array[]> {
    const w = this.#cfg.width, V = this.#cfg.vocabSize;
    return Promise.all(this.blocks[group].map(async (bs, i) => {
      const blocks = await Promise.all(bs.map((b, j) => this.#ctx.read(b, this.blockSizes[i][j])));
      if (blocks.length === 1) return blocks[0];
      if (this.specs[i].kind === "lmHead") return joinColumns(blocks, w, V, this.bounds);
      const full = new Float32Array(this.specs[i].size);
      blocks.forEach((blk, j) => full.set(blk, this.bounds[j] * w));
      return full;
    }));
  }

  /** Returns the blocks of tensor `i` stored on the device, cut from its canonical flat form. */
  #toBlocks(i: number, t: Float32Array): Float32Array[] {
    if (this.blockSizes[i].length === 1) return [t];
    const w = this.#cfg.width, V = this.#cfg.vocabSize, b = this.bounds;
    if (this.specs[i].kind === "embed") {
      return this.blockSizes[i].map((_, j) => t.subarray(b[j] * w, b[j + 1] * w));
    }
    return splitColumns(t, w, V, b);
  }

  /** Releases every buffer. */
  destroy(): void {
    for (const group of Object.values(this.blocks)) group.flat().forEach((b) => b.destroy());
  }
}
