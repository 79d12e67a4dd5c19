#!/usr/bin/env bash
# Failing allocations: `run`, `predict` (of model.mcm, and of its ONNX export by the ONNX
# interpreter: predict_onnx), `validate` and `validate` of a spec whose model: is that export
# (validate_onnx) must survive any one allocation
# failing. Each trial makes allocation N fail (MC_FAIL_ALLOC_AFTER=N, in
# modelcert_failalloc: tests/support/failalloc.c) and must end in one of two ways:
#   - exit status 3 with "out of memory" on stderr, and no output at -o (a leftover
#     DIR.tmp-XXXXXX is tolerated and counted). The one documented exception: the
#     run directory was complete and only the audit trail could not be written
#     (docs/exit-codes.md); the run directory must then be the unfailed one.
#   - the same result as the unfailed run: same status, same stdout and stderr, same
#     files (model.mcm, metrics, predictions, ...; timings, dates and run ids aside)
#     and the same audit event (its time, hash and run id aside, and the digests it records
#     of the files that hold timings).
# Anything else is a defect: another status (2, 1, 0 with other output), an empty
# or other message, a crash (signal, sanitizer report), a partial output.
#
# usage: failalloc.sh MODELCERT_FAILALLOC SOURCE_DIR [VERB...]
#   VERB: run, predict, predict_onnx, validate, validate_onnx (default: all five)
# environment:
#   MC_FAILALLOC_FIRST=200   every N from 1 to this
#   MC_FAILALLOC_SPREAD=100  then this many N spread evenly up to the last allocation
#   MC_FAILALLOC_ALL=1       every N instead (exhaustive; minutes)
#   MC_FAILALLOC_ONLY="N..." just these N (with one VERB)
#   MC_FAILALLOC_WHERE=1     for each defect, print where the failed allocation was made
#                            (addr2line on the backtrace that MC_FAIL_ALLOC_VERBOSE prints)
#   MC_FAILALLOC_MODE=from   fail allocation N and every later one (default: only N)
set -u
MC=$1
SRC=$2
shift 2
VERBS=${*:-run predict predict_onnx validate validate_onnx}
. "$(dirname "$0")/lib.sh"

FIX=$SRC/tests/fixtures/failalloc
SPEC=$FIX/modelcert.yaml
DATA=$FIX/data.csv
FIRST=${MC_FAILALLOC_FIRST:-200}
SPREAD=${MC_FAILALLOC_SPREAD:-100}
W=$TMP/w # every trial works here, so every path (and so every output) is the same
unset MC_FAIL_ALLOC_AFTER MC_FAIL_ALLOC_COUNT MC_FAIL_ALLOC_VERBOSE MODELCERT_AUDIT
export MC_FAIL_ALLOC_MODE=${MC_FAILALLOC_MODE:-once}

# The command of a verb, run in $W, into the array cmd.
command_of() {
    case $1 in
    run) cmd=("$MC" run "$SPEC" -o "$W/out" --audit "$W/audit.db") ;;
    validate) cmd=("$MC" validate "$SPEC" -o "$W/out" --audit "$W/audit.db") ;;
    predict) cmd=("$MC" predict "$TMP/model.mcm" "$DATA" -o "$W/out") ;;
    predict_onnx) cmd=("$MC" predict "$TMP/model.onnx" "$DATA" -o "$W/out") ;;
    validate_onnx) cmd=("$MC" validate "$TMP/gate/modelcert.yaml" -o "$W/out" --audit "$W/audit.db") ;;
    esac
}

# Runs VERB in a fresh $W with MC_FAIL_ALLOC_AFTER=$2 (0: nothing fails). Sets rc; stdout,
# stderr and the allocation count are in $TMP/out, $TMP/err, $TMP/count.
trial() {
    rm -rf "$W" "$TMP/count"
    mkdir "$W"
    command_of "$1"
    MC_FAIL_ALLOC_AFTER=$2 MC_FAIL_ALLOC_COUNT=$TMP/count "${cmd[@]}" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

# What a trial produced, normalised: no timings, dates, random run ids, or hashes over them.
snapshot() {
    local dest=$1
    rm -rf "$dest"
    mkdir -p "$dest"
    sed -E 's/\([0-9]+\.[0-9]+s\)//' "$TMP/err" >"$dest/stderr"
    cp "$TMP/out" "$dest/stdout"
    if [ -d "$W/out" ]; then
        for f in "$W/out"/*; do
            case ${f##*/} in
            run.json | validation.json) sed '/"timings_s"/,/}/d; /"created"/d; /"run_id"/d' "$f" >"$dest/${f##*/}" ;;
            history.csv) sed 's/,[^,]*$//' "$f" >"$dest/${f##*/}" ;; # no seconds
            *) cp "$f" "$dest/${f##*/}" ;;
            esac
        done
    elif [ -f "$W/out" ]; then
        cp "$W/out" "$dest/out.file"
    fi
    if [ -f "$W/audit.db" ]; then
        MC_FAIL_ALLOC_AFTER=0 "$MC" audit export --format jsonl --audit "$W/audit.db" 2>&1 |
            sed -E 's/"(time|hash|run_id)":"[^"]*",?//g
                s/"(history\.csv|run\.json|validation\.json)":"[0-9a-f]{64}"/"\1":"(timed)"/g' \
                >"$dest/audit.jsonl" # the digests of files that hold timings vary too
    fi
}

# Where allocation N of VERB is made: the backtrace of the failure, symbolised.
where() {
    local line off lib sym
    rm -rf "$W"
    mkdir -p "$W"
    command_of "$1"
    MC_FAIL_ALLOC_AFTER=$2 MC_FAIL_ALLOC_VERBOSE=1 "${cmd[@]}" 2>&1 >/dev/null |
        sed -n '/^failalloc: failing/,/main/p' | sed 1d | while read -r line; do
            case $line in
            *modelcert_failalloc\(+0x*)
                off=${line##*(+}
                addr2line -e "$MC" -f -i -p "${off%%)*}" 2>/dev/null ;;
            *\(*+0x*\)*)
                lib=${line%%(*} sym=${line#*(}
                echo "${sym%%+*} in ${lib##*/}" ;;
            esac
        done | grep -v -e "failalloc\.c" -e "^main " -e "^ in " -e "^__libc_start" | head -8 | sed "s|$SRC/||; s/^/      at /"
}

defects=0 tolerated=0
defect() {
    local verb=$1 n=$2 what=$3
    defects=$((defects + 1))
    echo "DEFECT: $verb N=$n: $what"
    sed 's/^/    stderr: /' "$TMP/err" | grep -v '^    stderr: epoch ' | head -6
    command_of "$verb"
    echo "    repro: MC_FAIL_ALLOC_AFTER=$n MC_FAIL_ALLOC_VERBOSE=1 ${cmd[*]}"
    [ "${MC_FAILALLOC_WHERE:-0}" = 1 ] && where "$verb" "$n"
    # Leave nothing behind for the next trial, whatever this one did.
    rm -rf "$W"
    mkdir -p "$W"
}

# The N to try for an allocation count C: 1..FIRST, then SPREAD spread up to C, then C+1
# (nothing fails: a check of the counting itself).
sample() {
    local c=$1 n i
    if [ "${MC_FAILALLOC_ONLY:-}" ]; then
        # shellcheck disable=SC2086 # a list of N, split on purpose
        printf '%s\n' $MC_FAILALLOC_ONLY
        return
    fi
    if [ "${MC_FAILALLOC_ALL:-0}" = 1 ]; then
        seq 1 $((c + 1))
        return
    fi
    for ((n = 1; n <= FIRST && n <= c; n++)); do echo $n; done
    if [ "$c" -gt "$FIRST" ]; then
        for ((i = 1; i <= SPREAD; i++)); do
            echo $((FIRST + (i * (c - FIRST) + SPREAD - 1) / SPREAD))
        done | uniq
    fi
    echo $((c + 1))
}

check_trial() {
    local verb=$1 n=$2 san
    san=$(grep -m1 -E "ERROR: (Address|Leak)Sanitizer|runtime error:|AddressSanitizer:" "$TMP/err")
    if [ "$rc" -ge 128 ] || [ -n "$san" ]; then
        defect "$verb" "$n" "crash: exit $rc${san:+ ($san)}"
        return
    fi
    case $rc in
    3)
        if ! grep -q "out of memory" "$TMP/err"; then
            if [ -s "$TMP/err" ]; then
                defect "$verb" "$n" "exit 3 without 'out of memory': $(grep -v '^epoch ' "$TMP/err" | head -1)"
            else
                defect "$verb" "$n" "exit 3 with an empty stderr"
            fi
            return
        fi
        if [ -e "$W/out" ]; then
            if [ "$verb" != predict ] && grep -q "audit trail could not be written" "$TMP/err"; then
                snapshot "$TMP/trial"
                for f in "$TMP/ref/$verb"/*; do
                    case ${f##*/} in stdout | stderr | audit.jsonl) continue ;; esac
                    if ! cmp -s "$f" "$TMP/trial/${f##*/}"; then
                        defect "$verb" "$n" "exit 3 (audit), run directory differs: ${f##*/}"
                        return
                    fi
                done
            else
                defect "$verb" "$n" "exit 3, but $W/out exists: $(ls "$W/out" 2>/dev/null | tr '\n' ' ')"
                return
            fi
        fi
        if compgen -G "$W/out.tmp*" >/dev/null; then
            tolerated=$((tolerated + 1))
            echo "note: $verb N=$n: exit 3 left $(cd "$W" && echo out.tmp*)"
        fi
        ;;
    "${ref_rc[$verb]}")
        snapshot "$TMP/trial"
        local d files
        d=$(diff -r "$TMP/ref/$verb" "$TMP/trial" 2>&1 | head -6)
        if [ -n "$d" ]; then
            files=$(diff -rq "$TMP/ref/$verb" "$TMP/trial" 2>&1 |
                sed -E 's|^Files .*/([^/]*) and .* differ$|\1|; s|^Only in ([^:]*): (.*)$|\2 (only in \1)|' |
                sed "s|$TMP/||g" | tr '\n' ' ')
            defect "$verb" "$n" "exit $rc with different output: $files
$(echo "$d" | sed 's/^/      /')"
        fi
        ;;
    *) defect "$verb" "$n" "exit $rc (want 3, or ${ref_rc[$verb]} and the same output)" ;;
    esac
}

declare -A ref_rc
start=$SECONDS
for verb in $VERBS; do
    if [ "$verb" != run ] && [ ! -f "$TMP/model.mcm" ]; then
        trial run 0
        cp "$W/out/model.mcm" "$TMP/model.mcm"
    fi
    if [[ $verb == *_onnx ]] && [ ! -f "$TMP/model.onnx" ]; then
        mkdir -p "$TMP/onnx" && cp "$TMP/model.mcm" "$TMP/onnx/model.mcm"
        MC_FAIL_ALLOC_AFTER=0 "$MC" export "$TMP/onnx" --format onnx -o "$TMP/model.onnx" -q
    fi
    if [ "$verb" = validate_onnx ] && [ ! -f "$TMP/gate/modelcert.yaml" ]; then
        # the fixture's spec with model: (the export, by column name) for architecture/training
        mkdir -p "$TMP/gate" && cp "$DATA" "$TMP/model.onnx" "$TMP/gate/"
        awk -v sha="$(sha256sum "$TMP/model.onnx" | cut -c1-64)" '
            /^[a-z]/ { skip = /^(architecture|training|reproducibility):/ }
            /^architecture:/ { print "model:\n  source: model.onnx\n  sha256: " sha "\n  task: binary" }
            !skip' "$SPEC" >"$TMP/gate/modelcert.yaml"
    fi
    # The unfailed run: the reference result and the number of allocations.
    trial "$verb" 0
    ref_rc[$verb]=$rc
    snapshot "$TMP/ref/$verb"
    [ "$verb" = run ] && cp "$W/out/model.mcm" "$TMP/model.mcm"
    read -r count _ <"$TMP/count"
    if [ "$rc" -ne 0 ] || [ -z "$count" ]; then
        echo "FAIL: unfailed $verb: exit $rc"
        sed 's/^/  /' "$TMP/err" | head
        failures=$((failures + 1))
        continue
    fi
    # The same again must count the same allocations, or N would not name one place.
    trial "$verb" 0
    read -r again _ <"$TMP/count"
    check test "$again" = "$count" -- "$verb: $count allocations, the same in a second run"

    before=$defects tried=0 failed_some=0
    for n in $(sample "$count"); do
        trial "$verb" "$n"
        tried=$((tried + 1))
        if [ -s "$TMP/count" ]; then
            read -r _ f <"$TMP/count"
            [ "$f" -gt 0 ] && failed_some=$((failed_some + 1))
        fi
        check_trial "$verb" "$n"
    done
    if [ "$defects" -eq "$before" ]; then
        echo "ok: $verb: $tried trials ($failed_some with a failed allocation; $count allocations), no defect"
    else
        echo "FAIL: $verb: $((defects - before)) defect(s) in $tried trials ($failed_some with a failed allocation; $count allocations)"
        failures=$((failures + 1))
    fi
done
echo "failalloc: $defects defect(s), $tolerated tolerated temporary leftover(s), $((SECONDS - start)) s"
finish
