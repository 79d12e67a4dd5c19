/* Merkle trees as Certificate Transparency defines them (RFC 6962 section 2.1, RFC 9162
 * section 2.1): the tree head over n leaves, the audit (inclusion) path of a leaf and its
 * verification. A leaf's hash is SHA-256(0x00 || leaf data), an interior node's
 * SHA-256(0x01 || left || right); the tree over n leaves splits at the largest power of two
 * below n. Everything streams: the root of n leaves needs O(log n) memory (a stack of
 * perfect subtrees, a "compact range"), and the paths of the leaves marked while the leaves
 * go by are complete after ONE pass (O(log n) memory each), so a trail of millions of events
 * is never held in memory. Used by the audit trail's checkpoints and proofs (docs/audit.md,
 * "Proofs"). */
#ifndef MC_MERKLE_H
#define MC_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MC_MERKLE_HASH_LEN 32
/* The deepest path of a tree of at most 2^63 leaves. */
#define MC_MERKLE_MAX_PATH 64
/* The most leaves one pass proves (mc_merkle_prover_add with mark set). */
#define MC_MERKLE_MAX_MARKED 256

/* SHA-256(0x00 || data): a leaf's hash. MC_EINTERNAL when OpenSSL fails. */
int mc_merkle_leaf_hash(unsigned char out[MC_MERKLE_HASH_LEN], const void *data, size_t len);
/* SHA-256(0x01 || left || right): an interior node's hash. MC_EINTERNAL. */
int mc_merkle_node_hash(unsigned char out[MC_MERKLE_HASH_LEN],
                        const unsigned char left[MC_MERKLE_HASH_LEN],
                        const unsigned char right[MC_MERKLE_HASH_LEN]);

/* 1 when hex is exactly 64 lowercase hex digits, decoded into out; 0 otherwise (out then
 * unspecified). */
int mc_merkle_hash_from_hex(unsigned char out[MC_MERKLE_HASH_LEN], const char *hex);
/* The 64 lowercase hex digits of a hash, and a NUL. */
void mc_merkle_hash_to_hex(char out[2 * MC_MERKLE_HASH_LEN + 1],
                           const unsigned char hash[MC_MERKLE_HASH_LEN]);

/* The root of leaves added one by one, in O(log n) memory: the perfect subtrees of the
 * leaves so far (their number's binary decomposition, largest first). */
typedef struct mc_merkle_acc {
    unsigned char hash[MC_MERKLE_MAX_PATH][MC_MERKLE_HASH_LEN];
    unsigned char height[MC_MERKLE_MAX_PATH]; /* subtree i holds 2^height[i] leaves */
    size_t top;                               /* subtrees on the stack */
    uint64_t count;                           /* leaves added */
} mc_merkle_acc;

/* Empties acc (a tree of no leaves). */
void mc_merkle_acc_init(mc_merkle_acc *acc);
/* Adds the next leaf, given by its leaf hash (mc_merkle_leaf_hash). MC_EINPUT past 2^63 - 1
 * leaves, MC_EINTERNAL. */
int mc_merkle_acc_add(mc_merkle_acc *acc, const unsigned char leaf_hash[MC_MERKLE_HASH_LEN]);
/* The tree head of the leaves added: for none, SHA-256 of nothing (RFC 6962). MC_EINTERNAL. */
int mc_merkle_acc_root(const mc_merkle_acc *acc, unsigned char root[MC_MERKLE_HASH_LEN]);

/* The number of hashes in the audit path of leaf `index` in a tree of `size` leaves
 * (0 when index >= size). */
size_t mc_merkle_path_len(uint64_t index, uint64_t size);

/* RFC 9162 section 2.1.3.2: 1 when path (n_path hashes, the leaf's sibling first) leads from
 * leaf_hash, the leaf at `index` of a tree of `size` leaves, to `root`; 0 otherwise (an index
 * not below size, a path of another length, or another root). */
int mc_merkle_inclusion_ok(const unsigned char leaf_hash[MC_MERKLE_HASH_LEN], uint64_t index,
                           uint64_t size, const unsigned char (*path)[MC_MERKLE_HASH_LEN],
                           size_t n_path, const unsigned char root[MC_MERKLE_HASH_LEN]);

/* The audit paths of marked leaves, built in one pass over the leaves of a tree whose size
 * is known before (a signed checkpoint's). Opaque; mc_merkle_prover_free. */
typedef struct mc_merkle_prover mc_merkle_prover;

/* A prover for a tree of `size` leaves (1 to 2^63 - 1). MC_EINPUT, MC_ENOMEM. */
int mc_merkle_prover_new(mc_merkle_prover **out, uint64_t size);
/* Feeds the next leaf (its leaf hash); mark: prove it (at most MC_MERKLE_MAX_MARKED leaves).
 * MC_EINPUT when the tree has all its leaves already or too many are marked, MC_ENOMEM,
 * MC_EINTERNAL. */
int mc_merkle_prover_add(mc_merkle_prover *p, const unsigned char leaf_hash[MC_MERKLE_HASH_LEN],
                         int mark);
/* After all `size` leaves: the root (may be NULL) and the number of marked leaves. MC_EINPUT
 * when fewer leaves were fed, MC_EINTERNAL. */
int mc_merkle_prover_finish(mc_merkle_prover *p, unsigned char root[MC_MERKLE_HASH_LEN],
                            size_t *n_marked);
/* After finish: marked leaf i's (0: the first marked) index in the tree, its path and the
 * path's length (*path points into p). MC_EINTERNAL when there is no marked leaf i. */
int mc_merkle_prover_path(const mc_merkle_prover *p, size_t i, uint64_t *index,
                          const unsigned char (**path)[MC_MERKLE_HASH_LEN], size_t *n_path);
/* Frees p; NULL is fine. */
void mc_merkle_prover_free(mc_merkle_prover *p);

#endif
