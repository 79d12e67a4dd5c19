#!/usr/bin/python3
"""The benchmark's pipeline written with pandas, NumPy and scikit-learn's
MLPClassifier, the way a user would write it without modelcert.

usage: peer_sklearn.py DATA.csv EPOCHS

Pipeline (the same as bench/engine_vs_peers.sh asks of modelcert):
  - read the CSV, drop every row with a missing cell, `label` is the target;
  - divide each column by its L2 norm, then z-score each column;
  - the first 80% of the rows train, the last 20% test (no shuffle);
  - hidden layers of 128 and 64 relu units and a logistic output (binary
    cross-entropy), which is what MLPClassifier builds for two classes;
  - Adam (lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7 as in Keras), EPOCHS
    epochs of batch 32, reshuffled every epoch, no early stopping.

MLPClassifier adds an L2 penalty of 1e-4 by default and initialises its
weights its own way (Glorot uniform with its own bound); both are left as a
user would leave them.

As such scripts usually do, the norms, means and standard deviations are
computed over all rows, test rows included; modelcert fits them on the
training rows only.

Prints one line:  rows=N load_s=S train_s=S total_s=S test_acc=A
"""
import sys
import time
import warnings


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: peer_sklearn.py DATA.csv EPOCHS")
    path, epochs = argv[1], int(argv[2])

    try:
        import numpy as np
        import pandas as pd
        from sklearn.neural_network import MLPClassifier
    except ImportError as e:
        sys.exit(f"peer_sklearn.py: {e.name} is missing for {sys.executable}; "
                 "apt-get install -y python3-sklearn python3-pandas")

    # max_iter is the number of epochs; scikit-learn warns that it did not
    # converge, which is expected here.
    warnings.filterwarnings("ignore")

    t_start = time.perf_counter()

    # Load and preprocess (float64 throughout: MLPClassifier trains in float64).
    frame = pd.read_csv(path).dropna()
    labels = frame.pop("label").to_numpy()
    x = frame.to_numpy(np.float64)
    x = x / np.linalg.norm(x, axis=0)
    x = (x - x.mean(axis=0)) / x.std(axis=0)

    n_train = int(len(x) * 0.8)

    t_loaded = time.perf_counter()

    # Training: exactly EPOCHS passes (tol 0 and an unreachable
    # n_iter_no_change turn the convergence test off).
    model = MLPClassifier(
        hidden_layer_sizes=(128, 64),
        activation="relu",
        solver="adam",
        learning_rate_init=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        batch_size=32,
        max_iter=epochs,
        shuffle=True,
        tol=0,
        n_iter_no_change=10**9,
        random_state=0,
    )
    model.fit(x[:n_train], labels[:n_train])

    t_trained = time.perf_counter()

    # Evaluation: accuracy on the test rows (predict thresholds at 0.5).
    accuracy = (model.predict(x[n_train:]) == labels[n_train:]).mean()

    t_end = time.perf_counter()
    print(f"rows={len(x)} load_s={t_loaded - t_start:.3f} train_s={t_trained - t_loaded:.3f} "
          f"total_s={t_end - t_start:.3f} test_acc={accuracy:.4f}")


if __name__ == "__main__":
    main(sys.argv)
