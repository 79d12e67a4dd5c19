#!/usr/bin/python3
"""A real run's figures recomputed by tools that are not modelcert (tests/e2e/independent.sh).

usage: independent_check.py metrics RUN_DIR
       independent_check.py epsilon RUN_DIR|EPSILON.json...
       independent_check.py membership RUN_DIR PREDICTIONS.csv

metrics: every test metric in metrics.json, the confusion matrix, each slice group's count
and metrics, and validation.json's measured values (thresholds and the slice gap, with its
message) recomputed with scikit-learn from the run's test_predictions.csv and the raw data
file run.json names (the slice column's cells, by row number).

epsilon: the epsilon of run.json's differential_privacy, or of `privacy epsilon --json`'s
output (noise multiplier, sample rate, steps, delta), and the order giving it, recomputed
from the definition of the Renyi divergence of the sampled Gaussian mechanism (Mironov,
Talwar, Zhang 2019, "Renyi differential privacy of the sampled Gaussian mechanism",
section 3: A_alpha = E_{z ~ N(0, s^2)} [(mu(z) / mu0(z))^alpha], with
mu = (1 - q) N(0, s^2) + q N(1, s^2)) by numerical integration at every order, checked
against the exact binomial sum at the integer orders, converted to (epsilon, delta) by
Balle et al. 2020 (arXiv:1905.09982, theorem 21) over Opacus's default orders; modelcert
sums a series instead (reference/mc_rdp.c), so the two share no code and no algorithm.

membership: the membership-inference attack's AUC and advantage in validation.json
recomputed with scikit-learn (roc_auc_score and roc_curve of -loss against the member flag)
from the sample the run wrote (membership_losses.csv), and every sampled loss recomputed
from a prediction of its row (the binary log loss, clipped at 1e-7): non-members that are
test rows from test_predictions.csv, every row from PREDICTIONS.csv (`modelcert predict` of
the run's model on the whole data file); members are rows outside the test rows, each row
sampled once.

Each prints one line per check and exits 1 on the first failure. Expected values come from
the computation here, never from numbers pasted from modelcert's output."""
import csv
import json
import math
import sys

import numpy as np


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def close(a, b, rel=1e-12):
    return a is not None and b is not None and abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg)


def metrics(run):
    from sklearn import metrics as skm

    spec = load(f"{run}/spec.json")
    rec = load(f"{run}/run.json")
    mj = load(f"{run}/metrics.json")
    vj = load(f"{run}/validation.json")
    m = spec["metrics"]
    pos, thr = m["positive_label"], m["decision_threshold"]
    with open(f"{run}/test_predictions.csv", newline="", encoding="utf-8") as f:
        preds = list(csv.DictReader(f))
    if len(preds) != mj["rows"] or len(preds) < 100:
        fail(f"{len(preds)} test predictions, metrics.json says {mj['rows']} rows")
    # The raw data file: data row N (1-based, header and blank lines not counted).
    with open(rec["data"]["absolute_path"], newline="", encoding="utf-8") as f:
        data = [r for r in csv.DictReader(f) if any(v.strip() for v in r.values())]
    p_col = "p_" + pos
    y_true = [r["actual"] for r in preds]
    y_pred = [r["prediction"] for r in preds]
    score = [float(r[p_col]) for r in preds]
    # The prediction column follows the probability and the decision threshold.
    classes = sorted(set(y_true) | set(y_pred))
    other = [c for c in classes if c != pos]
    for r, s in zip(preds, score):
        want = pos if s > thr else other[0]
        if r["prediction"] != want:
            fail(f"row {r['row']}: p {s} with threshold {thr} predicts {want}, "
                 f"the file says {r['prediction']}")
    ok("each prediction is the positive class exactly when its probability exceeds the threshold")

    def figures(t, p, s):
        out = {"accuracy": skm.accuracy_score(t, p),
               "precision": skm.precision_score(t, p, pos_label=pos, zero_division=0),
               "recall": skm.recall_score(t, p, pos_label=pos, zero_division=0),
               "f1": skm.f1_score(t, p, pos_label=pos, zero_division=0)}
        if len(set(t)) == 2:
            out["roc_auc"] = skm.roc_auc_score([int(x == pos) for x in t], s)
        return out

    want = figures(y_true, y_pred, score)
    for name in m["compute"]:
        if name == "confusion_matrix":
            continue
        got = mj["metrics"].get(name)
        if name not in want or not close(got, want[name]):
            fail(f"metrics.json {name} {got}, scikit-learn {want.get(name)}")
        ok(f"{name} {got} is scikit-learn's {want[name]}")
    labels = mj["confusion_matrix"]["labels"]
    cm = skm.confusion_matrix(y_true, y_pred, labels=labels).tolist()
    if mj["confusion_matrix"]["counts"] != cm:
        fail(f"confusion matrix {mj['confusion_matrix']['counts']}, scikit-learn {cm}")
    ok(f"the confusion matrix is scikit-learn's {cm}")

    # Slices: the groups of the raw column's cells among the test rows, in first-appearance order.
    groups_of = {}
    for sl in m["slices"]:
        col, min_size = sl["column"], sl["min_size"]
        order, rows = [], {}
        for i, r in enumerate(preds):
            v = data[int(r["row"]) - 1][col]
            if v not in rows:
                order.append(v)
                rows[v] = []
            rows[v].append(i)
        got = mj["slices"][col]["groups"]
        if [g["value"] for g in got] != order:
            fail(f"slice {col}: groups {[g['value'] for g in got]}, the data gives {order}")
        for g in got:
            idx = rows[g["value"]]
            if g["count"] != len(idx) or g["skipped"] != (len(idx) < min_size):
                fail(f"slice {col}={g['value']}: count {g['count']} skipped {g['skipped']}, "
                     f"data {len(idx)}")
            if g["skipped"]:
                continue
            w = figures([y_true[i] for i in idx], [y_pred[i] for i in idx], [score[i] for i in idx])
            for name, value in g["metrics"].items():
                if not close(value, w.get(name)):
                    fail(f"slice {col}={g['value']}: {name} {value}, scikit-learn {w.get(name)}")
            groups_of[(col, g["value"])] = w
        ok(f"slice {col}: {len(order)} groups, each count and metric is scikit-learn's")

    # validation.json's measured values and the gap's message, from the figures above.
    checked = 0
    for r in vj["results"]:
        rid = r["id"]
        if rid.startswith("thresholds.metrics.") and rid.count(".") == 3:
            name = rid.split(".")[2]
            if not close(r["measured"], want[name]):
                fail(f"{rid} measured {r['measured']}, scikit-learn {want[name]}")
            checked += 1
        elif rid.startswith("thresholds.slices.") and rid.endswith(".max_gap"):
            col, name = rid.split(".")[2], rid.split(".")[3]
            vals = {v: f[name] for (c, v), f in groups_of.items() if c == col}
            best = max(vals, key=lambda v: vals[v])
            worst = min(vals, key=lambda v: vals[v])
            gap = vals[best] - vals[worst]
            msg = (f"{name} gap {gap:.4f} between {col}={best} ({vals[best]:.4f}) and "
                   f"{col}={worst} ({vals[worst]:.4f})")
            if not close(r["measured"]["gap"], gap) or msg not in r["message"]:
                fail(f"{rid}: '{r['message']}' measured {r['measured']}, scikit-learn: '{msg}'")
            ok(f"{rid}: '{msg}', from scikit-learn's group figures")
            checked += 1
    if checked < 3:
        fail(f"only {checked} threshold results to check")
    ok(f"{checked} threshold results measured what scikit-learn computes")
    return 0


def opacus_orders():
    return [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))


def log_a_integral(q, s, alpha):
    """log A_alpha by the trapezoidal rule in log space (exponentially accurate for this
    smooth integrand that decays like a Gaussian at both ends)."""
    h = s / 100.0
    z = np.arange(-15 * s - 1, alpha + 15 * s + 1, h)
    log_mu0 = -z * z / (2 * s * s) - math.log(s * math.sqrt(2 * math.pi))
    log_ratio = np.logaddexp(math.log1p(-q), math.log(q) + (2 * z - 1) / (2 * s * s))
    g = log_mu0 + alpha * log_ratio
    top = g.max()
    w = np.exp(g - top)
    return top + math.log(h * (w.sum() - 0.5 * (w[0] + w[-1])))


def log_a_binomial(q, s, alpha):
    """log A_alpha at an integer order: the exact binomial expansion (Mironov et al. 2019)."""
    terms = [math.lgamma(alpha + 1) - math.lgamma(k + 1) - math.lgamma(alpha - k + 1)
             + k * math.log(q) + (alpha - k) * math.log1p(-q) + (k * k - k) / (2 * s * s)
             for k in range(alpha + 1)]
    top = max(terms)
    return top + math.log(sum(math.exp(t - top) for t in terms))


def check_dp(dp, where):
    q, s, steps, delta = dp["sample_rate"], dp["noise_multiplier"], dp["steps"], dp["delta"]
    if not (0 < q < 1 and s > 0 and steps > 0):
        fail(f"{where}: unexpected DP parameters {dp}")
    for a in (2, 3, 5, 8, 13, 34, 63):
        x, y = log_a_integral(q, s, a), log_a_binomial(q, s, a)
        if not close(x, y, 1e-9):
            fail(f"{where}: order {a}: the integral gives log A {x}, the binomial sum {y}")
    best = None
    for a in opacus_orders():
        rdp = steps * log_a_integral(q, s, a) / (a - 1)
        eps = rdp + math.log((a - 1) / a) - (math.log(delta) + math.log(a)) / (a - 1)
        if best is None or eps < best[0]:
            best = (eps, a)
    eps, order = best
    if not close(dp["epsilon"], eps, 1e-8) or dp["order"] != order:
        fail(f"{where}: epsilon {dp['epsilon']} at order {dp['order']}; "
             f"independently: {eps} at order {order}")
    ok(f"{where}: epsilon {dp['epsilon']} at order {dp['order']} (q {q}, sigma {s}, {steps} "
       f"steps, delta {delta}); independently {eps} at order {order} (the integral agrees "
       f"with the binomial sum at integer orders)")
    return eps


def epsilon(*paths):
    """Each path: a run directory (run.json's differential_privacy, and validation.json's
    message when there is one) or the output of privacy epsilon --json."""
    for path in paths:
        if not path.endswith(".json"):
            eps = check_dp(load(f"{path}/run.json")["differential_privacy"], f"{path}/run.json")
            dp = load(f"{path}/run.json")["differential_privacy"]
            r = [r for r in load(f"{path}/validation.json")["results"]
                 if r["id"] == "privacy.differential_privacy.epsilon"]
            shown = f"epsilon {eps:.4f} at delta {dp['delta']:g}"
            if len(r) != 1 or shown not in r[0]["message"]:
                fail(f"validation.json's epsilon result does not say '{shown}': {r}")
            ok(f"validation.json says '{shown}'")
        else:
            check_dp(load(path), path)
    return 0


def membership(run, predictions):
    from sklearn import metrics as skm

    spec = load(f"{run}/spec.json")
    pos = spec["metrics"]["positive_label"]
    with open(f"{run}/membership_losses.csv", newline="", encoding="utf-8") as f:
        sample = [(int(r["row"]), int(r["member"]), float(r["loss"])) for r in csv.DictReader(f)]

    def read_preds(path):
        with open(path, newline="", encoding="utf-8") as f:
            return {int(r["row"]): r for r in csv.DictReader(f)}

    test = read_preds(f"{run}/test_predictions.csv")
    every = read_preds(predictions)
    rows = [r for r, _, _ in sample]
    if len(set(rows)) != len(rows):
        fail("a row is sampled twice")
    members = [r for r, m, _ in sample if m == 1]
    if any(r in test for r in members):
        fail("a sampled member is a test row")
    ok(f"{len(members)} members (none a test row) and {len(sample) - len(members)} non-members, "
       f"each row once")

    def loss_of(pred, label):
        # The probability as the run held it (a float32, written with 9 digits), clipped.
        p1 = float(np.float32(pred["p_1"]))
        q = p1 if label == pos else 1.0 - p1
        return -math.log(min(max(q, 1e-7), 1 - 1e-7))

    labels = {}
    with open(load(f"{run}/run.json")["data"]["absolute_path"], newline="",
              encoding="utf-8") as f:
        target = spec["data"]["target"]
        for i, r in enumerate(csv.DictReader(f), start=1):
            labels[i] = r[target]
    checked_test = 0
    for row, m, loss in sample:
        if m == 0 and row in test:
            want = loss_of(test[row], test[row]["actual"])
            if not close(loss, want, 1e-9):
                fail(f"row {row}: loss {loss}, from test_predictions.csv {want}")
            checked_test += 1
        want = loss_of(every[row], labels[row])
        if not close(loss, want, 1e-5):
            fail(f"row {row} (member {m}): loss {loss}, from predict {want}")
    ok(f"every sampled loss agrees with its row's prediction ({checked_test} non-members "
       f"against test_predictions.csv to 1e-9, all {len(sample)} against predict to 1e-5)")

    flag = np.array([m for _, m, _ in sample])
    score = -np.array([l for _, _, l in sample])
    auc = skm.roc_auc_score(flag, score)
    fpr, tpr, _ = skm.roc_curve(flag, score, drop_intermediate=False)
    adv = float(np.max(np.abs(tpr - fpr)))
    r = [r for r in load(f"{run}/validation.json")["results"]
         if r["id"] == "privacy.membership_inference.auc"]
    if len(r) != 1:
        fail(f"validation.json has {len(r)} membership-inference results")
    if not close(r[0]["measured"], auc, 5e-6):
        fail(f"validation.json's attack AUC {r[0]['measured']}, scikit-learn {auc}")
    shown = f"AUC {auc:.4f}"
    if shown not in r[0]["message"] or f"advantage {adv:.4f}" not in r[0]["message"]:
        fail(f"the message does not say '{shown}' and 'advantage {adv:.4f}': {r[0]['message']}")
    ok(f"attack AUC {r[0]['measured']} and advantage: scikit-learn {auc:.6f}, {adv:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit({"metrics": metrics, "epsilon": epsilon,
              "membership": membership}[sys.argv[1]](*sys.argv[2:]))
