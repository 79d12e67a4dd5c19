#!/usr/bin/python3
"""The seed example's model trained with PyTorch and exported to ONNX, with a spec that gates
it (docs/onnx.md "Gating an ONNX model"): the bring-your-own-model path of the README.

usage: torch_onnx.py DIR   (DIR holds the seed's data.csv and modelcert.yaml)

Trains as torch_predictions.py does (drop `segment`, drop rows with a missing cell, the first
80% of rows train, column L2 norm then z-score fitted on the training rows, Dense 128 relu,
64 relu, 1 sigmoid, Adam, binary cross-entropy, 10 epochs of batch 32), with the scaling
folded into the exported graph so that it takes the raw f01..f12 as one [N, 12] tensor.
Writes DIR/torch_model.onnx (torch.onnx.export, opset 17) and DIR/torch.yaml: the seed's spec
with model: (source, sha256, task, inputs) in place of architecture, training and
reproducibility, and without the fitted steps (the graph scales its inputs itself).
"""
import csv
import hashlib
import math
import os
import sys

MISSING = {"", "NA", "NaN", "null"}
FEATURES = [f"f{i:02d}" for i in range(1, 13)]


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: torch_onnx.py DIR")
    try:
        import numpy as np
        import torch
    except ImportError as e:
        sys.exit(f"torch_onnx.py: {e.name} is missing for {sys.executable}; "
                 "apt-get install -y python3-torch")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    d = argv[1]
    with open(os.path.join(d, "data.csv"), newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        cols = [header.index(c) for c in FEATURES]
        target = header.index("label")
        x, y = [], []
        for rec in reader:
            cells = [rec[c] for c in cols] + [rec[target]] if rec else None
            if cells and not any(c in MISSING for c in cells):
                x.append([float(c) for c in cells[:-1]])
                y.append(float(cells[-1]))
    x, y = np.array(x, dtype=np.float64), np.array(y, dtype=np.float32)
    n_train = len(x) - math.ceil(0.2 * len(x) - 1e-9)
    norm = np.linalg.norm(x[:n_train], axis=0)
    mean, std = (x[:n_train] / norm).mean(axis=0), (x[:n_train] / norm).std(axis=0)
    scale = torch.from_numpy((1.0 / (norm * std)).astype(np.float32))
    shift = torch.from_numpy((mean / std).astype(np.float32))

    def dense(n_in, n_out):
        layer = torch.nn.Linear(n_in, n_out)
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
        return layer

    class Scaled(torch.nn.Module):
        """The network on raw features: x * scale - shift is the L2 norm, then z-score."""

        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(dense(12, 128), torch.nn.ReLU(), dense(128, 64),
                                           torch.nn.ReLU(), dense(64, 1), torch.nn.Sigmoid())

        def forward(self, raw):
            return self.net(raw * scale - shift)

    model = Scaled()
    x_train = torch.from_numpy(x[:n_train].astype(np.float32))
    y_train = torch.from_numpy(y[:n_train])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    gen = torch.Generator().manual_seed(42)
    for _ in range(10):
        order = torch.randperm(n_train, generator=gen)
        for i in range(0, n_train, 32):
            idx = order[i:i + 32]
            p = model(x_train[idx]).squeeze(1).clamp(1e-7, 1 - 1e-7)
            loss = torch.nn.functional.binary_cross_entropy(p, y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    path = os.path.join(d, "torch_model.onnx")
    torch.onnx.export(model, (torch.zeros(2, 12),), path, input_names=["x"],
                      output_names=["p"], dynamic_axes={"x": {0: "N"}, "p": {0: "N"}},
                      opset_version=17)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()

    out, skip = [], False
    with open(os.path.join(d, "modelcert.yaml")) as f:
        for line in f:
            if line[:1] not in (" ", "#", "\n", "-"):
                skip = line.startswith(("architecture:", "training:", "reproducibility:"))
                if line.startswith("architecture:"):
                    out.append("model:                                # trained by PyTorch\n"
                               "  source: torch_model.onnx\n"
                               f"  sha256: {digest}\n"
                               "  task: binary\n"
                               f"  inputs: [{', '.join(FEATURES)}]\n\n")
            if line.lstrip().startswith(("- type: l2_normalize", "- standardize", "axis:")):
                continue  # the graph scales its raw inputs itself
            if not skip:
                out.append(line)
    with open(os.path.join(d, "torch.yaml"), "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main(sys.argv)
