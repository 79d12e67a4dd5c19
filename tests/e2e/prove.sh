#!/usr/bin/env bash
# Inclusion proofs of audit events against a signed checkpoint (docs/audit.md, "Proofs"), on
# SQLite: a v2 checkpoint signs the RFC 6962 root over the events' hashes (recomputed here
# independently from sqlite3 and from `audit log --json`); `audit prove RUN_ID` writes the
# run's events with their audit paths; `audit verify-proof` checks the file with the public
# key alone, the trail deleted; Python (hashlib, json) and securesystemslib check the same
# file independently. Each failure has its own message: wrong key, an altered event field,
# path hash or index, a size mismatch, a truncated path, a v1 checkpoint (exit 1); a file
# that is not a proof exits 2, bounded at 32 MiB. A trail that no longer holds the
# checkpoint's tree gets no proof. tests/e2e/audit_pg.sh proves on PostgreSQL.
# usage: prove.sh MODELCERT SOURCE_DIR AUDIT_LOAD
set -u
MC=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
SRC=$2
LOAD=$(cd "$(dirname "$3")" && pwd -P)/$(basename "$3")
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
PY=python3
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import securesystemslib.signer, cryptography' 2>/dev/null; then PY=$p; break; fi
done
CHECK="$SRC/tests/e2e/proof_check.py"
payload() { "$PY" -c "import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))['payload']))" "$1"; }
# append DB N RUN_ID...: N events appended by Python with the chain's hashes; event i records
# run_id RUN_IDS[i % len] in its details (so a run may have several events, interleaved)
append() {
    "$PY" - "$@" <<'PY'
import hashlib, json, sqlite3, sys
db, n, runs = sqlite3.connect(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
last = db.execute("select id, hash from events order by id desc limit 1").fetchone()
id_, prev = last if last else (0, "0" * 64)
for i in range(n):
    id_ += 1
    e = {"id": id_, "time": "2026-12-01T10:00:%02d.000Z" % (i % 60), "actor": "ci", "host": "h",
         "tool_version": "0.1.0", "command": "modelcert validate s.yaml", "kind": ["run", "validate"][i // 2 % 2],
         "spec_digest": None, "data_digest": None, "model_digest": "ab" * 32,
         "verdict": ["completed", "pass"][i // 2 % 2], "prev_hash": prev,
         "details": json.dumps({"i": i, "run_id": runs[i % len(runs)]}, sort_keys=True, separators=(",", ":"))}
    o = dict(e, details=json.loads(e["details"]))
    e["hash"] = hashlib.sha256(json.dumps(o, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    db.execute("insert into events(id,time,actor,host,tool_version,command,kind,spec_digest,data_digest,"
               "model_digest,verdict,details,prev_hash,hash) values(:id,:time,:actor,:host,:tool_version,"
               ":command,:kind,:spec_digest,:data_digest,:model_digest,:verdict,:details,:prev_hash,:hash)", e)
    prev = e["hash"]
db.commit()
PY
}
# edit PROOF PYTHON-STATEMENT OUT: the proof as `d`, changed, written to OUT (canonical)
edit() {
    "$PY" - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[2])
open(sys.argv[3], "w").write(json.dumps(d, sort_keys=True, separators=(",", ":")) + "\n")
PY
}

"$MC" keygen -o k >/dev/null && "$MC" keygen -o k2 >/dev/null || exit 2
DB=$TMP/trail.db
export MODELCERT_AUDIT=$DB
expect_exit 0 "10 events from 2 writers" -- "$LOAD" "$DB" 2 5
append "$DB" 10 multi other
mkdir p && cp -r "$SRC/examples/seed" p/ || exit 2
expect_exit 0 "a real run appends its event (21)" -- "$MC" run -q --numerics reference p/seed/modelcert.yaml -o p/run
RID=$("$PY" -c "import json; print(json.load(open('p/run/run.json'))['run_id'])")
expect_exit 0 "12 more events" -- "$LOAD" "$DB" 1 12

# ---- a v2 checkpoint signs the Merkle root, recomputed here independently
expect_exit 0 "audit checkpoint" -- "$MC" audit checkpoint --key k.key -o cp.json
payload cp.json >payload.json
check "$PY" - payload.json <<'PY' -- "the payload is v2: nine members, tree_size 33 = head_id"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["type"] == "modelcert.audit.checkpoint/v2" and len(p) == 9, p
assert p["tree_size"] == p["head_id"] == 33 and len(p["root_hash"]) == 64, p
PY
ROOT=$("$PY" -c "import json,sys; print(json.load(open('payload.json'))['root_hash'])")
check [ "$("$PY" "$CHECK" root "$DB" 33)" = "$ROOT" ] -- "the root is RFC 6962's over the hashes sqlite3 reads"
"$MC" audit log --json >log.json
check [ "$("$PY" "$CHECK" root-jsonl log.json 33)" = "$ROOT" ] -- "and over the hashes audit log --json prints"
expect_exit 0 "3 events after the checkpoint" -- "$LOAD" "$DB" 1 3

# ---- prove, and verify without the trail
expect_exit 0 "audit prove the real run" -- "$MC" audit prove "$RID" --checkpoint cp.json -o real.json
expect_grep out "proof of 1 event of run $RID against the checkpoint of event 33 (tree of 33 events, root $ROOT)" "it names the run, the tree and the root"
expect_grep out "event 21 (run, completed, " "the run's event"
expect_exit 0 "audit prove a run of 5 events" -- "$MC" audit prove multi --checkpoint cp.json -o multi.json
expect_grep out "proof of 5 events of run multi" "five events"
check [ "$(grep -c '^  event' "$TMP/out")" = 5 ] -- "a line each"
expect_exit 0 "audit prove --verb run" -- "$MC" audit prove multi --checkpoint cp.json --verb run -o run-only.json
expect_grep out "proof of 3 events" "the run events of run multi: 11, 15, 19"
expect_exit 0 "audit prove --event 15" -- "$MC" audit prove multi --checkpoint cp.json --event 15 -o one.json
expect_grep out "proof of 1 event of run multi" "one event"
expect_exit 0 "audit prove to standard output" -- "$MC" audit prove multi --checkpoint cp.json --event 15
check cmp -s "$TMP/out" one.json -- "the same proof on standard output (the summary on standard error)"
mv "$DB" "$DB.away"
for f in real multi run-only one; do
    expect_exit 0 "verify-proof $f.json with the trail gone" -- "$MC" audit verify-proof $f.json --key k.pub
    expect_exit 0 "Python (hashlib, json) checks $f.json independently" -- "$PY" "$CHECK" verify $f.json
done
expect_exit 0 "verify-proof" -- "$MC" audit verify-proof multi.json --key k.pub
expect_grep out "proof verified: 5 events of run multi in the tree of 33 events (root $ROOT)" "verified"
expect_exit 0 "verify-proof --json" -- "$MC" audit verify-proof one.json --key k.pub --json
check "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verified"] and d["events"][0]["leaf_index"] == 14 and d["checkpoint"]["tree_size"] == 33, d' "$TMP/out" -- "JSON: verified, leaf 14, tree 33"
"$PY" "$CHECK" envelope multi.json env.json
expect_exit 0 "securesystemslib verifies the embedded checkpoint's signature" -- "$PY" "$SRC/tests/interop/dsse_verify.py" env.json k.pub
check "$PY" - multi.json <<'PY' -- "a proof is O(log n): 6 path hashes at most in a tree of 33"
import json, sys
d = json.load(open(sys.argv[1]))
assert all(len(p["path"]) <= 6 for p in d["proofs"]) and [p["event"]["id"] for p in d["proofs"]] == [11, 13, 15, 17, 19], d
PY
mv "$DB.away" "$DB"

# ---- each way a proof can fail to hold: exit 1, its own message; the independent check too
expect_exit 1 "another key" -- "$MC" audit verify-proof multi.json --key k2.pub
expect_grep out "FAILED: wrong key: checkpoint in multi.json was signed by key" "says wrong key"
edit one.json 'd["proofs"][0]["event"]["verdict"] = "fail"' t-field.json
expect_exit 1 "an event field altered" -- "$MC" audit verify-proof t-field.json --key k.pub
expect_grep out "FAILED: event 15 was altered: its fields hash to" "says altered"
expect_exit 1 "Python refuses it too" -- "$PY" "$CHECK" verify t-field.json
edit one.json 'p = d["proofs"][0]["path"]; p[1] = ("0" if p[1][0] != "0" else "1") + p[1][1:]' t-path.json
expect_exit 1 "a path hash altered" -- "$MC" audit verify-proof t-path.json --key k.pub
expect_grep out "FAILED: the path of event 15 does not lead to the checkpoint's root" "says the path"
expect_exit 1 "Python refuses it too" -- "$PY" "$CHECK" verify t-path.json
edit one.json 'd["proofs"][0]["leaf_index"] = 15' t-index.json
expect_exit 1 "a wrong leaf index" -- "$MC" audit verify-proof t-index.json --key k.pub
expect_grep out "FAILED: wrong index: event 15 is leaf 14 of the tree, but the proof says leaf 15" "says the index"
edit one.json 'd["tree_size"] = 34' t-size.json
expect_exit 1 "a tree size other than the checkpoint's" -- "$MC" audit verify-proof t-size.json --key k.pub
expect_grep out "FAILED: size mismatch: the proof is for a tree of 34 events, but the checkpoint signed a tree of 33" "says the size"
edit one.json 'd["proofs"][0]["path"].pop()' t-short.json
expect_exit 1 "a truncated path" -- "$MC" audit verify-proof t-short.json --key k.pub
expect_grep out "FAILED: the path of event 15 has 5 hashes, but leaf 14 of a tree of 33 needs 6" "says truncated"
edit one.json 'd["run_id"] = "other"' t-run.json
expect_exit 1 "another run's id" -- "$MC" audit verify-proof t-run.json --key k.pub
expect_grep out "FAILED: event 15 is not an event of run other" "says which run"
# a v1 checkpoint (no root), signed by the key with Python's cryptography
"$PY" - cp.json k.key one.json t-v1.json <<'PY'
import base64, json, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
env = json.load(open(sys.argv[1]))
p = json.loads(base64.b64decode(env["payload"]))
del p["root_hash"], p["tree_size"]
p["type"] = "modelcert.audit.checkpoint/v1"
body = json.dumps(p, sort_keys=True, separators=(",", ":")).encode()
pt = env["payloadType"].encode()
key = serialization.load_pem_private_key(open(sys.argv[2], "rb").read(), None)
sig = key.sign(b"DSSEv1 %d %s %d %s" % (len(pt), pt, len(body), body), ec.ECDSA(hashes.SHA256()))
env = dict(env, payload=base64.b64encode(body).decode(),
           signatures=[dict(env["signatures"][0], sig=base64.b64encode(sig).decode())])
open("cp-v1.json", "w").write(json.dumps(env))
d = json.load(open(sys.argv[3]))
d["checkpoint"] = env
open(sys.argv[4], "w").write(json.dumps(d))
PY
expect_exit 1 "a proof whose checkpoint is v1" -- "$MC" audit verify-proof t-v1.json --key k.pub
expect_grep out "FAILED: the checkpoint in t-v1.json is a modelcert.audit.checkpoint/v1 checkpoint: it signs no Merkle root" "says v1"
expect_exit 0 "a v1 checkpoint still verifies against the trail" -- "$MC" audit verify --checkpoint cp-v1.json --key k.pub
expect_exit 2 "no proof against a v1 checkpoint" -- "$MC" audit prove multi --checkpoint cp-v1.json
expect_grep err "cp-v1.json cannot be used: it is a modelcert.audit.checkpoint/v1 checkpoint, which signs no Merkle root" "says why"

# ---- files that are not proofs: exit 2, bounded
echo '{"type": ' >bad.json
expect_exit 2 "not JSON" -- "$MC" audit verify-proof bad.json --key k.pub
expect_grep err "proof bad.json is not JSON" "says not JSON"
edit one.json 'd["proofs"][0]["leaf_index"] = "14"' t-type.json
expect_exit 2 "leaf_index a string" -- "$MC" audit verify-proof t-type.json --key k.pub
expect_grep err "proof t-type.json is malformed: proofs\[0\] must have exactly event" "says which member"
edit one.json 'd["proofs"][0]["event"]["id"] = -1' t-id.json
expect_exit 2 "an event id below 1" -- "$MC" audit verify-proof t-id.json --key k.pub
expect_grep err "proofs\[0\].event.id is not an integer from 1" "says the id"
edit one.json 'd["proofs"][0]["path"][0] = "AB" * 32' t-hex.json
expect_exit 2 "a path hash in upper case" -- "$MC" audit verify-proof t-hex.json --key k.pub
expect_grep err "proofs\[0\].path\[0\] is not 64 lowercase hex digits" "says the hash"
edit one.json 'd["extra"] = 1' t-extra.json
expect_exit 2 "a member too many" -- "$MC" audit verify-proof t-extra.json --key k.pub
expect_grep err "it must have exactly checkpoint" "says the members"
edit one.json 'd["proofs"][0]["path"] += ["00" * 32] * 59' t-long.json
expect_exit 2 "a path of 65 hashes" -- "$MC" audit verify-proof t-long.json --key k.pub
expect_grep err "an array of at most 64 hashes" "says the bound"
edit one.json 'd["proofs"][0]["path"] += ["00" * 32] * 58' t-64.json
expect_exit 1 "a path of 64 hashes is read (and is the wrong length)" -- "$MC" audit verify-proof t-64.json --key k.pub
expect_grep out "has 64 hashes, but leaf 14 of a tree of 33 needs 6" "read at the bound"
"$PY" -c "import sys; b=open('one.json','rb').read().rstrip(b'\n'); open('max.json','wb').write(b + b' ' * (32*1024*1024 - len(b)))"
expect_exit 0 "a proof of exactly 32 MiB (padded) is read" -- "$MC" audit verify-proof max.json --key k.pub
printf ' ' >>max.json
expect_exit 2 "one byte more is refused" -- "$MC" audit verify-proof max.json --key k.pub
expect_grep err "larger than the limit" "the read is bounded"
expect_exit 2 "a missing proof" -- "$MC" audit verify-proof none.json --key k.pub
expect_grep err "no proof file none.json" "named"
expect_exit 2 "verify-proof without --key" -- "$MC" audit verify-proof one.json
expect_exit 2 "prove without --checkpoint" -- "$MC" audit prove multi
expect_exit 2 "prove with --event and --verb" -- "$MC" audit prove multi --checkpoint cp.json --event 1 --verb run
expect_exit 2 "a run with no event" -- "$MC" audit prove nosuchrun --checkpoint cp.json
expect_grep err "holds no event of run nosuchrun at or before the checkpoint's event 33" "says none"
expect_exit 2 "an event of another run" -- "$MC" audit prove multi --checkpoint cp.json --event 12
expect_grep err "event 12 is not an event of run multi" "says so"
expect_exit 2 "an event after the checkpoint" -- "$MC" audit prove multi --checkpoint cp.json --event 34
expect_grep err "event 34 is after the checkpoint's event 33" "says so"
expect_exit 2 "a run id with a quote" -- "$MC" audit prove 'a"b' --checkpoint cp.json
expect_grep err "a run id is 1 to 128 printable ASCII characters" "says what a run id is"

# ---- a trail that no longer holds the checkpoint's tree gets no proof (exit 1)
sql() { "$PY" -c "import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute('DROP TRIGGER IF EXISTS events_append_only_update'); d.execute('DROP TRIGGER IF EXISTS events_append_only_delete'); d.execute(sys.argv[2]); d.commit()" "$@"; }
cp "$DB" t1.db && sql t1.db "UPDATE events SET verdict = 'fail' WHERE id = 13"
expect_exit 1 "an event before the checkpoint edited" -- "$MC" audit prove multi --audit t1.db --checkpoint cp.json -o x.json
expect_grep out "FAILED: .* was altered at or before the checkpoint's event 33: BROKEN at event 13" "names event 13"
check [ ! -e x.json ] -- "no proof written"
cp "$DB" t2.db && sql t2.db "DELETE FROM events WHERE id > 30"
expect_exit 1 "a truncated tail" -- "$MC" audit prove multi --audit t2.db --checkpoint cp.json
expect_grep err "ends at event 30, before the checkpoint's event 33" "says truncated"
cp "$DB" t3.db
"$PY" - t3.db <<'PY'
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TRIGGER events_append_only_update")
cols = [r[1] for r in db.execute("pragma table_info(events)")]
prev = None
for row in db.execute("select * from events order by id").fetchall():
    e = dict(zip(cols, row))
    if e["id"] >= 13:
        if e["id"] == 13:
            e["verdict"] = "fail"
        e["prev_hash"] = prev
        o = {k: e[k] for k in cols if k != "hash"}
        o["details"] = json.loads(e["details"])
        e["hash"] = hashlib.sha256(json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
        db.execute("update events set verdict=?, prev_hash=?, hash=? where id=?", (e["verdict"], e["prev_hash"], e["hash"], e["id"]))
    prev = e["hash"]
db.commit()
PY
expect_exit 1 "the chain rewritten with recomputed hashes" -- "$MC" audit prove multi --audit t3.db --checkpoint cp.json
expect_grep err "was rewritten at or before event 33" "says rewritten"
cd /
finish
