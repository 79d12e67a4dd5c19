#!/bin/sh
# Makes the fixed test PKI of fuzz_chain (tests/fuzz/README.md) and its seeds:
#
#   tests/fuzz/make_pki.sh
#
# A P-256 root CA, an intermediate CA and a leaf allowed to sign code (digitalSignature,
# codeSigning), valid for 20 years from now, written as C strings to tests/fuzz/fuzz_pki.h
# (the root is the harness's trust anchor, the leaf key signs its envelopes), and the seeds
# of tests/fuzz/corpus/chain. A test PKI, made for the fuzzer only: no key in it is secret.
# Needs openssl(1) and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
for k in root int leaf; do
    openssl ecparam -name prime256v1 -genkey -noout -out $k.ec 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in $k.ec -out $k.key
done
openssl req -x509 -new -key root.key -subj "/CN=modelcert fuzz root" -days 7300 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out root.pem
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >int.ext
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\n' \
    'extendedKeyUsage=codeSigning' >leaf.ext
openssl req -new -key int.key -subj "/CN=modelcert fuzz intermediate" -out int.csr
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 -days 7290 -sha256 \
    -extfile int.ext -out int.pem 2>/dev/null
sleep 1 # the leaf's notBefore (when the chain is judged) after the CAs'
openssl req -new -key leaf.key -subj "/CN=modelcert fuzz signer" -out leaf.csr
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -set_serial 3 -days 7280 -sha256 \
    -extfile leaf.ext -out leaf.pem 2>/dev/null
openssl verify -CAfile root.pem -untrusted int.pem leaf.pem >/dev/null
for c in root int leaf; do
    openssl x509 -in $c.pem -outform DER -out $c.der
done
python3 - "$here" <<'PY'
import os, struct, sys
here = sys.argv[1]
def c_string(name, path):
    lines = open(path).read().splitlines()
    return "static const char %s[] =\n%s;\n" % (name, "\n".join('    "%s\\n"' % l for l in lines))
with open(os.path.join(here, "fuzz_pki.h"), "w") as f:
    f.write("/* The fixed test PKI of fuzz_chain.c, written by make_pki.sh (do not edit): a root CA,\n"
            " * an intermediate CA and a leaf allowed to sign code, P-256, and the leaf's key. Made for\n"
            " * the fuzzer only: no key here is secret. */\n#ifndef FUZZ_PKI_H\n#define FUZZ_PKI_H\n\n")
    for n in ("root", "int", "leaf"):
        f.write(c_string("pki_%s_pem" % n, n + ".pem") + "\n")
    f.write(c_string("pki_leaf_key_pem", "leaf.key") + "\n#endif\n")
out = os.path.join(here, "corpus", "chain")
os.makedirs(out, exist_ok=True)
der = {n: open(n + ".der", "rb").read() for n in ("root", "int", "leaf")}
pem = {n: open(n + ".pem", "rb").read() for n in ("root", "int", "leaf")}
def chain(mode, *names):
    return bytes([mode]) + b"".join(struct.pack(">H", len(der[n])) + der[n] for n in names)
seeds = {
    "der-leaf-int": chain(0, "leaf", "int"),
    "der-leaf-int-root": chain(0, "leaf", "int", "root"),
    "der-leaf-only": chain(0, "leaf"),
    "der-single-leaf": chain(2, "leaf"),
    "der-int-leaf": chain(0, "int", "leaf"),
    "der-root": chain(0, "root"),
    "pem-ca-root": b"\x01" + pem["root"],
    "pem-ca-root-int": b"\x01" + pem["root"] + pem["int"],
    "pem-ca-int": b"\x01" + pem["int"],
    "pem-ca-leaf": b"\x01" + pem["leaf"],
}
for name, data in seeds.items():
    open(os.path.join(out, name), "wb").write(data)
PY
echo "wrote $here/fuzz_pki.h and $here/corpus/chain"
