#!/usr/bin/env python3
"""Rewrites a Sigstore bundle's JSON the ways the protobuf JSON mapping allows (or not),
independently of modelcert, for tests/e2e/oms_goldens.sh.

usage: bundle_edit.py IN OUT OP
OP: snake           every field under its proto name (media_type, dsse_envelope, ...)
    nulls           absent fields written as null (and hint/keyid null)
    unknown         unknown fields at every level
    both_media      mediaType and media_type both given
    media:TYPE      another mediaType
    keyid_number    a signature's keyid a number
    message_sig     messageSignature in place of dsseEnvelope
    payload         the signed statement changed (one resource digest)
    v02:KEY.pem:PREDICATE  re-signed with KEY over model_signing v0.2.0's PAE (its
                    pae_compat, SHA-256), the statement's predicateType set to PREDICATE
"""
import base64
import json
import sys

SNAKE = {"mediaType": "media_type", "verificationMaterial": "verification_material",
         "dsseEnvelope": "dsse_envelope", "publicKey": "public_key",
         "x509CertificateChain": "x509_certificate_chain", "rawBytes": "raw_bytes",
         "payloadType": "payload_type", "tlogEntries": "tlog_entries",
         "timestampVerificationData": "timestamp_verification_data"}


def snake(v):
    if isinstance(v, dict):
        return {SNAKE.get(k, k): snake(x) for k, x in v.items()}
    if isinstance(v, list):
        return [snake(x) for x in v]
    return v


def main():
    src, out, op = sys.argv[1:4]
    b = json.load(open(src))
    env = b["dsseEnvelope"]
    vm = b["verificationMaterial"]
    if op == "snake":
        b = snake(b)
    elif op == "nulls":
        b["messageSignature"] = None
        vm["tlogEntries"] = None
        vm["timestampVerificationData"] = None
        if "publicKey" in vm:
            vm["publicKey"]["hint"] = None
            vm["certificate"] = None
        else:
            vm["publicKey"] = None
        for s in env["signatures"]:
            s["keyid"] = None
    elif op == "unknown":
        b["futureField"] = {"x": 1}
        vm["futureMaterial"] = [1, 2]
        env["futureEnvelopeField"] = "y"
        env["signatures"][0]["futureSignatureField"] = True
    elif op == "both_media":
        b["media_type"] = b["mediaType"]
    elif op.startswith("media:"):
        b["mediaType"] = op[6:]
    elif op == "keyid_number":
        env["signatures"][0]["keyid"] = 5
    elif op == "message_sig":
        b["messageSignature"] = {"messageDigest": {"algorithm": "SHA2_256", "digest": "AA=="},
                                 "signature": env["signatures"][0]["sig"]}
        del b["dsseEnvelope"]
    elif op == "payload":
        st = json.loads(base64.b64decode(env["payload"]))
        pred = st.get("predicate", {})
        r = pred["resources"][0] if "resources" in pred else st["subject"][0]["digest"]
        key = "digest" if "resources" in pred else "sha256"
        r[key] = ("0" if r[key][0] != "0" else "1") + r[key][1:]
        env["payload"] = base64.b64encode(json.dumps(st, indent=2).encode()).decode()
    elif op.startswith("v02:"):
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        _, keyfile, predicate = op.split(":", 2)
        key = serialization.load_pem_private_key(open(keyfile, "rb").read(), None)
        st = json.loads(base64.b64decode(env["payload"]))
        st["predicateType"] = predicate
        raw = json.dumps(st, indent=2).encode("utf-8")
        ptype = "application/vnd.in-toto+json"
        # model_signing 0.2.0's PAE, as its pae_compat spells it (note the bytes repr)
        pae = f"DSSEV1 {len(ptype)} {ptype} {len(raw)} {raw}".encode("utf-8")
        sig = key.sign(pae, ec.ECDSA(hashes.SHA256()))
        env["payload"] = base64.b64encode(raw).decode()
        env["signatures"] = [{"sig": base64.b64encode(sig).decode(), "keyid": None}]
        pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        import hashlib
        vm["publicKey"] = {"hint": hashlib.sha256(pub).hexdigest()}
    else:
        sys.exit(f"unknown op {op}")
    json.dump(b, open(out, "w"), indent=2)


main()
