#!/usr/bin/env python3
"""Synthetic data for the multiclass example: three classes, one categorical feature.

usage: python3 gen_data.py OUT.csv ROWS SEED
       python3 gen_data.py data.csv 1500 11     # regenerates the committed data.csv

Standard library only, and byte-for-byte deterministic for a given ROWS and SEED:
every number comes from random.Random(SEED).random() and is combined with
+ - * / only (no C-library log, exp or cos), then printed with '%.6g'.

Columns:
  length, width, mass, density, hue   numeric measurements on different scales
  site                                categorical (north, south, east, west); its mix
                                      differs by class, so its one-hot columns carry signal
  species                             the class: alpha, beta or gamma
"""
import sys

import random

CLASSES = [("alpha", 0.36), ("beta", 0.34), ("gamma", 0.30)]
# Class means of the latent measurements (unit noise around them); hue carries no signal.
MEANS = {
    "alpha": [-1.4, 0.9, 0.0, 0.6, 0.0],
    "beta": [1.0, -1.0, 0.9, 0.0, 0.0],
    "gamma": [0.7, 1.0, -1.3, -0.6, 0.0],
}
# (name, scale, offset): raw = offset + scale * z
MEASURES = [
    ("length", 0.8, 5.0),
    ("width", 0.4, 3.0),
    ("mass", 40.0, 150.0),
    ("density", 0.03, 1.05),
    ("hue", 60.0, 180.0),
]
SITES = {
    "alpha": [("north", 0.5), ("south", 0.2), ("east", 0.2), ("west", 0.1)],
    "beta": [("north", 0.15), ("south", 0.5), ("east", 0.15), ("west", 0.2)],
    "gamma": [("north", 0.2), ("south", 0.15), ("east", 0.3), ("west", 0.35)],
}


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
    lines = [",".join([m[0] for m in MEASURES] + ["site", "species"])]
    for _ in range(rows):
        cls = pick(rng, CLASSES)
        site = pick(rng, SITES[cls])
        z = [mu + normal(rng) for mu in MEANS[cls]]
        cells = ["%.6g" % (offset + scale * x) for (_, scale, offset), x in zip(MEASURES, z)]
        lines.append(",".join(cells + [site, cls]))
    with open(out, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv)
