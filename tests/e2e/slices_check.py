"""Numeric slices, computed independently (numpy and scikit-learn) from a run's data and its
test_predictions.csv, and compared with its metrics.json (tests/transcripts/slices.t).

usage: slices_check.py DATA.csv RUN_DIR COLUMN=EDGES|qN ...

EDGES is a comma-separated list of the spec's bins; qN means N quantile groups, whose edges
numpy fits on the training rows: every row without a missing cell (the spec's dropna) that
is not a test row (the spec has no validation rows). Groups are left-closed, as pandas' cut
with right=False between -inf and +inf (np.digitize). Prints one line per group.
"""
import csv
import json
import sys

import numpy as np
from sklearn import metrics as skm

MISSING = ("", "NA")


def label(edges, b):
    def num(x):
        s = "%.15g" % x
        return s if float(s) == x else "%.17g" % x
    if b == 0:
        return "<" + num(edges[0])
    if b == len(edges):
        return ">=" + num(edges[-1])
    return "[%s,%s)" % (num(edges[b - 1]), num(edges[b]))


def main():
    data_path, run_dir, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(data_path, newline="") as f:
        rows = list(csv.DictReader(f))
    with open(run_dir + "/test_predictions.csv", newline="") as f:
        preds = list(csv.DictReader(f))
    with open(run_dir + "/metrics.json") as f:
        slices = json.load(f)["slices"]
    test_rows = {int(p["row"]) for p in preds}
    complete = [i + 1 for i, r in enumerate(rows) if not any(v in MISSING for v in r.values())]
    train_rows = [i for i in complete if i not in test_rows]
    failures = 0
    for spec in specs:
        column, how = spec.split("=")
        got = slices[column]
        if how.startswith("q"):
            q = int(how[1:])
            values = np.array([float(rows[i - 1][column]) for i in train_rows])
            edges = list(np.unique(np.quantile(values, [k / q for k in range(1, q)])))
            if got.get("quantiles") != q or len(got["edges"]) != len(edges) or any(
                    abs(a - b) > 1e-9 * max(1.0, abs(b)) for a, b in zip(got["edges"], edges)):
                print("FAIL: %s: edges %s, numpy fits %s" % (column, got["edges"], edges))
                failures += 1
        else:
            edges = [float(x) for x in how.split(",")]
            if got["edges"] != edges:
                print("FAIL: %s: edges %s, the spec says %s" % (column, got["edges"], edges))
                failures += 1
        x = np.array([float(rows[int(p["row"]) - 1][column]) for p in preds])
        b = np.digitize(x, edges, right=False)  # edges[i-1] <= x < edges[i]
        y = np.array([int(p["actual"]) for p in preds])
        yhat = np.array([int(p["prediction"]) for p in preds])
        prob = np.array([float(p["p_1"]) for p in preds])
        groups = got["groups"]
        if [g["value"] for g in groups] != [label(edges, k) for k in range(len(edges) + 1)]:
            print("FAIL: %s: groups %s" % (column, [g["value"] for g in groups]))
            failures += 1
            continue
        for k, g in enumerate(groups):
            m = b == k
            n = int(m.sum())
            expected = {"accuracy": skm.accuracy_score(y[m], yhat[m]) if n else None}
            if n and len(set(y[m])) == 2:
                expected["f1"] = skm.f1_score(y[m], yhat[m])
                expected["roc_auc"] = skm.roc_auc_score(y[m], prob[m])
            ok = g["count"] == n and g["skipped"] == (n < got["min_size"])
            for name, value in expected.items():
                if not g["skipped"] and value is not None:
                    ok = ok and abs(g["metrics"][name] - value) <= 1e-9
            print("%s %s: %d rows%s%s" % (column, g["value"], n, " (skipped)" if g["skipped"]
                                          else "", "" if ok else "  FAIL"))
            failures += not ok
    print("independent check: %s" % ("ok" if not failures else "%d failures" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
