// Verifies a Sigstore keyless bundle offline with the Sigstore project's JavaScript verifier,
// @sigstore/verify, against a trusted_root.json, for an identity (email SAN) and an OIDC
// issuer: node sigstore_keyless_verify.js NODE_MODULES BUNDLE TRUSTED_ROOT IDENTITY ISSUER
// [ARTIFACT] (the signed file, for a bundle with a messageSignature)
// Exits 0 when verified, 1 (printing @sigstore/verify's error code and message) when not.
'use strict';
const path = require('path');
const fs = require('fs');
const [modules, bundlePath, rootPath, identity, issuer, artifact] = process.argv.slice(2);
const req = (m) => require(path.join(modules, m));
const { bundleFromJSON } = req('@sigstore/bundle');
const { TrustedRoot } = req('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = req('@sigstore/verify');

try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8')));
  const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 });
  const data = artifact ? fs.readFileSync(artifact) : undefined;
  verifier.verify(toSignedEntity(bundle, data), {
    subjectAlternativeName: identity, extensions: { issuer } });
} catch (e) {
  console.error('@sigstore/verify: ' + (e.code || '') + ' ' + e.message);
  process.exit(1);
}
console.log('verified');
