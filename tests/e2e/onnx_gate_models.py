#!/usr/bin/env python3
"""Models for tests/e2e/onnx_gate.sh, trained and exported by an independent tool: Debian's
PyTorch (python3-torch) trains 2-3 layer MLPs on seeded data (binary with BatchNormalization
and Dropout, multiclass with logits out, regression) and exports them with
torch.onnx.export; PyTorch's own predictions for every data row are written beside them, so
the test judges modelcert's metrics against sklearn's on PyTorch's outputs.

usage: onnx_gate_models.py OUT_DIR

Writes OUT_DIR/data.csv (f1..f5 numeric, a categorical 'segment', the targets yb, ym, yr),
OUT_DIR/torch_{binary,multiclass,regression}.onnx and OUT_DIR/torch_*.csv (row: the 1-based
data row; p_1 / p_0..p_2 / prediction: PyTorch's float32 outputs, probabilities for classes).
"""
import os
import sys

import numpy as np
import torch
from torch import nn

OUT = sys.argv[1]
F = 5
N = 600
rng = np.random.default_rng(2525)
torch.manual_seed(2525)

x = rng.normal(0.0, 1.0, size=(N, F)).astype(np.float32)
seg = rng.choice(["east", "west", "north"], size=N)
yb = (x[:, 0] - x[:, 1] + 0.3 * rng.normal(size=N) > 0).astype(int)
ym = np.argmax(np.stack([x[:, 0], x[:, 2], -x[:, 0] - x[:, 2]], axis=1)
               + 0.3 * rng.normal(size=(N, 3)), axis=1)
yr = (2.0 * x[:, 0] - x[:, 3] + 0.5 * x[:, 4] ** 2 + 0.1 * rng.normal(size=N)).astype(np.float64)
with open(os.path.join(OUT, "data.csv"), "w") as f:
    f.write("f1,f2,f3,segment,f4,f5,yb,ym,yr\n")
    for i in range(N):
        v = [repr(float(a)) for a in x[i]]
        f.write(",".join(v[:3] + [seg[i]] + v[3:] + [str(yb[i]), str(ym[i]), repr(float(yr[i]))])
                + "\n")


def train(model, loss_fn, target, steps=300):
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    xt = torch.from_numpy(x)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(xt), target)
        loss.backward()
        opt.step()
    return model.eval()


def export(model, name, opset):
    path = os.path.join(OUT, "torch_%s.onnx" % name)
    torch.onnx.export(model, (torch.randn(4, F),), path, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "N"}, "y": {0: "N"}}, opset_version=opset)
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def write_preds(name, header, rows):
    with open(os.path.join(OUT, "torch_%s.csv" % name), "w") as f:
        f.write("row," + ",".join(header) + "\n")
        for i, r in enumerate(rows):
            f.write(str(i + 1) + "," + ",".join(repr(float(v)) for v in r) + "\n")


binary = train(nn.Sequential(nn.Linear(F, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.2),
                             nn.Linear(16, 1), nn.Sigmoid()),
               lambda o, t: nn.functional.binary_cross_entropy(o[:, 0], t),
               torch.from_numpy(yb.astype(np.float32)))
write_preds("binary", ["p_1"], export(binary, "binary", 17))

multi = train(nn.Sequential(nn.Linear(F, 16), nn.Tanh(), nn.Linear(16, 8), nn.ReLU(),
                            nn.Linear(8, 3)),  # logits: the spec says model.scores: logit
              nn.functional.cross_entropy, torch.from_numpy(ym.astype(np.int64)))
logits = export(multi, "multiclass", 13).astype(np.float64)
p = np.exp(logits - logits.max(axis=1, keepdims=True))
write_preds("multiclass", ["p_0", "p_1", "p_2"], p / p.sum(axis=1, keepdims=True))

reg = train(nn.Sequential(nn.Linear(F, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1)),
            lambda o, t: nn.functional.mse_loss(o[:, 0], t),
            torch.from_numpy(yr.astype(np.float32)), steps=400)
write_preds("regression", ["prediction"], export(reg, "regression", 11))
