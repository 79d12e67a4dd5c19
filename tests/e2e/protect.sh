#!/usr/bin/env bash
# Encrypted runs (docs/encryption.md "Encrypted runs"): a spec's protection section makes run
# and validate write model.mcm.age, never the clear model, not even as a temporary file
# (strace -f -e trace=openat,write: no model.mcm opened for writing, no write holding the
# model's magic; the same trace of a clear run finds it, so the search can fail). The age
# file opens with Debian's age for every recipient (encrypt_to and recipients_file) to the
# clear model whose digest run.json records; the events record the age file's digest; the
# gate's protection.encryption check passes, and fails (exit 1, naming the file) when a run
# directory the gate reads holds a clear model; spec errors exit 2 with file:line:col. Then
# predict --identity on the run's model, a stranger's key, and a truncated or chunk-swapped
# model.mcm.age in the run directory, each refused naming what failed; certify of the
# encrypted gate (the age file signed as it is, the clear digest in the certificate) and
# verify --certificate with and without --identity (a decrypt event; a stranger's key and
# swapped chunks refused); export --identity of an encrypted run (model.onnx.age only, no
# clear .onnx opened for writing, its decryption an event; without keys or with a stranger's
# key refused).
# usage: protect.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
D="$TMP/protect"
mkdir "$D"
if ! command -v age >/dev/null || ! command -v age-keygen >/dev/null; then
    skip "encrypted runs" "Debian's age is not installed (make test-deps installs it)"
    finish
    exit $?
fi
age-keygen -o "$D/k1" 2>/dev/null
age-keygen -o "$D/k2" 2>/dev/null
age-keygen -o "$D/k3" 2>/dev/null
R1=$(age-keygen -y "$D/k1")
R2=$(age-keygen -y "$D/k2")

# Two projects from the seed example: clear, and protected (two recipients: one in the
# spec, one in a recipients file). The first layer is wider so that the model is two
# STREAM chunks (about 80 KiB), for the chunk tests below.
for p in clear sealed; do
    mkdir "$D/$p"
    cp "$SRC/examples/seed/data.csv" "$D/$p/"
    sed 's/units: 128/units: 256/' "$SRC/examples/seed/modelcert.yaml" >"$D/$p/modelcert.yaml"
done
printf '# the partner team\n%s\n' "$R2" >"$D/sealed/recipients.txt"
printf '\nprotection:\n  encrypt_to: ["%s"]\n  recipients_file: recipients.txt\n  require_encryption: true\n' "$R1" >>"$D/sealed/modelcert.yaml"
expect_exit 0 "check a spec with a protection section" -- "$MC" check "$D/sealed/modelcert.yaml"

# What a traced command wrote: files opened for writing (by name) and whether any write()
# held the model artifact's magic (MCMODEL\0).
traced() {
    local trace=$1
    shift
    env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -qq -e trace=openat,write -s 4194304 -xx -o "$trace" "$@"
}
scan() {
    python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
unhex = lambda s: bytes.fromhex(s.replace('\\x', ''))
opened = [unhex(m.group(1)).decode() for m in re.finditer(
    r'openat\([^,]*, "((?:\\x[0-9a-f]{2})*)", [^)]*(?:O_WRONLY|O_RDWR|O_CREAT)', t)]
magic = sum(b'MCMODEL\0' in unhex(m.group(1))
            for m in re.finditer(r'write\(\d+, "((?:\\x[0-9a-f]{2})*)"', t))
clear = [p for p in opened if re.search(r'/model\.mcm(\.tmp|$)', p)]
print('opened-clear-model=%d writes-with-magic=%d' % (len(clear), magic))
PY
}
if command -v strace >/dev/null; then
    expect_exit 0 "a clear run, traced (the control)" -- traced "$D/clear.trace" "$MC" run -q --numerics reference "$D/clear/modelcert.yaml" -o "$D/clear-run"
    scan "$D/clear.trace" >"$TMP/out"
    check grep -q "^opened-clear-model=[1-9][0-9]* writes-with-magic=[1-9]" "$TMP/out" -- "the trace of a clear run shows its model written (the search works)"
    expect_exit 0 "a protected run, traced" -- traced "$D/sealed.trace" "$MC" run -q --numerics reference "$D/sealed/modelcert.yaml" -o "$D/run"
    scan "$D/sealed.trace" >"$TMP/out"
    expect_grep out "^opened-clear-model=0 writes-with-magic=0$" "a protected run opens no model.mcm for writing and writes no clear model byte"
else
    skip "run under strace" "strace is not installed"
    expect_exit 0 "a clear run" -- "$MC" run -q --numerics reference "$D/clear/modelcert.yaml" -o "$D/clear-run"
    expect_exit 0 "a protected run" -- "$MC" run -q --numerics reference "$D/sealed/modelcert.yaml" -o "$D/run"
fi
check [ -f "$D/run/model.mcm.age" ] -- "the run directory holds model.mcm.age"
check [ ! -e "$D/run/model.mcm" ] -- "and no model.mcm"
check [ -z "$(find "$D" -name '*.tmp*')" ] -- "no temporary file or directory is left"
check [ "$(head -c 22 "$D/run/model.mcm.age")" = "age-encryption.org/v1" ] -- "model.mcm.age is an age file"
digest=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1]))['model']; print(m['file'], m['digest'])" "$D/run/run.json")
for k in k1 k2; do
    age -d -i "$D/$k" -o "$D/clear-$k.mcm" "$D/run/model.mcm.age"
    check [ "model.mcm.age $(sha256sum <"$D/clear-$k.mcm" | cut -d' ' -f1)" = "$digest" ] -- "age -d -i $k opens it to the model whose digest run.json records"
done
"$MC" audit log >"$TMP/out"
id=$(awk '$4 == "run" { n = $1 } END { print n }' "$TMP/out")
"$MC" audit show "$id" >"$D/ev.json"
check python3 -c "
import json, hashlib, sys
e = json.load(open(sys.argv[1]))
d = e['details']
assert d['model_file'] == 'model.mcm.age', d
assert d['model_file_digest'] == hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest(), d
assert e['model_digest'] == hashlib.sha256(open(sys.argv[3], 'rb').read()).hexdigest(), e
" "$D/ev.json" "$D/run/model.mcm.age" "$D/clear-k1.mcm" -- "the run event records the age file's digest and the clear model's"

# predict: the encrypted run's model opened in memory predicts as the clear run's model.
"$MC" predict "$D/clear-run/model.mcm" "$D/clear/data.csv" -o "$D/clear.csv" 2>/dev/null
expect_exit 0 "predict with the run's model.mcm.age and an identity" -- "$MC" predict "$D/run/model.mcm.age" "$D/clear/data.csv" -i "$D/k2" -o "$D/sealed.csv"
check cmp -s "$D/clear.csv" "$D/sealed.csv" -- "the same predictions as the clear run's model"
expect_exit 1 "predict with a stranger's identity" -- "$MC" predict "$D/run/model.mcm.age" "$D/clear/data.csv" -i "$D/k3" -o "$D/x.csv"
expect_grep err "no identity matched any of the file's 2 recipient stanza" "the wrong identity is named"
check [ ! -e "$D/x.csv" ] -- "no predictions"

# Hostile run directories: the run's model.mcm.age truncated, its two chunks swapped.
python3 - "$D/run/model.mcm.age" "$D" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
hdr = data.index(b'\n--- ') + 5 + 43 + 1
at, chunk = hdr + 16, 65536 + 16
assert len(data) > at + chunk, 'the model is one chunk'
c = [data[at:at + chunk], data[at + chunk:]]
open(sys.argv[2] + '/swapped.age', 'wb').write(data[:at] + c[1] + c[0])
open(sys.argv[2] + '/cut.age', 'wb').write(data[:at + chunk])
PY
for h in swapped cut; do
    cp -r "$D/run" "$D/run-$h"
    cp "$D/$h.age" "$D/run-$h/model.mcm.age"
done
expect_exit 1 "predict with swapped chunks" -- "$MC" predict "$D/run-swapped/model.mcm.age" "$D/clear/data.csv" -i "$D/k1" -o "$D/x.csv"
expect_grep err "age payload: chunk 1: does not authenticate (tampered, reordered or swapped)" "the swapped chunk is named"
expect_exit 1 "predict with the last chunk cut off" -- "$MC" predict "$D/run-cut/model.mcm.age" "$D/clear/data.csv" -i "$D/k1" -o "$D/x.csv"
expect_grep err "age payload: chunk 2: the payload ends without its final chunk (truncated)" "the truncation is named"
"$MC" audit log >"$TMP/out"
check [ "$(awk '$4 == "decrypt" && $5 == "refused"' "$TMP/out" | wc -l)" -ge 3 ] -- "each refusal is a decrypt event"

# reproduce: an encrypted run needs the keys; its model decrypted in memory (an event) is
# compared bit for bit with the re-run's; a stranger's key or swapped chunks: exit 1, named.
expect_exit 2 "reproduce an encrypted run without a key" -- "$MC" reproduce "$D/run"
expect_grep err "model is encrypted (model.mcm.age): give --identity KEY" "the missing key is named"
expect_exit 0 "reproduce it with an identity" -- "$MC" reproduce "$D/run" -i "$D/k2"
expect_grep out "^verdict: REPRODUCED" "the encrypted run reproduces"
"$MC" audit log >"$TMP/out"
id=$(awk '$4 == "decrypt" { n = $1 } END { print n }' "$TMP/out")
check sh -c "'$MC' audit show $id | grep -q '\"output\": \"memory (reproduce)\"'" -- "its decryption is an event (memory (reproduce))"
expect_exit 1 "reproduce with a stranger's identity" -- "$MC" reproduce "$D/run" -i "$D/k3"
expect_grep out "FAIL  .*run/model.mcm.age does not open: age: no identity matched" "the wrong identity is named"
expect_exit 1 "reproduce a run whose model.mcm.age had its chunks swapped" -- "$MC" reproduce "$D/run-swapped" -i "$D/k1"
expect_grep out "does not open: age payload: chunk 1: does not authenticate" "the swapped chunk is named"

# export: an encrypted run's ONNX export only with its keys, written only encrypted
# (model.onnx.age), the same graph as the export of the clear model; strace: no .onnx file
# opened for writing.
expect_exit 2 "export an encrypted run without a key" -- "$MC" export "$D/run" --format onnx
expect_grep err "its model is encrypted (model.mcm.age): export it with --identity KEY" "the missing key is named"
expect_exit 2 "export to spec.json's recipients, which name a recipients file" -- "$MC" export "$D/run" --format onnx -i "$D/k1"
expect_grep err "names a recipients_file (relative to the spec, not the run): give the export's recipients with -r or -R" "the export's recipients are asked for"
if command -v strace >/dev/null; then
    expect_exit 0 "export with an identity and recipients, traced" -- traced "$D/export.trace" "$MC" export "$D/run" --format onnx -i "$D/k1" -r "$R1" -R "$D/sealed/recipients.txt"
    python3 - "$D/export.trace" >"$TMP/out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
unhex = lambda s: bytes.fromhex(s.replace('\\x', ''))
for m in re.finditer(r'openat\([^,]*, "((?:\\x[0-9a-f]{2})*)", [^)]*(?:O_WRONLY|O_RDWR|O_CREAT)', t):
    print(unhex(m.group(1)).decode())
PY
    check sh -c "! grep -q '\.onnx\(\.tmp\|$\)' '$TMP/out' && grep -q 'model\.onnx\.age' '$TMP/out'" -- "export writes model.onnx.age and opens no clear .onnx file for writing"
else
    skip "export under strace" "strace is not installed"
    expect_exit 0 "export with an identity and recipients" -- "$MC" export "$D/run" --format onnx -i "$D/k1" -r "$R1" -R "$D/sealed/recipients.txt"
fi
check [ ! -e "$D/run/model.onnx" ] -- "no clear model.onnx"
"$MC" audit log >"$TMP/out"
id=$(awk '$4 == "decrypt" { n = $1 } END { print n }' "$TMP/out")
check sh -c "'$MC' audit show $id | grep -q '\"output\": \"memory (export)\"'" -- "the export's decryption is an event (memory (export))"
mkdir "$D/plain" && cp "$D/clear-k1.mcm" "$D/plain/model.mcm"
"$MC" export "$D/plain" --format onnx -o "$D/plain.onnx" -q
for k in k1 k2; do
    check sh -c "age -d -i '$D/$k' '$D/run/model.onnx.age' | cmp -s - '$D/plain.onnx'" -- "age -d -i $k opens model.onnx.age to the export of the clear model"
done
expect_exit 1 "export with a stranger's identity" -- "$MC" export "$D/run" --format onnx -i "$D/k3" -r "$R1" -o "$D/x.onnx.age"
expect_grep err "no identity matched" "the wrong identity is named"
check [ ! -e "$D/x.onnx.age" ] -- "nothing written"
rm "$D/run/model.onnx.age"

# The gate: protection.encryption passes; a clear model in a run directory the gate reads
# (its baseline) fails it, naming the file; without require_encryption it is a warning.
expect_exit 0 "validate a protected spec" -- "$MC" validate -q "$D/sealed/modelcert.yaml" -o "$D/gate"
check python3 -c "
import json, sys
r = {c['id']: c for c in json.load(open(sys.argv[1]))['results']}['protection.encryption']
assert r['status'] == 'pass' and r['category'] == 'protection', r
" "$D/gate/validation.json" -- "protection.encryption passes"
check [ ! -e "$D/gate/model.mcm" ] -- "the gate's run directory holds no clear model"
check /usr/bin/python3 "$SRC/tests/e2e/reports_check.py" schema "$SRC/reports/schema" "$D/gate" -- "its run.json (model.file model.mcm.age) and validation.json match the schemas"
expect_exit 1 "validate against a clear baseline" -- "$MC" validate -q "$D/sealed/modelcert.yaml" -o "$D/gate2" --baseline "$D/clear-run"
check grep -q "clear-run/model.mcm is a clear model (protection.require_encryption)" "$D/gate2/validation.json" -- "the clear model is named"
sed 's/require_encryption: true/require_encryption: false/' "$D/sealed/modelcert.yaml" >"$D/sealed/lax.yaml"
expect_exit 0 "the same without require_encryption" -- "$MC" validate -q "$D/sealed/lax.yaml" -o "$D/gate3" --baseline "$D/clear-run"
expect_grep out "1 warnings" "a clear model is then a warning"

# A certified encrypted run: certify signs model.mcm.age as it is and records the clear
# model's digest in the certificate's subject; verify --certificate checks the age file,
# and with --identity decrypts it in memory (a decrypt event) and checks the clear digest.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$D/rel.key" 2>/dev/null
chmod 600 "$D/rel.key" && openssl pkey -in "$D/rel.key" -pubout -out "$D/rel.pub"
expect_exit 0 "certify the protected gate" -- "$MC" certify "$D/gate" --key "$D/rel.key"
expect_grep out "encrypted model: model.mcm.age sha256:$(sha256sum <"$D/gate/model.mcm.age" | cut -d' ' -f1)" "certify names the age file it signed"
check python3 -c "
import json, base64, hashlib, sys, subprocess
for line in open(sys.argv[1]):
    st = json.loads(base64.b64decode(json.loads(line)['payload']))
    s = st['subject']
    assert len(s) == 2 and s[0]['name'] == 'model.mcm.age' and s[1]['name'] == 'bom.cdx.json', s
    assert s[0]['digest']['sha256'] == hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest(), s
    clear = subprocess.run(['age', '-d', '-i', sys.argv[3], sys.argv[2]], capture_output=True, check=True).stdout
    assert s[0]['annotations']['decrypted']['sha256'] == hashlib.sha256(clear).hexdigest(), s
" "$D/gate/release.intoto.jsonl" "$D/gate/model.mcm.age" "$D/k1" -- "the certificate's subject is the age file, annotated with the clear model's digest (age -d)"
cert="$D/gate/release.intoto.jsonl"
expect_exit 0 "verify the certificate (no key to decrypt)" -- "$MC" verify "$D/gate" --key "$D/rel.pub" --certificate "$cert"
age -d -i "$D/k1" -o "$D/gate-clear.mcm" "$D/gate/model.mcm.age"
expect_exit 0 "verify the certificate with an identity" -- "$MC" verify "$D/gate" --key "$D/rel.pub" --certificate "$cert" -i "$D/k2"
"$MC" audit log >"$TMP/out"
id=$(awk '$4 == "decrypt" { n = $1 } END { print n }' "$TMP/out")
"$MC" audit show "$id" >"$D/ev-verify.json"
check python3 -c "
import json, hashlib, sys
e = json.load(open(sys.argv[1]))
assert e['verdict'] == 'decrypted' and e['details']['output'] == 'memory (verify)', e
assert e['model_digest'] == hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest(), e
" "$D/ev-verify.json" "$D/gate-clear.mcm" -- "verify --identity's decryption is an event with the clear model's digest"
expect_exit 1 "verify with a stranger's identity" -- "$MC" verify "$D/gate" --key "$D/rel.pub" --certificate "$cert" -i "$D/k3"
expect_grep err "no identity matched any of the file's 2 recipient stanza" "the wrong identity is named"
expect_exit 2 "--identity without --certificate" -- "$MC" verify "$D/gate" --key "$D/rel.pub" -i "$D/k1"
cp -r "$D/gate" "$D/gate-swapped"
python3 - "$D/gate-swapped/model.mcm.age" <<'PY'
import sys
p = sys.argv[1]
data = open(p, 'rb').read()
at = data.index(b'\n--- ') + 5 + 43 + 1 + 16
chunk = 65536 + 16
open(p, 'wb').write(data[:at] + data[at + chunk:] + data[at:at + chunk])
PY
expect_exit 1 "verify a certified run whose model.mcm.age had its chunks swapped" -- "$MC" verify "$D/gate-swapped" --key "$D/rel.pub" --certificate "$D/gate-swapped/release.intoto.jsonl" -i "$D/k1"
expect_grep err "model.mcm.age" "the changed age file is named"

# Spec errors: exit 2, where and why, before any work.
base="$D/sealed/base.yaml"
sed '/^protection:/,$d' "$D/sealed/modelcert.yaml" >"$base"
line=$(($(wc -l <"$base") + 2))
{ cat "$base"; printf '\nprotection:\n  require_encryption: true\n'; } >"$D/sealed/none.yaml"
expect_exit 2 "require_encryption without a recipient" -- "$MC" check "$D/sealed/none.yaml"
expect_grep err "none.yaml:$line:1: error: protection: no recipient to encrypt the model to" "no recipient is an error at the section"
{ cat "$base"; printf '\nprotection:\n  encrypt_to: [age1notakey]\n'; } >"$D/sealed/bad.yaml"
expect_exit 2 "a bad recipient" -- "$MC" validate "$D/sealed/bad.yaml" -o "$D/x"
expect_grep err "bad.yaml:$((line + 1)):16: error: protection.encrypt_to: 'age1notakey' is not an age X25519 recipient" "the bad recipient is named at its place"
printf '# nobody yet\n' >"$D/sealed/empty.txt"
{ cat "$base"; printf '\nprotection:\n  recipients_file: empty.txt\n'; } >"$D/sealed/empty.yaml"
expect_exit 2 "a recipients file with no recipient" -- "$MC" run "$D/sealed/empty.yaml" -o "$D/x"
expect_grep err "empty.txt: no recipient in the file" "the empty file is named"
check [ ! -e "$D/x" ] -- "no run directory: refused before any work"
finish
