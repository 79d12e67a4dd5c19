"""Attributions computed with code modelcert did not write, from modelcert's ONNX export
(python3-onnx reads the graph, numpy_helper its constants; the graph, preprocessing
included, is evaluated op by op with PyTorch in float64), compared with `modelcert explain`'s
CSV on every row:

  ig       Integrated Gradients in the raw columns, PyTorch autograd through the whole graph
           (preprocessing and network), midpoint rule with N points, from the background's
           raw mean (an affine per-column pipeline maps it to the mean features);
  ig-exact the same integral without the midpoint rule's error, so every row can be checked
           fast: the path is cut where a Relu's input changes sign (found on a grid of N
           points, N 512 by default, then by regula falsi in float64 to rounding), and each
           smooth piece integrated by 20-point Gauss-Legendre (NumPy's nodes) of PyTorch
           autograd's gradients;
  shapley  exact interventional Shapley values by brute force over all 2^M coalitions of the
           raw columns in NumPy, every background row (the graph evaluates the mixed rows).

usage: explain_ref.py MODEL.onnx DATA.csv BACKGROUND.csv EXPLAIN.csv ig|ig-exact|shapley TOL [N]
Prints the largest difference; exits 1 when a row differs by more than TOL."""
import csv
import itertools
import math
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)  # the test machine is shared: one thread is faster than contention


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def run_graph(g, consts, feeds, trace=None):
    """Evaluates the graph; with a list `trace`, each Relu's input is appended to it."""
    env = dict(consts)
    env.update(feeds)
    for n in g.node:
        a = attrs(n)
        x = [env[i] if i else None for i in n.input]
        op = n.op_type
        if op == "IsNaN":
            y = torch.isnan(x[0])
        elif op == "IsInf":
            y = torch.isinf(x[0])
        elif op in ("Or", "Add", "Sub", "Mul", "Div", "Greater", "Equal"):
            f = {"Or": torch.logical_or, "Add": torch.add, "Sub": torch.sub, "Mul": torch.mul,
                 "Div": torch.div, "Greater": torch.gt, "Equal": torch.eq}[op]
            y = f(x[0], x[1])
        elif op == "Not":
            y = torch.logical_not(x[0])
        elif op == "Where":
            y = torch.where(x[0], x[1], x[2])
        elif op == "Cast":
            # to float32 (the network's inputs, as modelcert rounds its features), back to
            # float64 for the network: the float32 weights, evaluated in double
            y = x[0].to(torch.float32).to(torch.float64) if a["to"] == 1 else (
                x[0].to(torch.float64) if a["to"] == 11 else x[0].to(torch.bool))
        elif op == "Identity":
            y = x[0]
        elif op == "Sqrt":
            y = torch.sqrt(x[0])
        elif op == "Concat":
            y = torch.cat(x, dim=a["axis"])
        elif op == "ReduceMax":
            y = torch.amax(x[0], dim=tuple(a["axes"]), keepdim=bool(a.get("keepdims", 1)))
        elif op == "Gemm":
            A = x[0].T if a.get("transA", 0) else x[0]
            B = x[1].T if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(x) > 2 and x[2] is not None:
                y = y + a.get("beta", 1.0) * x[2]
        elif op == "Relu":
            if trace is not None:
                trace.append(x[0])
            y = torch.relu(x[0])
        elif op == "LeakyRelu":
            y = torch.nn.functional.leaky_relu(x[0], a.get("alpha", 0.01))
        elif op == "Sigmoid":
            y = torch.sigmoid(x[0])
        elif op == "Tanh":
            y = torch.tanh(x[0])
        elif op == "Softmax":
            y = torch.softmax(x[0], dim=a.get("axis", -1))
        else:
            raise SystemExit(f"explain_ref.py: op {op} is not supported")
        env[n.output[0]] = y
    return env[g.output[0].name]


def ig_exact(f, relu_inputs, x0, X, grid, nodes=20, chunk=32):
    """Integrated Gradients from x0 to each row of X [n][M], the path cut at every sign change
    of a Relu's input (relu_inputs(P) -> [len(P)][units]) and each piece integrated by
    Gauss-Legendre."""
    gx, gw = np.polynomial.legendre.leggauss(nodes)
    T = torch.linspace(0.0, 1.0, grid + 1)
    x0 = torch.tensor(x0)
    D = torch.tensor(X) - x0
    n, M = D.shape
    bs, ks, us = [], [], []
    for c0 in range(0, n, chunk):  # the grid: where each unit's sign changes
        Dc = D[c0:c0 + chunk]
        with torch.no_grad():
            S = relu_inputs((x0 + T[None, :, None] * Dc[:, None, :]).reshape(-1, M)) > 0
        S = S.reshape(len(Dc), grid + 1, -1)
        b, k, u = torch.nonzero(S[:, 1:, :] != S[:, :-1, :], as_tuple=True)
        bs.append(b + c0), ks.append(k), us.append(u)
    b, k, u = (torch.cat(v) for v in (bs, ks, us))
    lo, hi = T[k].clone(), T[k + 1].clone()
    at = torch.arange(len(b))

    def pre(t):  # each change's unit's input at t along its row's path
        with torch.no_grad():
            return relu_inputs(x0 + t[:, None] * D[b])[at, u]
    # every change at once, by regula falsi with the Illinois rule: the input is linear in t
    # between kinks, so a few steps reach it to rounding
    p_lo, p_hi = pre(lo), pre(hi)
    side = torch.zeros(len(b), dtype=torch.int8)
    for _ in range(12):
        t = lo + (hi - lo) * p_lo / (p_lo - p_hi)
        t = torch.where(torch.isfinite(t) & (t > lo) & (t < hi), t, (lo + hi) / 2)
        p = pre(t)
        left = (p > 0) == (p_lo > 0)  # t is on lo's side
        lo, p_lo = torch.where(left, t, lo), torch.where(left, p, p_lo)
        hi, p_hi = torch.where(left, hi, t), torch.where(left, p_hi, p)
        p_hi = torch.where(left & (side == 1), p_hi / 2, p_hi)  # Illinois: halve the stale end
        p_lo = torch.where(~left & (side == -1), p_lo / 2, p_lo)
        side = torch.where(left, torch.ones_like(side), -torch.ones_like(side))
    out = np.zeros(X.shape)
    for c0 in range(0, n, chunk):
        ts, ws, rows = [], [], []
        for r in range(c0, min(n, c0 + chunk)):
            cuts = np.unique(np.concatenate([[0.0, 1.0], hi[b == r].numpy()]))
            for a, z in zip(cuts[:-1], cuts[1:]):
                if z > a:
                    ts.append((a + z) / 2 + (z - a) / 2 * gx)
                    ws.append((z - a) / 2 * gw)
                    rows.append(np.full(nodes, r))
        ts, ws, rows = (np.concatenate(v) for v in (ts, ws, rows))
        P = (x0 + torch.tensor(ts)[:, None] * D[torch.tensor(rows)]).requires_grad_(True)
        f(P).sum().backward()
        G = P.grad.numpy() * ws[:, None]
        for r in range(c0, min(n, c0 + chunk)):
            out[r] = D[r].numpy() * G[rows == r].sum(axis=0)
    return out


def read(path, names):
    with open(path, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        idx = [head.index(n) for n in names]
        rows = [[float(row[i]) if row[i] != "" else math.nan for i in idx] for row in r if row]
    return np.array(rows)


def main():
    onnx_path, data, bg_path, expl, method, tol = sys.argv[1:7]
    tol = float(tol)
    N = int(sys.argv[7]) if len(sys.argv) > 7 else 20000
    m = onnx.load(onnx_path)
    g = m.graph
    consts = {t.name: torch.tensor(numpy_helper.to_array(t).astype(np.float64)
                                   if numpy_helper.to_array(t).dtype.kind == "f"
                                   else numpy_helper.to_array(t))
              for t in g.initializer}
    names = [i.name for i in g.input]

    def f(X):  # X [n][M] raw, float64 -> the explained output [n]
        feeds = {nm: X[:, k:k + 1] for k, nm in enumerate(names)}
        out = run_graph(g, consts, feeds)
        return out[:, 0] if out.shape[1] == 1 else out

    X = read(data, names)
    bg = read(bg_path, names)
    with torch.no_grad():
        fb = f(torch.tensor(bg))
    bg = bg[np.isfinite(fb.numpy())]  # the rows the model's dropna removes
    with open(expl, newline="") as fh:
        rows = list(csv.DictReader(fh))
    if method == "ig-exact":
        def relu_inputs(P):
            trace = []
            run_graph(g, consts, {nm: P[:, k:k + 1] for k, nm in enumerate(names)}, trace)
            return torch.cat(trace, dim=1)
        idx = [int(r["row"]) - 1 for r in rows]
        exact = ig_exact(f, relu_inputs, bg.mean(axis=0), X[idx],
                         int(sys.argv[7]) if len(sys.argv) > 7 else 512)
    worst = 0.0
    for i, r in enumerate(rows):
        x = X[int(r["row"]) - 1]
        got = np.array([float(r["attr_" + nm]) for nm in names])
        if method == "ig-exact":
            want = exact[i]
        elif method == "ig":
            x0 = bg.mean(axis=0)
            alphas = (torch.arange(N) + 0.5) / N
            P = torch.tensor(x0) + alphas[:, None] * torch.tensor(x - x0)
            P.requires_grad_(True)
            f(P).sum().backward()
            want = (x - x0) * P.grad.mean(dim=0).numpy()
        else:
            M = len(names)
            v = {}
            with torch.no_grad():
                for S in itertools.product([0, 1], repeat=M):
                    mix = np.where(np.array(S, bool), x, bg)
                    v[S] = f(torch.tensor(mix)).numpy().mean()
            want = np.zeros(M)
            for S, val in v.items():
                s = sum(S)
                for i in range(M):
                    if S[i]:
                        T = S[:i] + (0,) + S[i + 1:]
                        w = math.factorial(s - 1) * math.factorial(M - s) / math.factorial(M)
                        want[i] += w * (val - v[T])
        diff = float(np.max(np.abs(got - want)))
        worst = max(worst, diff)
        if diff > tol:
            print(f"row {r['row']}: modelcert {got} reference {want} differ by {diff:.3g}")
            return 1
    print(f"{len(rows)} rows: largest difference {worst:.3g} (tolerance {tol:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
