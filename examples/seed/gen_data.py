#!/usr/bin/env python3
"""Synthetic data for the seed example: a binary-classification table.

usage: python3 gen_data.py OUT.csv ROWS SEED
       python3 gen_data.py data.csv 3000 42     # regenerates the committed data.csv

Standard library only. The output depends only on ROWS and SEED: every number
comes from random.Random(SEED).random() (the Mersenne Twister, stable across
Python 3 versions) and is combined with + - * / only, which IEEE 754 makes
exact-to-the-bit on every platform (no log, exp or cos from the C library),
then printed with '%.6g' (Python's own correctly rounded formatting).

Columns:
  f01..f12  numeric features with very different scales and offsets, so
            scaling matters; about 0.3% of these cells are empty (for dropna)
  segment   categorical (consumer, business, public); not a model feature
            (the spec drops it) but a metrics slice
  label     0/1; a noisy, mostly linear combination of the features, so a
            linear model gets about 0.9 accuracy and nothing gets 1.0
"""
import sys

import random

# (scale, offset) per feature: raw = offset + scale * z, z roughly N(0, 1).
FEATURES = [
    (0.004, 0.02),
    (1.5, 10.0),
    (250.0, 5000.0),
    (35000.0, 120000.0),
    (0.8, -3.0),
    (12.0, 60.0),
    (0.05, 1.0),
    (3000.0, -1500.0),
    (7.0, 0.0),
    (0.3, 100.0),
    (90.0, 400.0),
    (0.0025, -0.01),
]
# Weight of each latent z in the label's score; four features carry no signal.
WEIGHTS = [1.2, -0.9, 0.0, 0.8, 0.6, 0.0, -1.0, 0.5, 0.0, 0.7, 0.0, -0.4]
SEGMENTS = [("consumer", 0.5), ("business", 0.3), ("public", 0.2)]
MISSING = 0.003


def normal(rng):
    """Approximately N(0, 1): the Irwin-Hall sum of 12 uniforms, minus 6."""
    s = 0.0
    for _ in range(12):
        s += rng.random()
    return s - 6.0


def pick(rng, choices):
    u = rng.random()
    acc = 0.0
    for name, p in choices:
        acc += p
        if u < acc:
            return name
    return choices[-1][0]


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    out, rows, seed = argv[1], int(argv[2]), int(argv[3])
    rng = random.Random(seed)
    d = len(FEATURES)
    lines = [",".join(["f%02d" % (j + 1) for j in range(d)] + ["segment", "label"])]
    for _ in range(rows):
        seg = pick(rng, SEGMENTS)
        z = [normal(rng) for _ in range(d)]
        z[4] = 0.7 * z[3] + 0.7 * z[4]           # correlated features
        z[9] = 0.6 * z[0] + 0.8 * z[9]
        if seg == "business":                     # segments differ in their feature mix
            z[1] += 0.5
        elif seg == "public":
            z[7] -= 0.5
        score = sum(w * x for w, x in zip(WEIGHTS, z))
        score += 0.5 * z[0] * z[1] - 0.4 * (z[6] * z[6] - 1.0)   # a little non-linearity
        label = 1 if score + 0.75 * normal(rng) > 0.4 else 0
        cells = []
        for (scale, offset), x in zip(FEATURES, z):
            cells.append("" if rng.random() < MISSING else "%.6g" % (offset + scale * x))
        lines.append(",".join(cells + [seg, str(label)]))
    with open(out, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv)
