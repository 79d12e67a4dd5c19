/* Rekor transparency-log entries of a Sigstore bundle (docs/signing.md, "Sigstore"). Rekor v1
 * (kind dsse or hashedrekord 0.0.1): the entry's canonicalized body must be the bundle's
 * signature, its RFC 6962 inclusion proof must lead to a root hash that the log signed in a
 * checkpoint, and/or its inclusion promise (SET) must be the log's signature; its integrated
 * time is then the proven signing time. Rekor v2 (kind hashedrekord or dsse 0.0.2,
 * mc_rekor_v2.c): the body, the inclusion proof to a C2SP checkpoint (mc_note.h) signed by the
 * log and cosigned by the verifier's witnesses; no time (RFC 3161 timestamps give it). */
#ifndef MC_REKOR_H
#define MC_REKOR_H

#include <jansson.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_fulcio.h"
#include "mc_trusted_root.h"

#define MC_REKOR_MAX_PROOF 64        /* hashes in an inclusion proof */
#define MC_REKOR_MAX_BODY (1u << 20) /* bytes of a canonicalized body */
#define MC_REKOR_MAX_NOTE 65536      /* bytes of a checkpoint */

typedef struct mc_rekor_result {
    int64_t integrated_time;          /* the proven signing time, when timed */
    int timed;                        /* 1 for Rekor v1; 0 for v2 (no integrated time) */
    int proof, promise;               /* which of the two was verified */
    mc_tr_window window;              /* the log key's window in the trusted root */
} mc_rekor_result;

/* Verifies one tlogEntries[] element for the DSSE envelope env (a JSON object; or a
 * messageSignature, whose entry must be a hashedrekord) signed by leaf, against the trusted
 * root's transparency logs (policy: the witnesses of Rekor v2 checkpoints; may be NULL).
 * Every rejection is MC_EINPUT naming the link: the log, the body, the proof, the
 * checkpoint, the promise, the time. */
int mc_rekor_verify(mc_rekor_result *res, const json_t *entry, const json_t *env, X509 *leaf,
                    const mc_trusted_root *tr, const mc_sigstore_policy *policy);

/* The Rekor v2 part of mc_rekor_verify, once the entry's log is found and its body (bl bytes)
 * decoded: the body, the inclusion proof, the checkpoint (mc_rekor_v2.c). */
int mc_rekor_v2_verify(mc_rekor_result *res, const json_t *entry, const unsigned char *body,
                       size_t bl, const json_t *env, X509 *leaf, const mc_tr_log *log,
                       const mc_sigstore_policy *policy);

/* A checkpoint (signed note): 1 in *ok when one of its signature lines carries key's hint
 * (the first 4 bytes of log_id) and verifies over the note's text with key, and the note
 * says this tree size and root hash; else 0 with why. MC_ENOMEM. */
int mc_checkpoint_check(int *ok, char *why, size_t why_size, const char *note, EVP_PKEY *key,
                        const unsigned char *log_id, uint64_t size, const unsigned char root[32]);

#endif
