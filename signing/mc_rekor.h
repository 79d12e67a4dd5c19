/* Rekor v1 transparency-log entries of a Sigstore bundle (docs/signing.md, "Sigstore"): the
 * entry's canonicalized body must be the bundle's signature (kind dsse 0.0.1), its RFC 6962
 * inclusion proof must lead to a root hash that the log signed in a checkpoint (a C2SP
 * signed note), and/or its inclusion promise (SET) must be the log's signature; its
 * integrated time is then the proven signing time. */
#ifndef MC_REKOR_H
#define MC_REKOR_H

#include <jansson.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_trusted_root.h"

#define MC_REKOR_MAX_PROOF 64        /* hashes in an inclusion proof */
#define MC_REKOR_MAX_BODY (1u << 20) /* bytes of a canonicalized body */
#define MC_REKOR_MAX_NOTE 65536      /* bytes of a checkpoint */

typedef struct mc_rekor_result {
    int64_t integrated_time;          /* the proven signing time */
    int proof, promise;               /* which of the two was verified */
} mc_rekor_result;

/* Verifies one tlogEntries[] element for the DSSE envelope env (a JSON object; or a
 * messageSignature, whose entry must be a hashedrekord 0.0.1) signed by
 * leaf, against the trusted root's transparency logs. Every rejection is MC_EINPUT naming
 * the link: the log, the body, the proof, the checkpoint, the promise, the time. */
int mc_rekor_verify(mc_rekor_result *res, const json_t *entry, const json_t *env, X509 *leaf,
                    const mc_trusted_root *tr);

/* A checkpoint (signed note): 1 in *ok when one of its signature lines carries key's hint
 * (the first 4 bytes of log_id) and verifies over the note's text with key, and the note
 * says this tree size and root hash; else 0 with why. MC_ENOMEM. */
int mc_checkpoint_check(int *ok, char *why, size_t why_size, const char *note, EVP_PKEY *key,
                        const unsigned char *log_id, uint64_t size, const unsigned char root[32]);

#endif
