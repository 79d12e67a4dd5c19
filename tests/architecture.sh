#!/usr/bin/env bash
# The structure rules of docs/architecture.md that the compiler cannot check.
# (The one-way dependency rule is enforced by the build itself: a part's
# include path holds only its own headers and those of the parts below it;
# tests/include_graph.py, run below, checks it again and finds circles.)
# usage: architecture.sh SOURCE_DIR
set -u
cd "$1" || exit 2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# cli/ parses options and renders through reports/: no JSON, CSV or model bytes.
hits=$(grep -lE '\bjson_[a-z_]+\(|mc_csv_(read|parse)|mc_artifact_decode|mc_model_load' cli/*.c)
[ -z "$hits" ] || fail "cli/ reads JSON, CSV or model bytes itself: $hits"
# One library call per verb keeps each verb short.
for f in cli/*.c; do
    n=$(wc -l < "$f")
    [ "$n" -le 200 ] || fail "$f has $n lines (a verb file stays under 200: its logic belongs in a part)"
done
# BLAS behind one door.
hits=$(grep -lE 'cblas_|openblas_|<cblas\.h>' common/*.[ch] spec/*.[ch] reference/*.[ch] signing/*.[ch] audit/*.[ch] checks/*.[ch] export/*.[ch] onnx/*.[ch] verbs/*.[ch] reports/*.[ch] cli/*.[ch] | grep -v '^reference/mc_blas\.c$')
[ -z "$hits" ] || fail "BLAS named outside reference/mc_blas.c: $hits"
# Library code never prints or exits.
hits=$(grep -nE '\b(printf|puts|exit|abort)\(|fprintf\((stdout|stderr)' common/*.c spec/*.c reference/*.c signing/*.c audit/*.c checks/*.c export/*.c onnx/*.c verbs/*.c | grep -v '^\S*:\s*/\*\|snprintf\|vsnprintf')
[ -z "$hits" ] || fail "library code prints or exits: $hits"
# The run directory's file names come from one header.
hits=$(grep -lE '"(model\.mcm|metrics\.json|run\.json|test_predictions\.csv|history\.csv|validation\.json)"' \
    common/*.c spec/*.c reference/*.c signing/*.c audit/*.c checks/*.c export/*.c onnx/*.c verbs/*.c reports/*.c cli/*.c | grep -v '^reference/mc_run_dir\.h$')
[ -z "$hits" ] || fail "run directory file names spelled out instead of mc_run_dir.h: $hits"
# The library parts (everything but cli/), for the rules below.
LIBS="common spec reference signing audit checks export onnx verbs reports"
lib_files() { for d in $LIBS; do ls "$d"/*."$1"; done; }
# The include graph against the dependency rule; no circle between the modules of signing/,
# audit/, checks/, export/, onnx/ or verbs/ (tests/include_graph.py prints the figures).
python3 tests/include_graph.py . --quiet || fail "the include graph breaks the dependency rule (python3 tests/include_graph.py .)"
# Every audit event is recorded by a verb: only audit/ and verbs/ call mc_audit_*.
hits=$(grep -nE '\bmc_audit_[a-z_]+\(' $(lib_files c) $(lib_files h) cli/*.[ch] | grep -vE '^(audit|verbs)/')
[ -z "$hits" ] || fail "mc_audit_* called outside audit/ and verbs/: $hits"
# The environment is read in one module (common/mc_env.c, mc_env.h lists the variables).
hits=$(grep -nw 'getenv' $(lib_files c) | grep -v '^common/mc_env\.c:')
[ -z "$hits" ] || fail "getenv outside common/mc_env.c (use mc_env_get or mc_env_named): $hits"
# Files are read bounded (mc_file.h, the run directory's reader), never by jansson itself.
hits=$(grep -nE '\bjson_load(file|f|fd)\b' $(lib_files c) $(lib_files h) cli/*.[ch])
[ -z "$hits" ] || fail "json_load_file/json_loadf/json_loadfd (read bounded: mc_file.h, mc_run_dir.h): $hits"
# Every library file stays readable; every .c file says first what it is for.
for f in $(lib_files c); do
    n=$(wc -l < "$f")
    [ "$n" -le 650 ] || fail "$f has $n lines (split it along a seam)"
done
for f in $(lib_files c) cli/*.c; do
    head -c 2 "$f" | grep -q '^/\*' || fail "$f does not open with a paragraph (a /* comment) saying what it is for"
done
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
