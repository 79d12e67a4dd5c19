#!/usr/bin/env python3
"""A Sigstore world of the tests' own, made with python3's `cryptography` (OpenSSL) and
hashlib, independently of modelcert: a Fulcio-like CA (root and intermediate) issuing a
ten-minute leaf with Fulcio's OIDC extensions and an embedded SCT from a CT-like log key, a
Rekor-like Merkle log (RFC 6962 leaf and node hashes, an inclusion proof, a signed checkpoint
in the signed-note format, a SET), a timestamp authority (a TSA root and a TSA certificate made
here, the RFC 3161 response made by OpenSSL's `openssl ts -reply` over the signature), and the
trusted_root.json listing them; it signs a model directory keyless, as model_signing would,
into MODEL/model.sig.

usage: sigstore_world.py OUT_DIR MODEL_DIR [BREAK [blob] [v2]]
BREAK names one link to break (see BREAKS below); the default breaks none. With `blob`,
MODEL_DIR is one file, signed as Sigstore clients sign a blob: a message signature over its
SHA-256, logged as a hashedrekord entry, written to OUT_DIR/blob.sigstore.json. With `v2` the
log is a Rekor v2 log (rekor-tiles' client specification): an Ed25519 key, entries of version
0.0.2 without integrated time or SET, a checkpoint in the C2SP signed-note format named by the
log's URL without its scheme and cosigned by a witness (tlog-cosignature), whose verifier key
goes to OUT_DIR/witness.vkey; the v2_* breaks break its links."""
import base64
import datetime
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID, ObjectIdentifier

BREAKS = {"none", "leaf_expired_at_t", "ca_window", "rogue_ca", "no_codesign", "identity",
          "issuer", "no_sct", "sct_sig", "sct_log", "body_sig", "proof_hash", "root_hash",
          "checkpoint_sig", "checkpoint_size", "set_sig", "no_proofs", "tlog_unknown",
          "time_outside_cert", "rekor_window", "dsse_sig", "statement", "file", "sct_window",
          "no_checkpoint", "no_tlog", "tsa_sig", "tsa_imprint", "tsa_unknown", "tsa_window",
          "tsa_outside_cert", "tsa_cert_expired", "no_tsa", "blob_digest", "blob_logged_hash",
          "v2_note_sig", "v2_key_id", "v2_unknown_key", "v2_origin", "v2_root", "v2_size",
          "v2_cosig_bad", "v2_cosig_missing", "v2_cosig_time", "v2_other_witness",
          "v2_root_log_id", "v2_log_window", "v2_no_proof"}

out, model = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
brk = sys.argv[3] if len(sys.argv) > 3 else "none"
BLOB = "blob" in sys.argv[4:]
V2 = "v2" in sys.argv[4:]
assert brk in BREAKS and (V2 or not brk.startswith("v2_")), brk
out.mkdir(parents=True, exist_ok=True)
NOW = int(time.time()) - 120
ID, ISS = "signer@example.com", "https://oidc.example"


def b64(b):
    return base64.b64encode(b).decode()


def der_pub(k):
    return k.public_key().public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)


def when(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc)


def rfc3339(t):
    return when(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def key():
    return ec.generate_private_key(ec.SECP256R1())


root_k, int_k, leaf_k, ct_k, rekor_k = key(), key(), key(), key(), key()


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def ca_cert(k, cn, issuer_name, issuer_k, pathlen):
    return (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(issuer_name)
            .public_key(k.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(when(NOW - 86400 * 30)).not_valid_after(when(NOW + 86400 * 3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=pathlen), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .sign(issuer_k, hashes.SHA256()))


root = ca_cert(root_k, "test-root", name("test-root"), root_k, 1)
inter = ca_cert(int_k, "test-intermediate", root.subject, root_k, 0)
issuing, issuing_k = inter, int_k
if brk == "rogue_ca":
    rogue_k = key()
    issuing, issuing_k = ca_cert(rogue_k, "test-intermediate", root.subject, rogue_k, 0), rogue_k


def utf8_der(s):
    b = s.encode()
    return bytes([0x0c, len(b)]) + b


nb, na = NOW - 60, NOW + 540
if brk in ("leaf_expired_at_t", "tsa_outside_cert"):
    nb, na = NOW - 700, NOW - 100
lb = (x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(issuing.subject)
      .public_key(leaf_k.public_key()).serial_number(x509.random_serial_number())
      .not_valid_before(when(nb)).not_valid_after(when(na))
      .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False),
                     critical=True)
      .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION
                                            if brk == "no_codesign"
                                            else ExtendedKeyUsageOID.CODE_SIGNING]),
                     critical=False)
      .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(
          "mallory@example.com" if brk == "identity" else ID)]), critical=True)
      .add_extension(x509.UnrecognizedExtension(
          ObjectIdentifier("1.3.6.1.4.1.57264.1.1"),
          ("https://other.example" if brk == "issuer" else ISS).encode()), critical=False)
      .add_extension(x509.UnrecognizedExtension(
          ObjectIdentifier("1.3.6.1.4.1.57264.1.8"),
          utf8_der("https://other.example" if brk == "issuer" else ISS)), critical=False))
pre = lb.sign(issuing_k, hashes.SHA256())  # the precertificate's TBS: no SCT list yet
if brk == "no_sct":
    leaf = pre
else:
    sct_key = key() if brk == "sct_log" else ct_k
    ts = NOW * 1000
    tbs = pre.tbs_certificate_bytes
    ikh = hashlib.sha256(issuing.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).digest()
    signed = (bytes([0, 0]) + ts.to_bytes(8, "big") + (1).to_bytes(2, "big") + ikh +
              len(tbs).to_bytes(3, "big") + tbs + (0).to_bytes(2, "big"))
    sig = sct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
    if brk == "sct_sig":
        sig = ct_k.sign(signed + b"x", ec.ECDSA(hashes.SHA256()))
    log_id = hashlib.sha256(der_pub(sct_key)).digest()
    sct = (bytes([0]) + log_id + ts.to_bytes(8, "big") + (0).to_bytes(2, "big") +
           bytes([4, 3]) + len(sig).to_bytes(2, "big") + sig)
    lst = len(sct).to_bytes(2, "big") + sct
    lst = len(lst).to_bytes(2, "big") + lst
    n = len(lst)  # DER: the short length form below 128
    octet = bytes([0x04, n]) if n < 128 else bytes([0x04, 0x81, n]) if n < 256 else \
        bytes([0x04, 0x82]) + n.to_bytes(2, "big")
    leaf = lb.add_extension(x509.UnrecognizedExtension(
        ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2"), octet + lst), critical=False) \
        .sign(issuing_k, hashes.SHA256())
leaf_pem = leaf.public_bytes(serialization.Encoding.PEM)

# the statement over the model (OMS v1.0, files), and the DSSE envelope
files = [] if BLOB else sorted(p for p in model.rglob("*")
                               if p.is_file() and p.name != "model.sig")
res, h = [], hashlib.sha256()
for p in files:
    d = hashlib.sha256(p.read_bytes()).digest()
    h.update(d)
    res.append({"algorithm": "sha256", "digest": d.hex(),
                "name": p.relative_to(model).as_posix()})
stmt = {"_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": model.name, "digest": {"sha256": h.hexdigest()}}],
        "predicateType": "https://model_signing/signature/v1.0",
        "predicate": {"serialization": {"method": "files", "hash_type": "sha256",
                                        "allow_symlinks": False,
                                        "ignore_paths": ["model.sig"]}, "resources": res}}
payload = json.dumps(stmt, indent=2).encode()
ptype = "application/vnd.in-toto+json"
pae = b"DSSEv1 %d %s %d " % (len(ptype), ptype.encode(), len(payload)) + payload
dsse_sig = leaf_k.sign(pae, ec.ECDSA(hashes.SHA256()))
logged_sig = dsse_sig
if brk == "dsse_sig":  # logged and bundled alike, but not over this payload
    logged_sig = dsse_sig = leaf_k.sign(pae + b"x", ec.ECDSA(hashes.SHA256()))
if brk == "body_sig":
    logged_sig = leaf_k.sign(pae, ec.ECDSA(hashes.SHA256()))  # another signature logged
env = {"payload": b64(payload), "payloadType": ptype,
       "signatures": [{"sig": b64(dsse_sig), "keyid": ""}]}
body = json.dumps({"apiVersion": "0.0.1", "kind": "dsse", "spec": {
    "envelopeHash": {"algorithm": "sha256", "value": hashlib.sha256(
        json.dumps(env, sort_keys=True, separators=(",", ":")).encode()).hexdigest()},
    "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
    "signatures": [{"signature": b64(logged_sig), "verifier": b64(leaf_pem)}]}},
    sort_keys=True, separators=(",", ":")).encode()
if brk == "statement":  # the bundle's statement changed after logging and signing
    stmt["predicate"]["resources"][0]["digest"] = "00" * 32
    env["payload"] = b64(json.dumps(stmt, indent=2).encode())
message = None
if BLOB:  # a message signature over the file's SHA-256, logged as hashedrekord 0.0.1
    data = model.read_bytes()
    digest = hashlib.sha256(data).digest()
    dsse_sig = leaf_k.sign(data + (b"x" if brk == "dsse_sig" else b""),
                           ec.ECDSA(hashes.SHA256()))
    logged_sig = leaf_k.sign(data, ec.ECDSA(hashes.SHA256())) if brk == "body_sig" else dsse_sig
    logged_hash = hashlib.sha256(data + b"x").hexdigest() if brk == "blob_logged_hash" \
        else digest.hex()
    body = json.dumps({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
        "data": {"hash": {"algorithm": "sha256", "value": logged_hash}},
        "signature": {"content": b64(logged_sig), "publicKey": {"content": b64(leaf_pem)}}}},
        sort_keys=True, separators=(",", ":")).encode()
    if brk == "blob_digest":  # the bundle, its log entry and signature are of another file
        digest = hashlib.sha256(data + b"x").digest()
        dsse_sig = leaf_k.sign(data + b"x", ec.ECDSA(hashes.SHA256()))
        body = json.dumps({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": digest.hex()}},
            "signature": {"content": b64(dsse_sig), "publicKey": {"content": b64(leaf_pem)}}}},
            sort_keys=True, separators=(",", ":")).encode()
    message = {"messageDigest": {"algorithm": "SHA2_256", "digest": b64(digest)},
               "signature": b64(dsse_sig)}

leaf_der = leaf.public_bytes(serialization.Encoding.DER)


def v2_sig(content):
    return {"content": b64(content), "verifier": {
        "keyDetails": "PKIX_ECDSA_P256_SHA_256", "x509Certificate": {"rawBytes": b64(leaf_der)}}}


if V2 and BLOB:  # hashedrekord 0.0.2: the digest, the signature, the certificate (DER)
    body = json.dumps({"apiVersion": "0.0.2", "kind": "hashedrekord", "spec": {
        "hashedRekordV002": {"data": {"algorithm": "SHA2_256", "digest": b64(
            bytes.fromhex(logged_hash) if brk != "blob_digest" else digest)},
            "signature": v2_sig(logged_sig if brk != "blob_digest" else dsse_sig)}}},
        sort_keys=True, separators=(",", ":")).encode()
elif V2:  # dsse 0.0.2: the payload's SHA-256, the one signature, the certificate
    body = json.dumps({"apiVersion": "0.0.2", "kind": "dsse", "spec": {"dsseV002": {
        "payloadHash": {"algorithm": "SHA2_256", "digest": b64(hashlib.sha256(payload).digest())},
        "signatures": [v2_sig(logged_sig)]}}}, sort_keys=True, separators=(",", ":")).encode()

# the Merkle log: 7 leaves, ours at index 4 (RFC 6962 hashes)
def lh(b):
    return hashlib.sha256(b"\x00" + b).digest()


def nh(a, b):
    return hashlib.sha256(b"\x01" + a + b).digest()


def mth(leaves):
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return nh(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


INDEX, SIZE = 4, 7
leaves = [lh(os.urandom(40)) for _ in range(SIZE)]
leaves[INDEX] = lh(body)
root_hash, proof = mth(leaves), path(INDEX, leaves)
if brk == "proof_hash":
    proof[0] = bytes(32)
tlog_id = hashlib.sha256(der_pub(rekor_k)).digest()
note_root = bytes(32) if brk == "root_hash" else root_hash
note = "rekor.test - 42\n%d\n%s\n" % (SIZE + (1 if brk == "checkpoint_size" else 0),
                                      b64(note_root))
note_k = key() if brk == "checkpoint_sig" else rekor_k
note_sig = note_k.sign(note.encode(), ec.ECDSA(hashes.SHA256()))
checkpoint = note + "\n\u2014 rekor.test " + b64(tlog_id[:4] + note_sig) + "\n"
it = NOW
if brk == "time_outside_cert":
    it = NOW + 3600
if brk == "tsa_outside_cert":  # Rekor's time inside the leaf's validity, the TSA's after it
    it = NOW - 200
set_doc = json.dumps({"body": b64(body), "integratedTime": it, "logID": tlog_id.hex(),
                      "logIndex": 1000 + INDEX}, sort_keys=True, separators=(",", ":"))
set_sig = (key() if brk == "set_sig" else rekor_k).sign(set_doc.encode(),
                                                        ec.ECDSA(hashes.SHA256()))
entry = {"logIndex": str(1000 + INDEX),
         "logId": {"keyId": b64(hashlib.sha256(b"unknown").digest()
                                if brk == "tlog_unknown" else tlog_id)},
         "kindVersion": {"kind": "dsse", "version": "0.0.1"}, "integratedTime": str(it),
         "inclusionPromise": {"signedEntryTimestamp": b64(set_sig)},
         "inclusionProof": {"logIndex": str(INDEX), "rootHash": b64(root_hash),
                            "treeSize": str(SIZE), "hashes": [b64(p) for p in proof],
                            "checkpoint": {"envelope": checkpoint}},
         "canonicalizedBody": b64(body)}
if brk == "no_proofs":
    del entry["inclusionPromise"], entry["inclusionProof"]
if brk == "no_checkpoint":
    del entry["inclusionProof"]["checkpoint"]

# Rekor v2: an Ed25519 log key named by its URL without the scheme, the C2SP key id
# SHA-256(name || 0x0A || 0x01 || key), a checkpoint it signs, a witness's cosignature/v1.
V2_NAME = "log2.test"
v2_k, wit_k = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()


def raw(k):
    return k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def c2sp_id(name, kind, k):
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + raw(k)).digest()


v2_id = c2sp_id(V2_NAME, 1, v2_k)
WIT = "witness.test/w1"
wit_id = c2sp_id(WIT, 4, wit_k)
if V2:
    size, root2 = SIZE, root_hash
    if brk == "v2_size":  # a tree of 9: the path of leaf 4 has 4 hashes, not 3
        size = SIZE + 2
    if brk == "v2_root":
        root2 = bytes(32)
    origin = "other.test" if brk == "v2_origin" else V2_NAME
    note = "%s\n%d\n%s\n" % (origin, size, b64(root2))
    sig_k = ed25519.Ed25519PrivateKey.generate() if brk == "v2_note_sig" else v2_k
    line_id = c2sp_id(V2_NAME, 2, v2_k) if brk == "v2_key_id" else v2_id
    lines = "\u2014 %s %s\n" % (origin, b64(line_id[:4] + sig_k.sign(note.encode())))
    ts = NOW
    cosig = wit_k.sign(b"cosignature/v1\ntime %d\n" % (ts + (1 if brk == "v2_cosig_time" else 0))
                       + note.encode())
    if brk == "v2_cosig_bad":
        cosig = bytes([cosig[0] ^ 1]) + cosig[1:]
    if brk != "v2_cosig_missing":
        lines += "\u2014 %s %s\n" % (WIT, b64(wit_id[:4] + ts.to_bytes(8, "big") + cosig))
    entry = {"logIndex": str(INDEX),
             "logId": {"keyId": b64(hashlib.sha256(b"unknown").digest()
                                    if brk == "v2_unknown_key" else hashlib.sha256(b"x").digest()
                                    if brk == "v2_root_log_id" else v2_id)},
             "kindVersion": {"kind": "hashedrekord" if BLOB else "dsse", "version": "0.0.2"},
             "inclusionProof": {"logIndex": str(INDEX), "rootHash": b64(root_hash),
                                "treeSize": str(SIZE), "hashes": [b64(p) for p in proof],
                                "checkpoint": {"envelope": note + "\n" + lines}},
             "canonicalizedBody": b64(body)}
    if brk == "v2_no_proof":
        del entry["inclusionProof"]
    # the verifier's witness: this one, or (v2_other_witness) one that never cosigned
    w_k = ed25519.Ed25519PrivateKey.generate() if brk == "v2_other_witness" else wit_k
    w_name = "witness.test/w2" if brk == "v2_other_witness" else WIT
    (out / "witness.vkey").write_text("%s+%s+%s\n" % (
        w_name, c2sp_id(w_name, 4, w_k)[:4].hex(), b64(b"\x04" + raw(w_k))))


# The TSA: a root and a TSA certificate (critical timeStamping extended key usage), and an
# RFC 3161 response over the DSSE signature made by OpenSSL's `openssl ts` (genTime: now).
def tsa_chain(k_root, k_tsa, cn, tsa_after):
    r = ca_cert(k_root, cn + "-root", name(cn + "-root"), k_root, 0)
    t = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(r.subject)
         .public_key(k_tsa.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(when(NOW - 86400)).not_valid_after(when(tsa_after))
         .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                      False), critical=True)
         .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                        critical=True)
         .sign(k_root, hashes.SHA256()))
    return r, t


tsa_root_k, tsa_k = key(), key()
tsa_root, tsa_cert = tsa_chain(tsa_root_k, tsa_k, "test-tsa", NOW + 86400 * 365)
sign_root, sign_cert, sign_k = tsa_root, tsa_cert, tsa_k
if brk == "tsa_unknown":  # a TSA of the same names, not the trusted root's
    rk, sign_k = key(), key()
    sign_root, sign_cert = tsa_chain(rk, sign_k, "test-tsa", NOW + 86400 * 365)
if brk == "tsa_cert_expired":  # the trusted root's TSA, its certificate expired before now
    tsa_root, tsa_cert = tsa_chain(tsa_root_k, tsa_k, "test-tsa", NOW + 60)
    sign_root, sign_cert = tsa_root, tsa_cert
tsd = out / "tsa"
tsd.mkdir(exist_ok=True)
(tsd / "data").write_bytes(dsse_sig + (b"x" if brk == "tsa_imprint" else b""))
(tsd / "tsa.pem").write_bytes(sign_cert.public_bytes(serialization.Encoding.PEM))
(tsd / "tsa.key").write_bytes(sign_k.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption()))
(tsd / "serial").write_text("01\n")
(tsd / "tsa.cnf").write_text(
    "[ tsa ]\ndefault_tsa = t\n[ t ]\nserial = %s\ncrypto_device = builtin\n"
    "signer_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\n"
    "accuracy = secs:1\ness_cert_id_alg = sha256\n" % (tsd / "serial"))
subprocess.run(["openssl", "ts", "-query", "-data", str(tsd / "data"), "-sha256", "-cert",
                "-no_nonce", "-out", str(tsd / "q.tsq")], check=True, stderr=subprocess.DEVNULL)
subprocess.run(["openssl", "ts", "-reply", "-config", str(tsd / "tsa.cnf"), "-queryfile",
                str(tsd / "q.tsq"), "-signer", str(tsd / "tsa.pem"), "-inkey",
                str(tsd / "tsa.key"), "-out", str(tsd / "r.tsr")], check=True,
               stderr=subprocess.DEVNULL)
tsr = bytearray((tsd / "r.tsr").read_bytes())
if brk == "tsa_sig":  # the last byte is the ECDSA signature's
    tsr[-1] ^= 0x01
vm = {"certificate": {"rawBytes": b64(leaf.public_bytes(serialization.Encoding.DER))},
      "tlogEntries": [] if brk == "no_tlog" else [entry]}
if brk != "no_tsa":
    vm["timestampVerificationData"] = {"rfc3161Timestamps": [{"signedTimestamp": b64(tsr)}]}
bundle = {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
          "verificationMaterial": vm}
if BLOB:
    bundle["messageSignature"] = message
    entry["kindVersion"]["kind"] = "hashedrekord"
else:
    bundle["dsseEnvelope"] = env


def log(k, start):
    return {"baseUrl": "https://log.test", "hashAlgorithm": "SHA2_256",
            "publicKey": {"rawBytes": b64(der_pub(k)), "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                          "validFor": {"start": rfc3339(start)}},
            "logId": {"keyId": b64(hashlib.sha256(der_pub(k)).digest())}}


def log2(k, start):
    return {"baseUrl": "https://" + V2_NAME, "hashAlgorithm": "SHA2_256",
            "publicKey": {"rawBytes": b64(der_pub(k)), "keyDetails": "PKIX_ED25519",
                          "validFor": {"start": rfc3339(start)}},
            "logId": {"keyId": b64(hashlib.sha256(b"x").digest()
                                   if brk == "v2_root_log_id" else v2_id)}}


ca_start = NOW + 60 if brk == "ca_window" else NOW - 86400
trusted = {"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
           "tlogs": [log(rekor_k, NOW + 60 if brk == "rekor_window" else NOW - 86400),
                     log2(v2_k, NOW + 3600 if brk == "v2_log_window" else NOW - 86400)],
           "certificateAuthorities": [{
               "subject": {"organization": "test", "commonName": "test-fulcio"},
               "uri": "https://fulcio.test",
               "certChain": {"certificates": [{"rawBytes": b64(c.public_bytes(
                   serialization.Encoding.DER))} for c in (inter, root)]},
               "validFor": {"start": rfc3339(ca_start)}}],
           "ctlogs": [log(ct_k, NOW + 60 if brk == "sct_window" else NOW - 86400)],
           "timestampAuthorities": [{
               "subject": {"organization": "test", "commonName": "test-tsa"},
               "uri": "https://tsa.test",
               "certChain": {"certificates": [{"rawBytes": b64(c.public_bytes(
                   serialization.Encoding.DER))} for c in (tsa_cert, tsa_root)]},
               "validFor": {"start": rfc3339(NOW + 3600 if brk == "tsa_window"
                                             else NOW - 86400)}}]}
json.dump(trusted, open(out / "trusted_root.json", "w"), indent=2)
json.dump(bundle, open(out / "blob.sigstore.json" if BLOB else model / "model.sig", "w"),
          indent=2)
if brk == "file":
    with open(model if BLOB else files[0], "ab") as f:
        f.write(b"changed after signing")
print(json.dumps({"identity": ID, "issuer": ISS}))
