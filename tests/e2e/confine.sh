#!/usr/bin/env bash
# A spec from a pull request is untrusted (docs/security.md, "Untrusted
# specs"): every path it names must resolve inside its project root (the
# nearest directory with .git or .modelcert/, else the spec's directory),
# every environment variable it names must start with MODELCERT_, unless
# --allow-path / MODELCERT_ALLOW_PATHS / --allow-env widen it; data values
# reach the terminal escaped.
# usage: confine.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
unset MODELCERT_ALLOW_PATHS

# The project root is $P (it holds .git); the spec lives one level down.
P="$TMP/proj"
mkdir -p "$P/.git" "$P/common" "$TMP/outside"
cp -r "$SRC/examples/seed" "$P/seed"
rm -rf "$P/seed/.modelcert" "$P/seed/runs"
S="$P/seed"
cp "$S/data.csv" "$P/common/data.csv"
cp "$S/data.csv" "$TMP/outside/data.csv"
ln -s "$TMP/outside/data.csv" "$S/link.csv"
ln -s "$TMP/outside" "$S/linkdir"
OUT=$(cd "$TMP/outside" && pwd -P)

variant() { # NAME SOURCE: a copy of the seed spec reading data.source SOURCE
    sed "s|^  source: data.csv .*|  source: $2|" "$S/modelcert.yaml" > "$S/$1.yaml"
}
variant abs "$TMP/outside/data.csv"
variant dotdot "../../outside/data.csv"
variant symlink "link.csv"
variant symdir "linkdir/data.csv"
variant inside "../common/data.csv"
variant missing "../../outside/nothing/../data.csv"

# The unchanged spec, with its data beside it, passes.
expect_exit 0 "the seed spec with its data beside it passes check" -- "$MC" check "$S/modelcert.yaml"
expect_exit 0 "a path up to the project root (.git) is inside" -- "$MC" check "$S/inside.yaml"

# Every escape is refused, at the key's line and column, naming the resolved path.
for v in abs dotdot symlink symdir missing; do
    expect_exit 2 "check refuses data.source ($v)" -- "$MC" check "$S/$v.yaml"
    expect_grep err "$v.yaml:47:[0-9]*: error: data.source: .* resolves to $OUT/data.csv, outside the project root" "the refusal ($v) is located and names the resolved path"
    expect_exit 2 "run refuses data.source ($v) before reading" -- "$MC" run -q "$S/$v.yaml" -o "$TMP/run-$v"
    expect_grep err "data.source: .*outside the project root" "run names the key ($v)"
    check test ! -e "$TMP/run-$v" -- "no run directory for $v"
    expect_exit 2 "validate refuses data.source ($v)" -- "$MC" validate -q "$S/$v.yaml" -o "$TMP/val-$v"
    expect_exit 0 "check passes $v with --allow-path" -- "$MC" check --allow-path "$TMP/outside" "$S/$v.yaml"
done
expect_exit 0 "run passes with --allow-path" -- "$MC" run -q --allow-path "$TMP/outside" "$S/abs.yaml" -o "$TMP/run-abs"
expect_exit 0 "validate passes with MODELCERT_ALLOW_PATHS" -- env MODELCERT_ALLOW_PATHS="/nonexistent:$TMP/outside" "$MC" validate -q "$S/symlink.yaml" -o "$TMP/val-sym"
expect_exit 2 "an allowed directory next door does not allow its sibling" -- "$MC" check --allow-path "$TMP/outs" "$S/abs.yaml"

# A dangling symbolic link is resolved too (R10): its target, not yet there, is where a read
# or a write through it would land; relative targets from the link's directory, chains too.
ln -s "$TMP/outside/nothing.csv" "$S/dangle.csv"
ln -s "../../outside/later/x.csv" "$S/dangle-rel.csv"
ln -s "dangle.csv" "$S/dangle-chain.csv"
ln -s "$P/common/not-yet.csv" "$S/dangle-in.csv"
variant dangle "dangle.csv"
variant dangle-rel "dangle-rel.csv"
variant dangle-chain "dangle-chain.csv"
variant dangle-in "dangle-in.csv"
expect_exit 2 "check refuses a dangling link whose target is outside" -- "$MC" check "$S/dangle.yaml"
expect_grep err "dangle.yaml:47:[0-9]*: error: data.source: 'dangle.csv' resolves to $OUT/nothing.csv, outside the project root" "the dangling link's target is named"
expect_exit 2 "... a relative dangling target" -- "$MC" check "$S/dangle-rel.yaml"
expect_grep err "data.source: 'dangle-rel.csv' resolves to $OUT/later/x.csv, outside the project root" "the relative target is resolved from the link's directory"
expect_exit 2 "... a link to a dangling link" -- "$MC" check "$S/dangle-chain.yaml"
expect_grep err "data.source: 'dangle-chain.csv' resolves to $OUT/nothing.csv, outside" "the chain is followed"
expect_exit 0 "a dangling link whose target is inside passes check" -- "$MC" check "$S/dangle-in.yaml"
ln -s "loop-b.csv" "$S/loop-a.csv"
ln -s "loop-a.csv" "$S/loop-b.csv"
variant loop "loop-a.csv"
expect_exit 2 "a loop of links is refused" -- "$MC" check "$S/loop.yaml"
expect_grep err "loop-a.csv cannot be resolved: more than 40 symbolic links" "the loop is named"

# reproduce: the run directory is the root of its spec.json; --data is the user's.
expect_exit 2 "reproduce refuses a recorded spec naming a path outside the run directory" -- "$MC" reproduce "$TMP/run-abs"
expect_grep err "data.source: .*outside the project root" "reproduce names the key"
expect_exit 0 "reproduce passes with --allow-path" -- "$MC" reproduce --allow-path "$TMP/outside" "$TMP/run-abs"

# With no .git or .modelcert/ above, the root is the spec's own directory.
lone_marker=0
d=$(cd "$TMP" && pwd -P)
while :; do
    [ -e "$d/.git" ] || [ -e "$d/.modelcert" ] && lone_marker=1
    [ "$d" = / ] && break
    d=$(dirname "$d")
done
if [ "$lone_marker" = 0 ]; then
    mkdir -p "$TMP/lone/spec"
    cp "$S/data.csv" "$TMP/lone/data.csv"
    sed "s|^  source: data.csv .*|  source: ../data.csv|" "$S/modelcert.yaml" > "$TMP/lone/spec/up.yaml"
    expect_exit 2 "without a marker, the parent of the spec's directory is outside" -- "$MC" check "$TMP/lone/spec/up.yaml"
else
    skip "without a marker, the parent of the spec's directory is outside" \
        "a .git or .modelcert/ lies above $TMP"
fi

# signing.key: file:PATH and PATH are paths; env:VAR is a variable.
absent() { ! grep -qi -- "$1" "$2"; }
signing() { # NAME KEY
    { cat "$S/modelcert.yaml"; printf 'signing:\n  key: "%s"\n' "$2"; } > "$S/$1.yaml"
}
touch "$S/release.pem"
signing sign-in "file:release.pem"
signing sign-file "file:../../outside/key.pem"
signing sign-path "/etc/passwd"
signing sign-env "env:SIGNING_KEY"
signing sign-mcenv "env:MODELCERT_SIGNING_KEY"
expect_exit 0 "signing.key file: inside the root passes" -- "$MC" check "$S/sign-in.yaml"
expect_exit 2 "signing.key file: outside is refused" -- "$MC" check "$S/sign-file.yaml"
expect_grep err "error: signing.key: .*outside the project root" "the key is named"
expect_exit 2 "signing.key PATH outside is refused" -- "$MC" check "$S/sign-path.yaml"
expect_grep err "signing.key: '/etc/passwd' resolves to /etc/passwd" "the resolved path is named"
expect_exit 2 "run refuses signing.key outside" -- "$MC" run -q "$S/sign-path.yaml" -o "$TMP/run-sign"
expect_exit 0 "signing.key PATH passes with --allow-path" -- "$MC" check --allow-path /etc "$S/sign-path.yaml"
expect_exit 0 "signing.key file: passes with --allow-path" -- "$MC" check --allow-path "$TMP/outside" "$S/sign-file.yaml"

# signing.key pkcs11: a spec is not the runner: its URI may not name the module loaded into
# the process (module-path) or a PIN (pin-source, pin-value), wherever they are, --allow-path
# or not (R2); the runner names them with --key or MODELCERT_PKCS11_MODULE. A URI naming only
# the token and key passes; a malformed URI is a spec error.
signing sign-p11 "pkcs11:token=t;object=k?module-path=$TMP/outside/lib.so&pin-source=file:$TMP/outside/pin"
signing sign-p11-in "pkcs11:token=t;object=k?module-path=$S/lib.so"
signing sign-p11-pin "pkcs11:token=t;object=k?pin-source=file:$S/pin"
signing sign-p11-pinv "pkcs11:token=t;object=k?pin-value=1234"
signing sign-p11-ok "pkcs11:token=t;object=k"
signing sign-p11-bad "pkcs11:token=t;object=k?module=x"
KEYLINE=$(grep -n '^  key: "pkcs11' "$S/sign-p11.yaml" | cut -d: -f1)
expect_exit 2 "signing.key pkcs11: with a module-path is refused" -- "$MC" check "$S/sign-p11.yaml"
expect_grep err "sign-p11.yaml:$KEYLINE:3: error: signing.key: a spec may not name a PKCS #11 module (module-path): the runner supplies the module with MODELCERT_PKCS11_MODULE, or gives the whole URI with --key" "the module-path is refused at its place, the runner's ways named"
expect_grep err "signing.key: a spec may not name a PKCS #11 PIN (pin-source)" "... and its pin-source too"
expect_exit 2 "--allow-path does not let a spec name a module" -- "$MC" check --allow-path "$TMP/outside" "$S/sign-p11.yaml"
expect_grep err "may not name a PKCS #11 module (module-path)" "the module is still refused"
expect_exit 2 "a module inside the root is refused too" -- "$MC" check "$S/sign-p11-in.yaml"
expect_grep err "may not name a PKCS #11 module (module-path)" "the module inside is refused"
expect_exit 2 "a pin-source alone is refused" -- "$MC" check "$S/sign-p11-pin.yaml"
expect_grep err "signing.key: a spec may not name a PKCS #11 PIN (pin-source): the runner supplies it with MODELCERT_PKCS11_PIN" "the pin file is refused"
expect_exit 2 "a pin-value is refused" -- "$MC" check "$S/sign-p11-pinv.yaml"
expect_grep err "signing.key: a spec may not name a PKCS #11 PIN (pin-value)" "the pin value is refused"
check absent "1234" "$TMP/err" -- "the pin value is not quoted"
expect_exit 0 "a URI naming only token and key passes" -- "$MC" check "$S/sign-p11-ok.yaml"
# certify --spec refuses before loading anything: the module and the PIN file are never
# opened (a FIFO as the pin file would block a reader; a module that is not a library would
# fail to load with another message).
mkfifo "$TMP/outside/pin"
printf 'not a library\n' > "$TMP/outside/lib.so"
expect_exit 2 "certify --spec with a spec's module-path refuses" -- timeout 20 "$MC" certify "$TMP/no-run" --spec "$S/sign-p11.yaml"
expect_grep err "may not name a PKCS #11 module (module-path)" "certify names the spec's module-path"
check absent "dlopen\|lib\.so:\|load" "$TMP/err" -- "certify loaded no module"
expect_exit 2 "a malformed pkcs11: URI is refused" -- "$MC" check "$S/sign-p11-bad.yaml"
expect_grep err "signing.key: PKCS #11 URI: unknown query attribute 'module'" "the URI's fault is named"

# Environment variables: MODELCERT_* only, unless --allow-env.
expect_exit 2 "signing.key env: outside the prefix is refused" -- "$MC" check "$S/sign-env.yaml"
expect_grep err "signing.key: the environment variable 'SIGNING_KEY' does not start with MODELCERT_" "the key and the variable are named"
expect_exit 0 "it passes with --allow-env" -- "$MC" check --allow-env SIGNING_KEY "$S/sign-env.yaml"
expect_exit 0 "a MODELCERT_ variable passes" -- "$MC" check "$S/sign-mcenv.yaml"
expect_exit 2 "validate refuses the variable too" -- "$MC" validate -q "$S/sign-env.yaml" -o "$TMP/val-env"
cp -r "$SRC/tests/fixtures/good" "$P/good"
expect_exit 2 "salt_env outside the prefix is refused" -- "$MC" check "$P/good/every-section.yaml"
expect_grep err "every-section.yaml:[0-9]*:[0-9]*: error: preprocessing\[[0-9]*\].salt_env: the environment variable 'PII_SALT'" "the step's salt_env is located and named"
expect_exit 0 "salt_env passes with --allow-env" -- "$MC" check --allow-env PII_SALT "$P/good/every-section.yaml"

# Every verb that reads a spec lists the flags.
for verb in run validate reproduce check; do
    expect_exit 0 "$verb --help" -- "$MC" "$verb" --help
    expect_grep out "--allow-path DIR" "$verb --help lists --allow-path"
    expect_grep out "--allow-env NAME" "$verb --help lists --allow-env"
done

# A data value with an ANSI escape sequence is printed escaped.
red=$(printf '\033[31mred')
python3 - "$S/data.csv" "$S/ansi.csv" "$red" <<'PY'
import sys
src, dst, red = sys.argv[1:]
open(dst, "w").write(open(src).read().replace(",consumer,", "," + red + ","))
PY
sed -e "s|^  source: data.csv .*|  source: ansi.csv|" -e '/^  sha256:/d' "$S/modelcert.yaml" > "$S/ansi.yaml"
"$MC" validate "$S/ansi.yaml" -o "$TMP/val-ansi" >"$TMP/out" 2>"$TMP/err"
check test $? -le 1 -- "validate runs on the data with escapes"
check sh -c "! grep -q \"$(printf '\033')\" '$TMP/out' '$TMP/err'" -- "no ESC byte reaches the terminal"
expect_grep out 'segment=\\x1b\[31mred' "the group is shown escaped"
check python3 -c "
import json, sys
def strings(x):
    if isinstance(x, dict):
        for k, v in x.items():
            yield k
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)
    elif isinstance(x, str):
        yield x
assert sys.argv[2] in strings(json.load(open(sys.argv[1])))
assert sys.argv[2] in strings(json.load(open(sys.argv[3])))
" "$TMP/val-ansi/metrics.json" "$red" "$TMP/val-ansi/validation.json" -- "the JSON files keep the exact value"

# A long data value is limited.
long=$(printf 'x%.0s' $(seq 1 200))
python3 - "$S/data.csv" "$S/long.csv" "$long" <<'PY'
import sys
src, dst, v = sys.argv[1:]
open(dst, "w").write(open(src).read().replace(",public,", "," + v + ","))
PY
sed -e "s|^  source: data.csv .*|  source: long.csv|" -e '/^  sha256:/d' "$S/modelcert.yaml" > "$S/long.yaml"
"$MC" validate "$S/long.yaml" -o "$TMP/val-long" >"$TMP/out" 2>"$TMP/err"
expect_grep out "segment=x\{64\}…" "a long group name is cut at 64 bytes with an ellipsis"
check sh -c "! grep -q 'x\{65\}' '$TMP/out'" -- "no longer run of it in the messages"

# Predictions: class names come from the data. On a terminal they are escaped; into a
# file or a pipe they are the exact bytes (the CSV is data).
python3 - "$TMP/cls" <<'PY'
import os, random, sys
d = sys.argv[1]
os.makedirs(d)
random.seed(2)
with open(f"{d}/d.csv", "w") as f:
    f.write("a,b,y\n")
    for i in range(200):
        a = random.gauss(0, 1)
        f.write(f"{a!r},{random.gauss(0, 1)!r}," + ("\x1b[31mred" if a > 0 else "blue") + "\n")
open(f"{d}/s.yaml", "w").write("""apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: esc}
data: {source: d.csv, target: y}
preprocessing: [{type: standardize}]
architecture:
  layers:
    - {type: dense, units: 4, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
training: {optimizer: {type: adam}, loss: binary_crossentropy, epochs: 2, batch_size: 32}
metrics: {compute: [accuracy], positive_label: blue}
""")
PY
expect_exit 0 "a model whose class holds an escape sequence" -- "$MC" run -q "$TMP/cls/s.yaml" -o "$TMP/cls/run"
if command -v script >/dev/null; then
    script -qc "'$MC' predict '$TMP/cls/run/model.mcm' '$TMP/cls/d.csv'" /dev/null > "$TMP/tty.out" 2>&1
    check sh -c "! grep -q \"\$(printf '\033')\" '$TMP/tty.out' && grep -q 'x1b\[31mred' '$TMP/tty.out'" -- \
        "predict on a terminal shows the class escaped, no ESC byte"
fi
"$MC" predict "$TMP/cls/run/model.mcm" "$TMP/cls/d.csv" > "$TMP/pipe.out" 2>/dev/null
check grep -q "$(printf '\033')\[31mred" "$TMP/pipe.out" -- "predict into a pipe writes the exact bytes"

finish
