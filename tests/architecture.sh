#!/usr/bin/env bash
# The structure rules of docs/architecture.md that the compiler cannot check.
# (The one-way dependency rule is enforced by the build itself: a part's
# include path holds only its own headers and those of the parts below it.)
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
hits=$(grep -lE 'cblas_|openblas_|<cblas\.h>' common/*.[ch] spec/*.[ch] reference/*.[ch] signing/*.[ch] audit/*.[ch] checks/*.[ch] export/*.[ch] verbs/*.[ch] reports/*.[ch] cli/*.[ch] | grep -v '^reference/mc_blas\.c$')
[ -z "$hits" ] || fail "BLAS named outside reference/mc_blas.c: $hits"
# Library code never prints or exits.
hits=$(grep -nE '\b(printf|puts|exit|abort)\(|fprintf\((stdout|stderr)' common/*.c spec/*.c reference/*.c signing/*.c audit/*.c checks/*.c export/*.c verbs/*.c | grep -v '^\S*:\s*/\*\|snprintf\|vsnprintf')
[ -z "$hits" ] || fail "library code prints or exits: $hits"
# Engine files stay readable.
for f in reference/*.c; do
    n=$(wc -l < "$f")
    [ "$n" -le 650 ] || fail "$f has $n lines (split it along a seam)"
done
# The run directory's file names come from one header.
hits=$(grep -lE '"(model\.mcm|metrics\.json|run\.json|test_predictions\.csv|history\.csv|validation\.json)"' \
    common/*.c spec/*.c reference/*.c signing/*.c audit/*.c checks/*.c export/*.c verbs/*.c reports/*.c cli/*.c | grep -v '^reference/mc_run_dir\.h$')
[ -z "$hits" ] || fail "run directory file names spelled out instead of mc_run_dir.h: $hits"
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
