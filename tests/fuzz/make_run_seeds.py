#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_certify, fuzz_report and fuzz_keyref (tests/fuzz/README.md).

    tests/fuzz/make_run_seeds.py [OUT]

OUT (default tests/fuzz/corpus) gets certify/, report/ and keyref/. The seeds are written
from the formats docs/formats.md and docs/signing.md describe, so no build is needed:
  certify  validation.json, run.json, spec.json and a release certificate, NUL-separated,
           with fuzz_certify.c's placeholders (@MODEL@, @SPEC@, @DATA@, @VALIDATION@) where
           the digests go; the certificate's lines are statements (the harness signs them)
  report   validation.json, metrics.json, spec.json, test_predictions.csv, history.csv,
           NUL-separated
  keyref   one key reference each
Needs only the Python 3 standard library.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def dumps(v):
    return json.dumps(v, indent=2, sort_keys=True).encode() + b"\n"


def line(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":")).encode()


RESULTS = [
    {"category": "data", "expected": "@DATA@", "id": "data.pinned", "measured": "@DATA@",
     "message": "data.csv matches its pinned sha256", "name": "data pinned", "status": "pass"},
    {"category": "thresholds", "expected": {"min": 0.8}, "id": "thresholds.metrics.accuracy.min",
     "measured": 0.9, "message": "accuracy 0.9 >= 0.8", "name": "accuracy", "status": "pass"},
    {"category": "thresholds", "expected": {"max_gap": 0.1},
     "id": "thresholds.slices.segment.accuracy.max_gap", "measured": 0.04,
     "message": "gap 0.04 <= 0.1", "name": "accuracy gap on segment", "status": "warn"},
    {"category": "privacy", "expected": {"min": 5}, "id": "privacy.k_anonymity",
     "measured": 2, "message": "k = 2 < 5", "name": "k-anonymity", "status": "fail"},
    {"category": "reproducibility", "expected": None, "id": "reproducibility.not_applicable",
     "measured": None, "message": "predictions made elsewhere", "name": "reproducibility",
     "status": "skipped"},
    {"category": "signing", "expected": None, "id": "signing.signature", "measured": None,
     "message": "could not be evaluated", "name": "signature", "status": "error"},
]
RUN = {"format": "modelcert-run", "format_version": 1, "created": "2026-01-01T00:00:00Z",
       "run_id": "r-0001", "mode": "train", "model": {"digest": "@MODEL@", "path": "model.mcm"},
       "spec": {"digest": "@SPEC@", "name": "seed"}, "data": {"digest": "@DATA@", "rows": 2},
       "audit": {"path": "trail.db"}}
SPEC = {"apiVersion": "modelcert/v1", "kind": "ModelSpec", "metadata": {"name": "seed"},
        "data": {"source": "data.csv", "target": "y"},
        "metrics": {"compute": ["accuracy"], "thresholds": {"accuracy": {"min": 0.8}}}}
METRICS = {"format": "modelcert-metrics", "format_version": 1, "task": "binary",
           "test": {"accuracy": 0.9, "precision": 0.8, "recall": 1.0,
                    "confusion_matrix": {"labels": ["0", "1"], "matrix": [[4, 1], [0, 5]]}},
           "slices": [{"column": "segment", "groups": [{"value": "a", "n": 5, "accuracy": 0.92},
                                                       {"value": "b", "n": 5,
                                                        "accuracy": 0.88}]}]}
PREDICTIONS = b"row,actual,predicted,p_0,p_1\n0,1,1,0.1,0.9\n1,0,0,0.8,0.2\n2,1,0,0.6,0.4\n"
HISTORY = b"epoch,loss,val_loss\n1,0.69,0.70\n2,0.5,0.55\n3,0.4,\n"


def validation(verdict, results, run=RUN):
    counts = {s: sum(r["status"] == s for r in results)
              for s in ("pass", "fail", "warn", "error", "skipped")}
    return {"format": "modelcert-validation", "format_version": 1, "verdict": verdict,
            "counts": counts, "results": results, "run": run, "run_dir": "g"}


SUBJECT = [{"name": "model.mcm", "digest": {"sha256": "@MODEL@"}}]
PROVENANCE = {"_type": "https://in-toto.io/Statement/v1", "subject": SUBJECT,
              "predicateType": "https://slsa.dev/provenance/v1",
              "predicate": {"buildDefinition": {
                  "buildType": "https://modelcert.invalid/docs/slsa-build-type.md#run-v1",
                  "externalParameters": {"spec_digest": {"sha256": "@SPEC@"}},
                  "resolvedDependencies": [{"name": "data.csv", "digest": {"sha256": "@DATA@"}}]},
                  "runDetails": {"builder": {"id": "https://modelcert.invalid/docs/slsa-build-type.md#builder-v1"}}}}
TEST_RESULT = {"_type": "https://in-toto.io/Statement/v1", "subject": SUBJECT,
               "predicateType": "https://in-toto.io/attestation/test-result/v0.1",
               "predicate": {"result": "PASSED", "passedTests": ["thresholds.metrics.accuracy.min"],
                             "warnedTests": [], "failedTests": [],
                             "configuration": [{"name": "validation.json",
                                                "digest": {"sha256": "@VALIDATION@"}}]}}


def certify_seeds(out):
    passing = [r for r in RESULTS if r["status"] in ("pass", "warn", "skipped")]
    good_cert = line(PROVENANCE) + b"\n" + line(TEST_RESULT) + b"\n"
    failed = dict(TEST_RESULT, predicate=dict(TEST_RESULT["predicate"], result="FAILED"))
    onnx = dict(PROVENANCE, subject=SUBJECT + [{"name": "model.onnx", "digest": {"sha256": "@MODEL@"}}])
    envelope = {"payloadType": "application/vnd.in-toto+json", "payload": "e30=",
                "signatures": [{"keyid": "", "sig": "AAAA"}]}
    seeds = {
        "good": (validation("pass", passing), RUN, SPEC, good_cert),
        "verdict-fail": (validation("fail", RESULTS), RUN, SPEC, good_cert),
        "result-failed": (validation("pass", passing), RUN, SPEC,
                          line(PROVENANCE) + b"\n" + line(failed) + b"\n"),
        "onnx-subject": (validation("pass", passing), RUN, SPEC, line(onnx) + b"\n" + line(TEST_RESULT)),
        "other-run-id": (validation("pass", passing, dict(RUN, run_id="r-0002")), RUN, SPEC, good_cert),
        "no-data-digest": (validation("pass", passing), dict(RUN, data={}), SPEC, good_cert),
        "envelope-line": (validation("pass", passing), RUN, SPEC, line(envelope) + b"\n"),
        "empty": ({}, {}, {}, b""),
    }
    for name, (v, r, s, c) in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"\0".join([dumps(v), dumps(r), dumps(s), c]))


def report_seeds(out):
    plain = {k: v for k, v in RUN.items() if k != "audit"}
    seeds = {
        "full": [dumps(validation("fail", RESULTS)), dumps(METRICS), dumps(SPEC), PREDICTIONS,
                 HISTORY],
        "validation-only": [dumps(validation("pass", RESULTS[:2], plain))],
        "no-run": [dumps(dict(validation("error", RESULTS[-1:]), run=None))],
        "multiclass": [dumps(validation("pass", RESULTS[1:3])),
                       dumps(dict(METRICS, task="multiclass")), dumps(SPEC),
                       b"row,actual,predicted,p_a,p_b,p_c\n0,a,b,0.2,0.5,0.3\n", b""],
        "not-validation": [b'{"format": "modelcert-run", "format_version": 1}\n'],
        "bad-result": [b'{"format": "modelcert-validation", "format_version": 1, "results": '
                       b'[{"id": "x", "category": "c", "name": "n", "message": "m", '
                       b'"status": "maybe"}]}\n'],
    }
    for name, parts in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"\0".join(parts))


KEYREFS = {
    "path": "keys/release.pem",
    "file": "file:keys/release.pem",
    "env": "env:MODELCERT_KEY",
    "empty-env": "env:",
    "p11-object": "pkcs11:token=modelcert;object=release;type=private",
    "p11-id": "pkcs11:token=modelcert;id=%01%02%00%ff?pin-value=1234",
    "p11-module": "pkcs11:object=release?module-path=/usr/lib/softhsm/libsofthsm2.so"
                  "&pin-source=file:/etc/modelcert/pin",
    "p11-module-name": "pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=1a2b;"
                       "slot-id=0;object=k?module-name=softhsm2&pin-source=/run/pin",
    "p11-library": "pkcs11:library-manufacturer=OpenSC;library-description=x;library-version=1.2;"
                   "slot-description=s;slot-manufacturer=m;object=k",
    "p11-relative-module": "pkcs11:object=k?module-path=libsofthsm2.so",
    "p11-twice": "pkcs11:object=a;object=b",
    "p11-bad-escape": "pkcs11:object=%zz",
    "p11-type-public": "pkcs11:object=k;type=public",
    "p11-unknown": "pkcs11:object=k;colour=blue?x-vendor=1",
}


def keyref_seeds(out):
    for name, ref in KEYREFS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(ref.encode())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fuzz", "corpus")
    for name, fn in (("certify", certify_seeds), ("report", report_seeds), ("keyref", keyref_seeds)):
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        fn(d)


if __name__ == "__main__":
    main()
