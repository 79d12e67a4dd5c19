#!/usr/bin/env python3
"""Integrated Gradients with PyTorch autograd, for bench/explain_vs_torch.sh: the model's
ONNX export evaluated op by op in float64 (tests/e2e/explain_ref.py's interpreter), IG in the
raw columns from the background's raw mean, midpoint rule with STEPS points, CHUNK rows'
paths in one batch. Writes row,attr_<column>...,gap and prints one line:
rows= steps= threads= ig_s= (wall) cpu_s= max_gap= median_gap=

usage: peer_torch_ig.py MODEL.onnx DATA.csv BACKGROUND.csv STEPS THREADS OUT.csv [CHUNK]"""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import explain_ref  # noqa: E402  (the ONNX interpreter)

import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402


def main():
    onnx_path, data, bg_path, steps, threads, out = sys.argv[1:7]
    steps, threads = int(steps), int(threads)
    chunk = int(sys.argv[7]) if len(sys.argv) > 7 else max(1, 65536 // steps)
    torch.set_num_threads(threads)
    g = onnx.load(onnx_path).graph
    consts = {}
    for t in g.initializer:
        a = numpy_helper.to_array(t)
        consts[t.name] = torch.tensor(a.astype(np.float64) if a.dtype.kind == "f" else a)
    names = [i.name for i in g.input]

    def f(X):
        feeds = {n: X[:, k:k + 1] for k, n in enumerate(names)}
        return explain_ref.run_graph(g, consts, feeds)[:, 0]

    X = explain_ref.read(data, names)
    X = X[~np.isnan(X).any(axis=1)]
    rows = np.arange(len(X))
    bg = explain_ref.read(bg_path, names)
    bg = bg[~np.isnan(bg).any(axis=1)]
    x0 = torch.tensor(bg.mean(axis=0))
    alphas = (torch.arange(steps, dtype=torch.float64) + 0.5) / steps
    t0, c0 = time.perf_counter(), time.process_time()
    attr = np.zeros_like(X)
    gaps = np.zeros(len(X))
    with torch.no_grad():
        f0 = f(x0[None, :])[0].item()
    for s in range(0, len(X), chunk):
        xs = torch.tensor(X[s:s + chunk])
        n = xs.shape[0]
        P = x0[None, None, :] + alphas[None, :, None] * (xs - x0)[:, None, :]
        P = P.reshape(n * steps, -1)
        P.requires_grad_(True)
        f(P).sum().backward()
        grad = P.grad.reshape(n, steps, -1).mean(dim=1)
        a = ((xs - x0) * grad).numpy()
        with torch.no_grad():
            fx = f(xs).numpy()
        attr[s:s + n] = a
        gaps[s:s + n] = np.abs(a.sum(axis=1) - (fx - f0))
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    with open(out, "w") as fh:
        fh.write("row," + ",".join("attr_" + n for n in names) + ",gap\n")
        for r, a, gp in zip(rows, attr, gaps):
            fh.write(f"{r},{','.join(repr(float(v)) for v in a)},{gp!r}\n")
    print(f"rows={len(X)} steps={steps} threads={threads} ig_s={elapsed:.3f} cpu_s={cpu:.3f} "
          f"max_gap={gaps.max():.3g} median_gap={np.median(gaps):.3g}")


if __name__ == "__main__":
    main()
