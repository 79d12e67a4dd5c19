/* `modelcert sigstore verify-bundle`: one Sigstore bundle verified against one artifact (a
 * file, or its sha256 digest), offline, as the sigstore-conformance suite drives a client
 * (docs/signing.md, "sigstore verify-bundle"). No audit event: it checks a bundle, not a model
 * of this project. */
#ifndef MC_SIGSTORE_BUNDLE_H
#define MC_SIGSTORE_BUNDLE_H

#include <stddef.h>

#include "mc_note.h"

typedef struct mc_verify_bundle_options {
    const char *bundle;           /* --bundle FILE */
    const char *artifact;         /* FILE_OR_DIGEST: a path, or "sha256:" and 64 hex digits */
    const char *identity, *identity_regexp, *issuer; /* keyless */
    const char *key;              /* --key: a public key instead */
    const char *trusted_root;     /* NULL: the built-in public-good root */
    int staging;                  /* --staging: refused, no staging root is built in */
    const char *witnesses[MC_NOTE_MAX_WITNESSES]; /* --witness VKEY: Rekor v2 cosigners */
    size_t n_witnesses;
} mc_verify_bundle_options;

typedef struct mc_verify_bundle_result {
    int verified;
    char signer[1200];            /* when verified */
    char reason[1200];            /* when not */
} mc_verify_bundle_result;

/* A bundle that does not verify is a result (verified 0, reason: which certificate, proof,
 * time or signature). Errors (MC_EINPUT, exit 2) are bad input: options that do not go
 * together, a bundle or artifact that cannot be read, a malformed digest, a trusted root or
 * key that does not load, --staging. MC_ENOTFOUND, MC_EIO, MC_ENOMEM. */
int mc_verify_bundle(mc_verify_bundle_result *out, const mc_verify_bundle_options *o);

#endif
