/* RFC 6962 / RFC 9162 Merkle trees (mc_merkle.h): leaf and node hashes, the streaming
 * root (a stack of perfect subtrees), audit paths built in one pass over the leaves, and
 * the inclusion check of RFC 9162 section 2.1.3.2. The audit path of leaf m in a tree of
 * n leaves is, from the leaf up, the roots of O(log n) disjoint ranges of leaves (the
 * RFC's recursive PATH(m, D[n]) unrolled): the ranges left of m are the perfect subtrees
 * on the root's stack when leaf m arrives; each range right of m gets its own small root
 * accumulator while its leaves go by. tests/unit/test_merkle.c checks all of it against
 * RFC 6962 test vectors and a naive recursive implementation. */
#include "mc_merkle.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"

#define H MC_MERKLE_HASH_LEN

/* SHA-256 of prefix || a || b (b may be NULL). */
static int hash_prefixed(unsigned char out[H], unsigned char prefix, const void *a, size_t alen,
                         const void *b, size_t blen)
{
    unsigned char small[1 + 2 * H];
    unsigned int n = 0;
    int ok;
    if (alen + blen <= 2 * H) {
        small[0] = prefix;
        memcpy(small + 1, a, alen);
        if (blen)
            memcpy(small + 1 + alen, b, blen);
        ok = EVP_Digest(small, 1 + alen + blen, out, &n, EVP_sha256(), NULL);
    } else {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(ctx, &prefix, 1) && EVP_DigestUpdate(ctx, a, alen) &&
             (!blen || EVP_DigestUpdate(ctx, b, blen)) && EVP_DigestFinal_ex(ctx, out, &n);
        EVP_MD_CTX_free(ctx);
    }
    return ok && n == H ? MC_OK : mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
}

int mc_merkle_leaf_hash(unsigned char out[H], const void *data, size_t len)
{
    return hash_prefixed(out, 0x00, data, len, NULL, 0);
}

int mc_merkle_node_hash(unsigned char out[H], const unsigned char left[H],
                        const unsigned char right[H])
{
    return hash_prefixed(out, 0x01, left, H, right, H);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int mc_merkle_hash_from_hex(unsigned char out[H], const char *hex)
{
    for (size_t i = 0; i < H; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hi < 0 ? -1 : hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return hex[2 * H] == '\0';
}

void mc_merkle_hash_to_hex(char out[2 * H + 1], const unsigned char hash[H])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < H; i++) {
        out[2 * i] = digits[hash[i] >> 4];
        out[2 * i + 1] = digits[hash[i] & 15];
    }
    out[2 * H] = '\0';
}

/* ---- the root, streamed --------------------------------------------------------------- */

void mc_merkle_acc_init(mc_merkle_acc *acc)
{
    acc->top = 0;
    acc->count = 0;
}

int mc_merkle_acc_add(mc_merkle_acc *acc, const unsigned char leaf_hash[H])
{
    if (acc->count >= INT64_MAX)
        return mc_error_set(MC_EINPUT, "a Merkle tree holds at most 2^63 - 1 leaves");
    memcpy(acc->hash[acc->top], leaf_hash, H);
    acc->height[acc->top++] = 0;
    acc->count++;
    /* two perfect subtrees of one height make one of the next */
    while (acc->top >= 2 && acc->height[acc->top - 1] == acc->height[acc->top - 2]) {
        int rc = mc_merkle_node_hash(acc->hash[acc->top - 2], acc->hash[acc->top - 2],
                                     acc->hash[acc->top - 1]);
        if (rc)
            return rc;
        acc->height[acc->top - 2]++;
        acc->top--;
    }
    return MC_OK;
}

int mc_merkle_acc_root(const mc_merkle_acc *acc, unsigned char root[H])
{
    unsigned char r[H];
    if (acc->top == 0) /* RFC 6962: the hash of an empty list is SHA-256 of nothing */
        return EVP_Digest("", 0, root, NULL, EVP_sha256(), NULL)
                   ? MC_OK : mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
    /* MTH(D[n]) = node(largest perfect subtree, MTH(the rest)): fold from the right */
    memcpy(r, acc->hash[acc->top - 1], H);
    for (size_t i = acc->top - 1; i-- > 0;) {
        int rc = mc_merkle_node_hash(r, acc->hash[i], r);
        if (rc)
            return rc;
    }
    memcpy(root, r, H);
    return MC_OK;
}

/* ---- paths ---------------------------------------------------------------------------- */

typedef struct range {
    uint64_t lo, hi; /* leaves [lo, hi) */
} range;

/* The largest power of two below n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
    uint64_t k = 1;
    while (k < n - k)
        k <<= 1;
    return k;
}

/* The ranges whose roots make the audit path of leaf m in [0, n), from the leaf up (RFC
 * 9162 2.1.3.1: PATH(m, D[n]) is PATH within the half holding m, then the other half's
 * root). Returns their number (at most MC_MERKLE_MAX_PATH). */
static size_t path_ranges(range out[MC_MERKLE_MAX_PATH], uint64_t m, uint64_t n)
{
    range down[MC_MERKLE_MAX_PATH];
    uint64_t lo = 0, hi = n;
    size_t cnt = 0;
    while (hi - lo > 1 && cnt < MC_MERKLE_MAX_PATH) {
        uint64_t k = split_point(hi - lo);
        if (m < lo + k) {
            down[cnt++] = (range){lo + k, hi};
            hi = lo + k;
        } else {
            down[cnt++] = (range){lo, lo + k};
            lo += k;
        }
    }
    for (size_t i = 0; out && i < cnt; i++)
        out[i] = down[cnt - 1 - i];
    return cnt;
}

size_t mc_merkle_path_len(uint64_t index, uint64_t size)
{
    return index < size ? path_ranges(NULL, index, size) : 0;
}

int mc_merkle_inclusion_ok(const unsigned char leaf_hash[H], uint64_t index, uint64_t size,
                           const unsigned char (*path)[H], size_t n_path,
                           const unsigned char root[H])
{
    unsigned char r[H];
    uint64_t fn = index, sn;
    if (index >= size || n_path > MC_MERKLE_MAX_PATH)
        return 0;
    sn = size - 1;
    memcpy(r, leaf_hash, H);
    for (size_t i = 0; i < n_path; i++) {
        if (sn == 0)
            return 0;
        if ((fn & 1) || fn == sn) {
            if (mc_merkle_node_hash(r, path[i], r))
                return 0;
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else if (mc_merkle_node_hash(r, r, path[i])) {
            return 0;
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && memcmp(r, root, H) == 0;
}

/* One leaf being proved: its path's ranges and hashes, and the accumulator of the range
 * right of it whose leaves are going by. */
typedef struct marked {
    uint64_t index;
    size_t n_path, next; /* next: the first path entry not filled yet */
    range r[MC_MERKLE_MAX_PATH];
    unsigned char path[MC_MERKLE_MAX_PATH][H];
    mc_merkle_acc acc;
} marked;

struct mc_merkle_prover {
    uint64_t size, fed;
    mc_merkle_acc tree; /* the whole tree's root, and the perfect subtrees left of a leaf */
    marked *m;
    size_t n_marked;
};

int mc_merkle_prover_new(mc_merkle_prover **out, uint64_t size)
{
    if (size < 1 || size > INT64_MAX)
        return mc_error_set(MC_EINPUT, "a Merkle tree of %llu leaves cannot be proved in",
                            (unsigned long long)size);
    mc_merkle_prover *p = calloc(1, sizeof *p);
    if (!p)
        return mc_error_nomem();
    p->size = size;
    mc_merkle_acc_init(&p->tree);
    *out = p;
    return MC_OK;
}

void mc_merkle_prover_free(mc_merkle_prover *p)
{
    if (!p)
        return;
    free(p->m);
    free(p);
}

/* Skips the path entries of k left of its leaf (filled when it was marked). */
static void skip_left(marked *k)
{
    while (k->next < k->n_path && k->r[k->next].hi <= k->index)
        k->next++;
}

/* A new marked leaf at p->fed: its path's ranges; those left of it are the perfect
 * subtrees on the tree's stack now (the binary decomposition of its index). */
static int mark_leaf(mc_merkle_prover *p)
{
    if (p->n_marked == MC_MERKLE_MAX_MARKED)
        return mc_error_set(MC_EINPUT, "at most %d leaves are proved in one pass",
                            MC_MERKLE_MAX_MARKED);
    if (!p->m && !(p->m = calloc(MC_MERKLE_MAX_MARKED, sizeof *p->m)))
        return mc_error_nomem();
    marked *k = &p->m[p->n_marked];
    memset(k, 0, sizeof *k);
    k->index = p->fed;
    k->n_path = path_ranges(k->r, k->index, p->size);
    mc_merkle_acc_init(&k->acc);
    for (size_t i = 0; i < k->n_path; i++) {
        if (k->r[i].hi > k->index)
            continue;
        uint64_t lo = 0;
        size_t s = 0;
        for (; s < p->tree.top; s++) {
            uint64_t len = (uint64_t)1 << p->tree.height[s];
            if (lo == k->r[i].lo && len == k->r[i].hi - k->r[i].lo)
                break;
            lo += len;
        }
        if (s == p->tree.top)
            return mc_error_set(MC_EINTERNAL, "Merkle path range %llu..%llu is not a subtree "
                                "on the stack", (unsigned long long)k->r[i].lo,
                                (unsigned long long)k->r[i].hi);
        memcpy(k->path[i], p->tree.hash[s], H);
    }
    skip_left(k);
    p->n_marked++;
    return MC_OK;
}

int mc_merkle_prover_add(mc_merkle_prover *p, const unsigned char leaf_hash[H], int mark)
{
    int rc = MC_OK;
    if (p->fed >= p->size)
        return mc_error_set(MC_EINPUT, "the Merkle tree has its %llu leaves already",
                            (unsigned long long)p->size);
    for (size_t i = 0; rc == MC_OK && i < p->n_marked; i++) {
        marked *k = &p->m[i];
        if (k->next >= k->n_path || p->fed < k->r[k->next].lo)
            continue;
        if ((rc = mc_merkle_acc_add(&k->acc, leaf_hash)) || p->fed + 1 < k->r[k->next].hi)
            continue;
        if ((rc = mc_merkle_acc_root(&k->acc, k->path[k->next])))
            break;
        mc_merkle_acc_init(&k->acc);
        k->next++;
        skip_left(k);
    }
    if (rc == MC_OK && mark)
        rc = mark_leaf(p);
    if (rc == MC_OK)
        rc = mc_merkle_acc_add(&p->tree, leaf_hash);
    if (rc == MC_OK)
        p->fed++;
    return rc;
}

int mc_merkle_prover_finish(mc_merkle_prover *p, unsigned char root[H], size_t *n_marked)
{
    if (p->fed != p->size)
        return mc_error_set(MC_EINPUT, "the Merkle tree has %llu leaves, not the %llu expected",
                            (unsigned long long)p->fed, (unsigned long long)p->size);
    for (size_t i = 0; i < p->n_marked; i++)
        if (p->m[i].next != p->m[i].n_path)
            return mc_error_set(MC_EINTERNAL, "the path of Merkle leaf %llu is incomplete",
                                (unsigned long long)p->m[i].index);
    int rc = root ? mc_merkle_acc_root(&p->tree, root) : MC_OK;
    if (rc == MC_OK && n_marked)
        *n_marked = p->n_marked;
    return rc;
}

int mc_merkle_prover_path(const mc_merkle_prover *p, size_t i, uint64_t *index,
                          const unsigned char (**path)[H], size_t *n_path)
{
    if (i >= p->n_marked || p->m[i].next != p->m[i].n_path)
        return mc_error_set(MC_EINTERNAL, "no proved Merkle leaf %zu", i);
    *index = p->m[i].index;
    *path = (const unsigned char (*)[H])p->m[i].path;
    *n_path = p->m[i].n_path;
    return MC_OK;
}
