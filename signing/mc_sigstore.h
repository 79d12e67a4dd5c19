/* A Sigstore keyless bundle's verification material judged offline (docs/signing.md,
 * "Sigstore"): its transparency-log entries (mc_rekor.h) prove the signing time, at which
 * its Fulcio certificate (mc_fulcio.h) and that certificate's SCTs (mc_sct.h) are checked
 * against a trusted root, for the identity and issuer the verifier expects. */
#ifndef MC_SIGSTORE_H
#define MC_SIGSTORE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>

#include "mc_fulcio.h"
#include "mc_trusted_root.h"

/* The most transparency-log entries a bundle may carry. */
#define MC_SIGSTORE_MAX_TLOG 8

/* Checks verificationMaterial vm for the DSSE envelope env (or, for a hashedrekord entry, the
 * bundle's messageSignature, with messageDigest and signature named as the protobuf JSON
 * mapping names them): every tlog entry verifies (at
 * least one), the certificate at the earliest integrated time, its SCTs. On MC_OK *pkey is the
 * certificate's key (caller frees), which the envelope's signature must then verify with, and
 * signer says whom ("ID (issuer ISSUER)"). Every rejection is MC_EINPUT with its message. */
int mc_sigstore_verify_material(EVP_PKEY **pkey, char *signer, size_t signer_size,
                                const json_t *vm, const json_t *env, const mc_trusted_root *tr,
                                const mc_sigstore_policy *policy);

#endif
