#!/usr/bin/env bash
# Failing allocations in `sign`: re-signing a model directory whose bundle (model.sig) lies
# inside it, with each of its allocations made to fail in turn (MC_FAIL_ALLOC_AFTER=N, in
# modelcert_failalloc: tests/support/failalloc.c). Each trial must end in one of two ways:
#   - exit status 3 with "out of memory" on stderr;
#   - exit status 0 with a bundle that `modelcert verify` accepts.
# The bundle is never signed itself: when the step that finds it inside the model ran out
# of memory, it once read as "not inside", so the old model.sig was signed into the new
# manifest and the new bundle could never verify ("file 'model.sig' is signed but missing
# on disk") while sign said it had signed.
#
# usage: failalloc_sign.sh MODELCERT MODELCERT_FAILALLOC SOURCE_DIR
set -u
MC=$1
FA=$2
SRC=$3
. "$(dirname "$0")/lib.sh"
unset MC_FAIL_ALLOC_AFTER MC_FAIL_ALLOC_COUNT MC_FAIL_ALLOC_VERBOSE
export MC_FAIL_ALLOC_MODE=once

mkdir "$TMP/model"
cp "$SRC/tests/fixtures/failalloc/data.csv" "$TMP/model/data.csv"
echo '{"weights": [1, 2, 3]}' >"$TMP/model/config.json"
"$MC" keygen -o "$TMP/k" >/dev/null 2>&1 &&
    "$MC" sign "$TMP/model" --key "$TMP/k.key" --threads 1 -q >/dev/null 2>&1
check test -f "$TMP/model/model.sig" -- "the model is signed, its bundle inside it"

W=$TMP/w # every trial re-signs a fresh copy here, the old bundle in it, with a new trail
trial() {
    rm -rf "$W" "$TMP/count" "$TMP/trial.db"
    cp -r "$TMP/model" "$W"
    MC_FAIL_ALLOC_AFTER=$1 MC_FAIL_ALLOC_COUNT=$TMP/count "$FA" sign "$W" --key "$TMP/k.key" \
        --threads 1 --audit "$TMP/trial.db" -q >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

trial 0
read -r count _ <"$TMP/count"
check test "$rc" -eq 0 -a -n "$count" -- "the unfailed re-sign: $count allocations"
defects=0
for ((n = 1; n <= count + 1; n++)); do
    trial "$n"
    if [ "$rc" -eq 3 ] && grep -q "out of memory" "$TMP/err"; then
        continue
    fi
    if [ "$rc" -eq 0 ] && "$MC" verify "$W" --key "$TMP/k.pub" -q >"$TMP/vout" 2>&1; then
        continue
    fi
    defects=$((defects + 1))
    if [ "$rc" -eq 0 ]; then
        echo "DEFECT: N=$n: sign exited 0, but its bundle does not verify: $(head -1 "$TMP/vout")"
    else
        echo "DEFECT: N=$n: exit $rc (want 3 with 'out of memory', or 0): $(head -1 "$TMP/err")"
    fi
done
check test "$defects" -eq 0 -- "sign: $count trials, each out of memory or a bundle that verifies"
finish
