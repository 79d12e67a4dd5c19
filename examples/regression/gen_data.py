#!/usr/bin/env python3
"""Synthetic data for the regression example: house prices.

usage: python3 gen_data.py OUT.csv ROWS SEED
       python3 gen_data.py data.csv 2000 5     # regenerates the committed data.csv

Standard library only, and byte-for-byte deterministic for a given ROWS and SEED:
every number comes from random.Random(SEED).random() and is combined with
+ - * / and round() only (no C-library log, exp or cos), then printed with '%.6g'.

Columns:
  sqft, bedrooms, bathrooms, lot_sqft, year_built, distance_km, garage, condition
            features; about 1% of the lot_sqft, year_built and garage cells are empty
  price_100k  the target: the sale price in units of 100,000 (so about 1 to 10),
            mostly linear in the features, falling off non-linearly with distance
            from the centre, plus noise
"""
import sys

import random

HEADER = ["sqft", "bedrooms", "bathrooms", "lot_sqft", "year_built", "distance_km", "garage",
          "condition", "price_100k"]
MAY_BE_MISSING = {"lot_sqft", "year_built", "garage"}
MISSING = 0.01


def normal(rng):
    """Approximately N(0, 1): the Irwin-Hall sum of 12 uniforms, minus 6."""
    s = 0.0
    for _ in range(12):
        s += rng.random()
    return s - 6.0


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    out, rows, seed = argv[1], int(argv[2]), int(argv[3])
    rng = random.Random(seed)
    lines = [",".join(HEADER)]
    for _ in range(rows):
        size = normal(rng)
        sqft = clamp(1800.0 + 600.0 * size, 500.0, 6000.0)
        bedrooms = int(clamp(round(sqft / 600.0 + 0.6 * normal(rng)), 1, 7))
        bathrooms = clamp(round(2.0 * (0.5 + sqft / 1200.0 + 0.4 * normal(rng))) / 2.0, 1.0, 5.0)
        lot_sqft = clamp(7000.0 + 2500.0 * normal(rng) + 1.5 * (sqft - 1800.0), 1200.0, 40000.0)
        year_built = int(clamp(round(1975.0 + 22.0 * normal(rng)), 1890, 2024))
        distance_km = clamp(12.0 + 8.0 * normal(rng), 0.3, 60.0)
        garage = int(clamp(round(1.2 + 0.8 * normal(rng)), 0, 3))
        condition = int(clamp(round(3.0 + 0.9 * normal(rng)), 1, 5))
        price = (0.6 + 1.3 * sqft / 1000.0 + 0.15 * bathrooms + 0.05 * bedrooms
                 + 0.15 * lot_sqft / 5000.0 + 0.25 * (condition - 3) + 0.008 * (year_built - 1975)
                 + 0.12 * garage + 2.4 / (1.0 + distance_km / 4.0) + 0.35 * normal(rng))
        price = clamp(price, 0.4, 30.0)
        values = {"sqft": "%d" % round(sqft), "bedrooms": "%d" % bedrooms,
                  "bathrooms": "%.6g" % bathrooms, "lot_sqft": "%d" % round(lot_sqft),
                  "year_built": "%d" % year_built, "distance_km": "%.6g" % distance_km,
                  "garage": "%d" % garage, "condition": "%d" % condition,
                  "price_100k": "%.6g" % price}
        for name in HEADER:
            if name in MAY_BE_MISSING and rng.random() < MISSING:
                values[name] = ""
        lines.append(",".join(values[name] for name in HEADER))
    with open(out, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv)
