/* The audit trail's own verbs as library calls (`modelcert audit ...`, docs/audit.md):
 * verify, init, migrate, log/show/export, checkpoint, verify --checkpoint, prove and
 * verify-proof; and the
 * lookup of a run's validate event that the reports make. Each is one call for the CLI;
 * nothing is printed: reports/ renders what they give (results, a JSON array of events,
 * a location as it may be shown). */
#ifndef MC_TRAIL_H
#define MC_TRAIL_H

#include <jansson.h>

#include "mc_audit.h"
#include "mc_audit_checkpoint.h"
#include "mc_audit_proof.h"

/* `audit verify`: the trail at `flag` (the --audit value; NULL: mc_audit_path's
 * rule), opened read-only, every hash and link recomputed; expect_head (or
 * NULL): the chain must end there. A broken chain is a result (res->broken).
 * MC_ENOTFOUND when there is no trail; MC_EINPUT, MC_EIO, MC_ENOMEM. */
int mc_trail_verify(mc_audit_verify_result *res, const char *flag, const char *expect_head);

/* `audit init`: makes the trail at `flag` (NULL: mc_audit_path's rule) when it
 * does not exist (mc_audit_init). On MC_OK *shown (caller frees) is its
 * location as it may be shown: a URI without its password. MC_EINPUT, MC_EIO,
 * MC_ENOMEM. */
int mc_trail_init(char **shown, const char *flag);

/* `audit migrate`: every event of `from` copied to the empty trail `to`,
 * unchanged and checked (mc_audit_migrate); res is the copy's verification.
 * MC_EINPUT when `from` is broken or `to` is not empty; MC_EIO, MC_ENOMEM. */
int mc_trail_migrate(mc_audit_verify_result *res, const char *from, const char *to);

/* `audit log`, `show` and `export`: the events of the trail at `flag` (NULL:
 * mc_audit_path's rule) that match f, oldest first: *events (caller owns) a
 * JSON array of objects, one member per column, details parsed. MC_ENOTFOUND
 * when there is no trail, or f->id names no event ("no audit event N");
 * MC_EINPUT, MC_EIO, MC_ENOMEM. */
int mc_trail_log(json_t **events, const char *flag, const mc_audit_filter *f);
/* Frees what mc_trail_log gave (json_decref, for a caller that handles no JSON
 * itself: the CLI); NULL is fine. */
void mc_trail_events_free(json_t *events);

/* The "validate" event of one run: of model `model_digest`, its details naming
 * run_id (the last such event when there are several). *event (caller owns) is
 * NULL when the trail holds none. Errors: those of mc_trail_log (MC_ENOTFOUND
 * when there is no trail at `trail`). */
int mc_trail_run_event(json_t **event, const char *trail, const char *model_digest,
                       const char *run_id);

/* A trail's location as a report or model card may show it: a PostgreSQL URI
 * without its password (the user:password@ part and any password= parameter
 * removed), a path as it is. Caller frees *out. MC_ENOMEM. */
int mc_trail_location_shown(char **out, const char *location);

typedef struct mc_trail_checkpoint_options {
    const char *audit_path;      /* the trail (NULL: mc_audit_path's rule) */
    const char *key;             /* the private key reference (mc_key.h) */
    const char *passphrase_file; /* NULL: MODELCERT_KEY_PASSPHRASE */
    const char *output;          /* the envelope's file, written atomically; NULL or "-": stdout */
    const char *label;           /* the trail's label; NULL: its location, absolute, without
                                    a password */
} mc_trail_checkpoint_options;

/* `audit checkpoint`: loads the key, then signs the trail's verified head
 * (mc_audit_checkpoint). A broken chain is a result (r->chain.broken, nothing
 * signed); r->warning is the key's warning (a readable key file), or "".
 * MC_ENOTFOUND: no key or trail; MC_EINPUT: an unusable key, an empty trail, a
 * bad label or output; MC_EIO, MC_ENOMEM, MC_EINTERNAL. */
int mc_trail_checkpoint(mc_checkpoint_result *r, const mc_trail_checkpoint_options *o);

/* `audit verify --checkpoint FILE --key PUB`: loads the public key `pubkey`
 * (a key reference: a public or private key file, or a certificate), then
 * checks the checkpoint against the trail at `flag` (NULL: mc_audit_path's
 * rule) (mc_audit_checkpoint_verify). A checkpoint that does not hold is a
 * result (verified 0, reason). MC_ENOTFOUND: no key, checkpoint file or trail;
 * MC_EINPUT: an unusable key, not a modelcert trail; MC_EIO, MC_ENOMEM. */
int mc_trail_checkpoint_verify(mc_checkpoint_verify_result *r, const char *flag,
                               const char *checkpoint_path, const char *pubkey);

/* `audit prove RUN_ID --checkpoint CP`: the inclusion proof of the run's events against the
 * checkpoint (mc_audit_prove). A trail that does not hold the checkpoint's tree is a result
 * (r->ok 0, reason). Errors as mc_audit_prove's. */
int mc_trail_prove(mc_proof_result *r, const mc_proof_options *o);

/* `audit verify-proof PROOF --key PUB`: loads the public key `pubkey` (a key reference), then
 * checks the proof file without any trail (mc_audit_proof_verify). A proof that does not hold
 * is a result. MC_ENOTFOUND: no key or proof file; MC_EINPUT: an unusable key, a file that is
 * not a proof; MC_ENOMEM, MC_EINTERNAL. */
int mc_trail_verify_proof(mc_proof_result *r, const char *proof_path, const char *pubkey);

#endif
