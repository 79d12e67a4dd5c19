#!/usr/bin/env python3
"""Verifies a DSSE envelope (or a Sigstore bundle's dsseEnvelope) with
securesystemslib's ECDSA key verifier, rebuilding the pre-authentication
encoding from the DSSE v1 protocol text, independently of modelcert.

usage: dsse_verify.py ENVELOPE_OR_BUNDLE.json PUB.pem
Prints the payload type; exits 1 when the signature does not verify."""
import base64
import json
import sys

from securesystemslib.signer import Signature, SSlibKey

doc = json.load(open(sys.argv[1], encoding="utf-8"))
env = doc.get("dsseEnvelope", doc)
pem = open(sys.argv[2], encoding="utf-8").read()
payload = base64.b64decode(env["payload"], validate=True)
ptype = env["payloadType"].encode("utf-8")
pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(payload), payload)
key = SSlibKey("00", "ecdsa", "ecdsa-sha2-nistp256", {"public": pem})
for s in env["signatures"]:
    sig = Signature("00", base64.b64decode(s["sig"], validate=True).hex())
    try:
        key.verify_signature(sig, pae)
        print(env["payloadType"])
        sys.exit(0)
    except Exception as e:  # securesystemslib raises UnverifiedSignatureError
        err = e
print("securesystemslib: %s" % err, file=sys.stderr)
sys.exit(1)
