/* age's building blocks (signing/mc_age*.c): bech32 against BIP 173's own vectors and
 * age-keygen's key pair, the header read and written back byte for byte with the age test
 * vectors' file keys (body wrapping at 64 columns, the MAC), the header's limits at
 * equality, a NUL byte in a header line refused with its line and column, and STREAM round
 * trips at chunk boundaries with tampering (swapped chunks, truncation, trailing data, a
 * changed MAC), each refusal checked for its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/crypto.h>

#include "mc_age.h"
#include "mc_age_internal.h"
#include "mc_bech32.h"
#include "mc_buf.h"
#include "mc_error.h"
#include "mc_file.h"

#define TESTKIT MC_SOURCE_DIR "/tests/fixtures/age-testkit/"
/* The testkit's identity and, from `age-keygen -y`, its recipient. */
#define IDENTITY "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"
#define RECIPIENT "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef"

static void assert_error_has(const char *needle)
{
    const char *m = mc_error_last()->message;
    if (!strstr(m, needle))
        fail_msg("error '%s' does not say '%s'", m, needle);
}

static void test_bech32(void **state)
{
    (void)state;
    char hrp[90], out[200];
    unsigned char data[64];
    size_t n = 0;
    /* BIP 173's valid vectors. */
    assert_int_equal(mc_bech32_decode(hrp, sizeof hrp, data, sizeof data, &n, "A12UEL5L"), 0);
    assert_string_equal(hrp, "a");
    assert_int_equal(n, 0);
    assert_int_equal(mc_bech32_encode(out, sizeof out, "a", data, 0, 1), 0);
    assert_string_equal(out, "A12UEL5L");
    const char *v = "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw";
    assert_int_equal(mc_bech32_decode(hrp, sizeof hrp, data, sizeof data, &n, v), 0);
    static const unsigned char want[20] = {0x00, 0x44, 0x32, 0x14, 0xc7, 0x42, 0x54,
                                           0xb6, 0x35, 0xcf, 0x84, 0x65, 0x3a, 0x56,
                                           0xd7, 0xc6, 0x75, 0xbe, 0x77, 0xdf};
    assert_int_equal(n, 20);
    assert_memory_equal(data, want, 20);
    assert_int_equal(mc_bech32_encode(out, sizeof out, "abcdef", data, n, 0), 0);
    assert_string_equal(out, v);
    /* BIP 173's invalid vectors, each for its reason. */
    assert_int_equal(mc_bech32_decode(hrp, sizeof hrp, data, sizeof data, &n, "pzry9x0s0muk"),
                     MC_EINPUT);
    assert_error_has("separator");
    assert_int_equal(mc_bech32_decode(hrp, sizeof hrp, data, sizeof data, &n, "x1b4n0q5v"),
                     MC_EINPUT);
    assert_error_has("alphabet");
    assert_int_equal(mc_bech32_decode(hrp, sizeof hrp, data, sizeof data, &n, "li1dgmt3"),
                     MC_EINPUT);
    assert_error_has("too short");
    assert_int_equal(mc_bech32_decode(hrp, sizeof hrp, data, sizeof data, &n, "A1G7SGD8"),
                     MC_EINPUT);
    assert_error_has("checksum");
    assert_int_equal(mc_bech32_decode(hrp, sizeof hrp, data, sizeof data, &n, "A12uEL5L"),
                     MC_EINPUT);
    assert_error_has("mixes");
    /* age-keygen's pair: the identity gives the recipient `age-keygen -y` prints. */
    assert_int_equal(mc_age_identity_to_recipient(out, sizeof out, IDENTITY), 0);
    assert_string_equal(out, RECIPIENT);
    /* A recipient with one character changed fails its checksum. */
    mc_age_recipients *r = NULL;
    assert_int_equal(mc_age_recipients_new(&r), 0);
    assert_int_equal(mc_age_recipients_add(r, RECIPIENT), 0);
    char bad[] = RECIPIENT;
    bad[10] = bad[10] == 'q' ? 'p' : 'q';
    assert_int_equal(mc_age_recipients_add(r, bad), MC_EINPUT);
    assert_error_has("checksum");
    assert_int_equal(mc_age_recipients_add(r, "AGE1XMWWC"), MC_EINPUT);
    assert_error_has("not an age X25519 recipient");
    mc_age_recipients_free(r);
}

/* The age file of a testkit vector (after its blank line) and its file key. */
static void load_vector(const char *name, char **file, size_t *len, unsigned char fk[16])
{
    char path[512], *text = NULL;
    size_t n = 0;
    snprintf(path, sizeof path, TESTKIT "%s", name);
    assert_int_equal(mc_file_read_all(&text, &n, path, 1 << 20), 0);
    char *sep = strstr(text, "\n\n");
    assert_non_null(sep);
    const char *k = strstr(text, "file key: ");
    assert_non_null(k);
    for (int i = 0; i < 16; i++) {
        unsigned v = 0;
        assert_int_equal(sscanf(k + 10 + 2 * i, "%2x", &v), 1);
        fk[i] = (unsigned char)v;
    }
    *len = n - (size_t)(sep + 2 - text);
    *file = malloc(*len + 1);
    assert_non_null(*file);
    memcpy(*file, sep + 2, *len);
    free(text);
}

static int read_header(mc_age_header *h, const char *bytes, size_t n)
{
    FILE *f = fmemopen((void *)bytes, n, "rb");
    assert_non_null(f);
    mc_age_src src;
    int rc = mc_age_src_open(&src, f, MC_AGE_ARMOR_NO);
    if (rc == MC_OK)
        rc = mc_age_header_read(h, &src);
    fclose(f);
    return rc;
}

static void test_header_round_trip(void **state)
{
    (void)state;
    const char *names[] = {"x25519", "scrypt", "x25519_multiple_recipients", "x25519_grease",
                           "stanza_empty_body", "stanza_empty_last_line",
                           "stanza_valid_characters"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *file = NULL, *out = NULL;
        size_t len = 0, out_len = 0;
        unsigned char fk[16];
        mc_age_header h;
        load_vector(names[i], &file, &len, fk);
        assert_int_equal(read_header(&h, file, len), 0);
        assert_int_equal(mc_age_header_write(&out, &out_len, &h, fk), 0);
        /* The same bytes: stanzas, body lines wrapped at 64 columns, the MAC. */
        if (out_len > len || memcmp(out, file, out_len) != 0)
            fail_msg("%s: the header does not round-trip", names[i]);
        mc_age_header_clear(&h);
        free(out);
        free(file);
    }
}

/* A header of n stanzas "-> grease" with an empty body, and a syntactically valid MAC. */
static char *grease_header(size_t n, size_t body_bytes, size_t *len)
{
    mc_buf b = {0};
    mc_buf_puts(&b, "age-encryption.org/v1\n");
    for (size_t i = 0; i < n; i++)
        mc_buf_puts(&b, "-> grease\n\n");
    if (body_bytes) {
        mc_buf_puts(&b, "-> big\n");
        size_t chars = (body_bytes * 4 + 2) / 3, k = 0; /* 'A's: zero bytes */
        for (; chars - k >= 64; k += 64)
            mc_buf_puts(&b, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
        for (; k < chars; k++)
            mc_buf_puts(&b, "A");
        mc_buf_puts(&b, "\n");
    }
    mc_buf_puts(&b, "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
    assert_false(b.failed);
    *len = b.len;
    return b.data;
}

static void test_header_limits(void **state)
{
    (void)state;
    mc_age_header h;
    size_t len = 0;
    char *t = grease_header(MC_AGE_MAX_STANZAS, 0, &len);
    assert_int_equal(read_header(&h, t, len), 0);
    assert_int_equal(h.n, MC_AGE_MAX_STANZAS);
    mc_age_header_clear(&h);
    free(t);
    t = grease_header(MC_AGE_MAX_STANZAS + 1, 0, &len);
    assert_int_equal(read_header(&h, t, len), MC_EINPUT);
    assert_error_has("more stanzas than the limit of 256");
    free(t);
    t = grease_header(1, MC_AGE_MAX_BODY, &len);
    assert_int_equal(read_header(&h, t, len), 0);
    assert_int_equal(h.st[1].body_len, MC_AGE_MAX_BODY);
    mc_age_header_clear(&h);
    free(t);
    t = grease_header(1, MC_AGE_MAX_BODY + 1, &len);
    assert_int_equal(read_header(&h, t, len), MC_EINPUT);
    assert_error_has("a stanza body over the limit of 16 KiB");
    free(t);
}

/* A NUL byte inside a stanza line (arguments or body) or the MAC line is refused, naming it:
 * text functions would stop at it, so the arguments as read would not be the bytes the MAC
 * covers. */
static void test_header_nul(void **state)
{
    (void)state;
    static const char mac[] = "--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    static const struct {
        const char *before, *after, *column;
        unsigned long line;
    } cases[] = {
        {"-> grease", "junk\n\n", "column 10", 2},  /* after the arguments */
        {"-> gre", "ase\n\n", "column 7", 2},       /* inside an argument */
        {"-> grease\nAAAA", "\n", "column 5", 3},   /* in a body line */
        {"", "", "column 4", 2},                     /* the MAC line: "---\0 ..." below */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mc_buf b = {0};
        mc_age_header h;
        char want[64];
        mc_buf_puts(&b, "age-encryption.org/v1\n");
        if (*cases[i].before) {
            mc_buf_puts(&b, cases[i].before);
            mc_buf_put(&b, "", 1);
            mc_buf_puts(&b, cases[i].after);
            mc_buf_puts(&b, mac);
        } else {
            mc_buf_puts(&b, "---");
            mc_buf_put(&b, "", 1);
            mc_buf_puts(&b, mac + 3);
        }
        assert_false(b.failed);
        assert_int_equal(read_header(&h, b.data, b.len), MC_EINPUT);
        snprintf(want, sizeof want, "line %lu: a NUL byte at %s", cases[i].line,
                 cases[i].column);
        assert_error_has(want);
        mc_buf_free(&b);
    }
}

static int buf_sink(void *ctx, const unsigned char *data, size_t len)
{
    mc_buf_put(ctx, (const char *)data, len);
    return ((mc_buf *)ctx)->failed ? mc_error_nomem() : MC_OK;
}

/* plain encrypted to the testkit recipient (or a passphrase) into *out. */
static void encrypt(mc_buf *out, const unsigned char *plain, size_t n, const char *pass,
                    int armor)
{
    mc_age_recipients *r = NULL;
    assert_int_equal(mc_age_recipients_new(&r), 0);
    if (pass)
        assert_int_equal(mc_age_recipients_set_passphrase(r, pass, 10), 0);
    else
        assert_int_equal(mc_age_recipients_add(r, RECIPIENT), 0);
    FILE *f = n ? fmemopen((void *)plain, n, "rb") : fopen("/dev/null", "rb");
    assert_non_null(f);
    memset(out, 0, sizeof *out);
    assert_int_equal(mc_age_encrypt_stream(f, r, armor, buf_sink, out), 0);
    fclose(f);
    mc_age_recipients_free(r);
}

static int decrypt(mc_age_info *info, const mc_buf *in, unsigned char **plain, size_t *n,
                   const char *pass, int cap)
{
    mc_age_identities *ids = NULL;
    assert_int_equal(mc_age_identities_new(&ids), 0);
    if (pass)
        assert_int_equal(mc_age_identities_add_passphrase(ids, pass, cap), 0);
    else
        assert_int_equal(mc_age_identities_add(ids, IDENTITY), 0);
    int rc = mc_age_decrypt_memory(plain, n, info, in->data, in->len, ids, (size_t)1 << 30);
    mc_age_identities_free(ids);
    return rc;
}

/* Where the payload starts: after the MAC line. */
static size_t payload_at(const mc_buf *b)
{
    const char *m = strstr(b->data, "\n--- ");
    assert_non_null(m);
    return (size_t)(m - b->data) + 5 + 43 + 1;
}

static void test_stream(void **state)
{
    (void)state;
    /* Around a chunk, and around 16 and 32 chunks (blocks the stream may read at once). */
    static const size_t sizes[] = {0,       1,       65535,   65536,   65537,   131072,
                                   131073,  200000,  1048575, 1048576, 1048577, 2097152,
                                   2162688, 2162689};
    const size_t most = 2162689;
    unsigned char *plain = malloc(most);
    assert_non_null(plain);
    for (size_t i = 0; i < most; i++)
        plain[i] = (unsigned char)(i * 7 + 3);
    mc_age_identities *ids = NULL;
    mc_age_recipients *r = NULL;
    assert_int_equal(mc_age_identities_new(&ids), 0);
    assert_int_equal(mc_age_identities_add(ids, IDENTITY), 0);
    assert_int_equal(mc_age_recipients_new(&r), 0);
    assert_int_equal(mc_age_recipients_add(r, RECIPIENT), 0);
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        for (int armor = 0; armor < 2; armor++) {
            mc_buf c;
            mc_age_info info;
            unsigned char *back = NULL;
            size_t n = 0;
            encrypt(&c, plain, sizes[k], NULL, armor);
            /* Chunks: ceil(size / 64 KiB), at least one; each 16 bytes longer. */
            size_t chunks = sizes[k] ? (sizes[k] + 65535) / 65536 : 1;
            if (!armor)
                assert_int_equal(c.len - payload_at(&c), 16 + sizes[k] + 16 * chunks);
            assert_int_equal(decrypt(&info, &c, &back, &n, NULL, 0), 0);
            assert_int_equal(info.result, MC_AGE_OK);
            assert_string_equal(info.recipient, RECIPIENT);
            assert_int_equal(n, sizes[k]);
            assert_memory_equal(back, plain, n);
            OPENSSL_clear_free(back, n ? n : 1);
            /* The stream reader (a FILE read a block at a time) gives the same bytes. */
            mc_buf d;
            memset(&d, 0, sizeof d);
            FILE *f = fmemopen(c.data, c.len, "rb");
            assert_non_null(f);
            assert_int_equal(mc_age_decrypt_stream(&info, f, MC_AGE_ARMOR_AUTO, ids, buf_sink,
                                                   &d), 0);
            fclose(f);
            assert_int_equal(d.len, sizes[k]);
            assert_int_equal(info.plaintext, sizes[k]);
            if (d.len)
                assert_memory_equal(d.data, plain, d.len);
            mc_buf_free(&d);
            mc_buf_free(&c);
            /* Encryption from memory (sealed a block at a time) decrypts to the same bytes. */
            memset(&c, 0, sizeof c);
            assert_int_equal(mc_age_encrypt_memory(plain, sizes[k], r, armor, buf_sink, &c), 0);
            if (!armor)
                assert_int_equal(c.len - payload_at(&c), 16 + sizes[k] + 16 * chunks);
            assert_int_equal(decrypt(&info, &c, &back, &n, NULL, 0), 0);
            assert_int_equal(n, sizes[k]);
            if (n)
                assert_memory_equal(back, plain, n);
            OPENSSL_clear_free(back, n ? n : 1);
            mc_buf_free(&c);
        }
    }
    mc_age_identities_free(ids);
    mc_age_recipients_free(r);
    free(plain);
}

static void test_stream_tamper(void **state)
{
    (void)state;
    size_t n = 3 * 65536 + 10, len = 0;
    unsigned char *plain = calloc(1, n), *back = NULL;
    assert_non_null(plain);
    mc_buf c, t;
    mc_age_info info;
    encrypt(&c, plain, n, NULL, 0);
    size_t at = payload_at(&c) + 16, chunk = 65536 + 16;
    /* Chunks 1 and 2 swapped. */
    memset(&t, 0, sizeof t);
    t.data = malloc(c.len + 1);
    assert_non_null(t.data);
    memcpy(t.data, c.data, c.len + 1);
    t.len = t.cap = c.len;
    memcpy(t.data + at, c.data + at + chunk, chunk);
    memcpy(t.data + at + chunk, c.data + at, chunk);
    assert_int_equal(decrypt(&info, &t, &back, &len, NULL, 0), MC_EINPUT);
    assert_int_equal(info.result, MC_AGE_PAYLOAD_FAILURE);
    assert_error_has("chunk 1: does not authenticate");
    /* Truncated after three full chunks: the third is not final. */
    memcpy(t.data, c.data, c.len);
    t.len = at + 3 * chunk;
    assert_int_equal(decrypt(&info, &t, &back, &len, NULL, 0), MC_EINPUT);
    assert_int_equal(info.result, MC_AGE_PAYLOAD_FAILURE);
    assert_error_has("chunk 4: the payload ends without its final chunk (truncated)");
    assert_int_equal(info.plaintext, 3 * 65536);
    /* One byte of trailing data. */
    mc_buf_free(&t);
    assert_int_equal(buf_sink(&c, (const unsigned char *)"x", 1), 0);
    assert_int_equal(decrypt(&info, &c, &back, &len, NULL, 0), MC_EINPUT);
    assert_int_equal(info.result, MC_AGE_PAYLOAD_FAILURE);
    assert_error_has("chunk 4");
    c.len--;
    /* A changed MAC. */
    size_t mac = payload_at(&c) - 44;
    c.data[mac] = c.data[mac] == 'A' ? 'B' : 'A';
    assert_int_equal(decrypt(&info, &c, &back, &len, NULL, 0), MC_EINPUT);
    assert_int_equal(info.result, MC_AGE_HMAC_FAILURE);
    assert_error_has("MAC does not match");
    mc_buf_free(&c);
    free(plain);
}

/* Failures after 16 and 32 chunks, through a FILE (the stream's two buffers alternating) and
 * in memory: the chunks before the failure are delivered, no more. */
static int file_decrypt(mc_age_info *info, const mc_buf *in, size_t len, mc_buf *out)
{
    mc_age_identities *ids = NULL;
    assert_int_equal(mc_age_identities_new(&ids), 0);
    assert_int_equal(mc_age_identities_add(ids, IDENTITY), 0);
    FILE *f = fmemopen(in->data, len, "rb");
    assert_non_null(f);
    memset(out, 0, sizeof *out);
    int rc = mc_age_decrypt_stream(info, f, MC_AGE_ARMOR_NO, ids, buf_sink, out);
    fclose(f);
    mc_age_identities_free(ids);
    return rc;
}

static void test_stream_tamper_blocks(void **state)
{
    (void)state;
    size_t n = 32 * 65536 + 10, len = 0, chunk = 65536 + 16;
    unsigned char *plain = calloc(1, n), *back = NULL;
    assert_non_null(plain);
    mc_buf c, d;
    mc_age_info info;
    encrypt(&c, plain, n, NULL, 0);
    size_t at = payload_at(&c) + 16, full = c.len;
    /* Truncated after one block of 16 full chunks, then after two. */
    for (size_t k = 16; k <= 32; k += 16) {
        char want[64];
        snprintf(want, sizeof want, "chunk %zu: the payload ends without its final", k + 1);
        c.len = at + k * chunk;
        assert_int_equal(decrypt(&info, &c, &back, &len, NULL, 0), MC_EINPUT);
        assert_error_has(want);
        assert_int_equal(info.plaintext, k * 65536);
        assert_int_equal(file_decrypt(&info, &c, c.len, &d), MC_EINPUT);
        assert_error_has(want);
        assert_int_equal(info.plaintext, k * 65536);
        assert_int_equal(d.len, k * 65536);
        mc_buf_free(&d);
    }
    c.len = full;
    /* Chunks 16 and 17 swapped. */
    unsigned char *tmp = malloc(chunk);
    assert_non_null(tmp);
    memcpy(tmp, c.data + at + 15 * chunk, chunk);
    memcpy(c.data + at + 15 * chunk, c.data + at + 16 * chunk, chunk);
    memcpy(c.data + at + 16 * chunk, tmp, chunk);
    assert_int_equal(file_decrypt(&info, &c, c.len, &d), MC_EINPUT);
    assert_int_equal(info.result, MC_AGE_PAYLOAD_FAILURE);
    assert_error_has("chunk 16: does not authenticate");
    assert_int_equal(info.plaintext, 15 * 65536);
    assert_int_equal(d.len, 15 * 65536);
    mc_buf_free(&d);
    free(tmp);
    mc_buf_free(&c);
    free(plain);
}

static void test_scrypt_cap(void **state)
{
    (void)state;
    mc_buf c;
    mc_age_info info;
    unsigned char *back = NULL;
    size_t n = 0;
    encrypt(&c, (const unsigned char *)"secret", 6, "pass word", 0);
    assert_non_null(strstr(c.data, "-> scrypt "));
    assert_int_equal(decrypt(&info, &c, &back, &n, "pass word", 10), 0);
    assert_int_equal(n, 6);
    assert_memory_equal(back, "secret", 6);
    OPENSSL_clear_free(back, n);
    assert_int_equal(decrypt(&info, &c, &back, &n, "pass word", 9), MC_EINPUT);
    assert_int_equal(info.result, MC_AGE_HEADER_FAILURE);
    assert_error_has("work factor 2^10 is over the limit of 2^9");
    assert_int_equal(decrypt(&info, &c, &back, &n, "wrong", 10), MC_EINPUT);
    assert_int_equal(info.result, MC_AGE_NO_MATCH);
    assert_error_has("no identity matched");
    mc_buf_free(&c);
    /* A low-order recipient (the zero point) is refused on encryption. */
    char zero[100];
    unsigned char z[32] = {0};
    assert_int_equal(mc_bech32_encode(zero, sizeof zero, "age", z, 32, 0), 0);
    mc_age_recipients *r = NULL;
    assert_int_equal(mc_age_recipients_new(&r), 0);
    assert_int_equal(mc_age_recipients_add(r, zero), 0);
    FILE *f = fopen("/dev/null", "rb");
    assert_non_null(f);
    memset(&c, 0, sizeof c);
    assert_int_equal(mc_age_encrypt_stream(f, r, 0, buf_sink, &c), MC_EINPUT);
    assert_error_has("low-order point");
    fclose(f);
    mc_buf_free(&c);
    mc_age_recipients_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bech32),          cmocka_unit_test(test_header_round_trip),
        cmocka_unit_test(test_header_limits),   cmocka_unit_test(test_header_nul),
        cmocka_unit_test(test_stream),          cmocka_unit_test(test_stream_tamper),
        cmocka_unit_test(test_stream_tamper_blocks),
        cmocka_unit_test(test_scrypt_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
