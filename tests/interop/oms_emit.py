#!/usr/bin/env python3
"""Writes an OMS v1.0 bundle the way model_signing's key signer does
(sign_ec_key.Signer, sign_sigstore_pb.pae, manifest.Manifest ordering,
json_format.MessageToJson's 2-space indented statement with shard_size as a
float), independently of modelcert, with the `cryptography` package; or a
deliberately wrong one for the rejection tests.

usage: oms_emit.py MODEL_DIR KEY.pem OUT.sig [files|shards:N] [MUTATION]
MUTATION: none, predicate, payload_type, media_type, subject, dotdot,
absolute, duplicate, ignore:PATH"""
import base64
import hashlib
import json
import os
import pathlib
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

model, keyfile, out = sys.argv[1:4]
mode = sys.argv[4] if len(sys.argv) > 4 else "files"
mutation = sys.argv[5] if len(sys.argv) > 5 else "none"
key = serialization.load_pem_private_key(open(keyfile, "rb").read(), None)
hash_alg = {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}[key.curve.key_size]
root = pathlib.Path(model)
ignore = [os.path.basename(out)]
if mutation.startswith("ignore:"):
    ignore.append(mutation[7:])

def ignored(rel):
    return any(rel == i or rel.startswith(i + "/") for i in ignore)

files = [root] if root.is_file() else sorted(
    p for p in root.glob("**/*") if p.is_file() and not ignored(p.relative_to(root).as_posix()))
items = []  # (sort key, name, digest)
shard = int(mode.split(":")[1]) if mode.startswith("shards:") else 0
for p in files:
    rel = pathlib.PurePosixPath(p.relative_to(root).as_posix())
    data = p.read_bytes()
    if not shard:
        items.append(((rel,), str(rel), hashlib.sha256(data).hexdigest()))
        continue
    starts = range(0, max(len(data), 1), shard)
    for s in starts:
        e = min(s + shard, len(data))
        items.append(((rel, s, e), f"{rel}:{s}:{e}", hashlib.sha256(data[s:e]).hexdigest()))
items.sort()  # model_signing: sorted(manifest keys), PurePosixPath component order
if mutation == "duplicate":
    items.append(items[0])
h = hashlib.sha256()
resources = []
for _, name, digest in items:
    h.update(bytes.fromhex(digest))
    alg = f"sha256-sharded-{shard}" if shard else "sha256"
    resources.append({"algorithm": alg, "digest": digest, "name": name})
if mutation == "dotdot":
    resources[0]["name"] = "../escape"
if mutation == "absolute":
    resources[0]["name"] = "/etc/passwd"
serialization_ = {"method": "shards" if shard else "files", "hash_type": "sha256",
                  "allow_symlinks": False}
if shard:
    serialization_["shard_size"] = float(shard)
if len(ignore) > 0:
    serialization_["ignore_paths"] = ignore
subject_digest = h.hexdigest()
if mutation == "subject":
    subject_digest = hashlib.sha256(b"another model").hexdigest()
statement = {
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{"name": root.resolve().name, "digest": {"sha256": subject_digest}}],
    "predicateType": "https://model_signing/signature/v0.9" if mutation == "predicate"
    else "https://model_signing/signature/v1.0",
    "predicate": {"serialization": serialization_, "resources": resources},
}
payload = json.dumps(statement, indent=2).encode("utf-8")
ptype = "application/vnd.in-toto+json"
if mutation == "payload_type":
    ptype = "application/json"
pae = b" ".join([f"DSSEv1 {len(ptype)} {ptype} {len(payload)}".encode(), payload])
sig = key.sign(pae, ec.ECDSA(hash_alg))
pub_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
bundle = {
    "mediaType": "application/vnd.dev.sigstore.bundle.v0.2+json" if mutation == "media_type"
    else "application/vnd.dev.sigstore.bundle.v0.3+json",
    "verificationMaterial": {"publicKey": {"hint": hashlib.sha256(pub_pem).hexdigest()},
                             "tlogEntries": []},
    "dsseEnvelope": {"payload": base64.b64encode(payload).decode(), "payloadType": ptype,
                     "signatures": [{"sig": base64.b64encode(sig).decode(), "keyid": ""}]},
}
open(out, "w", encoding="utf-8").write(json.dumps(bundle))
