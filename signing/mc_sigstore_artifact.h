/* A Sigstore bundle verified against one artifact, given by its SHA-256 (docs/signing.md,
 * "sigstore verify-bundle"): what Sigstore clients' `verify-bundle` does, offline. The
 * bundle signs the artifact either as a message signature (messageSignature: the artifact's
 * digest signed, logged as a hashedrekord entry) or as a DSSE envelope whose in-toto
 * statement names the artifact's digest among its subjects (logged as a dsse entry). */
#ifndef MC_SIGSTORE_ARTIFACT_H
#define MC_SIGSTORE_ARTIFACT_H

#include <openssl/evp.h>
#include <stddef.h>

#include "mc_fulcio.h"
#include "mc_trusted_root.h"

/* Verifies bundle text (at most MC_OMS_BUNDLE_MAX bytes) for the artifact whose SHA-256 is
 * digest. Keyless (key NULL): the verification material as mc_sigstore_verify_material
 * checks it, for policy, against tr. With key: the signature by that key (the bundle's
 * transparency-log entries and timestamps are then not checked). Then the signature over
 * the artifact (or the statement), and the artifact's digest. On MC_OK signer says whom.
 * Every rejection is MC_EINPUT with its message; MC_ENOMEM. */
int mc_sigstore_verify_artifact(char *signer, size_t signer_size, const char *text, size_t len,
                                const unsigned char digest[32], const mc_trusted_root *tr,
                                const mc_sigstore_policy *policy, EVP_PKEY *key);

#endif
