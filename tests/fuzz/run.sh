#!/bin/sh
# Runs fuzz targets on copies of the committed corpus (tests/fuzz/README.md).
#
#   tests/fuzz/run.sh BUILD_DIR RUNS TARGET...     (TARGET: spec csv artifact audit bundle
#                                                   certify report keyref chain age onnx sigstore)
#
# For each target: replays tests/fuzz/regressions/TARGET/* once, then fuzzes
# for RUNS executions (-runs=RUNS) in one process, on a scratch copy of
# tests/fuzz/corpus/TARGET (BUILD_DIR/fuzz-work/corpus/TARGET; new inputs land
# there, the committed corpus is never written). Prints each target's
# execution count, time and rate. Exits 1 if any target crashed, leaked,
# timed out or ran out of memory; the input is in BUILD_DIR/fuzz-work/artifacts/.
#
# Environment: FUZZ_NICE (default "nice -n 10"), FUZZ_FLAGS (extra libFuzzer
# flags, e.g. -max_total_time=600), FUZZ_RESUME=1 (a campaign longer than one sitting: keep
# the scratch corpus of an earlier run and add the committed one to it, instead of starting
# again from the committed corpus).
#
# Every run appends one line to BUILD_DIR/fuzz-work/TARGET.ledger (UTC time, executions,
# seconds, exit status, corpus size) and prints the target's total over the ledger, so a
# campaign that spans sittings on one resumed corpus is counted, run by run.
set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 BUILD_DIR RUNS TARGET..." >&2
    exit 2
fi
build=$1 runs=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$build/fuzz-work
nice=${FUZZ_NICE-nice -n 10}
flags=${FUZZ_FLAGS-}
export OPENBLAS_NUM_THREADS=1
# Undefined behaviour stops the run (and leaves its input) instead of scrolling by in the log.
export UBSAN_OPTIONS=${UBSAN_OPTIONS-halt_on_error=1:print_stacktrace=1}
status=0
summary=

for t in "$@"; do
    bin=$build/tests/fuzz/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "fuzz: $bin not built" >&2
        exit 2
    fi
    corpus=$work/corpus/$t
    artifacts=$work/artifacts/$t
    log=$work/$t.log
    ledger=$work/$t.ledger
    if [ "${FUZZ_RESUME-}" = 1 ] && [ -d "$corpus" ]; then
        echo "fuzz_$t: resuming on $(ls "$corpus" | wc -l) inputs of the earlier runs"
    else
        rm -rf "$corpus" "$artifacts" "$ledger"
    fi
    mkdir -p "$corpus" "$artifacts"
    cp "$root/tests/fuzz/corpus/$t"/* "$corpus"/

    regressions=$root/tests/fuzz/regressions/$t
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
        echo "fuzz_$t: replaying $(ls "$regressions" | wc -l) regression input(s)"
        if ! $nice "$bin" -artifact_prefix="$artifacts/" "$regressions"/* >"$work/$t-regressions.log" 2>&1; then
            echo "fuzz_$t: a regression input fails again; see $work/$t-regressions.log" >&2
            tail -n 40 "$work/$t-regressions.log" >&2
            status=1
            summary="$summary
fuzz_$t: REGRESSION"
            continue
        fi
    fi

    echo "fuzz_$t: $runs executions on $(ls "$corpus" | wc -l) corpus inputs (log: $log)"
    start=$(date +%s)
    # One process (no -jobs, no -fork). -timeout: an input slower than 30 s is a hang.
    # shellcheck disable=SC2086
    $nice "$bin" -runs="$runs" -timeout=30 -print_final_stats=1 -artifact_prefix="$artifacts/" \
        $flags "$corpus" >"$log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) ${execs:-0} $secs $rc $(ls "$corpus" | wc -l)" >>"$ledger"
    total=$(awk '{n += $2} END {print n + 0}' "$ledger")
    runs_so_far=$(wc -l <"$ledger")
    if [ $rc -ne 0 ]; then
        echo "fuzz_$t: FAILED (exit $rc) after ${execs:-?} executions; input in $artifacts/" >&2
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 >&2
        tail -n 30 "$log" >&2
        status=1
        summary="$summary
fuzz_$t: FAILED after ${execs:-?} executions, ${secs} s"
    else
        line="fuzz_$t: ${execs:-?} executions in ${secs} s (${rate:-?}/s), no crash; corpus $(ls "$corpus" | wc -l) inputs; $total executions over $runs_so_far run(s) in $ledger"
        echo "$line"
        summary="$summary
$line"
    fi
done
echo "fuzz summary:$summary"
exit $status
