#!/usr/bin/python3
"""Write the benchmark's table: a binary-classification CSV with unscaled
numeric columns and a few missing cells.

usage: gen_data.py OUT.csv ROWS FEATURES SEED

    bench/gen_data.py /tmp/modelcert-bench/bench100k.csv 100000 32 7

The columns are f0 .. f{FEATURES-1}, then `label` (0 or 1). The same
arguments give the same file with the same NumPy and scikit-learn versions
(Debian 12: python3-numpy, python3-sklearn).

How the table is made:

1. scikit-learn's make_classification draws the points and the labels: half
   of the features informative, an eighth of them linear combinations of the
   informative ones, the rest noise; classes separated by 1.0; 2% of the
   labels flipped at random.
2. Each column is then multiplied by its own factor in [0.5, 50) and moved by
   its own offset in [-10, 10), so that the scaling steps of the pipeline
   have something to do.
3. About 0.2% of the feature cells are left empty, so that `dropna` removes
   some rows.

Values are written as float32 (what the models train on) in Python's
shortest round-trip form.
"""
import sys


def main(argv):
    if len(argv) != 5:
        sys.exit("usage: gen_data.py OUT.csv ROWS FEATURES SEED")
    out, rows, features, seed = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    if rows < 1 or features < 2:
        sys.exit("gen_data.py: need at least 1 row and 2 features")

    try:
        import numpy as np
        from sklearn.datasets import make_classification
    except ImportError as e:
        sys.exit(f"gen_data.py: {e.name} is missing for {sys.executable}; "
                 "apt-get install -y python3-numpy python3-sklearn")

    # Step 1: the points and their classes.
    x, y = make_classification(
        n_samples=rows,
        n_features=features,
        n_informative=max(2, features // 2),
        n_redundant=features // 8,
        flip_y=0.02,
        class_sep=1.0,
        random_state=seed,
    )

    # Step 2: a scale and an offset per column. A second generator, seeded
    # the same way, draws the scales, then the offsets, then the missing
    # cells, in that order (the order fixes the file's bytes).
    rng = np.random.default_rng(seed)
    scale = rng.uniform(0.5, 50, features)
    offset = rng.uniform(-10, 10, features)
    x = x * scale + offset

    # Step 3: the missing cells.
    missing = rng.random(x.shape) < 0.002

    cells = x.astype(np.float32).astype(str)
    cells[missing] = ""

    with open(out, "w") as f:
        f.write(",".join([f"f{j}" for j in range(features)] + ["label"]) + "\n")
        for row, label in zip(cells, y):
            f.write(",".join(row))
            f.write(f",{label}\n")


if __name__ == "__main__":
    main(sys.argv)
