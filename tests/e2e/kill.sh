#!/usr/bin/env bash
# A run killed with SIGKILL while it writes its run directory leaves nothing
# that looks complete (docs/formats.md, The run directory). killshim.c, an
# LD_PRELOAD shim, kills `modelcert run` at one point of the write sequence
# (common/mc_file.c: temp file, write, fsync, rename; reference/mc_run.c:
# the files in a DIR.tmp-XXXXXX sibling, run.json last, then the rename to
# DIR). After each kill:
# - the -o path does not exist, or it is complete: its six files, run.json
#   citing the model's digest, nothing else;
# - besides it, only a DIR.tmp-XXXXXX sibling may remain;
# - in that sibling, every file under a final name is complete (the same
#   bytes as an uninterrupted run's), anything else is a NAME.tmp.XXXXXX
#   temporary file, and a run.json means every other file is there;
# - the audit trail is intact and has no event for the killed run;
# - a new run to the same -o path still succeeds.
# usage: kill.sh MODELCERT SOURCE_DIR KILLSHIM
set -u
MC=$1
SRC=$2
SHIM=$3
. "$(dirname "$0")/lib.sh"
# AddressSanitizer wants its runtime first in the library list; the shim comes first here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
SPEC="$SRC/examples/seed/modelcert.yaml"

expect_exit 0 "an uninterrupted run, for comparison" -- "$MC" run -q "$SPEC" -o "$TMP/ref"

# killed NAME SETTINGS...: a run to $TMP/NAME/out under the shim with SETTINGS (VAR=value)
killed() {
    local name=$1
    shift
    mkdir -p "$TMP/$name"
    { env LD_PRELOAD="$SHIM" "$@" "$MC" run -q "$SPEC" -o "$TMP/$name/out" >"$TMP/out" 2>"$TMP/err"; } 2>/dev/null
    local got=$?
    if [ "$got" -eq 137 ]; then
        echo "ok: $name: the run was killed (SIGKILL) where the shim said"
    else
        echo "FAIL: $name: exit $got, want 137 (SIGKILL from the shim)"
        sed 's/^/  stderr: /' "$TMP/err" | head -10
        failures=$((failures + 1))
    fi
}

# left.py REF DIR [EXPECT...]: the invariants above on DIR (holding `out` and
# its siblings), plus what the kill point implies: "out" (the -o path exists),
# "final:F" (the sibling holds F under its final name), "temp:F" (the sibling
# holds a temporary file for F), "short:F" (that temporary file is shorter than F).
cat > "$TMP/left.py" <<'PY'
import hashlib, json, os, re, sys
ref, top, expect = sys.argv[1], sys.argv[2], sys.argv[3:]
FILES = ["model.mcm", "metrics.json", "spec.json", "history.csv", "test_predictions.csv", "run.json"]
bad = []

def complete(d, f):
    """A file under its final name must be whole: the uninterrupted run's bytes (but for
    the seconds in history.csv; run.json varies in time and paths, so it must parse and
    cite the model's digest)."""
    p = os.path.join(d, f)
    data = open(p, "rb").read()
    if f == "history.csv":
        strip = lambda b: [line.rsplit(b",", 1)[0] for line in b.split(b"\n")]
        if strip(data) != strip(open(os.path.join(ref, f), "rb").read()):
            bad.append(f"{p}: not the complete file ({len(data)} bytes)")
        return
    if f != "run.json":
        if data != open(os.path.join(ref, f), "rb").read():
            bad.append(f"{p}: not the complete file ({len(data)} bytes)")
        return
    try:
        rec = json.loads(data)
        model = open(os.path.join(d, "model.mcm"), "rb").read()
        if rec["model"]["digest"] != hashlib.sha256(model).hexdigest():
            bad.append(f"{p}: cites another model digest")
    except Exception as e:
        bad.append(f"{p}: not a complete run record ({e})")

entries = sorted(os.listdir(top))
tmps = [e for e in entries if re.fullmatch(r"out\.tmp-[A-Za-z0-9]{6}", e)]
others = [e for e in entries if e != "out" and e not in tmps]
if others:
    bad.append(f"unexpected entries beside the run directory: {others}")
if len(tmps) > 1:
    bad.append(f"more than one temporary directory: {tmps}")
if ("out" in entries) != ("out" in expect):
    bad.append("the -o path " + ("is missing" if "out" in expect else "exists"))
if "out" in entries:
    out = os.path.join(top, "out")
    if sorted(os.listdir(out)) != sorted(FILES):
        bad.append(f"the -o directory is incomplete or has extra files: {sorted(os.listdir(out))}")
    else:
        for f in FILES:
            complete(out, f)
finals, temps = set(), {}
for t in tmps:
    d = os.path.join(top, t)
    for e in sorted(os.listdir(d)):
        m = re.fullmatch(r"(.+)\.tmp\.[A-Za-z0-9]{6}", e)
        if e in FILES:
            finals.add(e)
            complete(d, e)
        elif m and m.group(1) in FILES:
            temps[m.group(1)] = os.path.getsize(os.path.join(d, e))
        else:
            bad.append(f"{d}: unexpected entry {e}")
    if "run.json" in finals and finals != set(FILES):
        bad.append(f"{d}: has run.json but lacks {sorted(set(FILES) - finals)}")
for x in expect:
    kind, _, f = x.partition(":")
    if kind == "final" and f not in finals:
        bad.append(f"the temporary directory lacks {f}")
    if kind in ("temp", "short") and f not in temps:
        bad.append(f"the temporary directory has no temporary file for {f}")
    if kind == "short" and f in temps and temps[f] >= os.path.getsize(os.path.join(ref, f)):
        bad.append(f"the temporary file for {f} is not shorter than {f}")
print(f"  left: {entries}; in the temporary directory: final {sorted(finals)}, temporary {sorted(temps)}")
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
left() { python3 "$TMP/left.py" "$TMP/ref" "$TMP/$1" "${@:2}"; }

killed write-model KILL_ON_WRITE=model.mcm
check left write-model short:model.mcm -- "killed while writing model.mcm: a short temporary file, no run directory"
killed fsync-model KILL_ON_FSYNC=model.mcm
check left fsync-model temp:model.mcm -- "killed before model.mcm is synced: no run directory"
killed rename-model KILL_ON_RENAME=model.mcm
check left rename-model temp:model.mcm -- "killed before model.mcm is renamed into place: no run directory"
killed renamed-model KILL_ON_RENAME=model.mcm KILL_WHEN=after
check left renamed-model final:model.mcm -- "killed after model.mcm is in place: no run directory"
killed write-metrics KILL_ON_WRITE=metrics.json
check left write-metrics final:model.mcm short:metrics.json -- "killed while writing metrics.json: no run directory"
killed rename-record KILL_ON_RENAME=run.json
check left rename-record temp:run.json final:test_predictions.csv -- "killed before run.json is in place: no run directory"
killed renamed-record KILL_ON_RENAME=run.json KILL_WHEN=after
check left renamed-record final:run.json -- "killed after run.json is in place: complete, but not under the -o name"
killed rename-dir KILL_ON_RENAME=out
check left rename-dir final:run.json -- "killed before the directory is renamed: no run directory"
killed renamed-dir KILL_ON_RENAME=out KILL_WHEN=after
check left renamed-dir out -- "killed after the directory is renamed: the -o directory is complete"

# Killed after the rename, before its audit event: complete on disk, never recorded.
# reproduce is the command that notices (docs/security.md).
expect_exit 1 "reproduce notices the complete but unaudited run" -- "$MC" reproduce "$TMP/renamed-dir/out"
expect_grep out "FAIL  no run or validate event in the audit trail" "reproduce says no audit event records it"

expect_exit 0 "audit verify after the kills" -- "$MC" audit verify
expect_grep out "intact: 2 events" "only the uninterrupted run (and the reproduce) are in the audit trail"
expect_exit 0 "a new run to an -o path that a killed run left a temporary sibling for" -- "$MC" run -q "$SPEC" -o "$TMP/rename-dir/out"
check left rename-dir out -- "the new run is complete; the killed run's sibling is still only a temporary directory"

finish
