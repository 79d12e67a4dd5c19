"""Robustness figures re-computed with code modelcert did not write, from modelcert's ONNX
export (explain_ref.py's interpreter: python3-onnx reads the graph, which PyTorch evaluates op
by op in float64, preprocessing included), compared with metrics.json's "robustness":

  fgsm, pgd  the perturbation by PyTorch autograd in the raw columns: each numeric cell moved
             by eps * sd in the sign of the gradient of the row's loss (cross-entropy: away
             from the true class; its sign is that of -p for class 1, +p for class 0), sd the
             column's population standard deviation on the training rows (NumPy); PGD: STEPS
             steps of 2.5 eps / STEPS, clipped to the eps ball; accuracy at threshold 0.5
             must equal metrics.json's within TOL;
  missing    NumPy's own uniform draws: cells of the input columns made missing at the rate,
             the rows with one refused (the model's dropna), the accuracy on the others and
             the number refused within 4 standard deviations of DRAWS draws;
  noise      NumPy's own Gaussian draws (other draws than modelcert's): the accuracy of DRAWS
             independent draws per strength; modelcert's single draw must lie within 4
             standard deviations of their mean.

usage: robust_ref.py MODEL.onnx TEST.csv TRAIN.csv TARGET METRICS.json TOL [DRAWS]
Prints one line per figure; exits 1 when one disagrees."""
import csv
import json
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import explain_ref

torch.set_default_dtype(torch.float64)


def main():
    onnx_path, test, train, target, metrics, tol = sys.argv[1:7]
    tol = float(tol)
    draws = int(sys.argv[7]) if len(sys.argv) > 7 else 200
    g = onnx.load(onnx_path).graph
    consts = {}
    for t in g.initializer:
        a = numpy_helper.to_array(t)
        consts[t.name] = torch.tensor(a.astype(np.float64) if a.dtype.kind == "f" else a)
    names = [i.name for i in g.input]

    def f(X):
        feeds = {n: X[:, k:k + 1] for k, n in enumerate(names)}
        return explain_ref.run_graph(g, consts, feeds)[:, 0]

    X = explain_ref.read(test, names)
    with open(test, newline="") as fh:
        y = np.array([float(r[target]) for r in csv.DictReader(fh)])
    sd = np.nanstd(explain_ref.read(train, names), axis=0)
    rob = json.load(open(metrics))["robustness"]
    sign = torch.tensor(np.where(y == 1, -1.0, 1.0))

    def accuracy(Xp):
        with torch.no_grad():
            p = f(torch.tensor(Xp)).numpy()
        return float(np.mean((p > 0.5).astype(float) == y))

    def grad_sign(Xp):
        t = torch.tensor(Xp, requires_grad=True)
        (sign * f(t)).sum().backward()
        return np.sign(t.grad.numpy())

    bad = 0
    base = accuracy(X)
    print(f"unperturbed: reference {base:.6f}, modelcert {rob['baseline']:.6f}")
    bad += abs(base - rob["baseline"]) > tol
    steps = rob["pgd_steps"]
    for kind in ("fgsm", "pgd"):
        for point in rob[kind]:
            eps = point["strength"]
            n, alpha = (1, eps) if kind == "fgsm" else (steps, 2.5 * eps / steps)
            Xa = X.copy()
            for _ in range(n):
                Xa = np.clip(Xa + alpha * sd * grad_sign(Xa), X - eps * sd, X + eps * sd)
            ref = accuracy(Xa)
            d = abs(ref - point["value"])
            print(f"{kind} {eps:g}: reference accuracy {ref:.6f}, modelcert {point['value']:.6f}, "
                  f"difference {d:.3g}")
            bad += d > tol
    rng = np.random.default_rng(12345)
    for point in rob["noise"]:
        s = point["strength"]
        accs = np.array([accuracy(X + s * sd * rng.standard_normal(X.shape)) for _ in range(draws)])
        z = abs(point["value"] - accs.mean()) / max(accs.std(), 1.0 / len(y))
        print(f"noise {s:g}: reference mean accuracy {accs.mean():.6f} (sd {accs.std():.4f} over "
              f"{draws} draws), modelcert {point['value']:.6f}, {z:.2f} sd away")
        bad += z > 4
    with torch.no_grad():
        right = (f(torch.tensor(X)).numpy() > 0.5).astype(float) == y
    for point in rob.get("missing", []):
        rate = point["strength"]
        accs, refused = [], []
        for _ in range(draws):
            kept = ~(rng.random(X.shape) < rate).any(axis=1)  # the model's dropna refuses the rest
            accs.append(right[kept].mean())
            refused.append(int((~kept).sum()))
        accs, refused = np.array(accs), np.array(refused)
        z = abs(point["value"] - accs.mean()) / max(accs.std(), 1.0 / len(y))
        zr = abs(point["refused"] - refused.mean()) / max(refused.std(), 1.0)
        print(f"missing {rate:g}: reference mean accuracy {accs.mean():.6f} (sd {accs.std():.4f}), "
              f"modelcert {point['value']:.6f}, {z:.2f} sd away; refused rows: reference mean "
              f"{refused.mean():.1f}, modelcert {point['refused']}, {zr:.2f} sd away")
        bad += z > 4 or zr > 4
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
