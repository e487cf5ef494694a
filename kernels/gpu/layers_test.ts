import assert from "node:assert/strict";
import { GpuContext } from "./context.ts";
import { embeddingBackward, embeddingForward, tokenIndex } from "./embedding.ts";
import { rmsnormBackward, rmsnormForward, rmsnormScratchSize } from "./rmsnorm.ts";
import { ropeDispatch, ropeTablesF32 } from "./rope.ts";
import { attentionBackward, attentionForward } from "./attention.ts";
import { denseAttentionBackward, denseAttentionForward, denseScoresSize } from "./attention_dense.ts";
import { gegluBackward, gegluForward } from "./geglu.ts";
import { crossEntropyRows, meanLoss } from "./cross_entropy.ts";
import { adamw, gradNorm, normPartials, packStep, STEP_BYTES } from "./optimizer.ts";
import * as ref from "../reference/layers.ts";
import { adamwStep } from "../reference/adamw.ts";
import { randomArray, randomTokens, relError, roundF32 } from "../../testing/gpu.ts";

const TOL = 2e-5;

async function withCtx(fn: (ctx: GpuContext) => Promise<void>): Promise<void> {
  const ctx = await GpuContext.create();
  try {
    await fn(ctx);
    await ctx.check();
  } finally {
    ctx.destroy();
  }
}

const f32 = (x: Float64Array) => new Float32Array(x);

Deno.test("embedding gather and deterministic scatter-add gradient match the reference", async () => {
  await withCtx(async (ctx) => {
    const V = 11, w = 7, rows = 23;
    const table = roundF32(randomArray(V * w, 5));
    const tokens = randomTokens(rows, V - 2, 6); // rows V-2, V-1 never used: their gradient must be 0
    tokens[3] = tokens[9] = tokens[17] = 4; // repeated token
    const dy = roundF32(randomArray(rows * w, 7));
    const { offsets, positions } = tokenIndex(tokens, V);
    const bt = ctx.upload("tok", new Uint32Array(tokens));
    const y = ctx.storage("y", rows * w), dE = ctx.upload("dE", new Float32Array(V * w).fill(9));
    ctx.run("emb", [
      embeddingForward(ctx, { table: ctx.upload("E", f32(table)), tokens: bt, y }, { rows, width: w }),
      embeddingBackward(
        ctx,
        {
          dy: ctx.upload("dy", f32(dy)),
          offsets: ctx.upload("off", offsets),
          positions: ctx.upload("pos", positions),
          dtable: dE,
        },
        { vocab: V, width: w },
      ),
    ]);
    assert.deepEqual(await ctx.read(y, rows * w), f32(ref.embeddingForward(table, tokens, V, w)));
    assert.ok(relError(await ctx.read(dE, V * w), ref.embeddingBackward(dy, tokens, V, w)) < 1e-6);
    assert.throws(() => tokenIndex(Int32Array.from([1, 11]), V), /token 11 at position 1/);
  });
});

Deno.test("RMSNorm forward and backward (dx accumulate, dg) match the reference on odd shapes", async () => {
  await withCtx(async (ctx) => {
    for (const [rows, w] of [[5, 13], [131, 300]]) {
      const x = roundF32(randomArray(rows * w, 1, 2)), g = roundF32(randomArray(w, 2));
      const dy = roundF32(randomArray(rows * w, 3));
      const bx = ctx.upload("x", f32(x)), bg = ctx.upload("g", f32(g));
      const y = ctx.storage("y", rows * w), rstd = ctx.storage("rstd", rows);
      const dx = ctx.upload("dx", new Float32Array(rows * w).fill(0.5)), dg = ctx.storage("dg", w);
      const scratch = ctx.storage("scratch", rmsnormScratchSize(rows, w));
      ctx.run("rms", [
        rmsnormForward(ctx, { x: bx, g: bg, y, rstd }, { rows, width: w, eps: 1e-6 }),
        ...rmsnormBackward(
          ctx,
          { x: bx, g: bg, rstd, dy: ctx.upload("dy", f32(dy)), dx, dg, scratch },
          { rows, width: w, accumulate: true },
        ),
      ]);
      const f = ref.rmsnormForward(x, g, rows, w, 1e-6);
      const b = ref.rmsnormBackward(x, g, f.rstd, dy, rows, w);
      assert.ok(relError(await ctx.read(y, rows * w), f.y) < TOL, `y ${rows}x${w}`);
      assert.ok(relError(await ctx.read(rstd, rows), f.rstd) < TOL, `rstd ${rows}x${w}`);
      assert.ok(relError(await ctx.read(dx, rows * w), b.dx.map((v) => v + 0.5)) < TOL, `dx ${rows}x${w}`);
      assert.ok(relError(await ctx.read(dg, w), b.dg) < TOL, `dg ${rows}x${w}`);
    }
  });
});

Deno.test("RoPE forward and inverse match the reference (long positions, odd head count)", async () => {
  await withCtx(async (ctx) => {
    const B = 2, T = 600, H = 3, hs = 6, theta = 10000;
    const x = roundF32(randomArray(B * T * H * hs, 4));
    const { cos, sin } = ropeTablesF32(T, hs, theta);
    const bc = ctx.upload("cos", cos), bs = ctx.upload("sin", sin);
    const shape = { rows: B * T, seqLen: T, heads: H, headSize: hs };
    const fwd = ctx.upload("x", f32(x)), bwd = ctx.upload("x2", f32(x));
    ctx.run("rope", [
      ropeDispatch(ctx, { x: fwd, cos: bc, sin: bs }, { ...shape, inverse: false }),
      ropeDispatch(ctx, { x: bwd, cos: bc, sin: bs }, { ...shape, inverse: true }),
    ]);
    assert.ok(relError(await ctx.read(fwd, x.length), ref.ropeForward(x, B, T, H, hs, theta)) < TOL);
    assert.ok(relError(await ctx.read(bwd, x.length), ref.ropeBackward(x, B, T, H, hs, theta)) < TOL);
  });
});

Deno.test("causal GQA attention (tiled flash, several row tiles and key blocks; dense) forward and backward match the reference", async () => {
  await withCtx(async (ctx) => {
    for (
      const [B, T, hq, hkv, hs] of [[2, 7, 4, 2, 6], [1, 13, 3, 1, 10], [3, 5, 2, 2, 4], [3, 7, 3, 1, 4], [
        1,
        70,
        2,
        1,
        6,
      ]]
    ) {
      const shape = { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs };
      const q = roundF32(randomArray(B * T * hq * hs, 11, 2)),
        k = roundF32(randomArray(B * T * hkv * hs, 12, 2));
      const v = roundF32(randomArray(B * T * hkv * hs, 13)),
        dout = roundF32(randomArray(B * T * hq * hs, 14));
      const bufs = {
        q: ctx.upload("q", f32(q)),
        k: ctx.upload("k", f32(k)),
        v: ctx.upload("v", f32(v)),
        o: ctx.storage("o", q.length),
        lse: ctx.storage("lse", B * hq * T),
        dout: ctx.upload("do", f32(dout)),
        dq: ctx.storage("dq", q.length),
        dk: ctx.storage("dk", k.length),
        dv: ctx.storage("dv", v.length),
        dsum: ctx.storage("dsum", B * hq * T),
      };
      const dense = {
        ...bufs,
        o: ctx.storage("o2", q.length),
        probs: ctx.storage("probs", denseScoresSize(shape)),
        dprobs: ctx.storage("dprobs", denseScoresSize(shape)),
        dq: ctx.storage("dq2", q.length),
        dk: ctx.storage("dk2", k.length),
        dv: ctx.storage("dv2", v.length),
      };
      ctx.run("attn", [
        attentionForward(ctx, bufs, shape),
        ...attentionBackward(ctx, bufs, shape),
        ...denseAttentionForward(ctx, dense, shape),
        ...denseAttentionBackward(ctx, dense, shape),
      ]);
      const f = ref.attentionForward(q, k, v, shape);
      const g = ref.attentionBackward(q, k, v, f.probs, dout, shape);
      for (const [kind, b] of [["flash", bufs], ["dense", dense]] as const) {
        const s = `${kind} ${B},${T},${hq},${hkv},${hs}`;
        assert.ok(relError(await ctx.read(b.o, q.length), f.out) < TOL, `o ${s}`);
        assert.ok(relError(await ctx.read(b.dq, q.length), g.dq) < TOL, `dq ${s}`);
        assert.ok(relError(await ctx.read(b.dk, k.length), g.dk) < TOL, `dk ${s}`);
        assert.ok(relError(await ctx.read(b.dv, v.length), g.dv) < TOL, `dv ${s}`);
      }
      assert.ok(relError(await ctx.read(dense.probs, f.probs.length), f.probs) < TOL, `probs ${B},${T}`);
    }
  });
});

Deno.test("GEGLU forward and in-place backward match the reference (incl. large |x|)", async () => {
  await withCtx(async (ctx) => {
    const n = 517;
    const gate = roundF32(randomArray(n, 21, 4)),
      up = roundF32(randomArray(n, 22)),
      dh = roundF32(randomArray(n, 23));
    gate[0] = 40;
    gate[1] = -40;
    const bg = ctx.upload("gate", f32(gate)), bu = ctx.upload("up", f32(up)), h = ctx.storage("h", n);
    ctx.run("geglu", [
      gegluForward(ctx, { gate: bg, up: bu, h }, n),
      gegluBackward(ctx, { gate: bg, up: bu, dh: ctx.upload("dh", f32(dh)) }, n),
    ]);
    const b = ref.gegluBackward(gate, up, dh);
    assert.ok(relError(await ctx.read(h, n), ref.gegluForward(gate, up)) < TOL);
    assert.ok(relError(await ctx.read(bg, n), b.dgate) < TOL);
    assert.ok(relError(await ctx.read(bu, n), b.dup) < TOL);
  });
});

Deno.test("fused softmax cross-entropy: mean loss and dlogits match the reference", async () => {
  await withCtx(async (ctx) => {
    const rows = 9, V = 1031;
    const z = roundF32(randomArray(rows * V, 31, 8));
    const targets = randomTokens(rows, V, 32);
    const bz = ctx.upload("z", f32(z)), rowLoss = ctx.storage("rowLoss", rows);
    const losses = ctx.storage("losses", 4);
    const step = ctx.device.createBuffer({
      size: STEP_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const opt = { lr: 0, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 0 };
    ctx.device.queue.writeBuffer(step, 0, packStep(opt, 0, 2));
    ctx.run("ce", [
      crossEntropyRows(
        ctx,
        { logits: bz, targets: ctx.upload("t", new Uint32Array(targets)), rowLoss },
        { rows, vocab: V, grad: true },
      ),
      meanLoss(ctx, { rowLoss, losses, step }, rows),
    ]);
    const want = ref.softmaxCrossEntropy(z, targets, rows, V);
    const got = await ctx.read(losses, 4);
    assert.ok(Math.abs(got[2] - want.loss) < 1e-5 * want.loss, `loss ${got[2]} vs ${want.loss}`);
    assert.ok(relError(await ctx.read(bz, rows * V), want.dlogits) < TOL);
  });
});

Deno.test("global-norm clipping and AdamW over one flat buffer match the float64 reference step", async () => {
  await withCtx(async (ctx) => {
    const sizes = [3001, 7, 130];
    const decay = [true, false, true];
    const p = sizes.map((n, i) => roundF32(randomArray(n, 40 + i)));
    const g = sizes.map((n, i) => roundF32(randomArray(n, 50 + i, 0.3)));
    const m = sizes.map((n, i) => roundF32(randomArray(n, 60 + i, 0.01)));
    const v = sizes.map((n, i) => roundF32(randomArray(n, 70 + i, 0.001).map(Math.abs)));
    const opt = { lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1.0 };
    // the three tensors packed in one flat buffer behind 5 leading values, as the backend's arenas
    const lead = 5, offsets = [lead, lead + sizes[0], lead + sizes[0] + sizes[1]];
    const segments = sizes.map((size, i) => ({ offset: offsets[i], size, decay: decay[i] }));
    const flat = (ts: Float64Array[]) => {
      const out = new Float32Array(lead + sizes.reduce((a, b) => a + b, 0)).fill(7);
      ts.forEach((t, i) => out.set(t, offsets[i]));
      return out;
    };
    const step = ctx.device.createBuffer({
      size: STEP_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    ctx.device.queue.writeBuffer(step, 0, packStep(opt, 4, 5));
    const run = async (perSegment: boolean) => {
      const b = {
        w: ctx.upload("p", flat(p)),
        g: ctx.upload("g", flat(g)),
        m: ctx.upload("m", flat(m)),
        v: ctx.upload("v", flat(v)),
      };
      const partial = ctx.storage("partial", normPartials(segments)),
        norms = ctx.storage("norms", 8),
        scale = ctx.storage("scale", 1);
      ctx.run("opt", [
        ...gradNorm(ctx, { grads: [b.g], partial, norms, scale, step }, [segments], { perSegment }),
        ...(perSegment ? segments.map((s) => [s]) : [segments]).map((part) =>
          adamw(ctx, { ...b, scale, step }, part)
        ),
      ]);
      const n = lead + sizes.reduce((a, c) => a + c, 0);
      return {
        norm: (await ctx.read(norms, 8))[5],
        p: await ctx.read(b.w, n),
        m: await ctx.read(b.m, n),
        v: await ctx.read(b.v, n),
      };
    };
    const fused = await run(false), each = await run(true);
    const norm = adamwStep(p, g, m, v, decay, 4, opt);
    assert.ok(norm > 1, "test must exercise clipping");
    assert.ok(Math.abs(fused.norm - norm) < 1e-5 * norm, `norm ${fused.norm} vs ${norm}`);
    for (let i = 0; i < sizes.length; i++) {
      const at = (x: Float32Array) => x.subarray(offsets[i], offsets[i] + sizes[i]);
      assert.ok(relError(at(fused.p), p[i]) < 1e-5, `param ${i}`);
      assert.ok(relError(at(fused.m), m[i]) < 1e-5, `m ${i}`);
      assert.ok(relError(at(fused.v), v[i]) < 1e-5, `v ${i}`);
    }
    assert.deepEqual(Array.from(fused.p.subarray(0, lead)), [7, 7, 7, 7, 7], "values outside the segments");
    // one dispatch for all segments or one per segment: the same bits
    const bits = (x: Float32Array) => new Uint32Array(x.buffer);
    assert.equal(fused.norm, each.norm);
    for (const k of ["p", "m", "v"] as const) assert.deepEqual(bits(fused[k]), bits(each[k]), k);
  });
});

Deno.test("flash attention with RoPE in its prologue gives the bits of RoPE dispatches around it", async () => {
  await withCtx(async (ctx) => {
    const B = 2, T = 70, hq = 4, hkv = 2, hs = 6;
    const shape = { batch: B, seqLen: T, numQueryHeads: hq, numKvHeads: hkv, headSize: hs };
    const { cos, sin } = ropeTablesF32(T, hs, 10000);
    const tables = { cos: ctx.upload("cos", cos), sin: ctx.upload("sin", sin) };
    const nq = B * T * hq * hs, nk = B * T * hkv * hs;
    const q = new Float32Array(randomArray(nq, 91, 2)), k = new Float32Array(randomArray(nk, 92, 2));
    const v = ctx.upload("v", new Float32Array(randomArray(nk, 93))),
      dout = ctx.upload("do", f32(randomArray(nq, 94)));
    const bufs = () => ({
      q: ctx.upload("q", q),
      k: ctx.upload("k", k),
      v,
      dout,
      o: ctx.storage("o", nq),
      lse: ctx.storage("lse", B * hq * T),
      dq: ctx.storage("dq", nq),
      dk: ctx.storage("dk", nk),
      dv: ctx.storage("dv", nk),
      dsum: ctx.storage("dsum", B * hq * T),
    });
    const inside = bufs(), around = bufs();
    const rope = (x: GPUBuffer, heads: number, inverse: boolean) =>
      ropeDispatch(ctx, { x, ...tables }, { rows: B * T, seqLen: T, heads, headSize: hs, inverse });
    ctx.run("attn", [
      attentionForward(ctx, inside, shape, { rope: tables }),
      ...attentionBackward(ctx, inside, shape, { rope: tables }),
      rope(around.q, hq, false),
      rope(around.k, hkv, false),
      attentionForward(ctx, around, shape),
      ...attentionBackward(ctx, around, shape),
      rope(around.dq, hq, true),
      rope(around.dk, hkv, true),
    ]);
    const bits = async (x: GPUBuffer, n: number) => new Uint32Array((await ctx.read(x, n)).buffer);
    for (const [key, n] of [["o", nq], ["lse", B * hq * T], ["dq", nq], ["dk", nk], ["dv", nk]] as const) {
      assert.deepEqual(await bits(inside[key], n), await bits(around[key], n), key);
    }
  });
});
