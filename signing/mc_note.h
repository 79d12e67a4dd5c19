/* C2SP signed notes (https://c2sp.org/signed-note), the checkpoints transparency logs sign in
 * that format (https://c2sp.org/tlog-checkpoint) and the witnesses' cosignatures on them
 * (https://c2sp.org/tlog-cosignature), as Rekor v2 puts them in a bundle's inclusion proof
 * (docs/signing.md, "Rekor v2"). A note is its text (origin, tree size, base64 root hash,
 * extension lines, each ending in a newline), a blank line, then signature lines
 * "— NAME BASE64(KEY_ID[4] || SIGNATURE)"; a verifier knows keys by (name, key id) and
 * ignores the lines of keys it does not know. Everything is bounded. */
#ifndef MC_NOTE_H
#define MC_NOTE_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#define MC_NOTE_MAX 65536        /* bytes of a note */
#define MC_NOTE_MAX_SIGS 100     /* signature lines */
#define MC_NOTE_MAX_NAME 256     /* bytes of a key name or an origin */
#define MC_NOTE_MAX_WITNESSES 16 /* witnesses a verifier may require */

/* A checkpoint's first three lines. */
typedef struct mc_note_checkpoint {
    char origin[MC_NOTE_MAX_NAME];
    uint64_t size;
    unsigned char root[32];
} mc_note_checkpoint;

/* A key that signs notes: its name, its key id and its public key (not owned). */
typedef struct mc_note_key {
    const char *name;            /* NULL: any name (Rekor v1 checkpoints) */
    unsigned char id[4];
    EVP_PKEY *key;
} mc_note_key;

/* A witness (cosigner) from its C2SP verifier key "NAME+HEX8+BASE64(0x04 || Ed25519 key)". */
typedef struct mc_note_witness {
    char name[MC_NOTE_MAX_NAME];
    unsigned char id[4];
    EVP_PKEY *key;               /* owned: mc_note_witness_clear */
} mc_note_witness;

/* The C2SP key id of a log key named name: Ed25519 SHA-256(name || 0x0A || 0x01 || key),
 * ECDSA SHA-256(SubjectPublicKeyInfo DER); 32 bytes, a signature line carries the first 4.
 * MC_EINPUT for another key type, MC_EINTERNAL. */
int mc_note_key_id(unsigned char id[32], const char *name, EVP_PKEY *key);

/* Parses a witness's verifier key. MC_EINPUT naming what is wrong (not NAME+HEX8+BASE64, not
 * an Ed25519 cosignature key of type 0x04, a key id that is not the key's). */
int mc_note_witness_parse(mc_note_witness *w, const char *vkey);
void mc_note_witness_clear(mc_note_witness *w);

/* Opens the checkpoint note (len bytes, no NUL needed): it must be well formed, carry a
 * signature line of log (its name, when not NULL, and its key id) that verifies with its
 * key, and one of each witness that verifies as a cosignature/v1; a line of a known key that
 * does not verify is a failure, lines of unknown keys are ignored. When log->name is set the
 * origin must be it. *ok 1 with *cp filled, or 0 with why; MC_ENOMEM, MC_EINTERNAL. */
int mc_checkpoint_open(int *ok, char *why, size_t why_size, mc_note_checkpoint *cp, const char *note,
                       size_t len, const mc_note_key *log, const mc_note_witness *witnesses,
                       size_t n_witnesses);

#endif
