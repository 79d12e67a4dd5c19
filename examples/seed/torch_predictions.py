#!/usr/bin/python3
"""The seed example's model trained with PyTorch instead of modelcert, and its
test predictions written as PREDS.csv for `modelcert validate --predictions`
(docs/predictions.md): the gate judges a model trained elsewhere on the rows
and with the thresholds of modelcert.yaml.

usage: torch_predictions.py DATA.csv PREDS.csv

It follows modelcert.yaml: drop `segment`, drop rows with a missing cell, the
first rows train and the last ceil(0.2 * n) test (no shuffle), column L2 norm
then z-score fitted on the training rows, Dense 128 relu, 64 relu, 1 sigmoid,
Adam (Keras defaults), binary cross-entropy, 10 epochs of batch 32. Fixed
seeds, one thread and deterministic algorithms: the same file every time on
one machine (a different torch version or CPU may change the last digits).

PREDS.csv: row (the 1-based data row of DATA.csv), prediction (the class),
p_1 (the probability of the positive class, label 1).
"""
import csv
import math
import sys

MISSING = {"", "NA", "NaN", "null"}  # data.missing_values (the default)
FEATURES = [f"f{i:02d}" for i in range(1, 13)]


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: torch_predictions.py DATA.csv PREDS.csv")
    try:
        import numpy as np
        import torch
    except ImportError as e:
        sys.exit(f"torch_predictions.py: {e.name} is missing for {sys.executable}; "
                 "apt-get install -y python3-torch")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    with open(argv[1], newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        cols = [header.index(c) for c in FEATURES]
        target = header.index("label")
        rows, x, y = [], [], []
        data_row = 0
        for rec in reader:
            if not rec:  # a blank line is no data row
                continue
            data_row += 1
            cells = [rec[c] for c in cols] + [rec[target]]
            if any(c in MISSING for c in cells):  # dropna (segment is dropped before it)
                continue
            rows.append(data_row)
            x.append([float(c) for c in cells[:-1]])
            y.append(float(cells[-1]))
    x, y = np.array(x, dtype=np.float64), np.array(y, dtype=np.float32)
    n_test = math.ceil(0.2 * len(x) - 1e-9)
    n_train = len(x) - n_test

    # Statistics from the training rows only, as modelcert fits them.
    x = x / np.linalg.norm(x[:n_train], axis=0)
    mean, std = x[:n_train].mean(axis=0), x[:n_train].std(axis=0)
    x = ((x - mean) / std).astype(np.float32)
    x_train, y_train = torch.from_numpy(x[:n_train]), torch.from_numpy(y[:n_train])
    x_test = torch.from_numpy(x[n_train:])

    def dense(n_in, n_out):
        layer = torch.nn.Linear(n_in, n_out)
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
        return layer

    model = torch.nn.Sequential(dense(12, 128), torch.nn.ReLU(), dense(128, 64), torch.nn.ReLU(),
                                dense(64, 1), torch.nn.Sigmoid())
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

    with torch.no_grad():
        prob = model(x_test).squeeze(1).numpy()
    with open(argv[2], "w", newline="") as f:
        f.write("row,prediction,p_1\n")
        for r, p in zip(rows[n_train:], prob):
            f.write(f"{r},{1 if p > 0.5 else 0},{float(p):.9g}\n")


if __name__ == "__main__":
    main(sys.argv)
