#!/usr/bin/env python3
"""Writes the seed inputs of the four fuzz targets (tests/fuzz/README.md).

    tests/fuzz/make_seeds.py MODELCERT OUT [KIND...]

MODELCERT is a built modelcert binary (build/cli/modelcert); OUT gets
spec/, csv/, artifact/ and audit/ (or only the KINDs named: spec, csv,
artifact, audit). The committed corpus (tests/fuzz/corpus) is these seeds
merged with what fuzzing found (-merge=1); this script is how the seeds were
made, kept so they can be made again when a format changes.
The runs happen in a temporary directory holding copies of the examples,
with relative paths, the program named `modelcert` and the actor `alice`, so
that no seed records a path or user of the machine that made it (an audit
event records the command line, run directories and the actor).
Needs only the Python 3 standard library.
"""
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = ("seed", "multiclass", "regression")


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def head(path, rows, pick=None):
    """The header and `rows` data lines (those `pick` accepts, when given)."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    body = [l for l in lines[1:] if l and (pick is None or pick(l))]
    return b"\n".join([lines[0]] + body[:rows]) + b"\n"


def spec_seeds(out):
    for e in EXAMPLES:
        shutil.copy(os.path.join(ROOT, "examples", e, "modelcert.yaml"), os.path.join(out, "example-%s.yaml" % e))
    fixtures = os.path.join(ROOT, "tests", "fixtures")
    for d in sorted(os.listdir(fixtures)):
        for f in sorted(os.listdir(os.path.join(fixtures, d))):
            if f.endswith(".yaml"):
                shutil.copy(os.path.join(fixtures, d, f), os.path.join(out, "%s-%s" % (d, f)))


# RFC 4180 corners, as tests/unit/test_csv.c exercises them.
CSV_CASES = {
    "basic": b"a,b,c\n1,2.5,x\n3,-4,y\n-0,1e3,x\n",
    "quoted": b'"id","full name","n"\n1,"Smith, John","7"\n2,"say ""hi""",8\n3,"line1\nline2","9"\n'
              b'4,"",10\n5,"""",11\n6,plain,"1"""\n7,"NA",12\n',
    "quoted-header": b'"a,b","c\nd","e""f"\n1,2,3\n',
    "crlf": b'a,b\r\n1,x\r\n2,"q\r\nr"\r\n\r\n3,"z"\r\n',
    "no-final-newline": b"a,b\r\n1,\r\n2,3",
    "bom": b"\xef\xbb\xbf\"a\",b\n1,\xef\xbb\xbf2\n",
    "missing": b"a,b,c\n1,x,\n,y,\nNA,NA,\nNaN,NaN,\nnull,null,\n2,z,\n",
    "markers-are-text": b"a\nna\nN/A\n NA\nNA\n",
    "numbers": b"x,y\n1e308,-1e-320\n0x10,inf\n+.5,1.\n00012,-0.0\n9007199254740993,1e400\n",
    "ragged": b"a,b\n1,2,3\n4\n",
    "utf8": b"name,v\n\xc3\xa9t\xc3\xa9,1\n\xe2\x82\xac,2\n",
}


def csv_seeds(out):
    for e in EXAMPLES:
        write(os.path.join(out, "example-%s-head.csv" % e), head(os.path.join(ROOT, "examples", e, "data.csv"), 8))
    write(os.path.join(out, "example-regression-missing.csv"),
          head(os.path.join(ROOT, "examples", "regression", "data.csv"), 4, lambda l: b",," in l))
    for name, data in CSV_CASES.items():
        write(os.path.join(out, "case-%s.csv" % name), data)


def run(modelcert, args, check=True):
    """Runs modelcert in the current directory (the work directory, main())
    as `modelcert ARGS`, with a neutral actor."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "MODELCERT_AUDIT")}
    env.update(BUILD_USER="alice", MODELCERT_AUDIT="/nonexistent/unused.db")
    r = subprocess.run(["modelcert"] + args, executable=modelcert, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if check and r.returncode not in (0, 1):
        sys.exit("%s %s: exit %d: %s" % (modelcert, " ".join(args), r.returncode, r.stderr.decode()))


def small_seed_spec():
    """The seed example with Dense 8-4-1: its pipeline (dropna, L2 norm over
    rows, z-score) with a network small enough for the harness to run."""
    with open(os.path.join(ROOT, "examples", "seed", "modelcert.yaml")) as f:
        text = f.read()
    text = text.replace("units: 128", "units: 8").replace("units: 64", "units: 4")
    path = os.path.join("examples", "seed", "seed-small.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def artifact_input(model, csv):
    return struct.pack("<H", len(csv)) + csv + model[:-32]


def artifact_seeds(out, modelcert, audit_db):
    specs = {e: specs_path(e) for e in EXAMPLES}
    specs["seed-small"] = small_seed_spec()
    for name, spec in specs.items():
        rundir = "run-" + name
        run(modelcert, ["run", spec, "-o", rundir, "-q", "--threads", "1", "--audit", audit_db])
        if out is None:
            continue
        with open(os.path.join(rundir, "model.mcm"), "rb") as f:
            model = f.read()
        data = os.path.join(ROOT, "examples", "seed" if name == "seed-small" else name, "data.csv")
        csvs = {"head": head(data, 4), "empty": b""}
        if name == "seed":  # 40 KB of weights: one input is enough
            csvs = {"head": head(data, 2)}
        if name == "regression":
            csvs["missing"] = head(data, 3, lambda l: b",," in l)
        if name == "multiclass":
            csvs["unknown-category"] = b"site,length,width,mass,density,hue\nmars,5,3,150,1,180\n"
        if name == "seed-small":
            csvs["dropna"] = head(data, 3, lambda l: b",," in l) + b"NA,1,2,3,4,5,6,7,8,9,10,11,x,1\n"
        for c, csv in csvs.items():
            write(os.path.join(out, "%s-%s.bin" % (name, c)), artifact_input(model, csv))


def compact(src, dst):
    """A copy in rollback-journal mode with 512-byte pages: the same rows in
    a fraction of the bytes, so mutations land on the content."""
    if src != dst:
        shutil.copy(src, dst)
    db = sqlite3.connect(dst)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA page_size=512")
    db.execute("VACUUM")
    db.close()


def tampered(src, dst, sql):
    shutil.copy(src, dst)
    db = sqlite3.connect(dst)
    db.execute("DROP TRIGGER events_append_only_update")
    db.execute("DROP TRIGGER events_append_only_delete")
    db.executescript(sql)
    db.commit()
    db.close()
    compact(dst, dst)


def audit_seeds(out, modelcert, run_db):
    gate_db = "gate.db"
    for e in ("multiclass", "regression"):
        run(modelcert, ["validate", specs_path(e), "-o", "gate-" + e, "-q",
                        "--threads", "1", "--audit", gate_db])
    run(modelcert, ["reproduce", "gate-regression", "--audit", gate_db])
    # As the tool leaves them (WAL mode, 4 KB pages), once each.
    shutil.copy(run_db, os.path.join(out, "runs-wal.db"))
    shutil.copy(gate_db, os.path.join(out, "gates-wal.db"))
    compact(run_db, os.path.join(out, "runs.db"))
    compact(gate_db, os.path.join(out, "gates.db"))
    tampered(gate_db, os.path.join(out, "tampered-field.db"), "UPDATE events SET verdict='pass' WHERE id=3;")
    tampered(gate_db, os.path.join(out, "tampered-deleted.db"), "DELETE FROM events WHERE id=2;")
    tampered(gate_db, os.path.join(out, "tampered-id0.db"),
             "INSERT INTO events SELECT 0, time, actor, host, tool_version, command, kind, spec_digest,"
             " data_digest, model_digest, verdict, details, prev_hash, 'x' || hash FROM events WHERE id=1;")
    tampered(gate_db, os.path.join(out, "tampered-nulls.db"),
             "CREATE TABLE e2 AS SELECT * FROM events; DROP TABLE events;"
             " CREATE TABLE events(id, time, actor, host, tool_version, command, kind, spec_digest,"
             " data_digest, model_digest, verdict, details, prev_hash, hash);"
             " INSERT INTO events SELECT * FROM e2; DROP TABLE e2;"
             " UPDATE events SET actor=NULL, details='not json', hash=NULL WHERE id=2;"
             " UPDATE events SET prev_hash=NULL, time=x'00ff' WHERE id=3;")
    tampered(gate_db, os.path.join(out, "empty-chain.db"), "DELETE FROM events;")
    empty = "empty.db"
    db = sqlite3.connect(empty)
    db.executescript("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);")
    db.close()
    compact(empty, os.path.join(out, "not-audit.db"))


def specs_path(e):
    """An example's spec in the work directory's copy of examples/ (relative)."""
    return os.path.join("examples", e, "modelcert.yaml")


def main():
    kinds = ("spec", "csv", "artifact", "audit")
    if len(sys.argv) < 3 or any(k not in kinds for k in sys.argv[3:]):
        sys.exit(__doc__)
    modelcert, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    wanted = sys.argv[3:] or kinds
    for t in wanted:
        os.makedirs(os.path.join(out, t), exist_ok=True)
    if "spec" in wanted:
        spec_seeds(os.path.join(out, "spec"))
    if "csv" in wanted:
        csv_seeds(os.path.join(out, "csv"))
    if "artifact" not in wanted and "audit" not in wanted:
        return
    with tempfile.TemporaryDirectory() as tmp:
        for e in EXAMPLES:
            shutil.copytree(os.path.join(ROOT, "examples", e), os.path.join(tmp, "examples", e))
        os.chdir(tmp)
        run_db = "runs.db"
        artifact_seeds(os.path.join(out, "artifact") if "artifact" in wanted else None, modelcert, run_db)
        if "audit" in wanted:
            audit_seeds(os.path.join(out, "audit"), modelcert, run_db)
        os.chdir(ROOT)


if __name__ == "__main__":
    main()
