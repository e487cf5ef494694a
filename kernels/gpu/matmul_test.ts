import assert from "node:assert/strict";
import { GpuContext } from "./context.ts";
import {
  chooseSplitK,
  DEFAULT_TILE,
  LARGE_TILE,
  matmulDispatch,
  type MatmulPart,
  matmulSharedBytes,
  type MatmulSpec,
  type MatmulTile,
  multiMatmulDispatch,
  TUNE_TILES,
  WIDE_TILE,
} from "./matmul.ts";
import { createGpuBackend } from "./backend.ts";
import { MatmulTuner } from "./tuner.ts";
import { copyDispatch } from "./elementwise.ts";
import { gegluBackward, gegluForward } from "./geglu.ts";
import { denseAttentionBackward, denseAttentionForward, denseScoresSize } from "./attention_dense.ts";
import * as ref from "../reference/layers.ts";
import { initParams } from "../init.ts";
import type { ModelConfig } from "../types.ts";
import { matmulBackward, matmulForward } from "../reference/layers.ts";
import { randomArray, relError, roundF32 } from "../../testing/gpu.ts";

const SMALL: MatmulTile = { bm: 16, bn: 16, bk: 4, tm: 4, tn: 4 };

Deno.test("matmul NN/NT/TN forms match the reference on odd shapes, with accumulation and split-K", async () => {
  const ctx = await GpuContext.create();
  try {
    const cases: [MatmulTile, number][] = [[DEFAULT_TILE, 1], [LARGE_TILE, 1], [WIDE_TILE, 3], [SMALL, 5]];
    for (const [tile, splitK] of cases) {
      for (const [rows, inDim, outDim] of [[37, 29, 67], [5, 131, 3], [70, 1, 9], [301, 7, 5]]) {
        const x = roundF32(randomArray(rows * inDim, 1));
        const w = roundF32(randomArray(inDim * outDim, 2));
        const dy = roundF32(randomArray(rows * outDim, 3));
        const bx = ctx.upload("x", new Float32Array(x));
        const bw = ctx.upload("w", new Float32Array(w));
        const bdy = ctx.upload("dy", new Float32Array(dy));
        const y = ctx.storage("y", rows * outDim);
        const dx = ctx.upload("dx", new Float32Array(rows * inDim).fill(1));
        const dW = ctx.storage("dW", inDim * outDim);
        const scratch = ctx.storage(
          "scratch",
          splitK * Math.max(rows * inDim, rows * outDim, inDim * outDim),
        );
        const s = { tile, splitK, scratch };
        ctx.run("mm", [
          ...matmulDispatch(ctx, bx, bw, y, { m: rows, n: outDim, k: inDim, ...s }),
          ...matmulDispatch(ctx, bdy, bw, dx, {
            m: rows,
            n: inDim,
            k: outDim,
            transB: true,
            accumulate: true,
            ...s,
          }),
          ...matmulDispatch(ctx, bx, bdy, dW, { m: inDim, n: outDim, k: rows, transA: true, ...s }),
        ]);
        const want = matmulForward(x, w, rows, inDim, outDim);
        const g = matmulBackward(x, w, dy, rows, inDim, outDim);
        const shape = `${rows}x${inDim}x${outDim} tile ${tile.bm}x${tile.bn} split ${splitK}`;
        assert.ok(relError(await ctx.read(y, rows * outDim), want) < 1e-5, `y ${shape}`);
        assert.ok(relError(await ctx.read(dx, rows * inDim), g.dx.map((v) => v + 1)) < 1e-5, `dx ${shape}`);
        assert.ok(relError(await ctx.read(dW, inDim * outDim), g.dW) < 1e-5, `dW ${shape}`);
      }
    }
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});

Deno.test("chooseSplitK splits long, narrow products only", () => {
  // 256×1024 output with 64×128 tiles = 32 tiles; K = 8192 → ceil(264/32) = 9 slices of ≥ 256
  assert.equal(chooseSplitK({ m: 256, n: 1024, k: 8192 }, WIDE_TILE), 9);
  assert.equal(chooseSplitK({ m: 8192, n: 1024, k: 256 }, WIDE_TILE), 1);
  assert.equal(chooseSplitK({ m: 64, n: 64, k: 300 }, DEFAULT_TILE), 1);
});

Deno.test("matmul results are bit-identical across tiles (same summation order)", async () => {
  const ctx = await GpuContext.create();
  try {
    const [m, n, k] = [70, 45, 53];
    const a = ctx.upload("a", new Float32Array(randomArray(m * k, 4)));
    const b = ctx.upload("b", new Float32Array(randomArray(k * n, 5)));
    const scratch = ctx.storage("scratch", 3 * m * n);
    // LARGE_TILE (8 deep) included: without a K split the order is the same for any depth
    for (const [tiles, splitK] of [[[...TUNE_TILES, LARGE_TILE], 1], [TUNE_TILES, 3]] as const) {
      for (const form of ["NN", "NT", "TN"]) {
        const ta = form[0] === "T", tb = form[1] === "T";
        const outs: Float32Array[] = [];
        for (const tile of tiles) {
          if (matmulSharedBytes(tile, ta, tb) > ctx.limits.maxComputeWorkgroupStorageSize) continue;
          const c = ctx.storage("c", m * n);
          const spec = { m, n, k, transA: ta, transB: tb, tile, splitK, scratch };
          ctx.run("mm", matmulDispatch(ctx, a, b, c, spec));
          outs.push(await ctx.read(c, m * n));
        }
        assert.ok(outs.length >= 3, `${form}: at least three tiles fit this adapter`);
        for (let t = 1; t < outs.length; t++) {
          const what = `${form} split ${splitK} tile ${t}`;
          assert.deepEqual(new Uint32Array(outs[t].buffer), new Uint32Array(outs[0].buffer), what);
        }
      }
    }
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});

Deno.test("matmulSharedBytes counts double-buffered, padded slices and oversized tiles are refused", async () => {
  // 64×64, bk 16, NN: A rows padded to 17 vec4, B rows 16 vec4, two buffers: 2·16·(17+16)·16 bytes
  assert.equal(matmulSharedBytes(DEFAULT_TILE, false, false), 16896);
  // TN: neither operand is K-contiguous, no padding
  assert.equal(matmulSharedBytes(DEFAULT_TILE, true, false), 16384);
  const ctx = await GpuContext.create();
  try {
    const big: MatmulTile = { bm: 128, bn: 128, bk: 128, tm: 8, tn: 8 };
    const x = ctx.storage("x", 16);
    assert.throws(
      () => matmulDispatch(ctx, x, x, x, { m: 4, n: 4, k: 4, tile: big }),
      /needs 266240 bytes of workgroup memory/,
    );
  } finally {
    ctx.destroy();
  }
});

Deno.test("GpuBackend with tile tuning gives bit-identical losses and gradients to the untuned backend", async () => {
  const cfg: ModelConfig = {
    vocabSize: 200,
    width: 64,
    depth: 1,
    headSize: 16,
    gqaRatio: 2,
    mlpRatio: 4,
    seqLen: 24,
    ropeTheta: 10000,
    normEps: 1e-6,
  };
  const batch = 3;
  const opt = { lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };
  const tokens = new Int32Array(batch * (cfg.seqLen + 1)).map((_, i) => (i * 7919 + 3) % cfg.vocabSize);
  const ctx = await GpuContext.create();
  try {
    const runs = [];
    for (const tune of [false, true]) {
      const be = await createGpuBackend(cfg, { context: ctx, tune });
      const params = initParams(cfg, 7);
      await be.setState({
        params,
        m: params.map((p) => new Float32Array(p.length)),
        v: params.map((p) => new Float32Array(p.length)),
        step: 0,
      });
      be.trainStep(tokens, batch, opt);
      const first = await be.readTrainLosses(); // tunes here when on
      be.trainStep(tokens, batch, opt);
      be.trainStep(tokens, batch, opt);
      const rest = await be.readTrainLosses();
      const grads = await be.readGradients();
      const evalLoss = await be.evalLoss(tokens, batch);
      const losses = [...first.loss, ...rest.loss];
      runs.push({ losses, norms: [...rest.gradNorm], grads, evalLoss, tiles: be.tunedTiles() });
      be.destroy();
    }
    const [off, on] = runs;
    assert.equal(off.tiles.size, 0);
    // the distinct single products of one layer and the head each got a tile from TUNE_TILES (the fused
    // plan's multi-product dispatches, q/k/v and gate/up with their gradients, keep their chosen tile)
    assert.ok(on.tiles.size >= 9, `tuned ${on.tiles.size} products`);
    for (const t of on.tiles.values()) assert.ok(TUNE_TILES.includes(t));
    assert.deepEqual(on.losses, off.losses);
    assert.deepEqual(on.norms, off.norms);
    assert.equal(on.evalLoss, off.evalLoss);
    on.grads.forEach((g, i) =>
      assert.deepEqual(new Uint32Array(g.buffer), new Uint32Array(off.grads[i].buffer))
    );
    assert.ok(off.losses[2] < off.losses[0], "the loss falls");
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});

Deno.test("causal matmul modes give the bits of the full product over causally masked operands", async () => {
  const ctx = await GpuContext.create();
  try {
    const T = 70, n = 23;
    // lower[i, j] = 0 for j > i; upper = its transpose (0 for j < i)
    const r = randomArray(T * T, 8);
    const lower = new Float32Array(T * T).map((_, e) => (e % T <= Math.floor(e / T) ? r[e] : 0));
    const aL = ctx.upload("lower", lower);
    const bT = ctx.upload("b", new Float32Array(randomArray(T * n, 9)));
    const bN = ctx.upload("bn", new Float32Array(randomArray(T * T, 10)));
    for (const tile of [SMALL, DEFAULT_TILE]) {
      const run = async (spec: MatmulSpec, a: GPUBuffer, b: GPUBuffer, size: number, fill = 0) => {
        const c = ctx.upload("c", new Float32Array(size).fill(fill));
        ctx.run("mm", matmulDispatch(ctx, a, b, c, { ...spec, tile }));
        return await ctx.read(c, size);
      };
      const bits = (x: Float32Array) => new Uint32Array(x.buffer);
      // P·V: K stops at the diagonal; Pᵀ·dO (A stored [K, M], zero for k < m): K starts at it
      for (const [form, mode] of [["NN", "kToRow"], ["TN", "kFromRow"]] as const) {
        const spec = { m: T, n, k: T, transA: form === "TN" };
        const full = await run(spec, aL, bT, T * n);
        const skip = await run({ ...spec, causal: mode }, aL, bT, T * n);
        assert.deepEqual(bits(skip), bits(full), `${form} ${mode} tile ${tile.bm}`);
      }
      // Q·Kᵀ: tiles above the diagonal are left untouched, the rest computed as before
      const spec = { m: T, n: T, k: T, transB: true };
      const full = await run(spec, aL, bN, T * T);
      const skip = await run({ ...spec, causal: "skipUpper" }, aL, bN, T * T, 7);
      let skipped = 0;
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < T; j++) {
          const above = Math.floor(j / tile.bn) * tile.bn > Math.floor(i / tile.bm) * tile.bm + tile.bm - 1;
          if (above) skipped++;
          assert.equal(skip[i * T + j], above ? 7 : full[i * T + j], `${i},${j} tile ${tile.bm}`);
        }
      }
      assert.ok(skipped > 0, `tile ${tile.bm} skips the tiles above the diagonal`);
    }
    const x = ctx.storage("x", 16);
    assert.throws(
      () =>
        matmulDispatch(ctx, x, x, x, {
          m: 4,
          n: 4,
          k: 64,
          causal: "kToRow",
          splitK: 2,
          scratch: x,
          tile: SMALL,
        }),
      /causal product cannot be split/,
    );
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});

Deno.test("dense attention over several causal tiles matches the float64 reference", async () => {
  const ctx = await GpuContext.create();
  try {
    const [B, T, hq, hkv, hs] = [2, 45, 4, 2, 8];
    const shape = { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs };
    const q = roundF32(randomArray(B * T * hq * hs, 31, 2)),
      k = roundF32(randomArray(B * T * hkv * hs, 32, 2));
    const v = roundF32(randomArray(B * T * hkv * hs, 33)), dout = roundF32(randomArray(B * T * hq * hs, 34));
    const b = {
      q: ctx.upload("q", new Float32Array(q)),
      k: ctx.upload("k", new Float32Array(k)),
      v: ctx.upload("v", new Float32Array(v)),
      o: ctx.storage("o", q.length),
      dout: ctx.upload("do", new Float32Array(dout)),
      // stale values where the skipped tiles are: they must not leak into the results
      probs: ctx.upload("probs", new Float32Array(denseScoresSize(shape)).fill(1e30)),
      dprobs: ctx.upload("dprobs", new Float32Array(denseScoresSize(shape)).fill(-1e30)),
      dq: ctx.storage("dq", q.length),
      dk: ctx.storage("dk", k.length),
      dv: ctx.storage("dv", v.length),
    };
    // 16×16 tiles: T = 45 spans three row and column tiles
    ctx.run("attn", [
      ...denseAttentionForward(ctx, b, shape, { tile: SMALL }),
      ...denseAttentionBackward(ctx, b, shape, { tile: SMALL }),
    ]);
    const f = ref.attentionForward(q, k, v, shape);
    const g = ref.attentionBackward(q, k, v, f.probs, dout, shape);
    assert.ok(relError(await ctx.read(b.probs, f.probs.length), f.probs) < 1e-5, "probs");
    assert.ok(relError(await ctx.read(b.o, q.length), f.out) < 1e-5, "o");
    assert.ok(relError(await ctx.read(b.dq, q.length), g.dq) < 1e-5, "dq");
    assert.ok(relError(await ctx.read(b.dk, k.length), g.dk) < 1e-5, "dk");
    assert.ok(relError(await ctx.read(b.dv, v.length), g.dv) < 1e-5, "dv");
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});

Deno.test("matmul operand offsets and strides address a column block of a wider matrix (with split-K)", async () => {
  const ctx = await GpuContext.create();
  try {
    // W [inDim, V]; the block is columns [c0, c0 + n) (a vocabulary block of an LM head)
    const [rows, inDim, V, c0, n] = [37, 9, 23, 5, 11];
    const x = roundF32(randomArray(rows * inDim, 11));
    const W = roundF32(randomArray(inDim * V, 12));
    const dy = roundF32(randomArray(rows * n, 13));
    const block = new Float64Array(inDim * n);
    for (let r = 0; r < inDim; r++) for (let c = 0; c < n; c++) block[r * n + c] = W[r * V + c0 + c];
    const want = matmulForward(x, block, rows, inDim, n);
    const g = matmulBackward(x, block, dy, rows, inDim, n);
    for (const splitK of [1, 3]) {
      const scratch = ctx.storage("scratch", splitK * Math.max(rows * inDim, inDim * n, rows * n));
      const s = { tile: SMALL, splitK, scratch };
      const bx = ctx.upload("x", new Float32Array(x)), bW = ctx.upload("W", new Float32Array(W));
      const bdy = ctx.upload("dy", new Float32Array(dy));
      const y = ctx.storage("y", rows * n), dx = ctx.storage("dx", rows * inDim);
      const dW = ctx.upload("dW", new Float32Array(inDim * V).fill(7));
      ctx.run("mm", [
        ...matmulDispatch(ctx, bx, bW, y, { m: rows, n, k: inDim, offsetB: c0, ldb: V, ...s }),
        ...matmulDispatch(ctx, bdy, bW, dx, {
          m: rows,
          n: inDim,
          k: n,
          transB: true,
          offsetB: c0,
          ldb: V,
          ...s,
        }),
        ...matmulDispatch(ctx, bx, bdy, dW, {
          m: inDim,
          n,
          k: rows,
          transA: true,
          offsetC: c0,
          ldc: V,
          ...s,
        }),
      ]);
      assert.ok(relError(await ctx.read(y, rows * n), want) < 1e-5, `y split ${splitK}`);
      assert.ok(relError(await ctx.read(dx, rows * inDim), g.dx) < 1e-5, `dx split ${splitK}`);
      const got = await ctx.read(dW, inDim * V);
      const wantFull = new Float64Array(inDim * V).fill(7);
      for (let r = 0; r < inDim; r++) for (let c = 0; c < n; c++) wantFull[r * V + c0 + c] = g.dW[r * n + c];
      assert.ok(relError(got, wantFull) < 1e-5, `dW split ${splitK} (columns outside the block untouched)`);
    }
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});

Deno.test("matmul epilogues (residual, GEGLU, GEGLU backward) give the bits of the separate kernels, with and without split-K", async () => {
  const ctx = await GpuContext.create();
  try {
    const m = 37, n = 29, k = 600; // k long enough for a 3-way split
    const a = ctx.upload("a", new Float32Array(randomArray(m * k, 81, 0.2)));
    const b = ctx.upload("b", new Float32Array(randomArray(k * n, 82, 0.2)));
    const other = (seed: number) => ctx.upload(`x${seed}`, new Float32Array(randomArray(m * n, seed, 2)));
    const bits = async (x: GPUBuffer) => new Uint32Array((await ctx.read(x, m * n)).buffer);
    for (const splitK of [1, 3]) {
      const scratch = ctx.storage("scratch", 3 * m * n);
      const spec = { m, n, k, splitK, scratch };
      // residual: C = r + A·B against copy + accumulate
      const r = other(83), c1 = ctx.storage("c1", m * n), c2 = ctx.storage("c2", m * n);
      ctx.run("residual", [
        ...matmulDispatch(ctx, a, b, c1, { ...spec, epilogue: { kind: "residual", r } }),
        copyDispatch(ctx, { src: r, dst: c2 }, m * n),
        ...matmulDispatch(ctx, a, b, c2, { ...spec, accumulate: true }),
      ]);
      assert.deepEqual(await bits(c1), await bits(c2), `residual, split ${splitK}`);
      // GEGLU forward: up = A·B and h = gelu(gate)·up against a product and gegluForward
      const gate = other(84), up1 = ctx.storage("up1", m * n), h1 = ctx.storage("h1", m * n);
      const up2 = ctx.storage("up2", m * n), h2 = ctx.storage("h2", m * n);
      ctx.run("geglu", [
        ...matmulDispatch(ctx, a, b, up1, { ...spec, epilogue: { kind: "geglu", gate, h: h1 } }),
        ...matmulDispatch(ctx, a, b, up2, spec),
        gegluForward(ctx, { gate, up: up2, h: h2 }, m * n),
      ]);
      assert.deepEqual(await bits(up1), await bits(up2), `geglu up, split ${splitK}`);
      assert.deepEqual(await bits(h1), await bits(h2), `geglu h, split ${splitK}`);
      // GEGLU backward: dh = A·B never stored; gate, up overwritten by dgate, dup
      const g1 = other(85), u1 = other(86), g2 = other(85), u2 = other(86), dh = ctx.storage("dh", m * n);
      ctx.run("geglu backward", [
        ...matmulDispatch(ctx, a, b, g1, { ...spec, epilogue: { kind: "gegluBackward", up: u1 } }),
        ...matmulDispatch(ctx, a, b, dh, spec),
        gegluBackward(ctx, { gate: g2, up: u2, dh }, m * n),
      ]);
      assert.deepEqual(await bits(g1), await bits(g2), `dgate, split ${splitK}`);
      assert.deepEqual(await bits(u1), await bits(u2), `dup, split ${splitK}`);
    }
    assert.throws(
      () => matmulDispatch(ctx, a, b, a, { m, n, k, epilogue: { kind: "residual", r: a } }),
      /residual epilogue needs buffers other than C/,
    );
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});

/** Plain CPU `op(A)·op(B)` (float64) of operands stored at element offsets with row strides. */
function cpuMatmul(
  a: Float32Array,
  b: Float32Array,
  d: { m: number; n: number; k: number; ta: boolean; tb: boolean; offA: number; offB: number },
): Float64Array {
  const { m, n, k, ta, tb, offA, offB } = d;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) {
        s += a[offA + (ta ? q * m + i : i * k + q)] * b[offB + (tb ? j * k + q : q * n + j)];
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

Deno.test("multi-product matmuls (grouped, summed, GEGLU pair) give the bits of separate products and match a CPU matmul", async () => {
  const ctx = await GpuContext.create();
  try {
    const m = 37, ns = [29, 5, 5]; // odd: no shape is a multiple of a tile
    const bits = async (x: GPUBuffer, n: number, off = 0) =>
      new Uint32Array((await ctx.read(x, n, off)).buffer);
    const up = (label: string, n: number, seed: number) =>
      ctx.upload(label, new Float32Array(randomArray(n, seed, 0.5)));
    for (const tile of [DEFAULT_TILE, SMALL]) {
      for (const [ta, tb] of [[false, false], [false, true], [true, false]]) {
        const form = `${ta ? "T" : "N"}${tb ? "T" : "N"} tile ${tile.bm}x${tile.bn}`;
        const k = 19;
        // grouped, one B buffer at offsets (weights in an arena), one C buffer per part
        const aData = new Float32Array(randomArray(m * k, 91, 0.5));
        const a = ctx.upload("a", aData);
        const offB = [0, k * ns[0] + 3, k * (ns[0] + ns[1]) + 7];
        const bData = new Float32Array(randomArray(offB[2] + k * ns[2], 92, 0.5));
        const b = ctx.upload("b arena", bData);
        const cs = ns.map((n, i) => ctx.storage(`c${i}`, m * n)),
          ref = ns.map((n) => ctx.storage("ref", m * n));
        const parts: MatmulPart[] = ns.map((n, i) => ({ a, b, c: cs[i], n, k, offsetB: offB[i] }));
        ctx.run("grouped", [
          multiMatmulDispatch(ctx, parts, { kind: "grouped", m, transA: ta, transB: tb, tile }),
          ...ns.flatMap((n, i) =>
            matmulDispatch(ctx, a, b, ref[i], { m, n, k, offsetB: offB[i], transA: ta, transB: tb, tile })
          ),
        ]);
        for (let i = 0; i < 3; i++) {
          assert.deepEqual(
            await bits(cs[i], m * ns[i]),
            await bits(ref[i], m * ns[i]),
            `grouped ${i} ${form}`,
          );
          const want = cpuMatmul(aData, bData, { m, n: ns[i], k, ta, tb, offA: 0, offB: offB[i] });
          const e = relError(await ctx.read(cs[i], m * ns[i]), want);
          assert.ok(e < 1e-5, `grouped ${i} ${form}: relative error ${e}`);
        }
        // grouped, one B buffer per part, one C buffer at offsets (weight gradients into an arena)
        const bs = ns.map((n, i) => up(`b${i}`, k * n, 93 + i));
        const offC = [5, 5 + m * ns[0] + 2, 7 + m * (ns[0] + ns[1]) + 2];
        const arena = ctx.storage("c arena", offC[2] + m * ns[2]);
        ctx.run("grouped arena", [
          multiMatmulDispatch(
            ctx,
            ns.map((n, i) => ({ a, b: bs[i], c: arena, n, k, offsetC: offC[i] })),
            { kind: "grouped", m, transA: ta, transB: tb, tile },
          ),
          ...ns.flatMap((n, i) =>
            matmulDispatch(ctx, a, bs[i], ref[i], { m, n, k, transA: ta, transB: tb, tile })
          ),
        ]);
        for (let i = 0; i < 3; i++) {
          assert.deepEqual(
            await bits(arena, m * ns[i], offC[i]),
            await bits(ref[i], m * ns[i]),
            `arena ${i} ${form}`,
          );
        }
        // summed: C = A0·B0 + A1·B1 + A2·B2 with different K (one A buffer per part, B in an arena)
        const n = 23, ks = [29, 5, 11];
        const as = ks.map((kk, i) => up(`a${i}`, m * kk, 95 + i));
        const offS = [2, 2 + n * ks[0] + 1, 3 + n * (ks[0] + ks[1]) + 1];
        const bS = up("b summed", offS[2] + n * ks[2], 98);
        const sum = ctx.storage("sum", m * n), sumRef = ctx.storage("sum ref", m * n);
        ctx.run("summed", [
          multiMatmulDispatch(
            ctx,
            ks.map((kk, i) => ({ a: as[i], b: bS, c: sum, n, k: kk, offsetB: offS[i] })),
            { kind: "summed", m, transA: ta, transB: tb, tile },
          ),
          ...ks.flatMap((kk, i) =>
            matmulDispatch(ctx, as[i], bS, sumRef, {
              m,
              n,
              k: kk,
              offsetB: offS[i],
              transA: ta,
              transB: tb,
              accumulate: i > 0,
              tile,
            })
          ),
        ]);
        assert.deepEqual(await bits(sum, m * n), await bits(sumRef, m * n), `summed ${form}`);
        // GEGLU pair: gate = A·Bg, up = A·Bu, h = gelu(gate)·up (against a product and the "geglu" epilogue)
        const [g1, u1, h1, g2, u2, h2] = ["g1", "u1", "h1", "g2", "u2", "h2"].map((l) =>
          ctx.storage(l, m * n)
        );
        const offG = [1, 1 + k * n + 4];
        const bG = up("b geglu", offG[1] + k * n, 99);
        ctx.run("geglu pair", [
          multiMatmulDispatch(
            ctx,
            [{ a, b: bG, c: g1, n, k, offsetB: offG[0] }, { a, b: bG, c: u1, n, k, offsetB: offG[1] }],
            { kind: "geglu", m, transA: ta, transB: tb, tile, h: h1 },
          ),
          ...matmulDispatch(ctx, a, bG, g2, { m, n, k, offsetB: offG[0], transA: ta, transB: tb, tile }),
          ...matmulDispatch(ctx, a, bG, u2, {
            m,
            n,
            k,
            offsetB: offG[1],
            transA: ta,
            transB: tb,
            tile,
            epilogue: { kind: "geglu", gate: g2, h: h2 },
          }),
        ]);
        assert.deepEqual(await bits(g1, m * n), await bits(g2, m * n), `gate ${form}`);
        assert.deepEqual(await bits(u1, m * n), await bits(u2, m * n), `up ${form}`);
        assert.deepEqual(await bits(h1, m * n), await bits(h2, m * n), `h ${form}`);
      }
    }
    const a = ctx.storage("a", 4), c = ctx.storage("c", 4);
    assert.throws(
      () => multiMatmulDispatch(ctx, [{ a, b: c, c, n: 1, k: 1 }], { kind: "grouped", m: 1 }),
      /an output is also an operand/,
    );
    assert.throws(
      () =>
        multiMatmulDispatch(ctx, [{ a, b: a, c, n: 1, k: 1 }, { a, b: a, c, n: 2, k: 1 }], {
          kind: "summed",
          m: 1,
        }),
      /do not fit a summed product/,
    );
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});

Deno.test("MatmulTuner.recordMulti: one dispatch without a K split, the separate products (same bits) with one", async () => {
  const ctx = await GpuContext.create();
  try {
    const m = 21, n = 13;
    const tuner = new MatmulTuner(ctx, { splitK: true, tune: false });
    const plain = new MatmulTuner(ctx, { splitK: true, tune: false });
    for (const k of [7, 600]) { // 600: long enough for chooseSplitK to split each product
      const as = [0, 1].map((i) => ctx.upload(`a${i}`, new Float32Array(randomArray(m * k, 101 + i, 0.3))));
      const b = ctx.upload("b", new Float32Array(randomArray(2 * n * k + 3, 103, 0.3)));
      const sum = ctx.storage("sum", m * n), ref = ctx.storage("ref", m * n);
      const parts = as.map((a, i) => ({ a, b, c: sum, n, k, offsetB: i * (n * k + 3) }));
      const ds = tuner.recordMulti(parts, { kind: "summed", m, transB: true });
      assert.equal(ds.length, k === 7 ? 1 : 4, `k ${k}: ${ds.map((d) => d.name).join(", ")}`);
      ctx.run("summed", [
        ...ds,
        ...as.flatMap((a, i) =>
          plain.record(a, b, ref, { m, n, k, transB: true, offsetB: i * (n * k + 3), accumulate: i > 0 })
        ),
      ]);
      const bits = async (x: GPUBuffer) => new Uint32Array((await ctx.read(x, m * n)).buffer);
      assert.deepEqual(await bits(sum), await bits(ref), `k ${k}`);
    }
    tuner.destroy();
    plain.destroy();
    await ctx.check();
  } finally {
    ctx.destroy();
  }
});
