import assert from "node:assert/strict";
import { GpuContext } from "./context.ts";
import {
  chooseSplitK,
  DEFAULT_TILE,
  LARGE_TILE,
  matmulDispatch,
  type MatmulTile,
  WIDE_TILE,
} from "./matmul.ts";
import { matmulBackward, matmulForward } from "../reference/layers.ts";
import { randomArray, relError, roundF32 } from "./testing.ts";

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
