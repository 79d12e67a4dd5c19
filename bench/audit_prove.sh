#!/usr/bin/env bash
# The cost of an inclusion proof (bench/README.md, "Audit trail at scale"; docs/audit.md
# "Proofs") on a long SQLite trail: N valid events (bench_audit_scale fill), one of them, in
# the middle, recording run_id "bench-run" in its details (appended with its hash by
# Python's hashlib, as tests/e2e/prove.sh does), then a v2 checkpoint, `audit prove` of that
# run and `audit verify-proof`, each timed with its peak memory (/usr/bin/time), and the
# proof's size. The trail goes to MODELCERT_BENCH_DIR (default /dev/shm, else /tmp) and is
# deleted at exit.
# usage: bench/audit_prove.sh BUILD_DIR [N]      N default 1000000
set -eu
BUILD=$(cd "$1" && pwd -P)
N=${2:-1000000}
MC="$BUILD/cli/modelcert"
DIR=$(mktemp -d "${MODELCERT_BENCH_DIR:-$([ -d /dev/shm ] && echo /dev/shm || echo /tmp)}/prove.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
cd "$DIR"
T=$PWD/trail.db
"$BUILD/bench/bench_audit_scale" fill "$T" $((N / 2 - 1)) >&2
python3 - "$T" <<'PY'
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
id_, prev = db.execute("select id, hash from events order by id desc limit 1").fetchone()
e = {"id": id_ + 1, "time": "2026-12-07T12:00:00.000Z", "actor": "ci", "host": "bench",
     "tool_version": "0.1.0", "command": "modelcert validate spec.yaml", "kind": "validate",
     "spec_digest": None, "data_digest": None, "model_digest": "ab" * 32, "verdict": "pass",
     "prev_hash": prev, "details": '{"run_id":"bench-run"}'}
o = dict(e, details=json.loads(e["details"]))
e["hash"] = hashlib.sha256(json.dumps(o, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
db.execute("insert into events(id,time,actor,host,tool_version,command,kind,spec_digest,data_digest,"
           "model_digest,verdict,details,prev_hash,hash) values(:id,:time,:actor,:host,:tool_version,"
           ":command,:kind,:spec_digest,:data_digest,:model_digest,:verdict,:details,:prev_hash,:hash)", e)
db.commit()
PY
"$BUILD/bench/bench_audit_scale" fill "$T" "$N" >&2
"$MC" keygen -o k >/dev/null
timed() { # timed WHAT COMMAND...: wall seconds and peak resident memory
    local what=$1
    shift
    /usr/bin/time -f "%e %M" -o time.txt "$@" >/dev/null
    read -r s kb <time.txt
    printf '%-22s %8.2f s  %7.1f MB peak\n' "$what" "$s" "$(echo "$kb / 1024" | bc -l)"
}
echo "trail: $N events, SQLite, in $DIR"
timed "audit verify" "$MC" audit verify --audit "$T"
timed "audit checkpoint (v2)" "$MC" audit checkpoint --audit "$T" --key k.key -o cp.json
timed "audit prove" "$MC" audit prove bench-run --audit "$T" --checkpoint cp.json -o proof.json
timed "audit verify-proof" "$MC" audit verify-proof proof.json --key k.pub
python3 - proof.json <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
p = d["proofs"][0]
print("proof: event %d, leaf %d of %d, %d path hashes, %d bytes (the checkpoint envelope %d)" % (
    p["event"]["id"], p["leaf_index"], d["tree_size"], len(p["path"]), os.path.getsize(sys.argv[1]),
    len(json.dumps(d["checkpoint"]))))
PY
