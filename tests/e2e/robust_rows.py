"""Each FGSM and PGD perturbed row modelcert made (tests/e2e/robust_rows.c writes them) against
PyTorch autograd's on the same weights (modelcert's ONNX export, evaluated op by op in float64
by explain_ref.py's interpreter, preprocessing included): every numeric cell moved by
eps * sd in the sign of the gradient of the row's loss (cross-entropy: away from the true
class), sd the column's population standard deviation on the training rows (NumPy), PGD's
STEPS steps of 2.5 eps / STEPS clipped to the eps ball, as robust_ref.py. Every cell of every
row must agree within TOL.

usage: robust_rows.py MODEL.onnx DATA.csv TRAIN.csv TARGET METRICS.json ROWS_DIR TOL
Prints one line per attack and strength; exits 1 when a cell differs by more than TOL."""
import csv
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import explain_ref

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)


def main():
    onnx_path, data, train, target, metrics, rows_dir, tol = sys.argv[1:8]
    tol = float(tol)
    g = onnx.load(onnx_path).graph
    consts = {}
    for t in g.initializer:
        a = numpy_helper.to_array(t)
        consts[t.name] = torch.tensor(a.astype(np.float64) if a.dtype.kind == "f" else a)
    names = [i.name for i in g.input]

    def f(X):
        feeds = {n: X[:, k:k + 1] for k, n in enumerate(names)}
        return explain_ref.run_graph(g, consts, feeds)[:, 0]

    D = explain_ref.read(data, names)
    with open(data, newline="") as fh:
        Y = np.array([float(r[target]) for r in csv.DictReader(fh)])
    sd = np.nanstd(explain_ref.read(train, names), axis=0)
    rob = json.load(open(metrics))["robustness"]
    bad = 0
    for kind in ("fgsm", "pgd"):
        for point in rob[kind]:
            eps = point["strength"]
            path = os.path.join(rows_dir, f"{kind}-{eps:g}.csv")
            with open(path, newline="") as fh:
                got_rows = list(csv.DictReader(fh))
            idx = np.array([int(r["row"]) - 1 for r in got_rows])
            got = np.array([[float(r[n]) for n in names] for r in got_rows])
            X, y = D[idx], Y[idx]
            sign = torch.tensor(np.where(y == 1, -1.0, 1.0))
            n, alpha = (1, eps) if kind == "fgsm" else (rob["pgd_steps"], 2.5 * eps / rob["pgd_steps"])
            Xa = X.copy()
            for _ in range(n):
                t = torch.tensor(Xa, requires_grad=True)
                (sign * f(t)).sum().backward()
                Xa = np.clip(Xa + alpha * sd * np.sign(t.grad.numpy()), X - eps * sd, X + eps * sd)
            diff = np.abs(Xa - got).max(axis=1)
            print(f"{kind} {eps:g}: {len(idx)} rows, {X.shape[1]} columns each; largest "
                  f"difference {diff.max():.3g}; rows within {tol:g}: {(diff <= tol).sum()} of "
                  f"{len(idx)}")
            for i in np.nonzero(diff > tol)[0][:3]:
                print(f"  row {idx[i] + 1}: modelcert {got[i]} PyTorch {Xa[i]}")
            bad += int((diff > tol).any())
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
