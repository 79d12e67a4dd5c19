/* Certificate transparency for Fulcio certificates (RFC 6962): the signed certificate
 * timestamps embedded in a leaf (extension 1.3.6.1.4.1.11129.2.4.2), each checked against the
 * trusted root's CT logs, as Sigstore's clients require (at least one). */
#ifndef MC_SCT_H
#define MC_SCT_H

#include <openssl/x509.h>

#include "mc_trusted_root.h"

/* The most SCTs a certificate may carry. */
#define MC_SCT_MAX 16

/* Verifies that at least one SCT embedded in leaf (issued by issuer) is signed, over the
 * precertificate entry RFC 6962 defines, by a CT log of tr whose key's window holds the
 * SCT's time. *n_valid (may be NULL) is how many did. A rejection is MC_EINPUT naming why
 * ("the signing certificate carries no SCT", "... no SCT from a CT log of the trusted root",
 * "the SCT of CT log <id> does not verify", ... "dated ..., outside its key's window"). */
int mc_sct_verify(int *n_valid, X509 *leaf, X509 *issuer, const mc_trusted_root *tr);

#endif
