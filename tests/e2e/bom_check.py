#!/usr/bin/python3
"""Checks an ML-BOM (bom.cdx.json, docs/signing.md "The ML-BOM") for tests/e2e/bom.sh with
code modelcert did not write: CycloneDX's official JSON Schema for 1.6 (bom-1.6 with the
spdx and jsf schemas it refers to, as npm @cyclonedx/cyclonedx-library ships them) applied by
Debian's python3-jsonschema, and the facts recomputed from the run directory.

  bom_check.py schema SCHEMA_DIR BOM...
      each BOM against the 1.6 schema; prints "ok: BOM" or "FAIL: BOM: <path>: <message>"
      for every error (exit 1)
  bom_check.py facts SCHEMA_DIR RUN_DIR DATA SPEC_YAML
      the schema, and: the model's and the data's SHA-256 as hashlib computes them from the
      files (model.mcm, or model.onnx for an ONNX model's run), the timestamp and tool from
      run.json, the serial number as a version 8 UUID of
      the SHA-256 of the canonical document without it, the model card's thresholds those of
      the spec (read with python3-yaml), each performance metric the value metrics.json holds,
      the DP facts those of run.json, the declared personal columns those of the spec
"""
import glob
import hashlib
import json
import os
import re
import sys

import jsonschema
import yaml


def validator(schema_dir):
    def load(pattern):
        files = glob.glob(os.path.join(schema_dir, pattern))
        if len(files) != 1:
            sys.exit("FAIL: %s: expected one %s, found %d" % (schema_dir, pattern, len(files)))
        return files[0], json.load(open(files[0], encoding="utf-8"))
    bom_file, bom = load("bom-1.6*.schema.json")
    base = bom["$id"].rsplit("/", 1)[0] + "/"
    store = {bom["$id"]: bom}
    for name in ("spdx*.schema.json", "jsf-0.82*.schema.json"):
        path, doc = load(name)
        store[base + os.path.basename(path)] = doc  # the name the bom schema's $ref uses
        if "$id" in doc:
            store[doc["$id"]] = doc
    cls = jsonschema.validators.validator_for(bom)
    try:  # jsonschema >= 4.18: the referencing library
        import referencing
        import referencing.jsonschema
        spec = referencing.jsonschema.specification_with(bom.get("$schema", ""))
        registry = referencing.Registry().with_resources(
            (uri, referencing.Resource.from_contents(doc, default_specification=spec))
            for uri, doc in store.items())
        return cls(bom, registry=registry, format_checker=cls.FORMAT_CHECKER)
    except ImportError:  # Debian 12's jsonschema 4.10: a RefResolver with the same store
        resolver = jsonschema.RefResolver(base_uri=bom["$id"], referrer=bom, store=store)
        return cls(bom, resolver=resolver, format_checker=cls.FORMAT_CHECKER)


def schema_errors(v, doc):
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
            for e in sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def facts(schema_dir, run_dir, data, spec_yaml):
    problems = []

    def want(cond, what):
        print(("ok: " if cond else "FAIL: ") + what)
        if not cond:
            problems.append(what)

    bom = json.load(open(os.path.join(run_dir, "bom.cdx.json"), encoding="utf-8"))
    errs = schema_errors(validator(schema_dir), bom)
    want(not errs, "%s: valid CycloneDX 1.6 %s" % (run_dir, "; ".join(errs[:3])))
    run = json.load(open(os.path.join(run_dir, "run.json"), encoding="utf-8"))
    metrics = json.load(open(os.path.join(run_dir, "metrics.json"), encoding="utf-8"))
    spec = yaml.safe_load(open(spec_yaml, encoding="utf-8"))
    comps = {c["bom-ref"]: c for c in bom["components"]}
    model, dataset = comps.get("model", {}), comps.get("data", {})
    want(bom["specVersion"] == "1.6" and bom["bomFormat"] == "CycloneDX", "CycloneDX 1.6")
    model_file = "model.onnx" if run.get("mode") == "model" else "model.mcm"  # ONNX: model:
    want(model.get("type") == "machine-learning-model" and model.get("hashes") ==
         [{"alg": "SHA-256", "content": sha256_file(os.path.join(run_dir, model_file))}],
         "the model is a machine-learning-model component with %s's SHA-256" % model_file)
    version = spec["metadata"].get("version")
    want(model.get("name") == spec["metadata"]["name"] and
         model.get("version") == (None if version is None else str(version)),
         "the model's name and version (%s)" % version)
    want(dataset.get("type") == "data" and dataset.get("hashes") ==
         [{"alg": "SHA-256", "content": sha256_file(data)}],
         "the data set is a data component with the data file's SHA-256")
    card = model.get("modelCard", {})
    want(card.get("modelParameters", {}).get("datasets") == [{"ref": "data"}],
         "the model card names the data set by reference")
    tools = bom["metadata"]["tools"]["components"]
    want([(t["name"], t["version"]) for t in tools] == [("modelcert", run["engine"]["version"])],
         "modelcert is the tool, in the run's engine version")
    want(bom["metadata"]["timestamp"] == run["created"] and
         re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", run["created"]) is not None,
         "the timestamp is the run's")
    rest = {k: v for k, v in bom.items() if k != "serialNumber"}
    canon = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    h = list(hashlib.sha256(canon.encode("utf-8")).hexdigest()[:32])
    h[12] = "8"
    h[16] = "89ab"[int(h[16], 16) & 3]
    h = "".join(h)
    want(bom["serialNumber"] == "urn:uuid:%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20],
                                                             h[20:]),
         "the serial number is the UUID of the document's own digest")
    props = {p["name"]: p["value"] for p in card.get("properties", [])}
    for metric, rule in (spec.get("thresholds", {}).get("metrics") or {}).items():
        for kind in ("min", "max"):
            if kind in rule:
                got = props.get("modelcert:threshold:thresholds.metrics.%s.%s" % (metric, kind))
                want(got is not None and json.loads(got) == {kind: rule[kind]},
                     "threshold %s %s %s from the spec (%s)" % (metric, kind, rule[kind], got))
    perf = card.get("quantitativeAnalysis", {}).get("performanceMetrics", [])
    for p in perf:
        if "slice" in p:
            col, _, val = p["slice"].partition("=")
            groups = metrics["slices"][col]["groups"]
            expect = [g["metrics"][p["type"]] for g in groups if g["value"] == val]
        else:
            expect = [metrics["metrics"][p["type"]]]
        want(expect and float(p["value"]) == expect[0],
             "performance metric %s%s = %s as in metrics.json" %
             (p["type"], " on " + p["slice"] if "slice" in p else "", p["value"]))
    dp = run.get("differential_privacy")
    ethical = card.get("considerations", {}).get("ethicalConsiderations", [])
    if dp:
        text = " ".join(e.get("mitigationStrategy", "") for e in ethical)
        want("epsilon %r" % dp["epsilon"] in text and
             "noise_multiplier %r" % dp["noise_multiplier"] in text,
             "the DP facts of run.json (epsilon %r)" % dp["epsilon"])
    pii = (spec.get("privacy") or {}).get("pii_columns") or []
    got = dataset.get("data", [{}])[0].get("sensitiveData", [])
    want(got == ["%s (%s)" % (c["column"], c["transform"]) for c in pii],
         "the declared personal columns: %s" % got)
    return not problems


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "schema":
        v, bad = validator(sys.argv[2]), 0
        for path in sys.argv[3:]:
            errs = schema_errors(v, json.load(open(path, encoding="utf-8")))
            for e in errs:
                print("FAIL: %s: %s" % (path, e))
            if not errs:
                print("ok: %s" % path)
            bad += bool(errs)
        sys.exit(1 if bad else 0)
    if len(sys.argv) == 6 and sys.argv[1] == "facts":
        sys.exit(0 if facts(*sys.argv[2:]) else 1)
    sys.exit("usage: bom_check.py schema SCHEMA_DIR BOM... | facts SCHEMA_DIR RUN_DIR DATA SPEC")


if __name__ == "__main__":
    main()
