#!/usr/bin/env bash
# Privacy end to end (docs/privacy.md): `privacy scan` flags validated personal
# data and not look-alikes (Luhn-failing card numbers, identity numbers with
# wrong check characters), samples as the spec says; validate fails on the
# example's raw spec naming columns and rules, passes on the protected one;
# the hash key is required and checked; predict works on raw rows with the
# same key. Then the leak test: every byte written (files, the audit trail,
# standard output and error) is searched for the data's personal values and
# the key; none may appear.
# usage: privacy.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
P="$TMP/privacy"
cp -r "$SRC/examples/privacy" "$P"
rm -rf "$P/.modelcert" "$P/runs"
OUT="$TMP/terminal" # every command's standard output and error, kept for the leak search
mkdir -p "$OUT"
n=0
# keep: saves the last command's output for the leak search
keep() { n=$((n + 1)); cp "$TMP/out" "$OUT/$n.out"; cp "$TMP/err" "$OUT/$n.err"; }
KEY="k3y-$$-not-to-be-seen"

# ---- scan ----------------------------------------------------------------------------------
expect_exit 1 "scan finds the example's personal data" -- "$MC" privacy scan "$P/data.csv"; keep
for col in name email phone id_number; do
    expect_grep out "FAIL  privacy.pii_scan.$col " "scan flags column $col"
done
expect_grep out "are email addresses, e.g. [a-z]\*\*\*@e\*\*\*\.[a-z]*;" "the example is masked"
expect_grep out "Chinese resident identity numbers" "the ID column is named by its detector"
check sh -c "! grep -q 'postcode\|privacy.pii_scan.age\|income\|diagnosis' '$TMP/out'" -- "no other column is flagged"
expect_exit 0 "scan with the protected spec: all declared" -- "$MC" privacy scan --spec "$P/modelcert.yaml" "$P/data.csv"; keep
expect_grep out "PASS  privacy.pii_scan.email .*declared in privacy.pii_columns (hash)" "a declared column passes"
expect_grep out "over 200 sampled rows (seed 4)" "the spec's sample size and seed are used"
expect_exit 1 "scan --json" -- "$MC" privacy scan --json "$P/data.csv"; keep
check python3 -c "import json,sys; d=json.load(open(sys.argv[1])); r={x['id']:x for x in d['results']}; m=r['privacy.pii_scan.email']['measured']; assert m['detector']=='email' and m['matches']==400 and m['share']==1.0, m" "$TMP/out" -- "--json gives detector, counts and share"

expect_exit 1 "scan reads standard input" -- sh -c "'$MC' privacy scan - < '$P/data.csv'"; keep
expect_grep out "FAIL  privacy.pii_scan.email " "stdin is scanned"
expect_exit 2 "an unknown privacy subcommand" -- "$MC" privacy frob
expect_grep err "unknown subcommand 'frob'" "the subcommand is named"
expect_exit 2 "privacy without a subcommand" -- "$MC" privacy
expect_exit 0 "privacy --help" -- "$MC" privacy --help
expect_grep out "scan " "the help lists scan"
expect_exit 2 "scan without a file" -- "$MC" privacy scan
expect_exit 2 "scan of a missing file" -- "$MC" privacy scan "$TMP/nothing.csv"
sed 's/    seed: 4$/    seed: 4\n    columns: [nowhere]/' "$P/raw.yaml" > "$P/nocol.yaml"
expect_exit 2 "a scan column not in the data" -- "$MC" privacy scan --spec "$P/nocol.yaml" "$P/data.csv"
expect_grep err "column 'nowhere' is not in" "the missing scan column is named"

# Hostile data: an escape sequence in a column name never reaches the terminal; a cell of a
# million digits is scanned, not trusted; a byte that is not UTF-8 is refused at its place
# (docs/formats.md: one rule for every reader of data), never quoted.
python3 - "$TMP/hostile.csv" "$TMP/hostile8.csv" <<'PY'
import sys
with open(sys.argv[1], "wb") as f, open(sys.argv[2], "wb") as g:
    f.write(b"\"co\x1b[2Jntact\",blob\n")
    g.write(b"contact,blob\n")
    for i in range(20):
        f.write(b"u%d@example.com,%s\n" % (i, b"9" * 1000000 if i == 0 else b"x@y.com"))
        g.write(b"u%d@example.com,%s\n" % (i, b"9" if i == 0 else b"\xff\xfe@\xc0.com"))
PY
expect_exit 1 "a hostile file is scanned" -- "$MC" privacy scan "$TMP/hostile.csv"
check sh -c "! grep -q \"\$(printf '\\033')\" '$TMP/out' '$TMP/err'" -- "no escape sequence is printed"
expect_grep out "20 of 20 sampled values (100%) are email addresses" "the emails are still found"
expect_exit 2 "a file with bytes that are not UTF-8 is refused" -- "$MC" privacy scan "$TMP/hostile8.csv"
expect_grep err "hostile8.csv:3:16: byte 0xFF is not valid UTF-8" "at the first bad byte's place"

# Look-alikes are not personal data; the real thing is, in English and Chinese columns.
python3 - "$TMP/look.csv" "$TMP/real.csv" <<'PY'
import sys
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def luhn_digit(body):
    s = 0
    for i, c in enumerate(reversed(body)):
        v = int(c) * (2 if i % 2 == 0 else 1)
        s += v - 9 if v > 9 else v
    return str((10 - s % 10) % 10)
def cn_id(body):
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]
look, real = [], []
for i in range(60):
    card = "4%014d" % (i * 7919 + 12345)
    good = card + luhn_digit(card)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)       # Luhn fails
    body = "110105%04d%02d%02d%03d" % (1950 + i % 50, 1 + i % 12, 1 + i % 28, i + 1)
    wrong = cn_id(body)[:-1] + ("1" if cn_id(body)[-1] != "1" else "2")  # wrong check character
    look.append((bad, wrong, "%016d" % (i * 104729), "%d.%d" % (i, i)))
    iban_body = "WEST%014d" % (12345698765432 + i)
    num = "".join(str(int(c, 36)) for c in iban_body + "GB00")
    iban = "GB%02d%s" % (98 - int(num) % 97, iban_body)
    real.append((good, cn_id(body), iban, "%03d-%02d-%04d" % (100 + i, 10 + i % 80, 1000 + i),
                 "10.0.%d.%d" % (i, i + 1), "19%02d-0%d-1%d" % (50 + i % 40, 1 + i % 9, i % 9),
                 "user%d@example.org" % i, "13%d%08d" % (i % 10, i * 1013)))
with open(sys.argv[1], "w") as f:
    f.write("card_number,id_number,account_code,version\n")
    f.writelines(",".join(r) + "\n" for r in look)
with open(sys.argv[2], "w") as f:
    f.write("pan,身份证号,iban,ssn,client_ip,出生日期,邮箱,手机\n")
    f.writelines(",".join(r) + "\n" for r in real)
PY
expect_exit 0 "Luhn-failing 16-digit numbers and IDs with wrong check characters are not flagged" -- "$MC" privacy scan "$TMP/look.csv"; keep
expect_grep out "4 columns scanned over 60 sampled rows (seed 0): 0 with personal data" "nothing is flagged"
expect_exit 1 "validated cards, IDs, IBANs, SSNs, IPs, birth dates, emails, mobiles are" -- "$MC" privacy scan "$TMP/real.csv"; keep
for pair in "pan:payment card" "身份证号:Chinese resident identity" "iban:IBANs" "ssn:US social security" "client_ip:IPv4" "出生日期:dates of birth" "邮箱:email" "手机:phone numbers"; do
    expect_grep out "column '${pair%%:*}': 60 of 60 sampled values (100%) are ${pair#*:}" "column ${pair%%:*} is flagged as ${pair#*:}"
done

# Sampling: the spec's sample_rows and seed; the same seed scans the same rows.
sed 's/sample_rows: 200/sample_rows: 37/; s/seed: 4$/seed: 11/' "$P/raw.yaml" > "$P/sample.yaml"
expect_exit 1 "scan samples sample_rows rows" -- "$MC" privacy scan --json --spec "$P/sample.yaml" "$P/data.csv"; keep
cp "$TMP/out" "$TMP/sample1.json"
check python3 -c "import json,sys; d=json.load(open(sys.argv[1])); r={x['id']:x for x in d['results']}; assert r['privacy.pii_scan']['measured']['rows']==37 and r['privacy.pii_scan.email']['measured']['sampled']==37" "$TMP/sample1.json" -- "37 rows are sampled"
expect_exit 1 "scan again with the same seed" -- "$MC" privacy scan --json --spec "$P/sample.yaml" "$P/data.csv"; keep
check cmp -s "$TMP/out" "$TMP/sample1.json" -- "the same seed gives the same scan"

# ---- validate ---------------------------------------------------------------------------------
expect_exit 1 "validate fails on the raw spec" -- "$MC" validate "$P/raw.yaml" -o "$TMP/raw-run"; keep
for col in name email phone id_number; do
    expect_grep out "FAIL  privacy.pii_scan.$col .*not declared in privacy.pii_columns" "validate names undeclared $col"
done
expect_grep out "FAIL  privacy.k_anonymity .*k = 1 < 5 .*quasi-identifiers age, postcode" "validate names the k-anonymity rule and its columns"
expect_grep out "classes of 1 record" "failing classes are reported by size and count"
expect_grep out "FAIL  privacy.l_diversity .*of 'diagnosis'" "validate names the l-diversity rule"

expect_exit 2 "validate without the hash key is an input error" -- env -u MODELCERT_PRIVACY_KEY "$MC" validate "$P/modelcert.yaml" -o "$TMP/nokey"; keep
expect_grep err "MODELCERT_PRIVACY_KEY" "the missing key's variable is named"
export MODELCERT_PRIVACY_KEY="$KEY"
expect_exit 0 "validate passes on the protected spec" -- "$MC" validate "$P/modelcert.yaml" -o "$TMP/run"; keep
for id in pii_columns.email pii_columns.phone pii_columns.name pii_columns.postcode forbidden_features.diagnosis pii_scan k_anonymity prosecutor_risk l_diversity; do
    expect_grep out "PASS  privacy.$id " "privacy.$id passes"
done

check python3 - "$TMP/run/model.mcm" -- "the artifact records the keyed hash and the variable, not the key" <<'PY'
import json, sys
b = open(sys.argv[1], "rb").read()
h = json.loads(b[24:24 + int.from_bytes(b[16:24], "little")])
s = [x for x in h["preprocessing"]["steps"] if x["type"] == "hash"][0]
assert s["algorithm"] == "hmac-sha256" and s["key_env"] == "MODELCERT_PRIVACY_KEY", s
assert len(s["key_check"]) == 16, s
PY
# ... and with action: warn and no quasi-identifiers, undeclared personal data only warns.
python3 - "$P/raw.yaml" "$P/warn.yaml" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s[:s.index("  quasi_identifiers:")].replace("    seed: 4", "    seed: 4\n    action: warn")
open(sys.argv[2], "w").write(s)
PY
expect_exit 0 "action: warn makes findings warnings" -- "$MC" validate "$P/warn.yaml" -o "$TMP/warn-run"; keep
expect_grep out "WARN  privacy.pii_scan.email " "an undeclared column warns"

# ---- predict ------------------------------------------------------------------------------------
expect_exit 0 "predict on raw rows with the same key" -- "$MC" predict "$TMP/run/model.mcm" "$P/data.csv" -o "$TMP/pred.csv"; keep
check test "$(wc -l < "$TMP/pred.csv")" -eq 401 -- "a prediction for every row"
expect_exit 2 "predict with another key is refused" -- env MODELCERT_PRIVACY_KEY=other "$MC" predict "$TMP/run/model.mcm" "$P/data.csv"; keep
expect_grep err "is not the key this model's hash step was fitted with" "the wrong key is named as such"
expect_exit 2 "predict without the key is refused" -- env -u MODELCERT_PRIVACY_KEY "$MC" predict "$TMP/run/model.mcm" "$P/data.csv"; keep
expect_exit 0 "audit log" -- "$MC" audit log; keep
expect_exit 0 "audit export" -- "$MC" audit export --format jsonl; keep

# ---- generalize date ------------------------------------------------------------------------
# Dates of birth in every accepted form, generalised to the year (a number, then
# standardised): run trains on it, predict applies it to raw rows (the same dates in
# another form predict the same), a date that is not one stops at its file:line:column
# without showing the value, and no full date reaches any file or output.
G="$TMP/dates"
mkdir -p "$G"
python3 - "$G" <<'PY'
import random, sys
d = sys.argv[1]
rng = random.Random(7)
forms = [lambda y, m, a: "%04d-%02d-%02d" % (y, m, a), lambda y, m, a: "%04d/%02d/%02d" % (y, m, a),
         lambda y, m, a: "%04d%02d%02d" % (y, m, a), lambda y, m, a: "%02d.%02d.%04d" % (a, m, y),
         lambda y, m, a: "%d年%d月%d日" % (y, m, a), lambda y, m, a: "%04d-%02d-%02dT08:30:00+08:00" % (y, m, a)]
rows, iso = [], []
for i in range(240):
    y, m, a = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    income = rng.uniform(20, 90)
    label = int(y < 1972) if rng.random() < 0.9 else int(y >= 1972)
    dob = forms[i % len(forms)](y, m, a) if i % 17 else ""
    rows.append((dob, "%.1f" % income, label))
    iso.append(("%04d-%02d-%02d" % (y, m, a) if dob else "", "%.1f" % income, label))
def write(name, rs):
    with open(f"{d}/{name}", "w", encoding="utf-8") as f:
        f.write("dob,income,defaulted\n")
        f.writelines("%s,%s,%d\n" % r for r in rs)
write("data.csv", rows)
write("iso.csv", iso)
write("bad.csv", rows[:5] + [("2023-02-29", "50.0", 1)] + rows[6:10])
write("ambiguous.csv", rows[:3] + [("03/04/1990", "50.0", 1)])
with open(f"{d}/values.txt", "w", encoding="utf-8") as f:
    f.writelines(r[0] + "\n" for r in rows + iso if r[0])
PY
cat > "$G/dates.yaml" <<'YAML'
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: dates}
data:
  source: data.csv
  target: defaulted
  split: {test_fraction: 0.25, seed: 2}
preprocessing:
  - {type: generalize, columns: [dob], date: year}
  - {type: fill_missing, columns: [dob], strategy: median}
  - {type: standardize, columns: [dob, income]}
architecture:
  layers: [{type: dense, units: 1, activation: sigmoid}]
training:
  optimizer: {type: adam, learning_rate: 0.05}
  loss: binary_crossentropy
  epochs: 20
  seed: 1
metrics: {compute: [accuracy]}
privacy:
  pii_columns: [{column: dob, transform: generalize}]
YAML
expect_exit 0 "run generalises dates of birth to the year" -- "$MC" run "$G/dates.yaml" -o "$G/run"; keep
check python3 - "$G/run/model.mcm" -- "the artifact holds the date step, the model a numeric year" <<'PY'
import json, sys
b = open(sys.argv[1], "rb").read()
h = json.loads(b[24:24 + int.from_bytes(b[16:24], "little")])
s = h["preprocessing"]["steps"][0]
assert s["type"] == "generalize" and s["date"] == "year" and "prefix_length" not in s, s
st = h["preprocessing"]["steps"][2]
mean = [c for c in st["columns"] if c["name"] == "dob"][0]["mean"]
assert 1940 <= mean <= 2005, mean
PY
expect_exit 0 "validate: the dated column gets its step" -- "$MC" validate "$G/dates.yaml" -o "$G/vrun"; keep
expect_grep out "PASS  privacy.pii_columns.dob .*gets its generalize step" "the date column's rule passes"
expect_exit 0 "predict applies it to raw rows" -- "$MC" predict "$G/run/model.mcm" "$G/data.csv" -o "$G/pred.csv"; keep
check test "$(wc -l < "$G/pred.csv")" -eq 241 -- "a prediction for every dated row"
expect_exit 0 "predict on the same dates in ISO form" -- "$MC" predict "$G/run/model.mcm" "$G/iso.csv" -o "$G/pred-iso.csv"; keep
check cmp -s "$G/pred.csv" "$G/pred-iso.csv" -- "every form of a date gives the same prediction"
expect_exit 2 "predict: a date that does not exist" -- "$MC" predict "$G/run/model.mcm" "$G/bad.csv"; keep
expect_grep err "bad.csv:7:1: column 'dob' (generalize date): the value is a date with a day its month does not have (not shown)" "the bad date's file, line and column"
check sh -c "! grep -q '2023-02-29' '$TMP/err' '$TMP/out'" -- "the bad value is not shown"
cp "$G/bad.csv" "$G/data.csv"
expect_exit 2 "run: a date that does not exist" -- "$MC" run "$G/dates.yaml" -o "$G/bad-run"; keep
expect_grep err "data.csv:7:1: column 'dob'" "run names the file and line"
expect_exit 2 "predict: an ambiguous date is refused" -- "$MC" predict "$G/run/model.mcm" "$G/ambiguous.csv"; keep
expect_grep err "ambiguous.csv:5:1: .*ambiguous date (month or day first?)" "an ambiguous date is refused, not guessed"
rm -f "$G/data.csv" "$G/iso.csv" "$G/bad.csv" "$G/ambiguous.csv"
check python3 - "$TMP" -- "no full date of birth in any file or output" <<'PY'
import os, sys
root = sys.argv[1]
vals = set(open(os.path.join(root, "dates", "values.txt"), encoding="utf-8").read().split())
os.remove(os.path.join(root, "dates", "values.txt"))
found = []
for d, _, files in os.walk(root):
    for n in files:
        if os.path.join(d, n).startswith(os.path.join(root, "privacy")) or n in ("real.csv", "look.csv"):
            continue
        data = open(os.path.join(d, n), "rb").read()
        found += [os.path.join(d, n) for v in vals if v.encode() in data]
assert not found, found[:5]
PY

# ---- the leak test ---------------------------------------------------------------------------------
# Every personal value of the example's data (names, emails, phones, ID numbers) and of
# the real table (cards, IDs, IBANs, SSNs, IPs, birth dates, emails, mobiles), and the key: searched in every byte written. The inputs themselves are
# the only files allowed to hold them.
check python3 - "$TMP" "$KEY" -- "no personal value or key in any file or output written" <<'PY'
import csv, os, sys
root, key = sys.argv[1], sys.argv[2]
inputs = {os.path.join(root, "privacy", "data.csv"), os.path.join(root, "look.csv"),
          os.path.join(root, "real.csv")}
values = {key}
for path in sorted(inputs - {os.path.join(root, "look.csv")}):  # look-alikes are not personal
    with open(path, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for row in rows[1:]:
        for name, v in zip(header, row):
            if name in ("postcode", "age", "income", "diagnosis", "defaulted"):
                continue  # not personal on their own, and short enough to occur by chance
            values.add(v)
assert len(values) > 1800, len(values)
found = []
for d, _, files in os.walk(root):
    for name in files:
        path = os.path.join(d, name)
        if path in inputs:
            continue
        data = open(path, "rb").read()
        for v in values:
            if v.encode() in data:
                found.append((os.path.relpath(path, root), "the key" if v == key else "a value"))
assert len(os.listdir(os.path.join(root, "terminal"))) >= 30
assert not found, found[:10]
PY
finish
