/* Inclusion proofs of audit events against a signed checkpoint (docs/audit.md, "Proofs"):
 * a v2 checkpoint signs the RFC 6962 Merkle root over the hashes of events 1..N; `audit
 * prove` writes, for the events of one run, each event's fields and its audit path to that
 * root, with the checkpoint envelope embedded; `audit verify-proof` checks such a file with
 * the public key alone, without any trail: the signature, the event's hash recomputed from
 * its fields, and the path up to the signed root. */
#ifndef MC_AUDIT_PROOF_H
#define MC_AUDIT_PROOF_H

#include "mc_audit_checkpoint.h"

#define MC_PROOF_TYPE "modelcert.audit.proof/v1"
/* The largest proof file read (bytes). */
#define MC_PROOF_FILE_MAX (32u << 20)
/* The longest run id (bytes). */
#define MC_PROOF_RUN_ID_MAX 128
/* The most events one proof holds. */
#define MC_PROOF_EVENTS_MAX MC_MERKLE_MAX_MARKED

typedef struct mc_proof_options {
    const char *audit_path;  /* the trail (NULL: mc_audit_path's rule) */
    const char *checkpoint;  /* the checkpoint file (a v2 envelope) */
    const char *run_id;      /* the run whose events are proved (details.run_id) */
    long long event;         /* >0: only this event (of that run) */
    const char *kind;        /* NULL: every kind; else only events of this kind */
    const char *output;      /* the proof's file, written atomically; NULL or "-": stdout */
} mc_proof_options;

/* One event a proof holds, as the reports show it. */
typedef struct mc_proof_event {
    long long id;
    char kind[32], verdict[32], time[32];
} mc_proof_event;

typedef struct mc_proof_result {
    int ok;                       /* prove: the trail holds the checkpoint's tree and the proof
                                     was written; verify: the proof holds */
    int signature_ok;             /* verify: the checkpoint is signed by the key */
    mc_checkpoint cp;             /* the checkpoint (prove: as read, unverified) */
    char run_id[MC_PROOF_RUN_ID_MAX + 1];
    size_t n_events;
    mc_proof_event events[MC_PROOF_EVENTS_MAX];
    size_t path_hashes;           /* the hashes of every path together */
    char reason[1024];            /* why not, when not ok */
} mc_proof_result;

/* `modelcert audit prove RUN_ID --checkpoint CP`: reads the checkpoint (a v2 envelope; its
 * signature is the verifier's to check), verifies the trail from its first event to the
 * checkpoint's in one pass over one snapshot, computing the Merkle root and the audit path
 * of every selected event as the events go by, and when the trail holds that event with
 * that hash and that root, writes the proof (canonical JSON and a newline). A trail that
 * does not hold the checkpoint's tree is a result (ok 0, reason; nothing written).
 * MC_ENOTFOUND: no checkpoint file, no trail, no selected event at or before the
 * checkpoint's; MC_EINPUT: a checkpoint that is not one, or is v1 (no root), a run id or
 * event id out of range, more than MC_PROOF_EVENTS_MAX events, an event whose text is not
 * UTF-8, an output that cannot be written; MC_EIO, MC_ENOMEM, MC_EINTERNAL. */
int mc_audit_prove(mc_proof_result *r, const mc_proof_options *o);

/* `modelcert audit verify-proof PROOF --key PUB`: reads the proof (at most
 * MC_PROOF_FILE_MAX bytes, every member typed and ranged), checks the embedded checkpoint's
 * DSSE signature with `key` (loaded) and its payload, then each event: its hash recomputed
 * from its fields, its leaf index, its path up to the signed root at the signed tree size.
 * Opens no trail. A proof that does not hold is a result (ok 0, reason). MC_ENOTFOUND: no
 * proof file; MC_EINPUT: a file that is not a proof (malformed: not JSON, a member missing,
 * of another type or out of range), MC_ENOMEM, MC_EINTERNAL. */
int mc_audit_proof_verify(mc_proof_result *r, const char *proof_path, const mc_key *key);

#endif
