/* Signed checkpoints of the audit trail (docs/audit.md, "Signed
 * checkpoints"), modelled on Certificate Transparency's signed tree heads
 * (RFC 6962 section 3.5): after verifying the chain, the trail's head (event
 * id, hash, time) and the trail's identity are signed as a DSSE envelope
 * (mc_dsse.h) over canonical JSON; later, anyone with the public key can
 * demand that the trail still holds that event with that hash, on either
 * store. A checkpoint appends no event: it is published outside the trail. */
#ifndef MC_AUDIT_CHECKPOINT_H
#define MC_AUDIT_CHECKPOINT_H

#include "mc_audit.h"
#include "mc_key.h"
#include "mc_merkle.h"

#define MC_CHECKPOINT_PAYLOAD_TYPE "application/vnd.modelcert.audit-checkpoint+json"
/* What `audit checkpoint` signs now (v2: a Merkle root too); v1 is still verified. */
#define MC_CHECKPOINT_TYPE "modelcert.audit.checkpoint/v2"
#define MC_CHECKPOINT_TYPE_V1 "modelcert.audit.checkpoint/v1"
/* The largest checkpoint file read (bytes). */
#define MC_CHECKPOINT_FILE_MAX (64 * 1024)
/* The longest trail label (bytes). */
#define MC_CHECKPOINT_LABEL_MAX 512

/* What a checkpoint signs. */
typedef struct mc_checkpoint {
    mc_audit_head head;                        /* the signed head: id >= 1, hash, time */
    long long schema_version;                  /* the trail's schema version: 1 */
    char signed_at[32];                        /* UTC, 2026-11-30T06:00:00.123Z */
    char trail[MC_CHECKPOINT_LABEL_MAX + 1];   /* the label: never a password */
    char keyid[MC_SHA256_HEX_LEN + 1];         /* the signing key's hint (mc_key_hint) */
    int version;                               /* 1 or 2 (its type) */
    long long tree_size;                       /* v2: the Merkle tree's leaves, head.id */
    char root_hash[MC_SHA256_HEX_LEN + 1];     /* v2: the RFC 6962 root over the hashes of
                                                  events 1..tree_size; v1: "" */
} mc_checkpoint;

typedef struct mc_checkpoint_options {
    const char *audit_path;      /* the trail (NULL: the default, mc_audit_path) */
    const mc_key *key;           /* the private key, loaded (mc_key_load_private_with) */
    const char *output;          /* the envelope's file, written atomically; NULL or "-": stdout */
    const char *label;           /* the trail's label; NULL: its location, absolute, without
                                    a password (a URI is always shown without one) */
} mc_checkpoint_options;

typedef struct mc_checkpoint_result {
    mc_audit_verify_result chain; /* the verification done first; broken: nothing signed */
    mc_checkpoint cp;             /* what was signed (when the chain is intact) */
    char warning[256];            /* the loaded key's warning (mc_key_warning: a readable key
                                     file), or "" */
} mc_checkpoint_result;

/* `modelcert audit checkpoint`: verifies the trail and, when it is intact,
 * signs its head as verified with o->key, writing the envelope (canonical
 * JSON and a newline) to o->output. A broken chain is a result
 * (r->chain.broken, no file written). MC_EINPUT: an empty trail, a label that
 * is not UTF-8 text, an output that cannot be written there; MC_ENOTFOUND:
 * no trail; MC_EIO, MC_ENOMEM, MC_EINTERNAL (the key cannot sign). */
int mc_audit_checkpoint(mc_checkpoint_result *r, const mc_checkpoint_options *o);

typedef struct mc_checkpoint_verify_result {
    int verified;                 /* 1: signed by the key, and the trail holds the head */
    int signature_ok;             /* 1: cp below is what the key signed */
    mc_checkpoint cp;
    mc_audit_verify_result chain; /* the trail's verification (when it was reached) */
    int chain_checked;
    char reason[1024];            /* why not, when not verified */
} mc_checkpoint_verify_result;

/* `modelcert audit verify --checkpoint FILE --key PUB`: the checkpoint file
 * (read up to MC_CHECKPOINT_FILE_MAX) must be a DSSE envelope of a
 * checkpoint signed by `pubkey` (loaded: mc_key_load_public); then the trail
 * at audit_path (NULL: the default) must verify from its first event on,
 * through the checkpoint's event, which must still have the signed hash, and
 * onward. Any failure of the file, the signature or the trail is a result
 * (verified 0, reason). MC_ENOTFOUND: no checkpoint file or trail; MC_EINPUT:
 * not a modelcert trail; MC_EIO, MC_ENOMEM. */
int mc_audit_checkpoint_verify(mc_checkpoint_verify_result *r, const char *audit_path,
                               const char *checkpoint_path, const mc_key *pubkey);

/* ---- shared with proofs (mc_audit_proof.c) --------------------------------------------- */

/* Checks a checkpoint envelope (parsed JSON) against `key`, as audit verify --checkpoint
 * does: on MC_OK either r->signature_ok and r->cp, or r->reason (wrong key, altered, not a
 * checkpoint, malformed payload; `file` names it there). MC_ENOMEM. */
int mc_audit_checkpoint_check(mc_checkpoint_verify_result *r, const json_t *env,
                              const mc_key *key, const char *file);

/* The checkpoint an envelope carries, read without checking its signature (`audit prove`
 * embeds it; the verifier of the proof checks the signature). MC_EINPUT saying what is
 * wrong with it, MC_ENOMEM. */
int mc_audit_checkpoint_read_unverified(mc_checkpoint *cp, const json_t *env);

/* The Merkle tree over a trail's verified events as a verification goes by (the observer
 * of mc_audit_verify_observed): leaf i is SHA-256(0x00 || the raw 32 bytes of the hash of
 * event i + 1). Events after `size` (0: no limit) are left out. */
typedef struct mc_audit_tree {
    long long size;     /* the tree's leaves (0: every event) */
    mc_merkle_acc acc;
} mc_audit_tree;
void mc_audit_tree_init(mc_audit_tree *t, long long size);
int mc_audit_tree_observe(void *ctx, const mc_audit_event *ev);
/* The root over the leaves added (64 hex digits). MC_EINTERNAL. */
int mc_audit_tree_root(const mc_audit_tree *t, char hex[MC_SHA256_HEX_LEN + 1]);

#endif
