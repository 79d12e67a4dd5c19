/* RFC 6962 Merkle trees (signing/mc_merkle.c) against what we did not write: the tree heads
 * and inclusion proofs of the RFC 6962 test vectors (the eight leaves and expected values
 * published with Certificate Transparency's reference implementation, as
 * transparency-dev/merkle's proof/verify_test.go lists them: leaves "", 00, 10, 2021, 3031,
 * 40414243, 5051525354555657, 606162636465666768696a6b6c6d6e6f), the corruptions that test
 * file probes, and a naive recursive implementation of RFC 9162 section 2.1 (MTH and PATH,
 * written here from the RFC's definitions with OpenSSL's SHA-256) for every tree size 1..64
 * and every leaf, each leaf proved alone and all of them in one pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "mc_error.h"
#include "mc_merkle.h"

typedef unsigned char hash32[32];

static void unhex(unsigned char *out, const char *hex)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (unsigned char)v;
    }
}

/* ---- the naive reference: RFC 9162 2.1.1 and 2.1.3.1, recursively ----------------------- */

static void sha(hash32 out, unsigned char prefix, const unsigned char *a, size_t alen,
                const unsigned char *b, size_t blen)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned n = 0;
    assert_non_null(c);
    assert_true(EVP_DigestInit_ex(c, EVP_sha256(), NULL));
    assert_true(EVP_DigestUpdate(c, &prefix, 1));
    assert_true(EVP_DigestUpdate(c, a, alen));
    if (blen)
        assert_true(EVP_DigestUpdate(c, b, blen));
    assert_true(EVP_DigestFinal_ex(c, out, &n));
    EVP_MD_CTX_free(c);
}

static size_t naive_k(size_t n) /* the largest power of two smaller than n */
{
    size_t k = 1;
    while (2 * k < n)
        k *= 2;
    return k;
}

static void naive_mth(hash32 out, hash32 *leaves, size_t n)
{
    if (n == 1) {
        memcpy(out, leaves[0], 32);
        return;
    }
    hash32 l, r;
    size_t k = naive_k(n);
    naive_mth(l, leaves, k);
    naive_mth(r, leaves + k, n - k);
    sha(out, 1, l, 32, r, 32);
}

/* PATH(m, D[n]); returns its length. */
static size_t naive_path(hash32 *out, size_t m, hash32 *leaves, size_t n)
{
    if (n == 1)
        return 0;
    size_t k = naive_k(n), len;
    if (m < k) {
        len = naive_path(out, m, leaves, k);
        naive_mth(out[len], leaves + k, n - k);
    } else {
        len = naive_path(out, m - k, leaves + k, n - k);
        naive_mth(out[len], leaves, k);
    }
    return len + 1;
}

/* ---- the vectors ------------------------------------------------------------------------ */

static const char *const ct_leaves[8] = {"", "00", "10", "2021", "3031", "40414243",
                                         "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
static const char *const ct_roots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

static const struct {
    uint64_t leaf, size; /* leaf numbered from 1, as the vectors number it */
    const char *proof[3];
} ct_inclusion[] = {
    {1, 1, {NULL}},
    {1, 8, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8, {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {3, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {2, 5, {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static void ct_leaf_hashes(hash32 out[8])
{
    unsigned char data[16];
    for (int i = 0; i < 8; i++) {
        size_t len = strlen(ct_leaves[i]) / 2;
        unhex(data, ct_leaves[i]);
        assert_int_equal(mc_merkle_leaf_hash(out[i], data, len), MC_OK);
    }
}

static void test_roots_match_rfc6962(void **state)
{
    (void)state;
    hash32 leaves[8], root, want;
    mc_merkle_acc acc;
    ct_leaf_hashes(leaves);
    mc_merkle_acc_init(&acc);
    assert_int_equal(mc_merkle_acc_root(&acc, root), MC_OK);
    unhex(want, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_memory_equal(root, want, 32); /* the empty tree: SHA-256 of nothing */
    for (int n = 1; n <= 8; n++) {
        assert_int_equal(mc_merkle_acc_add(&acc, leaves[n - 1]), MC_OK);
        assert_int_equal(mc_merkle_acc_root(&acc, root), MC_OK);
        unhex(want, ct_roots[n - 1]);
        assert_memory_equal(root, want, 32);
    }
}

/* Every corruption transparency-dev/merkle's corruptInclusionProof probes is refused. */
static void assert_corruptions_refused(const hash32 leaf, uint64_t index, uint64_t size,
                                       hash32 *path, size_t n, const hash32 root)
{
    hash32 p[MC_MERKLE_MAX_PATH + 2], other;
    memset(other, 0xab, 32);
    assert_true(mc_merkle_inclusion_ok(leaf, index, size, (const hash32 *)path, n, root));
    if (index > 0)
        assert_false(mc_merkle_inclusion_ok(leaf, index - 1, size, (const hash32 *)path, n, root));
    assert_false(mc_merkle_inclusion_ok(leaf, index + 1, size, (const hash32 *)path, n, root));
    assert_false(mc_merkle_inclusion_ok(leaf, index ^ 2, size, (const hash32 *)path, n, root));
    assert_false(mc_merkle_inclusion_ok(leaf, index, size * 2, (const hash32 *)path, n, root));
    assert_false(mc_merkle_inclusion_ok(leaf, index, size / 2, (const hash32 *)path, n, root));
    assert_false(mc_merkle_inclusion_ok(other, index, size, (const hash32 *)path, n, root));
    assert_false(mc_merkle_inclusion_ok(leaf, index, size, (const hash32 *)path, n, other));
    memcpy(p, path, n * 32);
    memcpy(p[n], root, 32); /* a trailing hash */
    assert_false(mc_merkle_inclusion_ok(leaf, index, size, (const hash32 *)p, n + 1, root));
    memcpy(p[0], root, 32); /* a preceding one */
    memcpy(p + 1, path, n * 32);
    assert_false(mc_merkle_inclusion_ok(leaf, index, size, (const hash32 *)p, n + 1, root));
    for (size_t i = 0; i < n; i++) {
        memcpy(p, path, n * 32);
        p[i][0] ^= 8; /* one bit flipped */
        assert_false(mc_merkle_inclusion_ok(leaf, index, size, (const hash32 *)p, n, root));
    }
    if (n > 0) /* a hash removed */
        assert_false(mc_merkle_inclusion_ok(leaf, index, size, (const hash32 *)path, n - 1, root));
    if (n > 1) { /* one inserted */
        memcpy(p[0], path[0], 32);
        memcpy(p[1], other, 32);
        memcpy(p + 2, path + 1, (n - 1) * 32);
        assert_false(mc_merkle_inclusion_ok(leaf, index, size, (const hash32 *)p, n + 1, root));
    }
}

static void test_inclusion_vectors(void **state)
{
    (void)state;
    hash32 leaves[8], root, want[3];
    for (size_t v = 0; v < sizeof ct_inclusion / sizeof ct_inclusion[0]; v++) {
        uint64_t index = ct_inclusion[v].leaf - 1, size = ct_inclusion[v].size, got_index = 0;
        size_t n = 0, want_n = 0, marked = 0;
        const hash32 *path = NULL;
        mc_merkle_prover *p = NULL;
        ct_leaf_hashes(leaves);
        while (want_n < 3 && ct_inclusion[v].proof[want_n]) {
            unhex(want[want_n], ct_inclusion[v].proof[want_n]);
            want_n++;
        }
        assert_int_equal(mc_merkle_prover_new(&p, size), MC_OK);
        for (uint64_t i = 0; i < size; i++)
            assert_int_equal(mc_merkle_prover_add(p, leaves[i], i == index), MC_OK);
        assert_int_equal(mc_merkle_prover_finish(p, root, &marked), MC_OK);
        assert_int_equal(marked, 1);
        assert_int_equal(mc_merkle_prover_path(p, 0, &got_index, &path, &n), MC_OK);
        assert_int_equal(got_index, index);
        assert_int_equal(n, want_n);
        assert_int_equal(mc_merkle_path_len(index, size), want_n);
        if (n)
            assert_memory_equal(path, want, n * 32);
        unhex(want[0], ct_roots[size - 1]);
        assert_memory_equal(root, want[0], 32);
        hash32 copy[3];
        memcpy(copy, path, n * 32);
        assert_corruptions_refused(leaves[index], index, size, copy, n, root);
        mc_merkle_prover_free(p);
    }
}

/* Every size 1..64, every leaf: the root and each path as the naive recursion gives them,
 * each leaf proved alone and all leaves in one pass. */
static void test_against_naive(void **state)
{
    (void)state;
    enum { N = 64 };
    hash32 leaves[N], want_root, root, want[MC_MERKLE_MAX_PATH];
    for (int i = 0; i < N; i++) {
        unsigned char data[2] = {(unsigned char)i, (unsigned char)(i * 7)};
        sha(leaves[i], 0, data, 2, NULL, 0);
    }
    for (size_t size = 1; size <= N; size++) {
        naive_mth(want_root, leaves, size);
        mc_merkle_prover *all = NULL;
        size_t marked = 0;
        assert_int_equal(mc_merkle_prover_new(&all, size), MC_OK);
        for (size_t i = 0; i < size; i++)
            assert_int_equal(mc_merkle_prover_add(all, leaves[i], 1), MC_OK);
        assert_int_equal(mc_merkle_prover_finish(all, root, &marked), MC_OK);
        assert_int_equal(marked, size);
        assert_memory_equal(root, want_root, 32);
        for (size_t m = 0; m < size; m++) {
            mc_merkle_prover *one = NULL;
            const hash32 *path = NULL, *path_all = NULL;
            uint64_t index = 0;
            size_t n = 0, n_all = 0, want_n = naive_path(want, m, leaves, size);
            assert_int_equal(mc_merkle_prover_new(&one, size), MC_OK);
            for (size_t i = 0; i < size; i++)
                assert_int_equal(mc_merkle_prover_add(one, leaves[i], i == m), MC_OK);
            assert_int_equal(mc_merkle_prover_finish(one, root, NULL), MC_OK);
            assert_memory_equal(root, want_root, 32);
            assert_int_equal(mc_merkle_prover_path(one, 0, &index, &path, &n), MC_OK);
            assert_int_equal(mc_merkle_prover_path(all, m, &index, &path_all, &n_all), MC_OK);
            assert_int_equal(index, m);
            assert_int_equal(n, want_n);
            assert_int_equal(n_all, want_n);
            assert_int_equal(mc_merkle_path_len(m, size), want_n);
            if (want_n) {
                assert_memory_equal(path, want, want_n * 32);
                assert_memory_equal(path_all, want, want_n * 32);
            }
            assert_true(mc_merkle_inclusion_ok(leaves[m], m, size, path, n, want_root));
            if (size > 1) /* another leaf, or another index, does not lead there */
                assert_false(mc_merkle_inclusion_ok(leaves[(m + 1) % size], m, size, path, n,
                                                    want_root));
            mc_merkle_prover_free(one);
        }
        mc_merkle_prover_free(all);
    }
}

static void test_prover_bounds(void **state)
{
    (void)state;
    hash32 leaf = {0}, root;
    mc_merkle_prover *p = NULL;
    assert_int_equal(mc_merkle_prover_new(&p, 0), MC_EINPUT);
    assert_int_equal(mc_merkle_prover_new(&p, 2), MC_OK);
    assert_int_equal(mc_merkle_prover_add(p, leaf, 1), MC_OK);
    assert_int_equal(mc_merkle_prover_finish(p, root, NULL), MC_EINPUT); /* one leaf short */
    assert_non_null(strstr(mc_error_last()->message, "has 1 leaves, not the 2 expected"));
    assert_int_equal(mc_merkle_prover_add(p, leaf, 0), MC_OK);
    assert_int_equal(mc_merkle_prover_add(p, leaf, 0), MC_EINPUT); /* one too many */
    assert_int_equal(mc_merkle_prover_finish(p, root, NULL), MC_OK);
    mc_merkle_prover_free(p);
    /* MC_MERKLE_MAX_MARKED leaves marked is the bound, at equality */
    assert_int_equal(mc_merkle_prover_new(&p, MC_MERKLE_MAX_MARKED + 1), MC_OK);
    for (int i = 0; i < MC_MERKLE_MAX_MARKED; i++)
        assert_int_equal(mc_merkle_prover_add(p, leaf, 1), MC_OK);
    assert_int_equal(mc_merkle_prover_add(p, leaf, 1), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "at most 256 leaves"));
    mc_merkle_prover_free(p);
    /* the checker refuses an index at the size, and a size of zero */
    assert_false(mc_merkle_inclusion_ok(leaf, 1, 1, NULL, 0, leaf));
    assert_true(mc_merkle_inclusion_ok(leaf, 0, 1, NULL, 0, leaf));
    assert_false(mc_merkle_inclusion_ok(leaf, 0, 0, NULL, 0, leaf));
    assert_int_equal(mc_merkle_path_len(5, 5), 0);
    /* hex: exactly 64 lowercase digits */
    char hex[65];
    unsigned char back[32];
    memset(leaf, 0xa5, 32);
    mc_merkle_hash_to_hex(hex, leaf);
    assert_string_equal(hex, "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5");
    assert_true(mc_merkle_hash_from_hex(back, hex));
    assert_memory_equal(back, leaf, 32);
    hex[63] = 'A';
    assert_false(mc_merkle_hash_from_hex(back, hex)); /* upper case */
    hex[63] = '\0';
    assert_false(mc_merkle_hash_from_hex(back, hex)); /* 63 digits */
    char longer[66];
    memset(longer, 'a', 65);
    longer[65] = '\0';
    assert_false(mc_merkle_hash_from_hex(back, longer)); /* 65 digits */
    assert_int_equal(mc_merkle_path_len(0, (uint64_t)1 << 62), 62);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roots_match_rfc6962),
        cmocka_unit_test(test_inclusion_vectors),
        cmocka_unit_test(test_against_naive),
        cmocka_unit_test(test_prover_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
