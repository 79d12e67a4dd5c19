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

finish
