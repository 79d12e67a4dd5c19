// Verifies an OMS bundle (key mode) with the Sigstore project's JavaScript
// verifier, @sigstore/verify: node sigstore_verify.js NODE_MODULES BUNDLE PUB.pem
// Prints the DSSE payload's subject digest on success; exits 1 on failure.
'use strict';
const path = require('path');
const fs = require('fs');
const [modules, bundlePath, pubPath] = process.argv.slice(2);
const req = (m) => require(path.join(modules, m));
const { bundleFromJSON } = req('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = req('@sigstore/verify');
const crypto = require('crypto');

const json = JSON.parse(fs.readFileSync(bundlePath, 'utf8'));
const bundle = bundleFromJSON(json);
const pem = fs.readFileSync(pubPath, 'utf8');
const hint = bundle.verificationMaterial.content.publicKey.hint;
const der = crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' });
const root = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
               tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
const trust = toTrustMaterial(root, { [hint]: { rawBytes: der } });
const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, tsaThreshold: 0 });
try {
  verifier.verify(toSignedEntity(bundle));
} catch (e) {
  console.error('@sigstore/verify: ' + (e.code || '') + ' ' + e.message);
  process.exit(1);
}
const stmt = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString('utf8'));
console.log(stmt.subject[0].digest.sha256);
