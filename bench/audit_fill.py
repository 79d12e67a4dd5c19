#!/usr/bin/env python3
"""Fills an audit trail with a valid chain fast, for bench/audit_scale.sh only (never the tests).

Each event is the benchmark's sample (bench/bench_audit_event.h: a `validate` event of CI),
hashed as docs/audit.md "The hash chain" says (SHA-256 of the canonical JSON, RFC 8785: keys
sorted, no spaces; the sample's strings need no escaping) and linked to the one before, from
the trail's head on: every verb and `audit verify` accept the result.

  audit_fill.py sqlite PATH N            appends to the SQLite trail PATH (made by modelcert)
                                         until it holds N events, 100,000 per transaction
  audit_fill.py copy HEAD_ID HEAD_HASH N writes the events HEAD_ID+1 .. N as PostgreSQL COPY
                                         text (the events table's columns, in order) to stdout
"""
import hashlib
import sqlite3
import sys

DIGEST = "4fdf43cc519e4dae211d5c79b8ad1eadac14f541112fa7ed8b9757e14c70de4c"
FIELDS = dict(actor="ci-bot", host="runner-7", tool_version="0.1.0",
              command="modelcert validate examples/seed/modelcert.yaml -o runs/x",
              kind="validate", spec_digest=DIGEST, data_digest=DIGEST, model_digest=DIGEST,
              verdict="pass", details='{"counts":{"fail":0,"pass":9},"run_dir":"runs/x"}')
TIME = "2026-12-07T00:00:00.000Z"
# The canonical JSON around the three fields that change (id, prev_hash); keys in order.
PREFIX = ('{"actor":"%(actor)s","command":"%(command)s","data_digest":"%(data_digest)s",'
          '"details":%(details)s,"host":"%(host)s","id":' % FIELDS)
MIDDLE = ',"kind":"%(kind)s","model_digest":"%(model_digest)s","prev_hash":"' % FIELDS
SUFFIX = ('","spec_digest":"%(spec_digest)s","time":"%(time)s","tool_version":"%(tool_version)s",'
          '"verdict":"%(verdict)s"}' % dict(FIELDS, time=TIME))


def chain(head_id, head_hash, n):
    """(id, prev_hash, hash) of the events after the head, up to id n."""
    prev = head_hash
    for i in range(head_id + 1, n + 1):
        h = hashlib.sha256((PREFIX + str(i) + MIDDLE + prev + SUFFIX).encode()).hexdigest()
        yield i, prev, h
        prev = h


def fill_sqlite(path, n):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA cache_size = -1000000")
    row = db.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    head_id, head_hash = row if row else (0, "0" * 64)
    f = FIELDS
    rows = ((i, TIME, f["actor"], f["host"], f["tool_version"], f["command"], f["kind"],
             f["spec_digest"], f["data_digest"], f["model_digest"], f["verdict"], f["details"],
             prev, h) for i, prev, h in chain(head_id, head_hash, n))
    while True:
        batch = [r for _, r in zip(range(100000), rows)]
        if not batch:
            break
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO events(id, time, actor, host, tool_version, command, kind,"
                       " spec_digest, data_digest, model_digest, verdict, details, prev_hash,"
                       " hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
        db.execute("COMMIT")
    db.close()


def copy_text(head_id, head_hash, n):
    f = FIELDS
    fixed = "\t".join([f["actor"], f["host"], f["tool_version"], f["command"], f["kind"],
                       f["spec_digest"], f["data_digest"], f["model_digest"], f["verdict"],
                       f["details"]])
    out = sys.stdout
    buf = []
    for i, prev, h in chain(head_id, head_hash, n):
        buf.append("%d\t%s\t%s\t%s\t%s\n" % (i, TIME, fixed, prev, h))
        if len(buf) == 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "sqlite":
        fill_sqlite(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "copy":
        copy_text(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
