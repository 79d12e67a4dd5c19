#!/usr/bin/env bash
# Regression tests for the data defects of issue 21 (hostile testing), each of which the
# starting code failed:
#   R3  personal data written through slices, one_hot categories and the target: refused at
#       the spec's place (even a column where only 2 of 400 values are phone numbers); no raw phone number in any byte written (every file, every report
#       format, standard output and error, the audit trail dumped);
#   R8  one byte that is not UTF-8 in the data: refused at file:line:column, exit 2, by run,
#       validate, predict and privacy scan alike (never "out of memory", never accepted);
#   R9  a file name that is not UTF-8 in a model directory: sign refuses it (exit 2) naming it
#       with its bytes escaped; verify says it is not in the signature (exit 1).
# usage: hostile_data.sh MODELCERT SOURCE_DIR
set -u
MC=$1 SRC=$2
. "$(dirname "$0")/lib.sh"
mc() { timeout 120 "$MC" "$@"; }
# Every command's output is kept under $OUT/logs, searched with everything else at the end.
OUT="$TMP/outputs"
mkdir -p "$OUT/logs"
n=0
keep() { n=$((n + 1)); cp "$TMP/out" "$OUT/logs/$n.out"; cp "$TMP/err" "$OUT/logs/$n.err"; }
export MODELCERT_AUDIT="$OUT/audit.db"
export MODELCERT_PRIVACY_KEY=hostile-data-test-key-0123456789

# ---- R3: personal data quoted through slices, one_hot and the target -----------------------
P="$TMP/in/privacy"
mkdir -p "$TMP/in/.git"
cp -r "$SRC/examples/privacy" "$P"
rm -rf "$P/.modelcert" "$P/runs"
python3 - "$P" <<'PY'
import sys
p = sys.argv[1]
base = open(f"{p}/modelcert.yaml").read()
assert "  compute: [accuracy, roc_auc]\n" in base
def write(name, s):
    open(f"{p}/{name}.yaml", "w").write(s)
slice_phone = base.replace("  compute: [accuracy, roc_auc]\n",
                           "  compute: [accuracy, roc_auc]\n  slices: [{column: phone}]\n")
# phone declared (masked): the slice is refused by the spec's own checks
write("slice", slice_phone)
# phone not declared (still masked and dropped): the detectors find it before anything is written
undeclared = slice_phone.replace("    - {column: phone, transform: mask}\n", "")
assert undeclared != slice_phone
write("slice-undeclared", undeclared)
# phone one_hot encoded raw and not declared: its categories would name the model's inputs
onehot = base.replace("    - {column: phone, transform: mask}\n", "") \
             .replace("  - type: mask\n    columns: [phone]\n    keep_last: 2\n", "") \
             .replace("columns: [name, id_number, email, phone, diagnosis]",
                      "columns: [name, id_number, email, diagnosis]") \
             .replace("    columns: [postcode]\n    handle_unknown: ignore",
                      "    columns: [postcode, phone]\n    handle_unknown: ignore\n"
                      "    max_categories: 1000")
write("onehot-phone", onehot)
PY
PHONES="$TMP/phones.txt"
python3 - "$P/data.csv" > "$PHONES" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], newline="")):
    print(row["phone"])
PY
check test "$(wc -l < "$PHONES")" -eq 400 -- "400 phone numbers seeded"

absent() { ! grep -q -- "$1" "$2"; }
line_of() { grep -n "$1" "$2" | head -1 | cut -d: -f1; }
L=$(line_of "slices: \[{column: phone}\]" "$P/slice.yaml")
expect_exit 2 "check refuses a slice on a declared PII column" -- mc check "$P/slice.yaml"; keep
expect_grep err "slice.yaml:$L:[0-9]*: error: metrics.slices\[0\]: column 'phone' is personal data (declared in privacy.pii_columns): a slice names its groups by the column's raw values" "the slice is refused at its place, saying why"
expect_exit 2 "validate refuses it before running" -- mc validate -q "$P/slice.yaml" -o "$OUT/val-slice"; keep
expect_grep err "metrics.slices\[0\]: column 'phone' is personal data" "validate names the slice"
check test ! -e "$OUT/val-slice" -- "no run directory for the refused slice"
expect_exit 2 "run refuses it too" -- mc run -q "$P/slice.yaml" -o "$OUT/run-slice"; keep

L=$(line_of "slices: \[{column: phone}\]" "$P/slice-undeclared.yaml")
expect_exit 2 "validate refuses a slice on an undeclared column holding phone numbers" -- mc validate -q "$P/slice-undeclared.yaml" -o "$OUT/val-undeclared"; keep
expect_grep err "slice-undeclared.yaml:$L:[0-9]*: metrics.slices\[0\]: column 'phone' holds personal data (phone, found by the detectors)" "the detected column is refused at the slice's place"
check test ! -e "$OUT/val-undeclared" -- "no run directory for the detected slice"
expect_exit 2 "run refuses the detected slice too" -- mc run -q "$P/slice-undeclared.yaml" -o "$OUT/run-undeclared"; keep
expect_grep err "slice-undeclared.yaml:$L:[0-9]*: metrics.slices\[0\]: column 'phone' holds personal data" "run names the slice"
check test ! -e "$OUT/run-undeclared" -- "no run directory from run"

L=$(line_of "columns: \[postcode, phone\]" "$P/onehot-phone.yaml")
expect_exit 2 "validate refuses one_hot on an undeclared column holding phone numbers" -- mc validate -q "$P/onehot-phone.yaml" -o "$OUT/val-onehot"; keep
expect_grep err "onehot-phone.yaml:$L:[0-9]*: preprocessing\[4\]: one_hot column 'phone' holds personal data (phone, found by the detectors)" "the one_hot column is refused at its place"
check test ! -e "$OUT/val-onehot" -- "no run directory for the one_hot spec"

# A slice column where only 2 of 400 values are phone numbers (far below pii_scan's min_share):
# each of its raw values would name a group, so one value found is enough to refuse it.
python3 - "$P" <<'PY'
import csv, io, sys
p = sys.argv[1]
rows = list(csv.reader(open(f"{p}/data.csv", newline="")))
h = rows[0]
for r in (rows[5], rows[200]):
    r[h.index("diagnosis")] = r[h.index("phone")]
out = io.StringIO(); csv.writer(out, lineterminator="\n").writerows(rows)
open(f"{p}/data-few.csv", "w").write(out.getvalue())
spec = open(f"{p}/modelcert.yaml").read()
assert "data.csv" in spec and "  compute: [accuracy, roc_auc]\n" in spec
import hashlib
pin = hashlib.sha256(open(f"{p}/data.csv", "rb").read()).hexdigest()
few = hashlib.sha256(open(f"{p}/data-few.csv", "rb").read()).hexdigest()
assert pin in spec
spec = spec.replace(pin, few).replace("data.csv", "data-few.csv").replace(
    "  compute: [accuracy, roc_auc]\n", "  compute: [accuracy, roc_auc]\n  slices: [{column: diagnosis}]\n")
open(f"{p}/slice-few.yaml", "w").write(spec)
PY
L=$(line_of "slices: \[{column: diagnosis}\]" "$P/slice-few.yaml")
expect_exit 2 "validate refuses a slice on a column with 2 phone numbers in 400 values" -- mc validate -q "$P/slice-few.yaml" -o "$OUT/val-few"; keep
expect_grep err "slice-few.yaml:$L:[0-9]*: metrics.slices\[0\]: column 'diagnosis' holds personal data (phone, found by the detectors)" "the slice is refused at its place, naming the detector"
check test ! -e "$OUT/val-few" -- "no run directory for the slice with a few phone numbers"

# The passing spec, through everything that writes: validate with every report, report in
# every format, predict, audit log and verify.
expect_exit 0 "the example's spec validates" -- mc validate -q "$P/modelcert.yaml" -o "$OUT/run" --report-dir "$OUT/reports"; keep
for f in json junit markdown html model-card; do
    expect_exit 0 "report -f $f" -- mc report -f "$f" "$OUT/run/validation.json" -o "$OUT/report.$f"; keep
done
expect_exit 0 "predict on raw rows" -- mc predict "$OUT/run/model.mcm" "$P/data.csv" -o "$OUT/pred.csv"; keep
expect_exit 0 "audit log" -- mc audit log --json; keep
expect_exit 0 "audit verify" -- mc audit verify; keep
sqlite3 "$OUT/audit.db" .dump > "$OUT/audit.dump"
check test -s "$OUT/audit.dump" -- "the audit trail is dumped"
check test "$(find "$OUT" -type f | wc -l)" -gt 20 -- "the outputs are there to search"

# Zero raw phone numbers in any byte written: every file under $OUT (run directories,
# reports, predictions, logs of stdout and stderr, the audit database and its dump).
python3 - "$OUT" "$PHONES" > "$TMP/leaks" <<'PY'
import os, sys
out, phones = sys.argv[1], [l.rstrip("\n").encode() for l in open(sys.argv[2])]
for root, _, files in os.walk(out):
    for f in files:
        b = open(os.path.join(root, f), "rb").read()
        for ph in phones:
            if ph and ph in b:
                print(os.path.join(root, f), ph.decode())
PY
check test ! -s "$TMP/leaks" -- "no raw phone number in any output ($(wc -l < "$TMP/leaks") found)"
head -5 "$TMP/leaks"

# ---- R8: a byte that is not UTF-8 ----------------------------------------------------------
S="$TMP/in/seed"
cp -r "$SRC/examples/seed" "$S"
rm -rf "$S/.modelcert" "$S/runs"
python3 - "$S" <<'PY'
import sys
s = sys.argv[1]
rows = open(f"{s}/data.csv", "rb").read().split(b"\n")
assert b",business," in rows[3] or b",consumer," in rows[3]
rows[3] = rows[3].replace(b",business,", b",caf\xe9,").replace(b",consumer,", b",caf\xe9,")
open(f"{s}/latin1.csv", "wb").write(b"\n".join(rows))
PY
COL=$(python3 -c "import sys; l=open(sys.argv[1],'rb').read().split(b'\n')[3]; print(len(l[:l.index(b'\xe9')].decode())+1)" "$S/latin1.csv")
sed 's|^  source: data.csv.*|  source: latin1.csv|; /^  sha256:/d' "$S/modelcert.yaml" > "$S/latin1.yaml"
WHY="latin1.csv:4:$COL: byte 0xE9 is not valid UTF-8; data must be UTF-8 text"
expect_exit 2 "run refuses a Latin-1 byte" -- mc run -q "$S/latin1.yaml" -o "$TMP/r8-run"; keep
expect_grep err "$WHY" "run names the file, line and column"
expect_exit 2 "validate refuses it" -- mc validate -q "$S/latin1.yaml" -o "$TMP/r8-val"; keep
expect_grep err "$WHY" "validate names the file, line and column"
check absent "out of memory" "$TMP/err" -- "never 'out of memory'"
expect_exit 2 "privacy scan refuses it" -- mc privacy scan "$S/latin1.csv"; keep
expect_grep err "$WHY" "privacy scan names the file, line and column"
expect_exit 0 "a run on the clean data" -- mc run -q "$S/modelcert.yaml" -o "$TMP/r8-clean"
expect_exit 2 "predict refuses it" -- mc predict "$TMP/r8-clean/model.mcm" "$S/latin1.csv"; keep
expect_grep err "$WHY" "predict names the file, line and column"
printf 'a,b\n1,\xc3\x28\n' > "$TMP/trunc.csv"
expect_exit 2 "a broken two-byte sequence is refused" -- mc privacy scan "$TMP/trunc.csv"
expect_grep err "trunc.csv:2:3: byte 0xC3 is not valid UTF-8" "its place is the sequence's first byte"
printf 'a,b\n1,\xe6\x89\x8b\xe6\x9c\xba\n' > "$TMP/cjk.csv"
expect_exit 0 "well-formed UTF-8 (Chinese) is read" -- mc privacy scan "$TMP/cjk.csv"

# ---- R9: a file name that is not UTF-8 in a model directory --------------------------------
cd "$TMP" || exit 1
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null
chmod 600 k.pem
openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null
mkdir m
printf 'w' > m/a.bin
printf 'x' > m/$'caf\xe9.bin'
expect_exit 2 "sign refuses a file name that is not UTF-8" -- mc sign m --key k.pem --signature m.sig
expect_grep err "file 'caf\\\\xe9.bin': its name is not UTF-8, so a signature cannot name it; rename it" "sign names the file, its byte escaped"
check test ! -e m.sig -- "no signature written"
expect_exit 2 "an ignore path that is not UTF-8 is refused too" -- mc sign m --key k.pem --signature m.sig --ignore $'caf\xe9.bin'
expect_grep err "ignore path 'caf\\\\xe9.bin' is not UTF-8, so a signature cannot record it" "the ignore path is named, escaped"
mkdir m2
printf 'w' > m2/a.bin
expect_exit 0 "sign a model" -- mc sign m2 --key k.pem --signature m2.sig
printf 'x' > m2/$'caf\xe9.bin'
expect_exit 1 "verify with an unsigned file named in Latin-1 fails" -- mc verify m2 --key k.pub --signature m2.sig
expect_grep err "FAILED: m2: file 'caf\\\\xe9.bin' is on disk but not in the signature" "verify names the unsigned file, escaped"
check absent "out of memory" "$TMP/err" -- "never 'out of memory'"

finish
