#!/usr/bin/python3
"""The benchmark's pipeline written with pandas, NumPy and PyTorch (CPU), the
way a user would write it without modelcert.

usage: peer_torch.py DATA.csv EPOCHS THREADS

Pipeline (the same as bench/engine_vs_peers.sh asks of modelcert):
  - read the CSV, drop every row with a missing cell, `label` is the target;
  - divide each column by its L2 norm, then z-score each column;
  - the first 80% of the rows train, the last 20% test (no shuffle);
  - Dense 128 relu, Dense 64 relu, Dense 1 sigmoid (Glorot-uniform weights,
    zero biases, as Keras initialises them);
  - Adam with Keras's defaults (lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7),
    binary cross-entropy, EPOCHS epochs of batch 32, reshuffled every epoch.

As such scripts usually do, the norms, means and standard deviations are
computed over all rows, test rows included; modelcert fits them on the
training rows only (bench/README.md discusses the accuracy difference).

Prints one line:  rows=N load_s=S train_s=S total_s=S test_acc=A
(load_s is reading and preprocessing; total_s is everything up to the end of
the evaluation.)
"""
import sys
import time

BATCH = 32


def main(argv):
    if len(argv) != 4:
        sys.exit("usage: peer_torch.py DATA.csv EPOCHS THREADS")
    path, epochs, threads = argv[1], int(argv[2]), int(argv[3])

    try:
        import numpy as np
        import pandas as pd
        import torch
    except ImportError as e:
        sys.exit(f"peer_torch.py: {e.name} is missing for {sys.executable}; "
                 "apt-get install -y python3-torch python3-pandas")

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    np.random.seed(0)

    t_start = time.perf_counter()

    # Load and preprocess (float64, as pandas reads it; float32 for training).
    frame = pd.read_csv(path).dropna()
    labels = frame.pop("label").to_numpy(np.float32)
    x = frame.to_numpy(np.float64)
    x = x / np.linalg.norm(x, axis=0)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    x = x.astype(np.float32)

    n_train = int(len(x) * 0.8)
    x_train = torch.from_numpy(x[:n_train])
    y_train = torch.from_numpy(labels[:n_train])
    x_test = torch.from_numpy(x[n_train:])
    y_test = torch.from_numpy(labels[n_train:])

    t_loaded = time.perf_counter()

    # The model.
    def dense(n_in, n_out):
        layer = torch.nn.Linear(n_in, n_out)
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
        return layer

    model = torch.nn.Sequential(
        dense(x.shape[1], 128), torch.nn.ReLU(),
        dense(128, 64), torch.nn.ReLU(),
        dense(64, 1), torch.nn.Sigmoid(),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    # Training: mini-batches in a fresh random order every epoch. The
    # probabilities are clipped to [1e-7, 1 - 1e-7] before the loss, as Keras
    # does.
    for _ in range(epochs):
        order = torch.randperm(n_train)
        for start in range(0, n_train, BATCH):
            batch = order[start:start + BATCH]
            prob = model(x_train[batch]).squeeze(1).clamp(1e-7, 1 - 1e-7)
            loss = torch.nn.functional.binary_cross_entropy(prob, y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    t_trained = time.perf_counter()

    # Evaluation: accuracy at the 0.5 threshold on the test rows.
    with torch.no_grad():
        predicted = (model(x_test).squeeze(1) > 0.5).float()
        accuracy = (predicted == y_test).float().mean().item()

    t_end = time.perf_counter()
    print(f"rows={len(x)} load_s={t_loaded - t_start:.3f} train_s={t_trained - t_loaded:.3f} "
          f"total_s={t_end - t_start:.3f} test_acc={accuracy:.4f}")


if __name__ == "__main__":
    main(sys.argv)
