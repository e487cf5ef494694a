"""PyTorch eager float32 baseline for bench/kernels.ts: the same Gemma-style decoder (untied embedding and
LM head, RMSNorm, RoPE rotate-half, causal GQA attention, GEGLU with tanh GELU, no biases), AdamW with
decay on matrices only and global-norm clipping at 1.0. Prints one JSON line per model with the mean
optimizer-step time. Run: python3 bench/torch_baseline.py [--steps 20] [--sdpa] [--compile] [--shapes F].
--shapes takes the JSON of bench/kernels.ts --json (its train[].config and batch), so both time the same
shapes; --compile times torch.compile(model) (one line with "error" where compiling fails)."""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

MODELS = [  # name, vocab, width, depth, headSize, seqLen, batch (same as bench/kernels.ts "gpu" profile)
    ("8M", 8192, 256, 4, 64, 256, 32),
    ("10M", 8192, 256, 6, 64, 512, 16),
    ("48M", 16384, 512, 8, 64, 512, 16),
]


def shapes_of(path):
    """The (name, vocab, width, depth, headSize, seqLen, batch) of each model in a bench/kernels.ts JSON."""
    with open(path) as f:
        bench = json.load(f)
    out = []
    for i, t in enumerate(bench.get("train", [])):
        c = t.get("config")
        if not isinstance(c, dict):
            raise SystemExit(f"{path}: train[{i}] field \"config\" is missing (a bench JSON from before --shapes)")
        if c.get("gqaRatio") != 2 or c.get("mlpRatio") != 4:
            raise SystemExit(f"{path}: train[{i}] gqaRatio {c.get('gqaRatio')} / mlpRatio {c.get('mlpRatio')}: "
                             "this baseline builds gqaRatio 2, mlpRatio 4")
        out.append((t["model"], c["vocabSize"], c["width"], c["depth"], c["headSize"], c["seqLen"], t["batch"]))
    return out


class RMSNorm(torch.nn.Module):
    def __init__(self, w, eps):
        super().__init__()
        self.g = torch.nn.Parameter(torch.ones(w))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.g


def rope(x, cos, sin):  # x: [B, H, T, hs]
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class Block(torch.nn.Module):
    def __init__(self, w, hs, gqa, eps):
        super().__init__()
        self.hq, self.hs = w // hs, hs
        self.hkv = self.hq // gqa
        self.n1, self.n2 = RMSNorm(w, eps), RMSNorm(w, eps)
        lin = lambda i, o: torch.nn.Linear(i, o, bias=False)
        self.wq, self.wk, self.wv = lin(w, self.hq * hs), lin(w, self.hkv * hs), lin(w, self.hkv * hs)
        self.wo = lin(self.hq * hs, w)
        self.wg, self.wu, self.wd = lin(w, 4 * w), lin(w, 4 * w), lin(4 * w, w)

    def forward(self, x, cos, sin, sdpa):
        B, T, _ = x.shape
        a = self.n1(x)
        q = self.wq(a).view(B, T, self.hq, self.hs).transpose(1, 2)
        k = self.wk(a).view(B, T, self.hkv, self.hs).transpose(1, 2)
        v = self.wv(a).view(B, T, self.hkv, self.hs).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        rep = self.hq // self.hkv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        if sdpa:
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            s = (q @ k.transpose(-1, -2)) / math.sqrt(self.hs)
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
            o = s.masked_fill(mask, float("-inf")).softmax(-1) @ v
        x = x + self.wo(o.transpose(1, 2).reshape(B, T, -1))
        m = self.n2(x)
        return x + self.wd(F.gelu(self.wg(m), approximate="tanh") * self.wu(m))


class Model(torch.nn.Module):
    def __init__(self, V, w, depth, hs, T, eps=1e-6, theta=10000.0):
        super().__init__()
        self.embed = torch.nn.Embedding(V, w)
        self.blocks = torch.nn.ModuleList([Block(w, hs, 2, eps) for _ in range(depth)])
        self.norm = RMSNorm(w, eps)
        self.head = torch.nn.Linear(w, V, bias=False)
        j = torch.arange(hs // 2, dtype=torch.float64)
        ang = torch.arange(T, dtype=torch.float64)[:, None] * theta ** (-2 * j / hs)
        self.register_buffer("cos", ang.cos().float())
        self.register_buffer("sin", ang.sin().float())

    def forward(self, idx, tgt, sdpa):
        x = self.embed(idx)
        for b in self.blocks:
            x = b(x, self.cos, self.sin, sdpa)
        logits = self.head(self.norm(x))
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), tgt.reshape(-1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--sdpa", action="store_true", help="use fused scaled_dot_product_attention")
    ap.add_argument("--compile", action="store_true", help="time torch.compile(model)")
    ap.add_argument("--shapes", help="a bench/kernels.ts --json file: time its models")
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = "cuda"
    for name, V, w, depth, hs, T, B in (shapes_of(args.shapes) if args.shapes else MODELS):
        try:
            run_one(args, dev, name, V, w, depth, hs, T, B)
        except Exception as e:  # torch.compile can fail on some installs: say so and go on
            print(json.dumps({"model": name, "sdpa": args.sdpa, "compile": args.compile,
                              "error": f"{type(e).__name__}: {e}"[:500]}), flush=True)


def run_one(args, dev, name, V, w, depth, hs, T, B):
    """Times one model's optimizer step and prints its JSON line."""
    torch.manual_seed(0)
    model = Model(V, w, depth, hs, T).to(dev)
    fwd = torch.compile(model) if args.compile else model
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.95), eps=1e-8,
    )
    toks = (torch.arange(B * (T + 1), device=dev) * 7919 % V).view(B, T + 1)
    idx, tgt = toks[:, :-1].contiguous(), toks[:, 1:].contiguous()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = fwd(idx, tgt, args.sdpa)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss

    for _ in range(3):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    torch.cuda.synchronize()
    dt = (time.perf_counter() - t0) / args.steps
    n = sum(p.numel() for p in model.parameters())
    print(json.dumps({"model": name, "params": n, "batch": B, "seqLen": T, "sdpa": args.sdpa,
                      "compile": args.compile, "stepMs": dt * 1000, "tokensPerSecond": B * T / dt,
                      "lastLoss": float(loss), "torch": torch.__version__,
                      "device": torch.cuda.get_device_name()}), flush=True)


if __name__ == "__main__":
    main()
