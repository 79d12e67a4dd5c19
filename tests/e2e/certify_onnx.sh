#!/usr/bin/env bash
# certify with an ONNX export (docs/signing.md, docs/onnx.md): RUN_DIR/model.onnx is certified
# only when it is the export of the run's model.mcm (another run's export, a graph edited by
# hand with the right metadata, or bytes that are not ONNX are refused, exit 2, named); the
# release certificate names it (subject, sha256 as sha256sum gives it, format onnx); verify
# --certificate then catches a flipped byte, a deletion, and an export made after certify.
# usage: certify_onnx.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, which has python3-onnx (a python3 earlier in PATH may not)
cd "$TMP" || exit 2
cp -r "$SRC/examples/seed" seed
rm -rf seed/.modelcert seed/runs
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null
chmod 600 k.pem
openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null
# The statements of a certificate, one JSON document a line.
statements() { "$PY" -c "import base64,json,sys; [print(base64.b64decode(json.loads(l)['payload']).decode()) for l in open(sys.argv[1])]" "$1"; }

expect_exit 0 "validate the seed example" -- "$MC" validate -q seed/modelcert.yaml -o run
cp -a run plain
expect_exit 0 "export it" -- "$MC" export run --format onnx
cp -a run pristine
ONNX=$(sha256sum run/model.onnx | cut -c1-64)
MODEL=$(sha256sum run/model.mcm | cut -c1-64)
expect_exit 0 "certify the run with its model.onnx" -- "$MC" certify run --key k.pem
expect_grep out "onnx export: model.onnx sha256:$ONNX" "certify prints model.onnx's sha256"
statements run/release.intoto.jsonl > stmts.json
check "$PY" - stmts.json "$ONNX" "$MODEL" -- "both statements name model.onnx: sha256 as sha256sum, format onnx, exported from model.mcm" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
want = {"name": "model.onnx", "digest": {"sha256": sys.argv[2]},
        "annotations": {"format": "onnx", "exported_from": {"sha256": sys.argv[3]}}}
assert len(lines) == 2
for st in lines:
    assert st["subject"][0] == {"name": "model.mcm", "digest": {"sha256": sys.argv[3]}}, st["subject"]
    assert st["subject"][1] == want, st["subject"]
assert {st["predicateType"] for st in lines} == {"https://slsa.dev/provenance/v1",
                                                "https://in-toto.io/attestation/test-result/v0.1"}
PY
expect_exit 0 "verify --certificate" -- "$MC" verify run --key k.pub --certificate run/release.intoto.jsonl
check "$PY" -c "import base64,json,sys; st=json.loads(base64.b64decode(json.load(open(sys.argv[1]))['dsseEnvelope']['payload'])); assert {'name':'model.onnx','algorithm':'sha256','digest':sys.argv[2]} in st['predicate']['resources']" \
    run/model.sig "$ONNX" \
    -- "the run's signature covers model.onnx"

# Refusals: model.onnx must be the export of this run's model.mcm.
sed 's/^  seed: 42$/  seed: 7/' seed/modelcert.yaml > seed/seed7.yaml
expect_exit 0 "run another model (seed 7)" -- "$MC" run -q seed/seed7.yaml -o other
expect_exit 0 "export it" -- "$MC" export other --format onnx
cp -a pristine foreign && cp other/model.onnx foreign/model.onnx
expect_exit 2 "certify refuses another run's model.onnx" -- "$MC" certify foreign --key k.pem
expect_grep err "foreign/model.onnx was exported from another model" "  ... naming it"
check test ! -e foreign/release.intoto.jsonl -a ! -e foreign/model.sig -- "  ... writing nothing"
cp -a pristine edited
check "$PY" - edited/model.onnx -- "a graph edited by hand, its metadata kept" <<'PY'
import sys, onnx, numpy
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
init = max(m.graph.initializer, key=lambda t: numpy.prod(t.dims))
a = numpy_helper.to_array(init).copy()
a.flat[0] += 0.5
init.CopyFrom(numpy_helper.from_array(a, init.name))
assert any(p.key == "modelcert.model_digest" for p in m.metadata_props)
onnx.save(m, sys.argv[1])
PY
expect_exit 2 "certify refuses a hand-edited graph with the right metadata" -- "$MC" certify edited --key k.pem
expect_grep err "edited/model.onnx is not the export of this run's model.mcm" "  ... naming it"
cp -a pristine junk && echo "not onnx" > junk/model.onnx
expect_exit 2 "certify refuses a model.onnx that is not ONNX" -- "$MC" certify junk --key k.pem
expect_grep err "junk/model.onnx: not an ONNX model" "  ... naming it"

# After certify: what is deployed must still be what was certified.
cp -a run t && "$PY" -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=1; open(p,'wb').write(bytes(b))" t/model.onnx
expect_exit 1 "a flipped byte in model.onnx after certify" -- "$MC" verify t --key k.pub --certificate t/release.intoto.jsonl
expect_grep err "model.onnx" "  ... is named"
rm -rf t && cp -a run t && rm t/model.onnx
expect_exit 1 "model.onnx deleted after certify" -- "$MC" verify t --key k.pub --certificate t/release.intoto.jsonl
expect_grep err "'model.onnx' is signed but missing on disk" "  ... is named"
rm -rf t && cp -a run t && cp edited/model.onnx t/model.onnx
expect_exit 0 "a hand-edited graph swapped in, the run signed again with the release key" -- "$MC" sign t --key k.pem
expect_exit 1 "the certificate still refuses it" -- "$MC" verify t --key k.pub --certificate t/release.intoto.jsonl
expect_grep err "release certificate: model.onnx on disk (sha256 $(sha256sum t/model.onnx | cut -c1-12)...) is not the certified one (${ONNX:0:12}...)" "  ... naming both digests"
expect_exit 0 "certify the run before its export" -- "$MC" certify plain --key k.pem
expect_exit 1 "a certificate naming model.onnx does not fit a run without it" -- "$MC" verify plain --key k.pub --certificate run/release.intoto.jsonl
expect_grep err "it certifies model.onnx (sha256 ${ONNX:0:12}...), which is not in the run directory" "  ... naming it"
expect_exit 0 "export after certify" -- "$MC" export plain --format onnx
expect_exit 1 "verify refuses the export added after certify" -- "$MC" verify plain --key k.pub --certificate plain/release.intoto.jsonl
expect_grep err "'model.onnx' is on disk but not in the signature" "  ... as an added file"
expect_exit 1 "even with --ignore-unsigned-files, the certificate does not name it" -- "$MC" verify plain --key k.pub --ignore-unsigned-files --certificate plain/release.intoto.jsonl
expect_grep err "model.onnx (sha256 ${ONNX:0:12}...) is in the run directory but not certified" "  ... naming it"
expect_exit 0 "certify it again" -- "$MC" certify plain --key k.pem
expect_exit 0 "then it verifies" -- "$MC" verify plain --key k.pub --certificate plain/release.intoto.jsonl

# The spec's signing.sign does not choose model.onnx: it is covered whenever present.
cp seed/modelcert.yaml seed/signed.yaml && cp k.pem seed/k.pem
printf 'signing:\n  key: file:k.pem\n  sign: [validation]\n' >> seed/signed.yaml
cp -a pristine s
expect_exit 0 "certify with signing.sign: [validation]" -- "$MC" certify s --spec seed/signed.yaml
echo x >> s/model.onnx
expect_exit 1 "model.onnx is still covered" -- "$MC" verify s --key k.pub
expect_grep err "file 'model.onnx' was modified" "  ... and named"
expect_exit 0 "the audit trail is intact" -- "$MC" audit verify
finish
