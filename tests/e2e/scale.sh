#!/usr/bin/env bash
# Large inputs in linear time and memory (issue 21: R7, R13, R14): each large case runs
# under a generous bound, a memory cap (ulimit -v) and a timeout far above what the linear
# code needs on a loaded machine and far below what the quadratic code it replaced took
# (figures in bench/README.md). No tight timing: these machines are noisy.
# usage: scale.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

# bounded MEGABYTES SECONDS COMMAND...: the command under an address-space cap and a timeout.
bounded() {
    local mb=$1 secs=$2
    shift 2
    (ulimit -v $((mb * 1024)) && exec timeout "$secs" "$@")
}

# ---- R14: privacy scan of 100,000 columns (was 69 s and 516 MB: a header's names compared
# with every earlier name, and 1,024 rows reserved per column however few the file has;
# now 2.4 s and 120 MB)
python3 - "$TMP/wide.csv" <<'PY'
import sys
n = 100000
with open(sys.argv[1], "w") as f:
    f.write(",".join("c%d" % i for i in range(n)) + "\n")
    for r in range(5):
        f.write(",".join("user%d@example.com" % (i + r) if i % 2 else str(i * r)
                         for i in range(n)) + "\n")
PY
expect_exit 1 "R14: privacy scan of 100,000 columns in 400 MB and 40 s" -- bounded 400 40 "$MC" privacy scan "$TMP/wide.csv"
expect_grep out "100000 columns scanned over 5 sampled rows (seed 0): 50000 with personal data" "R14: every column scanned, every email column flagged"
python3 -c "print(','.join(['a', 'b'] * 3000 + ['a']))" >"$TMP/dup.csv"
echo 1 >>"$TMP/dup.csv"
expect_exit 2 "R14: a repeated column name among 6,001" -- "$MC" privacy scan "$TMP/dup.csv"
expect_grep err "dup.csv:1:5: duplicate column name 'a' (also column 1)" "R14: the first repeat, where it is, and the column it repeats"

# ---- R13: the Markdown report of 150,000 results (100,000 took 70 s and more: each result's
# metric compared with every earlier result's for the baseline table; now linear), and a
# validation.json of 1,000,000 results refused before it is read (it took gigabytes)
validation() { # validation FILE N: N results in 100 categories, every other one with a baseline
    python3 - "$1" "$2" <<'PY'
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write('{"format": "modelcert-validation", "format_version": 1, "run": null, "results": [')
    for k in range(n):
        m = '{"current": 0.9, "baseline": 0.8}' if k % 2 else '0.9'
        f.write(('' if k == 0 else ',') + '{"category": "c%d", "expected": null, "id": "m%d", '
                '"measured": %s, "message": "", "name": "m%d", "status": "pass"}'
                % (k % 100, k, m, k))
    f.write(']}')
PY
}
mkdir "$TMP/many" "$TMP/huge"
validation "$TMP/many/validation.json" 150000
expect_exit 0 "R13: the Markdown report of 150,000 results in 1.5 GB and 90 s" -- bounded 1500 90 "$MC" report "$TMP/many/validation.json" -f markdown
check [ "$(grep -c '^| ✅ PASS | c' "$TMP/out")" = 150000 ] -- "R13: a row per result"
check [ "$(grep -c '^| m[0-9]* | 0.8 | 0.9 | ↑' "$TMP/out")" = 75000 ] -- "R13: a baseline row per compared metric"
check [ "$(sed -n '7p;1507p' "$TMP/out" | cut -d'|' -f3,4 | tr -d ' ' | tr '\n' ' ')" = "c0|m0 c1|m1 " ] -- "R13: grouped by category, in first-seen order"
validation "$TMP/huge/validation.json" 1000000
expect_exit 2 "R13: a validation.json of 1,000,000 results is refused, in 300 MB" -- bounded 300 60 "$MC" report "$TMP/huge/validation.json" -f html
expect_grep err "huge/validation.json is larger than the limit of 33554432 bytes for this kind of file" "R13: it says which limit"

finish
