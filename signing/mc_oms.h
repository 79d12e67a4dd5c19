/* The OpenSSF Model Signing (OMS) v1.0 bundle, as model_signing writes and
 * reads it (docs/signing.md): a Sigstore bundle v0.3 JSON whose DSSE envelope
 * carries an in-toto Statement v1 with predicate type
 * https://model_signing/signature/v1.0 over a manifest (mc_manifest.h). */
#ifndef MC_OMS_H
#define MC_OMS_H

#include <stddef.h>

#include "mc_fulcio.h"
#include "mc_key.h"
#include "mc_manifest.h"
#include "mc_trusted_root.h"

#define MC_OMS_BUNDLE_MEDIA_TYPE "application/vnd.dev.sigstore.bundle.v0.3+json"
#define MC_OMS_BUNDLE_MEDIA_TYPE_ALT "application/vnd.dev.sigstore.bundle+json;version=0.3"
#define MC_OMS_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define MC_OMS_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define MC_OMS_PREDICATE_TYPE "https://model_signing/signature/v1.0"
/* model_signing v0.2.0's predicate (read, never written). */
#define MC_OMS_PREDICATE_TYPE_V02 "https://model_signing/Digests/v0.1"
/* The largest bundle read (bytes). */
#define MC_OMS_BUNDLE_MAX (64u << 20)

/* The in-toto statement of a manifest, as canonical JSON (RFC 8785) bytes:
 * what the DSSE payload holds. Caller frees *out. */
int mc_oms_statement(char **out, size_t *len, const mc_manifest *m);

/* Signs a manifest: the bundle's JSON text (caller frees). Key mode records
 * the key hint; with cert_path (a PEM leaf whose key must be key's) and
 * chain_path (PEM certificates, may be NULL) a certificate chain instead.
 * MC_EINPUT for a certificate that is unreadable or does not match the key. */
int mc_oms_sign(char **out, size_t *len, const mc_manifest *m, const mc_key *key,
                const char *cert_path, const char *chain_path);
/* The bare DSSE envelope over the same statement (the spec's dsse_intoto
 * format), its keyid the key hint. Caller frees. */
int mc_oms_sign_dsse(char **out, size_t *len, const mc_manifest *m, const mc_key *key);

/* What verification trusts: a public key, or root (and intermediate)
 * certificates in a PEM file, or (Sigstore keyless) a trusted root and the identity and
 * issuer expected (mc_sigstore.h). Exactly one is set. */
typedef struct mc_oms_trust {
    const mc_key *key;
    const char *ca_path;
    const mc_trusted_root *root;      /* with policy */
    const mc_sigstore_policy *policy;
} mc_oms_trust;

/* Verifies a bundle's text against the trust: media type, verification
 * material (key hint, or the chain to a root with a leaf allowed to sign code
 * and not expired), the DSSE signature, payload type, statement and predicate
 * types, resource names, and the subject digest against the resources. On
 * MC_OK *out is the signed manifest (caller frees) and signer (may be NULL)
 * gets who signed ("key <hint>" or the leaf's subject). Every rejection is
 * MC_EINPUT with its own message; MC_EINPUT also for a CA file that does not
 * load (the caller tells them apart by loading it first: mc_oms_check_ca).
 * In key mode a bare DSSE envelope (mc_oms_sign_dsse) is accepted too. */
int mc_oms_verify(mc_manifest **out, char *signer, size_t signer_size, const char *text,
                  size_t len, const mc_oms_trust *t);

/* Checks that a CA file holds at least one PEM certificate. MC_ENOTFOUND,
 * MC_EINPUT. */
int mc_oms_check_ca(const char *ca_path);

#endif
