#!/usr/bin/env bash
# A kill -9 campaign: runs `run`, `validate` and bursts of audit appends, kills
# each at a random moment, and checks what an auditor relies on:
#   - every audit chain still verifies;
#   - no committed event is lost (the event count never goes down);
#   - a run directory that is complete on disk (run.json present) is either
#     recorded in the trail or `reproduce` notices that it is not (exit 1).
# usage: scripts/kill_campaign.sh MODELCERT [TRIALS] [SEED]   (make kill-campaign)
set -u
MC=$(realpath "$1") TRIALS=${2:-100} SEED=${3:-1}
SRC=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RANDOM=$SEED
A="$TMP/audit.db"
export MODELCERT_AUDIT="$A"
SPEC="$TMP/spec.yaml"
cp "$SRC/examples/seed/data.csv" "$TMP/data.csv"
sed 's/^  sha256:.*//' "$SRC/examples/seed/modelcert.yaml" > "$SPEC"
# (The seed example's reproducibility section makes validate re-run once.)

events() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])" "$A" 2>/dev/null || echo 0; }

"$MC" run -q "$SPEC" -o "$TMP/warm" >/dev/null 2>&1 || { echo "the spec does not run"; exit 2; }
# Delays span each command's life on this machine: measured, then up to 1.3 times that.
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 * 13 / 10 + 1 )); }
SPAN_RUN=$(ms "$MC" run -q "$SPEC" -o "$TMP/cal-run")
SPAN_VALIDATE=$(ms "$MC" validate -q "$SPEC" -o "$TMP/cal-validate")
SPAN_BURST=$(ms sh -c "for k in 1 2 3 4 5 6; do '$MC' run -q '$SPEC' -o '$TMP/cal-burst-'\$k & done; wait")
echo "kill windows: run ${SPAN_RUN} ms, validate ${SPAN_VALIDATE} ms, six concurrent runs ${SPAN_BURST} ms"
declare -A n=()
bad=0
for t in $(seq 1 "$TRIALS"); do
    op=$(( RANDOM % 3 ))
    before=$(events)
    out="$TMP/t$t"
    case $op in
    0) kind=run; delay_ms=$(( RANDOM % SPAN_RUN )); "$MC" run -q "$SPEC" -o "$out" >/dev/null 2>&1 & ;;
    1) kind=validate; delay_ms=$(( RANDOM % SPAN_VALIDATE )); "$MC" validate -q "$SPEC" -o "$out" >/dev/null 2>&1 & ;;
    2) kind=appends; delay_ms=$(( RANDOM % SPAN_BURST ))
       ( for k in 1 2 3 4 5 6; do "$MC" run -q "$SPEC" -o "$out-$k" >/dev/null 2>&1 & done; wait ) &
       ;;
    esac
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    pkill -9 -P "$pid" 2>/dev/null; kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    sleep 0.05
    n[$kind]=$(( ${n[$kind]:-0} + 1 ))
    if ! "$MC" audit verify >/dev/null 2>&1; then
        echo "trial $t ($kind, ${delay_ms} ms): the chain does not verify"; bad=$((bad + 1))
    fi
    after=$(events)
    if [ "$after" -lt "$before" ]; then
        echo "trial $t ($kind): events went from $before to $after"; bad=$((bad + 1))
    fi
    for d in "$out" "$out"-*; do
        [ -e "$d" ] || continue
        case $d in *.tmp-*) continue ;; esac # a temporary directory: never looks complete
        if [ ! -f "$d/run.json" ]; then
            echo "trial $t ($kind): $d exists without run.json (half-written)"; bad=$((bad + 1))
            continue
        fi
        "$MC" reproduce "$d" >"$TMP/rep" 2>&1
        st=$?
        if grep -q "no run or validate event" "$TMP/rep"; then
            n[complete_unaudited_noticed]=$(( ${n[complete_unaudited_noticed]:-0} + 1 ))
            [ "$st" -eq 1 ] || { echo "trial $t: an unaudited run reproduced with exit $st"; bad=$((bad + 1)); }
        elif [ "$st" -eq 0 ]; then
            n[complete_audited]=$(( ${n[complete_audited]:-0} + 1 ))
        else
            echo "trial $t ($kind): reproduce of $d exited $st:"; sed 's/^/  /' "$TMP/rep"; bad=$((bad + 1))
        fi
    done
    n[tmp_left]=$(( ${n[tmp_left]:-0} + $(ls -d "$TMP"/t"$t"*.tmp-* 2>/dev/null | wc -l) ))
done
final=$(events)
echo "trials: $TRIALS (run ${n[run]:-0}, validate ${n[validate]:-0}, append bursts ${n[appends]:-0})"
echo "run directories complete and audited: ${n[complete_audited]:-0}"
echo "complete but unaudited, noticed by reproduce: ${n[complete_unaudited_noticed]:-0}"
echo "temporary directories left by kills (never complete-looking): ${n[tmp_left]:-0}"
echo "events in the trail: $final; chain verifies after every trial: $([ $bad -eq 0 ] && echo yes || echo no)"
echo "problems: $bad"
[ "$bad" -eq 0 ]
