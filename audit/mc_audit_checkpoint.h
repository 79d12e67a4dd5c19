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

#define MC_CHECKPOINT_PAYLOAD_TYPE "application/vnd.modelcert.audit-checkpoint+json"
#define MC_CHECKPOINT_TYPE "modelcert.audit.checkpoint/v1"
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

#endif
