#!/usr/bin/env bash
# An encrypted ONNX model gated (docs/encryption.md "An encrypted ONNX model"): PyTorch
# (Debian's python3-torch, tests/e2e/onnx_gate_models.py) trains and exports a binary MLP, the
# ONNX file is encrypted with modelcert encrypt and the clear file removed. validate of a spec
# whose model.source is model.onnx.age decrypts it in memory only with --identity: the run
# passes, its directory holds model.onnx.age (the age file as it is) and never model.onnx, and
# strace -f -e trace=openat,write finds no model.onnx opened for writing and no write holding
# the clear model's bytes (the same trace of a clear gate finds both, so the search can fail).
# The pin may be the clear model's sha256 or the age file's; another pin is refused naming
# both. Without keys, or with a stranger's, validate is refused naming why. The decryption is
# an audit event ("memory (validate)", the clear digest, the stanza). A clear model.onnx with
# the spec's protection gives model.onnx.age encrypted to its recipient (Debian's age opens it
# to the source's bytes). certify signs model.onnx.age as it is and records the clear digest;
# verify --certificate --identity decrypts it in memory and checks it; predict
# model.onnx.age --identity gives PyTorch's probabilities within 1e-6.
# usage: protect_onnx.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-torch
cd "$TMP" || exit 2
if ! command -v age >/dev/null || ! command -v age-keygen >/dev/null; then
    skip "encrypted ONNX models" "Debian's age is not installed (make test-deps installs it)"
    finish
    exit $?
fi
export MODELCERT_AUDIT="$TMP/audit.db"
expect_exit 0 "PyTorch trains and exports the models" -- "$PY" "$SRC/tests/e2e/onnx_gate_models.py" .
age-keygen -o k1 2>/dev/null
age-keygen -o k2 2>/dev/null
R1=$(age-keygen -y k1)
CLEAR=$(sha256sum torch_binary.onnx | cut -c1-64)
DATA_SHA=$(sha256sum data.csv | cut -c1-64)
cp torch_binary.onnx clear.onnx
expect_exit 0 "encrypt the ONNX model" -- "$MC" encrypt torch_binary.onnx -r "$R1" -o model.onnx.age
rm torch_binary.onnx
SEALED=$(sha256sum model.onnx.age | cut -c1-64)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null
chmod 600 k.pem
openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null

# spec NAME SOURCE PIN [EXTRA]: NAME.yaml gating SOURCE pinned to PIN
spec() {
    cat >"$1.yaml" <<YAML
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: enc-$1}
data:
  source: data.csv
  sha256: $DATA_SHA
  target: yb
  split: {test_fraction: 0.25, seed: 3}
model:
  source: $2
  sha256: $3
  task: binary
  inputs: [f1, f2, f3, f4, f5]
metrics:
  compute: [accuracy, roc_auc]
thresholds:
  metrics:
    accuracy: {min: 0.85}
${4:-}
YAML
}
spec sealed model.onnx.age "$CLEAR"
spec sealed_pin model.onnx.age "$SEALED"
spec wrong_pin model.onnx.age "$DATA_SHA"
spec clear clear.onnx "$CLEAR"
spec protected clear.onnx "$CLEAR" "protection:
  encrypt_to: [$R1]
  require_encryption: true"

traced() {
    local trace=$1
    shift
    env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -qq -e trace=openat,write -s 4194304 -xx -o "$trace" "$@"
}
# scan TRACE: model.onnx (clear) opened for writing, and writes holding a 64-byte slice of
# the clear model (from its start, middle or end).
scan() {
    "$PY" - "$1" clear.onnx <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = open(sys.argv[2], 'rb').read()
unhex = lambda s: bytes.fromhex(s.replace('\\x', ''))
opened = [unhex(g.group(1)).decode() for g in re.finditer(
    r'openat\([^,]*, "((?:\\x[0-9a-f]{2})*)", [^)]*(?:O_WRONLY|O_RDWR|O_CREAT)', t)]
slices = [m[:64], m[len(m) // 2:len(m) // 2 + 64], m[-64:]]
writes = [unhex(g.group(1)) for g in re.finditer(r'write\(\d+, "((?:\\x[0-9a-f]{2})*)"', t)]
clear = sum(any(s in w for s in slices) for w in writes)
named = [p for p in opened if re.search(r'model\.onnx(\.tmp|$)', p)]
print('opened-clear-model=%d writes-with-clear-bytes=%d' % (len(named), clear))
PY
}

expect_exit 2 "validate of an encrypted model.source without keys" -- "$MC" validate -q sealed.yaml -o nokey
expect_grep err "model.onnx.age is an age-encrypted model: give validate --identity FILE" "  ... says to give --identity"
check [ ! -e nokey ] -- "  ... writing no run directory"
expect_exit 2 "validate with a stranger's key" -- "$MC" validate -q sealed.yaml -i k2 -o stranger
expect_grep err "no identity matched" "  ... refused: no identity matched"
if command -v strace >/dev/null; then
    expect_exit 0 "a clear gate, traced (the control)" -- traced clear.trace "$MC" validate -q clear.yaml -o clear-run
    scan clear.trace >"$TMP/out"
    check grep -q "^opened-clear-model=[1-9][0-9]* writes-with-clear-bytes=[1-9]" "$TMP/out" -- "the trace of a clear gate shows model.onnx written (the search works)"
    expect_exit 0 "validate of model.onnx.age with --identity, traced" -- traced sealed.trace "$MC" validate -q sealed.yaml -i k1 -o run
    scan sealed.trace >"$TMP/out"
    expect_grep out "^opened-clear-model=0 writes-with-clear-bytes=0$" "no model.onnx opened for writing, no write of the clear model's bytes"
else
    skip "validate under strace" "strace is not installed"
    expect_exit 0 "validate of model.onnx.age with --identity" -- "$MC" validate -q sealed.yaml -i k1 -o run
fi
check cmp -s run/model.onnx.age model.onnx.age -- "the run directory holds the age file as it is"
check [ ! -e run/model.onnx ] -- "and no model.onnx"
check "$PY" - run "$CLEAR" <<'PY' -- "run.json and validation.json record model.onnx.age and the clear model's digest"
import json, sys
r = json.load(open(sys.argv[1] + '/run.json'))
v = json.load(open(sys.argv[1] + '/validation.json'))
assert r['model']['file'] == 'model.onnx.age' and r['model']['digest'] == sys.argv[2], r['model']
assert v['verdict'] == 'pass', v['verdict']
PY
"$MC" audit log >"$TMP/out"
id=$(awk '$4 == "decrypt" { n = $1 } END { print n }' "$TMP/out")
"$MC" audit show "$id" >ev.json
check "$PY" - ev.json "$CLEAR" "$R1" <<'PY' -- "the decryption is an audit event: in memory for validate, the clear digest, the stanza"
import json, sys
e = json.load(open(sys.argv[1]))
d = e['details']
assert e['kind'] == 'decrypt' and e['verdict'] == 'decrypted', e
assert e['model_digest'] == sys.argv[2], e
assert d['output'] == 'memory (validate)', d
assert d['recipient'] == sys.argv[3] and d['stanza_type'] == 'X25519', d
PY
expect_exit 2 "validate --identity of a clear model.source" -- "$MC" validate -q clear.yaml -i k1 -o clearkey
expect_grep err "clear.onnx is not an age file: --identity and --passphrase-\* are for an encrypted model.source" "  ... refused: nothing to decrypt"
cp -r "$SRC/examples/seed" seed && rm -rf seed/.modelcert seed/runs
expect_exit 2 "validate --identity of a spec that trains its model" -- "$MC" validate -q seed/modelcert.yaml -i k1 -o seedkey
expect_grep err "open an age-encrypted model.source (a spec's model:); this spec trains its model" "  ... refused before training"
check test ! -e seedkey -a ! -e clearkey -- "  ... neither writes a run directory"
expect_exit 0 "the age file's own sha256 as the pin" -- "$MC" validate -q sealed_pin.yaml -i k1 -o run-sealed-pin
expect_exit 2 "a pin that is neither" -- "$MC" validate -q wrong_pin.yaml -i k1 -o wrong
expect_grep err "wrong_pin.yaml:11:[0-9]*: .*decrypts to a model of sha256 $CLEAR, and the age file's own sha256 is $SEALED; neither is the pinned $DATA_SHA" "  ... refused at the pin, naming both digests"

# protection: a clear model.onnx, the run's copy encrypted to the recipient.
expect_exit 0 "validate a clear ONNX model with protection" -- "$MC" validate -q protected.yaml -o prot
check test -f prot/model.onnx.age -a ! -e prot/model.onnx -- "the protected run holds model.onnx.age and no model.onnx"
check sh -c "age -d -i k1 prot/model.onnx.age | cmp -s - clear.onnx" -- "age -d opens it to the source model's bytes"
check grep -q '"protection.encryption"' prot/validation.json -- "the gate records protection.encryption"
check "$PY" -c "import json,sys; v=json.load(open(sys.argv[1])); r=[x for x in v['results'] if x['id']=='protection.encryption'][0]; assert r['status']=='pass' and 'model.onnx.age' in r['message'], r" prot/validation.json -- "  ... passed, naming model.onnx.age"

# certify and verify: the age file signed as it is, the clear digest recorded and checked.
expect_exit 0 "certify the encrypted ONNX gate" -- "$MC" certify run --key k.pem
check "$PY" - run/release.intoto.jsonl "$SEALED" "$CLEAR" <<'PY' -- "the certificate names model.onnx.age (its sha256) and the clear model's digest"
import base64, json, sys
for line in open(sys.argv[1]):
    st = json.loads(base64.b64decode(json.loads(line)['payload']))
    s = st['subject'][0]
    assert s['name'] == 'model.onnx.age' and s['digest'] == {'sha256': sys.argv[2]}, s
    assert s['annotations']['decrypted'] == {'sha256': sys.argv[3]}, s
    assert s['annotations']['format'] == 'onnx', s
PY
expect_exit 0 "verify --certificate --identity" -- "$MC" verify run --key k.pub --certificate run/release.intoto.jsonl -i k1
"$MC" audit log >"$TMP/out"
id=$(awk '$4 == "decrypt" { n = $1 } END { print n }' "$TMP/out")
"$MC" audit show "$id" >ev2.json
check "$PY" -c "import json,sys; e=json.load(open(sys.argv[1])); assert e['details']['output']=='memory (verify)' and e['model_digest']==sys.argv[2], e" ev2.json "$CLEAR" -- "  ... its decryption an event"
expect_exit 1 "verify --identity with a stranger's key" -- "$MC" verify run --key k.pub --certificate run/release.intoto.jsonl -i k2
expect_grep err "no identity matched" "  ... refused: no identity matched"

# predict with the encrypted model, in memory: PyTorch's probabilities.
expect_exit 0 "predict model.onnx.age --identity" -- "$MC" predict run/model.onnx.age data.csv -i k1 --columns f1,f2,f3,f4,f5 -o preds.csv
check "$PY" - preds.csv torch_binary.csv <<'PY' -- "  ... every row PyTorch's probability within 1e-6"
import csv, sys
got = list(csv.DictReader(open(sys.argv[1])))
want = list(csv.DictReader(open(sys.argv[2])))
assert len(got) == len(want) == 600, (len(got), len(want))
for g, w in zip(got, want):
    assert g['row'] == w['row'] and abs(float(g['y']) - float(w['p_1'])) < 1e-6, (g, w)
PY
expect_exit 2 "predict MODEL.onnx with --identity" -- "$MC" predict clear.onnx data.csv -i k1
expect_grep err "MODEL.onnx is not encrypted" "  ... refused: the model is not encrypted"
finish
