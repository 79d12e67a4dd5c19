#!/usr/bin/env python3
"""Synthetic data for the DP example: a small, noisy binary-classification table
that an unconstrained network memorises, so that membership inference has
something to find.

usage: python3 gen_data.py OUT.csv ROWS SEED
       python3 gen_data.py data.csv 1000 11     # regenerates the committed data.csv

Standard library only. Every number comes from random.Random(SEED).random()
combined with + - * / only (exact in IEEE 754 on every platform), printed with
'%.6g'; the output depends only on ROWS and SEED.

Columns:
  x01..x16  numeric features, each the sum of four uniforms, centred (about
            N(0, 1/3))
  label     0/1: the sign of a fixed linear score of x01..x06 plus noise, then
            flipped for 20% of the rows. The flips are what a model can only
            learn by memorising its training rows.
"""
import random
import sys

N_FEATURES = 16
WEIGHTS = [1.0, -0.8, 0.6, 0.5, -0.4, 0.3]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    out, rows, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    with open(out, "w", newline="") as f:
        f.write(",".join("x%02d" % (i + 1) for i in range(N_FEATURES)) + ",label\n")
        for _ in range(rows):
            x = [rng.random() + rng.random() + rng.random() + rng.random() - 2.0
                 for _ in range(N_FEATURES)]
            score = sum(w * v for w, v in zip(WEIGHTS, x)) + 0.3 * (rng.random() - 0.5)
            label = 1 if score > 0 else 0
            if rng.random() < 0.2:
                label = 1 - label
            f.write(",".join("%.6g" % v for v in x) + ",%d\n" % label)


if __name__ == "__main__":
    main()
