/**
 * The model state on the device: parameters, gradients and AdamW moments in flat buffers ("arenas"), each
 * named tensor an offset/length view into one of them (`TensorRef`). The four groups (param, grad, adam_m,
 * adam_v) share one layout: the tensors in canonical order, packed into as few arenas as the adapter's
 * storage-binding limit allows (one for every model that fits in a binding). The vocabulary-sized tensors
 * (token embedding and LM head) are cut into vocabulary blocks of at most `maxBindingBytes` each
 * (`vocabBounds`: the embedding into row blocks, the LM head into column blocks); every other tensor is
 * one block. `write`, `read` convert between the blocks and the canonical tensors of `parameterSpecs`.
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
import type { Segment } from "./optimizer.ts";
import { joinColumns, splitColumns, vocabBounds } from "./vocab_split.ts";

/** A tensor block inside an arena: which arena, where and how long (floats). */
export interface BlockRef {
  /** Arena index. */
  readonly arena: number;
  /** First value in the arena, floats. */
  readonly offset: number;
  /** Number of values. */
  readonly size: number;
}

/** A tensor on the device: its blocks (one, or the vocabulary blocks of embed and lm_head). */
export type TensorRef = readonly BlockRef[];

/** The four copies of the model kept on the device. */
export type StateGroup = "param" | "grad" | "adam_m" | "adam_v";

/** A block bound to its arena buffer of one group: the buffer and the element offset. */
export interface BoundBlock {
  /** The arena buffer. */
  readonly buffer: GPUBuffer;
  /** First value in the buffer, floats. */
  readonly offset: number;
  /** Number of values. */
  readonly size: number;
}

/** Parameters, gradients and AdamW moments on the device; see the module doc. */
export class ParameterStore {
  /** The tensors' specs, canonical order. */
  readonly specs: readonly ParamSpec[];
  /** Vocabulary partition of the embedding and LM head blocks: bounds `[0, …, V]` (`[0, V]` unsplit). */
  readonly bounds: readonly number[];
  /** Where each tensor's blocks lie, canonical order. */
  readonly refs: readonly TensorRef[];
  /** Floats of each arena. */
  readonly arenaSizes: readonly number[];
  /** The arena buffers of each group. */
  readonly arenas: Readonly<Record<StateGroup, readonly GPUBuffer[]>>;
  readonly #ctx: GpuContext;
  readonly #cfg: ModelConfig;

  /**
   * Allocates every arena of the state of `cfg`: vocabulary blocks of at most `maxBindingBytes` bytes
   * (at least one embedding row, `4 · width`), arenas of at most `maxArenaBytes`.
   */
  constructor(ctx: GpuContext, cfg: ModelConfig, opts: { maxBindingBytes: number; maxArenaBytes: number }) {
    this.#ctx = ctx;
    this.#cfg = cfg;
    this.specs = parameterSpecs(cfg);
    this.bounds = vocabBounds(cfg.vocabSize, Math.floor(opts.maxBindingBytes / (4 * cfg.width)));
    const b = this.bounds;
    const isVocab = (s: ParamSpec) => s.kind === "embed" || s.kind === "lmHead";
    const capacity = Math.floor(opts.maxArenaBytes / 4);
    const sizes: number[] = [0];
    this.refs = this.specs.map((s) =>
      (isVocab(s) ? b.slice(1).map((e, j) => (e - b[j]) * cfg.width) : [s.size]).map((size) => {
        if (size > capacity) {
          throw new Error(
            `WebGPU: tensor "${s.name}" needs ${
              4 * size
            } bytes, above the binding limit ${opts.maxArenaBytes}`,
          );
        }
        if (sizes[sizes.length - 1] + size > capacity) sizes.push(0);
        const arena = sizes.length - 1, offset = sizes[arena];
        sizes[arena] += size;
        return { arena, offset, size };
      })
    );
    this.arenaSizes = sizes;
    const alloc = (group: StateGroup) =>
      sizes.map((n, a) => ctx.storage(sizes.length === 1 ? `${group}s` : `${group}s ${a}`, n));
    this.arenas = {
      param: alloc("param"),
      grad: alloc("grad"),
      adam_m: alloc("adam_m"),
      adam_v: alloc("adam_v"),
    };
  }

  /** The blocks of one group by tensor name, bound to their arena buffers. */
  named(group: StateGroup): ParameterTensors<readonly BoundBlock[]> {
    const bufs = this.arenas[group];
    return nameTensors(
      this.#cfg,
      this.refs.map((r) => r.map((blk) => ({ buffer: bufs[blk.arena], offset: blk.offset, size: blk.size }))),
    );
  }

  /** Per arena, its blocks as optimizer segments (canonical order; decay from the tensor's spec). */
  segments(): Segment[][] {
    const out: Segment[][] = this.arenaSizes.map(() => []);
    this.refs.forEach((r, i) =>
      r.forEach((blk) =>
        out[blk.arena].push({ offset: blk.offset, size: blk.size, decay: this.specs[i].decay })
      )
    );
    return out;
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
        this.#toBlocks(i, t).forEach((b, j) => {
          const ref = this.refs[i][j];
          q.writeBuffer(this.arenas[group][ref.arena], ref.offset * 4, b.buffer, b.byteOffset, b.byteLength);
        })
      );
    }
    return this.#ctx.check();
  }

  /** Reads every tensor of `group` and returns the canonical flat tensors (float32, canonical order). */
  async read(group: StateGroup): Promise<Float32Array[]> {
    const w = this.#cfg.width, V = this.#cfg.vocabSize;
    const arenas = await Promise.all(
      this.arenas[group].map((buf, a) => this.#ctx.read(buf, this.arenaSizes[a])),
    );
    return this.refs.map((r, i) => {
      const blocks = r.map((blk) => arenas[blk.arena].slice(blk.offset, blk.offset + blk.size));
      if (blocks.length === 1) return blocks[0];
      if (this.specs[i].kind === "lmHead") return joinColumns(blocks, w, V, this.bounds);
      const full = new Float32Array(this.specs[i].size);
      blocks.forEach((blk, j) => full.set(blk, this.bounds[j] * w));
      return full;
    });
  }

  /** Returns the blocks of tensor `i` stored on the device, cut from its canonical flat form. */
  #toBlocks(i: number, t: Float32Array): Float32Array[] {
    if (this.refs[i].length === 1) return [t];
    const w = this.#cfg.width, V = this.#cfg.vocabSize, b = this.bounds;
    if (this.specs[i].kind === "embed") return this.refs[i].map((_, j) => t.subarray(b[j] * w, b[j + 1] * w));
    return splitColumns(t, w, V, b);
  }

  /** Releases every arena. */
  destroy(): void {
    for (const group of Object.values(this.arenas)) group.forEach((b) => b.destroy());
  }
}
