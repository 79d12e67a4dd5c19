/* A Fulcio signing certificate judged as Sigstore's clients judge it (docs/signing.md,
 * "Sigstore"): the chain to a certificate authority of the trusted root that was valid at the
 * signing time, at that time; the leaf allowed to sign code; and the identity it certifies
 * (its subject alternative name) and the OIDC issuer that vouched for it (Fulcio's extensions
 * 1.3.6.1.4.1.57264.1.8, or the older 1.3.6.1.4.1.57264.1.1) as the verifier expects. */
#ifndef MC_FULCIO_H
#define MC_FULCIO_H

#include <openssl/x509.h>
#include <stdint.h>

#include "mc_trusted_root.h"

#define MC_FULCIO_OID_ISSUER_V1 "1.3.6.1.4.1.57264.1.1"
#define MC_FULCIO_OID_ISSUER_V2 "1.3.6.1.4.1.57264.1.8"
#define MC_FULCIO_OID_USERNAME "1.3.6.1.4.1.57264.1.7"

/* Whom the verifier expects: the identity exactly, or a POSIX extended regular expression
 * searched in it (cosign's --certificate-identity-regexp; anchor it with ^ and $), and the
 * issuer exactly. identity or identity_regexp, and issuer, are required. */
typedef struct mc_sigstore_policy {
    const char *identity;
    const char *identity_regexp;
    const char *issuer;
    /* witnesses (C2SP verifier keys) every Rekor v2 checkpoint must be cosigned by */
    const char *const *witnesses;
    size_t n_witnesses;
} mc_sigstore_policy;

/* Checks a policy before any bundle is read: the issuer and one identity form given, the
 * witnesses' verifier keys well formed (at most MC_NOTE_MAX_WITNESSES), the
 * regular expression compiles (at most 1 KiB). MC_EINPUT naming the option. */
int mc_sigstore_policy_check(const mc_sigstore_policy *policy);

/* The certificate's identities (its email, URI and Fulcio username subject alternative
 * names, joined by ", " for messages, at most 1 KiB) and its OIDC issuer ("" when none).
 * MC_ENOMEM only. */
int mc_fulcio_identity(char *san, size_t san_size, char *issuer, size_t issuer_size, X509 *leaf);

/* Verifies the leaf at signing time t (seconds since the epoch) against the trusted root's
 * certificate authorities: the leaf valid at t; some CA whose window holds t, and whose chain
 * the leaf chains to at t (the bundle's own intermediates are never trusted); the
 * codeSigning extended key usage; the identity and the issuer as policy asks. Every
 * rejection is MC_EINPUT with its own message, naming the certificate and the time. A bad
 * regular expression is MC_EINPUT too ("--certificate-identity-regexp: ..."). */
int mc_fulcio_verify(X509 *leaf, const mc_trusted_root *tr, int64_t t,
                     const mc_sigstore_policy *policy);

/* t as "2024-05-01 12:00:00 UTC" (buf of 32). */
const char *mc_fulcio_time_str(char buf[32], int64_t t);

#endif
