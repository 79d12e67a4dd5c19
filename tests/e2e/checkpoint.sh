#!/usr/bin/env bash
# Signed checkpoints of the audit trail (docs/audit.md, "Signed checkpoints"),
# on SQLite: `audit checkpoint` signs the verified head as a DSSE envelope
# (checked independently: securesystemslib verifies the signature, Python's
# json and sqlite3 the payload's exact bytes and the head they name) and
# appends no event; `audit verify --checkpoint` accepts a trail that grew and
# refuses, each with exit 1 and its own message: a truncated tail, an event at
# or before the checkpoint edited, the chain rewritten with recomputed hashes,
# a break after the checkpoint, a wrong key, a tampered, malformed,
# mistyped, oversized or non-canonical checkpoint. A broken chain is never
# signed. A v2 checkpoint also signs the RFC 6962 root (recomputed by tests/e2e/proof_check.py)
# and a root that is not the trail's is refused. tests/e2e/audit_pg.sh shows the truncated tail
# on PostgreSQL.
# usage: checkpoint.sh MODELCERT SOURCE_DIR AUDIT_LOAD
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
fails() { ! "$@"; }
# sql DB STATEMENT: runs it with the triggers dropped (the attacker's view)
sql() {
    "$PY" - "$@" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TRIGGER IF EXISTS events_append_only_update")
db.execute("DROP TRIGGER IF EXISTS events_append_only_delete")
db.execute(sys.argv[2])
db.commit()
PY
}
count() { "$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])" "$1"; }
# resign ENVELOPE KEY PAYLOAD_TYPE OUT < PAYLOAD: a DSSE envelope over PAYLOAD's bytes, signed by
# KEY with Python's cryptography (so modelcert's own signing is not what the test relies on)
resign() {
    cat >"$TMP/payload.in"
    "$PY" - "$@" "$TMP/payload.in" <<'PY'
import base64, json, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
key = serialization.load_pem_private_key(open(sys.argv[2], "rb").read(), None)
body = open(sys.argv[5], "rb").read()
pt = sys.argv[3].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(pt), pt, len(body), body)
keyid = json.load(open(sys.argv[1]))["signatures"][0]["keyid"]
sig = key.sign(pae, ec.ECDSA(hashes.SHA256()))
env = {"payload": base64.b64encode(body).decode(), "payloadType": sys.argv[3],
       "signatures": [{"keyid": keyid, "sig": base64.b64encode(sig).decode()}]}
open(sys.argv[4], "w").write(json.dumps(env))
PY
}
payload() { "$PY" -c "import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))['payload']))" "$1"; }

"$MC" keygen -o k >/dev/null && "$MC" keygen -o k2 >/dev/null || exit 2
DB=$TMP/trail.db
export MODELCERT_AUDIT=$DB

# ---- an empty trail has no head; a trail of 30 events is signed
expect_exit 0 "audit init" -- "$MC" audit init "$DB"
expect_exit 2 "checkpoint of an empty trail" -- "$MC" audit checkpoint --key k.key -o cp.json
expect_grep err "holds no events: there is no head to sign" "it says there is nothing to sign"
check [ ! -e cp.json ] -- "nothing written"
expect_exit 0 "30 events from 3 writers" -- "$LOAD" "$DB" 3 10
expect_exit 2 "checkpoint without --key" -- "$MC" audit checkpoint -o cp.json
expect_exit 2 "checkpoint with a public key" -- "$MC" audit checkpoint --key k.pub -o cp.json
expect_exit 0 "audit checkpoint" -- "$MC" audit checkpoint --key k.key -o cp.json
expect_grep out "checkpoint of event 30 (head [0-9a-f]\{64\}, 20" "it names the signed head"
check [ "$(count "$DB")" = 30 ] -- "the checkpoint appended no event"
"$MC" audit verify >"$TMP/v"
check grep -q "$(sed -n 's/.*head \([0-9a-f]*\), .*/\1/p' "$TMP/out")" "$TMP/v" -- "it signed the head audit verify reports"

# The envelope, checked with code that is not modelcert's.
expect_exit 0 "securesystemslib verifies the checkpoint's DSSE signature" -- "$PY" "$SRC/tests/interop/dsse_verify.py" cp.json k.pub
expect_grep out "application/vnd.modelcert.audit-checkpoint+json" "its payloadType"
expect_exit 1 "securesystemslib refuses it with another key" -- "$PY" "$SRC/tests/interop/dsse_verify.py" cp.json k2.pub
check "$PY" - cp.json "$DB" "$SRC/tests/e2e/proof_check.py" <<'PY' -- "the payload is canonical JSON naming event 30, its hash and time, the Merkle root over events 1-30 (recomputed by Python), schema 1, the trail"
import base64, json, os, sqlite3, sys
env = json.load(open(sys.argv[1]))
body = base64.b64decode(env["payload"], validate=True)
p = json.loads(body)
assert body == json.dumps(p, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(), body
hid, h, t = sqlite3.connect(sys.argv[2]).execute("select id, hash, time from events order by id desc limit 1").fetchone()
assert sorted(p) == ["head_hash", "head_id", "head_time", "root_hash", "schema_version", "signed_at", "trail", "tree_size", "type"], p
assert (p["head_id"], p["head_hash"], p["head_time"]) == (hid, h, t) == (30, h, t), p
assert p["schema_version"] == 1 and p["type"] == "modelcert.audit.checkpoint/v2", p
import subprocess
root = subprocess.run([sys.executable, sys.argv[3], "root", sys.argv[2], "30"], capture_output=True, text=True, check=True).stdout.strip()
assert p["tree_size"] == 30 and p["root_hash"] == root, (p, root)
assert p["trail"] == os.path.realpath(sys.argv[2]), p
assert len(env["signatures"]) == 1 and len(env["signatures"][0]["keyid"]) == 64, env
assert open(sys.argv[1], "rb").read().endswith(b"}\n")
PY
expect_exit 0 "checkpoint to standard output with a label" -- "$MC" audit checkpoint --key k.key --label "ci trail 7"
check [ "$(payload "$TMP/out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["trail"])')" = "ci trail 7" ] -- "the label is signed"
expect_grep err "standard output" "the summary goes to standard error then"

# ---- verify: the trail holds the head; it may grow
expect_exit 0 "verify --checkpoint" -- "$MC" audit verify --checkpoint cp.json --key k.pub
expect_grep out "checkpoint verified: event 30 " "verified"
expect_exit 0 "20 more events" -- "$LOAD" "$DB" 2 10
expect_exit 0 "verify --checkpoint after the trail grew" -- "$MC" audit verify --checkpoint cp.json --key k.pub
expect_grep out "intact: 50 events" "the grown chain verifies on"
expect_exit 0 "verify --checkpoint --json" -- "$MC" audit verify --checkpoint cp.json --key k.pub --json
expect_grep out '"verified": true' "JSON says verified"
expect_exit 2 "--checkpoint without --key" -- "$MC" audit verify --checkpoint cp.json
expect_exit 2 "--checkpoint with --head" -- "$MC" audit verify --checkpoint cp.json --key k.pub --head 00
expect_exit 2 "a missing checkpoint file" -- "$MC" audit verify --checkpoint none.json --key k.pub
expect_grep err "no checkpoint file none.json" "named"

# ---- an option a subcommand does not take is refused (exit 2, the option and the
# subcommand named), never silently ignored with exit 0.
expect_exit 2 "audit log -o FILE (log writes no file)" -- "$MC" audit log -o log.txt
expect_grep err "audit log does not take -o/--output" "the option and the subcommand are named"
check [ ! -e log.txt ] -- "no file written"
expect_exit 2 "audit verify --model" -- "$MC" audit verify --key k.pub --model zzz
expect_grep err "audit verify does not take --model" "--model is named"
expect_exit 2 "audit verify --key without --checkpoint" -- "$MC" audit verify --key k.pub
expect_grep err "audit verify takes --key only with --checkpoint" "--key alone is refused"
expect_exit 2 "audit migrate --head" -- "$MC" audit migrate --from "$DB" --to m.db --head abc
expect_grep err "audit migrate does not take --head" "--head is named"
check [ ! -e m.db ] -- "nothing migrated"
expect_exit 2 "audit migrate --audit" -- "$MC" audit migrate --from "$DB" --to m.db --audit "$DB"
expect_grep err "audit migrate does not take --audit" "--audit is named (migrate reads --from)"
expect_exit 2 "audit show --format" -- "$MC" audit show 1 --format csv
expect_grep err "audit show does not take --format" "--format is named"
expect_exit 2 "audit export --json" -- "$MC" audit export --format csv --json
expect_grep err "audit export does not take --json" "--json is named"
expect_exit 2 "audit init --since" -- "$MC" audit init "$DB" --since 2026-01-01
expect_grep err "audit init does not take --since" "--since is named"
expect_exit 0 "audit log --kind and --json, which log takes" -- "$MC" audit log --kind validate --json
expect_exit 0 "audit export -o FILE, which export takes" -- "$MC" audit export --format csv -o e.csv
check [ -s e.csv ] -- "export wrote its file"

# ---- the checkpoint file: each problem exit 1, its own message
expect_exit 1 "a wrong key" -- "$MC" audit verify --checkpoint cp.json --key k2.pub
expect_grep out "FAILED: wrong key: checkpoint cp.json was signed by key" "says wrong key"
payload cp.json | sed 's/"head_id":30/"head_id":29/' >p29
"$PY" -c "import base64,json,sys; e=json.load(open('cp.json')); e['payload']=base64.b64encode(open('p29','rb').read()).decode(); json.dump(e,open('t.json','w'))"
expect_exit 1 "a tampered checkpoint (head_id 30 -> 29, signature kept)" -- "$MC" audit verify --checkpoint t.json --key k.pub
expect_grep out "does not verify with this key: it was altered after it was signed" "says altered"
echo '{"payload": "eyJ9", "payloadType": ' >bad.json
expect_exit 1 "a checkpoint that is not JSON" -- "$MC" audit verify --checkpoint bad.json --key k.pub
expect_grep out "checkpoint bad.json is not JSON" "says not JSON"
echo '{"payload": 1}' >bad.json
expect_exit 1 "JSON that is not a DSSE envelope" -- "$MC" audit verify --checkpoint bad.json --key k.pub
expect_grep out "is not a DSSE envelope" "says not an envelope"
head -c 70000 /dev/zero | tr '\0' ' ' >big.json
expect_exit 1 "an oversized checkpoint (70,000 bytes)" -- "$MC" audit verify --checkpoint big.json --key k.pub
expect_grep out "cannot be used: .*larger than" "the read is bounded"
mkdir dir.json
expect_exit 1 "a directory as the checkpoint" -- "$MC" audit verify --checkpoint dir.json --key k.pub
payload cp.json | resign cp.json k.key application/vnd.in-toto+json other.json
expect_exit 1 "another payloadType, signed by the key" -- "$MC" audit verify --checkpoint other.json --key k.pub
expect_grep out "is not an audit checkpoint: its payloadType is 'application/vnd.in-toto+json'" "says which"
payload cp.json | "$PY" -c "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), indent=1))" |
    resign cp.json k.key application/vnd.modelcert.audit-checkpoint+json spaced.json
expect_exit 1 "a payload not in canonical form, signed by the key" -- "$MC" audit verify --checkpoint spaced.json --key k.pub
expect_grep out "signed by this key but malformed: its payload is not in the canonical form" "says not canonical"
payload cp.json | sed 's/"schema_version":1/"schema_version":2/' |
    resign cp.json k.key application/vnd.modelcert.audit-checkpoint+json v2.json
expect_exit 1 "a checkpoint of a schema-2 trail" -- "$MC" audit verify --checkpoint v2.json --key k.pub
expect_grep out "it checkpoints a trail of schema version 2; this modelcert reads version 1" "says the version"
payload cp.json | sed 's/"root_hash":"[0-9a-f]*"/"root_hash":"'"$(printf '0%.0s' $(seq 64))"'"/' |
    resign cp.json k.key application/vnd.modelcert.audit-checkpoint+json root.json
expect_exit 1 "a v2 checkpoint whose root is not the trail's, signed by the key" -- "$MC" audit verify --checkpoint root.json --key k.pub
expect_grep out "was rewritten at or before event 30: the Merkle root over events 1 to 30 is .*, but the checkpoint signed 0000000000000000" "says the root differs"
payload cp.json | sed 's/"tree_size":30/"tree_size":29/' |
    resign cp.json k.key application/vnd.modelcert.audit-checkpoint+json size.json
expect_exit 1 "a v2 checkpoint whose tree_size is not head_id" -- "$MC" audit verify --checkpoint size.json --key k.pub
expect_grep out "malformed: tree_size is not head_id" "says tree_size"
payload cp.json | sed 's/"head_id":30/"head_id":-3/' |
    resign cp.json k.key application/vnd.modelcert.audit-checkpoint+json neg.json
expect_exit 1 "a negative head_id, signed by the key" -- "$MC" audit verify --checkpoint neg.json --key k.pub
expect_grep out "head_id is not an event id" "says head_id"

# ---- the trail: each tampering exit 1, its own message (on copies of the trail)
cp "$DB" t1.db && sql t1.db "DELETE FROM events WHERE id > 25"
expect_exit 0 "a truncated tail: the chain alone still verifies" -- "$MC" audit verify --audit t1.db
expect_exit 1 "a truncated tail against the checkpoint" -- "$MC" audit verify --audit t1.db --checkpoint cp.json --key k.pub
expect_grep out "ends at event 25 (head .*), before the checkpoint's event 30: events were removed from the end" "says the tail went"
cp "$DB" t2.db && sql t2.db "UPDATE events SET verdict = 'pass' WHERE id = 10"
expect_exit 1 "an event before the checkpoint edited" -- "$MC" audit verify --audit t2.db --checkpoint cp.json --key k.pub
expect_grep out "was altered at or before the checkpoint's event 30: BROKEN at event 10: event 10 was altered" "names event 10"
cp "$DB" t3.db && sql t3.db "UPDATE events SET actor = 'mallory' WHERE id = 30"
expect_exit 1 "the checkpoint's own event edited" -- "$MC" audit verify --audit t3.db --checkpoint cp.json --key k.pub
expect_grep out "BROKEN at event 30" "names event 30"
cp "$DB" t4.db
check "$PY" - t4.db <<'PY' -- "the chain rewritten from event 20 on, every hash recomputed"
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TRIGGER events_append_only_update")
cols = ["id", "time", "actor", "host", "tool_version", "command", "kind", "spec_digest",
        "data_digest", "model_digest", "verdict", "details", "prev_hash", "hash"]
prev = None
for row in db.execute("select * from events order by id").fetchall():
    e = dict(zip(cols, row))
    if e["id"] >= 20:
        if e["id"] == 20:
            e["verdict"] = "pass"
        e["prev_hash"] = prev
        o = {k: e[k] for k in cols if k != "hash"}
        o["details"] = json.loads(e["details"])
        e["hash"] = hashlib.sha256(json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
        db.execute("update events set verdict=?, prev_hash=?, hash=? where id=?", (e["verdict"], e["prev_hash"], e["hash"], e["id"]))
    prev = e["hash"]
db.commit()
PY
expect_exit 0 "the rewritten chain verifies by itself" -- "$MC" audit verify --audit t4.db
expect_exit 1 "the rewritten chain against the checkpoint" -- "$MC" audit verify --audit t4.db --checkpoint cp.json --key k.pub
expect_grep out "was rewritten at or before event 30: that event now hashes to" "says rewritten"
cp "$DB" t5.db && sql t5.db "UPDATE events SET host = 'x' WHERE id = 40"
expect_exit 1 "an event after the checkpoint edited" -- "$MC" audit verify --audit t5.db --checkpoint cp.json --key k.pub
expect_grep out "holds the checkpoint's event 30 unchanged, but is broken after it: BROKEN at event 40" "says after"

# ---- a broken chain is never signed
expect_exit 1 "checkpoint of a broken chain" -- "$MC" audit checkpoint --audit t2.db --key k.key -o cp2.json
expect_grep out "BROKEN at event 10" "it shows the break"
expect_grep err "no checkpoint was signed" "and signs nothing"
check [ ! -e cp2.json ] -- "no file written"
expect_exit 2 "checkpoint into a missing directory" -- "$MC" audit checkpoint --key k.key -o nodir/cp.json
cd /
finish
