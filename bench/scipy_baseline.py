#!/usr/bin/python3
"""Reference baseline for the Approach 3 fitter benchmark (bench/scaling.ts).

Fits L = E + sum_i A_i x_i^(-alpha_i) to a Gemstones fitting table the way the field does: a numpy
objective (sum over points of Huber_delta(ln L - logsumexp(a_i - alpha_i ln x_i, e))) minimised by
scipy.optimize.minimize(method="L-BFGS-B") WITHOUT a jac, so scipy takes forward-difference gradients,
from every start of the same init grid as scaling/fit/grid.ts ("gemstones": alpha in {0,.5,1,1.5,2},
ln A in {0,5,...,25} per variable, ln E in {-1,-.5,0,.5,1}; same index order, ln E fastest).

Stopping settings match scaling/fit/approach3.ts: maxiter 1000, gtol 1e-8, ftol 1e7*eps (scipy's factr
default). Prints one JSON object: wall seconds (the start loop only), starts run, grid size, the
extrapolated wall seconds for the whole grid, converged count, best converged objective and its
parameters (theta and E, A_<var>, alpha_<var>).

Usage: /usr/bin/python3 bench/scipy_baseline.py [--subset hot] [--variables params,tokens]
       [--every K] [--delta 1e-4]
  --every K runs starts 0, K, 2K, ... and extrapolates the wall time to the full grid (reported as such).
"""

import argparse
import itertools
import json
import math
import os
import sys
import time

import numpy as np
import scipy
from scipy.optimize import minimize
from scipy.special import huber, logsumexp

ALPHAS = [0.0, 0.5, 1.0, 1.5, 2.0]
LOG_A = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
LOG_E = [-1.0, -0.5, 0.0, 0.5, 1.0]

# Variable name -> column of the Gemstones jsonl tables (same mapping as testing/gemstones.ts).
COLUMNS = {"params": "params_active_precise", "tokens": "tokens", "width": "width", "depth": "depth"}


def read_table(path, variables):
    """Returns (ln x as an (n, k) array, ln loss as an (n,) array); errors name the file, line, field."""
    xs, ys = [], []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            values = []
            for v in variables:
                col = COLUMNS[v]
                x = row.get(col)
                if not isinstance(x, (int, float)) or not (x > 0 and math.isfinite(x)):
                    raise SystemExit(f"{path}: line {lineno}: field {col} must be a finite number > 0, got {x!r}")
                values.append(math.log(x))
            y = row.get("final_loss")
            if not isinstance(y, (int, float)) or not (y > 0 and math.isfinite(y)):
                raise SystemExit(f"{path}: line {lineno}: field final_loss must be a finite number > 0, got {y!r}")
            xs.append(values)
            ys.append(math.log(y))
    if not ys:
        raise SystemExit(f"{path}: no rows")
    return np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)


def make_objective(ln_x, ln_loss, delta):
    """Returns theta -> sum Huber_delta(ln L - logsumexp(a_i - alpha_i ln x_i, e)), numpy-vectorised."""
    n, k = ln_x.shape
    terms = np.empty((k + 1, n))

    def objective(theta):
        for i in range(k):
            terms[i] = theta[2 * i] - theta[2 * i + 1] * ln_x[:, i]
        terms[k] = theta[2 * k]
        r = ln_loss - logsumexp(terms, axis=0)
        return float(np.sum(huber(delta, r)))

    return objective


def grid_start(index, k):
    """Start `index` of the Gemstones grid, in scaling/fit/grid.ts order (ln E fastest)."""
    per = len(ALPHAS) * len(LOG_A)
    theta = [0.0] * (2 * k + 1)
    s = index
    theta[2 * k] = LOG_E[s % len(LOG_E)]
    s //= len(LOG_E)
    for i in range(k - 1, -1, -1):
        c = s % per
        s //= per
        theta[2 * i] = LOG_A[c // len(ALPHAS)]
        theta[2 * i + 1] = ALPHAS[c % len(ALPHAS)]
    return np.array(theta)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subset", default="hot")
    ap.add_argument("--variables", default="params,tokens")
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--delta", type=float, default=1e-4)
    ap.add_argument("--data-dir", default=os.path.join("data", "gemstones", "wandb_dfs"))
    args = ap.parse_args()
    variables = args.variables.split(",")
    for v in variables:
        if v not in COLUMNS:
            raise SystemExit(f"scipy_baseline: unknown variable {v!r}; valid: {', '.join(COLUMNS)}")
    if args.every < 1:
        raise SystemExit(f"scipy_baseline: --every must be >= 1, got {args.every}")
    path = os.path.join(args.data_dir, f"wandb_df_for_fitting_{args.subset}.jsonl")
    ln_x, ln_loss = read_table(path, variables)
    k = len(variables)
    f = make_objective(ln_x, ln_loss, args.delta)
    grid = (len(ALPHAS) * len(LOG_A)) ** k * len(LOG_E)
    options = {"maxiter": 1000, "gtol": 1e-8, "ftol": 1e7 * np.finfo(float).eps}
    best, best_theta, starts, converged, nfev = math.inf, None, 0, 0, 0
    t0 = time.perf_counter()
    for index in range(0, grid, args.every):
        res = minimize(f, grid_start(index, k), method="L-BFGS-B", options=options)
        starts += 1
        nfev += int(res.nfev)
        if res.success and math.isfinite(res.fun):
            converged += 1
            if res.fun < best:
                best, best_theta = float(res.fun), [float(t) for t in res.x]
    seconds = time.perf_counter() - t0
    params = None
    if best_theta is not None:
        params = {"E": math.exp(best_theta[2 * k])}
        for i, v in enumerate(variables):
            params[f"A_{v}"] = math.exp(best_theta[2 * i])
            params[f"alpha_{v}"] = best_theta[2 * i + 1]
    out = {
        "implementation": f"scipy {scipy.__version__} L-BFGS-B, finite-difference gradients, numpy {np.__version__}",
        "subset": args.subset,
        "points": int(ln_loss.shape[0]),
        "variables": variables,
        "grid": grid,
        "every": args.every,
        "starts": starts,
        "seconds": seconds,
        "secondsFullGridEstimate": seconds * grid / starts,
        "objectiveEvaluations": nfev,
        "converged": converged,
        "objective": best if best_theta is not None else None,
        "theta": best_theta,
        "params": params,
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
