/* The age project's test vectors (C2SP/CCTV age/testdata, in tests/fixtures/age-testkit):
 * every vector decrypted through the library with its identities and passphrases; the
 * outcome class must be the vector's `expect`, and the SHA-256 of every plaintext byte the
 * library released (also before a payload failure) must be its `payload`. Each file is
 * decrypted twice, as a stream (stdio) and from memory in place, with the same outcome and
 * bytes. Vectors for the
 * post-quantum hybrid recipient (mlkem768x25519, AGE-SECRET-KEY-PQ-1 identities) are
 * counted as skipped: that recipient type is not part of age v1 as Debian's age 1.1 knows
 * it, and OpenSSL 3.0 has no ML-KEM. The totals are printed and checked: every other vector
 * runs and agrees. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "mc_age.h"
#include "mc_error.h"
#include "mc_file.h"

#define TESTKIT MC_SOURCE_DIR "/tests/fixtures/age-testkit"
#define EXPECTED_VECTORS 143
#define EXPECTED_SKIPPED 19

static int hash_sink(void *ctx, const unsigned char *data, size_t len)
{
    return EVP_DigestUpdate(ctx, data, len) == 1 ? MC_OK
                                                 : mc_error_set(MC_EINTERNAL, "sha256 failed");
}

static const char *class_name(mc_age_result r)
{
    return mc_age_result_name(r);
}

/* Runs one vector: 1 passed, 0 skipped; fails the test on disagreement. */
static int run_vector(const char *name)
{
    char path[1024], *text = NULL;
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s", TESTKIT, name);
    assert_int_equal(mc_file_read_all(&text, &n, path, 1 << 22), 0);
    char *body = strstr(text, "\n\n");
    assert_non_null(body);
    *body = '\0';
    body += 2;
    size_t body_len = n - (size_t)(body - text);
    char expect[64] = "", payload[65] = "";
    int armored = 0, compressed = 0, pq = 0;
    mc_age_identities *ids = NULL;
    assert_int_equal(mc_age_identities_new(&ids), 0);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "expect: ", 8) == 0)
            snprintf(expect, sizeof expect, "%s", line + 8);
        else if (strncmp(line, "payload: ", 9) == 0)
            snprintf(payload, sizeof payload, "%s", line + 9);
        else if (strcmp(line, "armored: yes") == 0)
            armored = 1;
        else if (strcmp(line, "compressed: zlib") == 0)
            compressed = 1;
        else if (strncmp(line, "identity: AGE-SECRET-KEY-PQ-", 28) == 0)
            pq = 1;
        else if (strncmp(line, "identity: ", 10) == 0)
            assert_int_equal(mc_age_identities_add(ids, line + 10), 0);
        else if (strncmp(line, "passphrase: ", 12) == 0)
            /* The vectors' work factors go up to 2^23 (to be refused); the cap stays 2^22. */
            assert_int_equal(mc_age_identities_add_passphrase(ids, line + 12, 0), 0);
    }
    if (pq) {
        mc_age_identities_free(ids);
        free(text);
        return 0;
    }
    unsigned char *file = (unsigned char *)body;
    uLongf file_len = body_len;
    unsigned char *inflated = NULL;
    if (compressed) {
        file_len = 1 << 25;
        inflated = malloc(file_len);
        assert_non_null(inflated);
        assert_int_equal(uncompress(inflated, &file_len, (unsigned char *)body, body_len), Z_OK);
        file = inflated;
    }
    FILE *f = file_len ? fmemopen(file, file_len, "rb") : fopen("/dev/null", "rb");
    assert_non_null(f);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_non_null(md);
    assert_int_equal(EVP_DigestInit_ex(md, EVP_sha256(), NULL), 1);
    mc_age_info info;
    int rc = mc_age_decrypt_stream(&info, f, armored ? MC_AGE_ARMOR_YES : MC_AGE_ARMOR_AUTO,
                                   ids, hash_sink, md);
    fclose(f);
    unsigned char digest[32];
    char hex[65];
    assert_int_equal(EVP_DigestFinal_ex(md, digest, NULL), 1);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    if (strcmp(class_name(info.result), expect) != 0 || (rc == MC_OK) != (info.result == 0))
        fail_msg("%s: expected '%s', got '%s' (%s)", name, expect, class_name(info.result),
                 rc ? mc_error_last()->message : "no error");
    if (*payload && strcmp(payload, hex) != 0)
        fail_msg("%s: the released plaintext's sha256 is %s, expected %s", name, hex, payload);
    if (strcmp(expect, "success") == 0 && !*payload)
        fail_msg("%s: a success vector without a payload hash", name);
    /* The same file from memory, read in place (the path of decrypt to memory and of the
     * commands on a mapped file): the same class and the same released bytes. */
    mc_age_info info2;
    assert_int_equal(EVP_DigestInit_ex(md, EVP_sha256(), NULL), 1);
    int rc2 = mc_age_decrypt_buffer(&info2, file, file_len,
                                    armored ? MC_AGE_ARMOR_YES : MC_AGE_ARMOR_AUTO, ids,
                                    hash_sink, md);
    char hex2[65];
    assert_int_equal(EVP_DigestFinal_ex(md, digest, NULL), 1);
    for (int i = 0; i < 32; i++)
        snprintf(hex2 + 2 * i, 3, "%02x", digest[i]);
    if (rc2 != rc || info2.result != info.result || strcmp(hex, hex2) != 0)
        fail_msg("%s: from memory '%s', from a stream '%s'", name, class_name(info2.result),
                 class_name(info.result));
    EVP_MD_CTX_free(md);
    free(inflated);
    mc_age_identities_free(ids);
    free(text);
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_testkit(void **state)
{
    (void)state;
    DIR *d = opendir(TESTKIT);
    assert_non_null(d);
    char *names[512];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
            continue;
        assert_true(n < 512);
        names[n] = strdup(e->d_name);
        assert_non_null(names[n++]);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    size_t passed = 0, skipped = 0;
    for (size_t i = 0; i < n; i++) {
        if (run_vector(names[i]))
            passed++;
        else
            skipped++;
        free(names[i]);
    }
    printf("age testkit: %zu vectors, %zu agree, %zu skipped (mlkem768x25519)\n", n, passed,
           skipped);
    assert_int_equal(n, EXPECTED_VECTORS);
    assert_int_equal(skipped, EXPECTED_SKIPPED);
    assert_int_equal(passed, EXPECTED_VECTORS - EXPECTED_SKIPPED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_testkit)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
