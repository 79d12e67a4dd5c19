#!/usr/bin/python3
"""Independent checks of modelcert's reports, with Debian's Python packages only.

usage: reports_check.py schema SCHEMA_DIR RUN_DIR...
       reports_check.py junit REPORT.xml VALIDATION.json
       reports_check.py card MODEL_CARD.md RUN_DIR
Each prints one line per check and exits 1 on the first failure."""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def schema(schema_dir, run_dirs):
    import jsonschema
    schemas = {n: load(f"{schema_dir}/{n}.schema.json") for n in ("validation", "metrics", "run")}
    for s in schemas.values():
        jsonschema.Draft202012Validator.check_schema(s)
    try:  # jsonschema >= 4.18
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas.values())
        make = lambda s: jsonschema.Draft202012Validator(s, registry=registry)
    except ImportError:  # Debian 12's 4.10
        store = {s["$id"]: s for s in schemas.values()}
        make = lambda s: jsonschema.Draft202012Validator(
            s, resolver=jsonschema.RefResolver.from_schema(s, store=store))
    validators = {n: make(s) for n, s in schemas.items()}
    for d in run_dirs:
        for name in ("validation", "metrics", "run"):
            doc = load(f"{d}/{name}.json")
            errors = sorted(validators[name].iter_errors(doc), key=lambda e: list(e.path))
            if errors:
                for e in errors[:5]:
                    print(f"FAIL: {d}/{name}.json: {'/'.join(map(str, e.path))}: {e.message}")
                    # oneOf/anyOf: why each alternative refused it (nested too), full paths
                    stack = list(e.context)
                    while stack:
                        c = stack.pop(0)
                        stack += c.context
                        path = '/'.join(map(str, c.absolute_path))
                        print(f"FAIL: {d}/{name}.json: {path}: {c.message}")
                return 1
            print(f"ok: {d}/{name}.json matches {name}.schema.json")
    return 0


def junit(xml_path, validation_path):
    """What GitLab and Jenkins read: suites by category, cases by id, counts that add up."""
    from junitparser import JUnitXml, Failure, Error, Skipped
    v = load(validation_path)
    xml = JUnitXml.fromfile(xml_path)
    results = v["results"]
    by_cat = {}
    for r in results:
        by_cat.setdefault(r["category"], []).append(r)
    suites = list(xml)
    problems = []
    if [s.name for s in suites] != list(by_cat):
        problems.append(f"suites {[s.name for s in suites]} != categories {list(by_cat)}")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for s in suites:
        want = by_cat.get(s.name, [])
        cases = list(s)
        n = {k: sum(r["status"] == st for r in want)
             for k, st in (("failures", "fail"), ("errors", "error"), ("skipped", "skipped"))}
        if s.tests != len(want) or s.failures != n["failures"] or s.errors != n["errors"] \
                or s.skipped != n["skipped"]:
            problems.append(f"suite {s.name}: tests={s.tests} failures={s.failures} "
                            f"errors={s.errors} skipped={s.skipped}, want {len(want)} {n}")
        if s.time is None or s.time < 0:
            problems.append(f"suite {s.name}: no time")
        total["tests"] += len(want)
        for k in n:
            total[k] += n[k]
        for case, r in zip(cases, want):
            kinds = {type(x) for x in case.result}
            want_kind = {"fail": {Failure}, "error": {Error}, "skipped": {Skipped}}.get(r["status"], set())
            if case.name != r["id"] or case.classname != "modelcert." + r["category"] \
                    or kinds != want_kind or case.time is None:
                problems.append(f"case {case.name}/{case.classname}: {kinds}, want {r['id']} {want_kind}")
            for x in case.result:
                if x.message != r["message"]:
                    problems.append(f"case {case.name}: message {x.message!r} != {r['message']!r}")
                if r["status"] in ("fail", "error") and "measured:" not in (x.text or ""):
                    problems.append(f"case {case.name}: measured and expected missing")
        if len(cases) != len(want):
            problems.append(f"suite {s.name}: {len(cases)} cases, want {len(want)}")
    for k, val in total.items():
        got = int(xml._elem.get(k, -1))
        if got != val:
            problems.append(f"testsuites {k}={got}, want {val}")
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print(f"ok: {xml_path}: {len(suites)} suites, {total}")
    return 1 if problems else 0


def card(path, run_dir):
    """The front matter as the Hugging Face Hub reads it: YAML with model-index results."""
    import yaml
    text = open(path, encoding="utf-8").read()
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        print("FAIL: no YAML front matter")
        return 1
    meta = yaml.safe_load(text[4:text.index("\n---\n", 4)])
    run, metrics = load(f"{run_dir}/run.json"), load(f"{run_dir}/metrics.json")
    spec = load(f"{run_dir}/spec.json")
    problems = []
    if not isinstance(meta.get("license"), str):
        problems.append("no license")
    if "modelcert" not in meta.get("tags", []):
        problems.append("no modelcert tag")
    if meta.get("datasets") != ["sha256:" + run["data"]["digest"]]:
        problems.append(f"datasets {meta.get('datasets')}")
    index = meta.get("model-index", [{}])[0]
    if index.get("name") != spec["metadata"]["name"]:
        problems.append(f"model-index name {index.get('name')}")
    results = index.get("results", [])
    want = {k: v for k, v in metrics["metrics"].items() if v is not None}
    got = {m["type"]: m["value"] for m in results[0]["metrics"]} if results else {}
    if got != want:
        problems.append(f"test metrics {got} != {want}")
    for r in results:
        if r["dataset"]["type"] != "sha256:" + run["data"]["digest"] or r["dataset"]["split"] != "test":
            problems.append(f"dataset {r['dataset']}")
    configs = {r["dataset"].get("config") for r in results[1:]}
    for col, sl in metrics.get("slices", {}).items():
        for g in sl["groups"]:
            if not g["skipped"] and f"{col}={g['value']}" not in configs:
                problems.append(f"no result for slice {col}={g['value']}")
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print(f"ok: {path}: {len(results)} model-index results")
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1] == "schema":
        sys.exit(schema(sys.argv[2], sys.argv[3:]))
    if sys.argv[1] == "card":
        sys.exit(card(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "junit":
        sys.exit(junit(sys.argv[2], sys.argv[3]))
    sys.exit(2)
