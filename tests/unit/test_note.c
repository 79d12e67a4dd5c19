/* C2SP signed notes, checkpoints and cosignatures (signing/mc_note.c): the key id against the
 * vector of golang.org/x/mod's note package (the verifier key
 * "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW" of its documentation:
 * name, key id, 0x01 and the Ed25519 key), notes signed here with OpenSSL's Ed25519, every
 * malformation refused with its reason, the bounds (MC_NOTE_MAX bytes, MC_NOTE_MAX_SIGS
 * signature lines) at equality and one past, cosignature/v1 lines of a witness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_note.h"

static EVP_PKEY *ed25519(unsigned char seed)
{
    unsigned char priv[32] = {seed};
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, 32);
    assert_non_null(k);
    return k;
}

static size_t sign(unsigned char *sig, EVP_PKEY *k, const void *msg, size_t n)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t sl = 64;
    assert_int_equal(EVP_DigestSignInit(c, NULL, NULL, NULL, k), 1);
    assert_int_equal(EVP_DigestSign(c, sig, &sl, msg, n), 1);
    EVP_MD_CTX_free(c);
    return sl;
}

/* "— NAME base64(id[4] || sig)\n" appended to buf. */
static void add_line(char *buf, size_t size, const char *name, const unsigned char id[4],
                     const unsigned char *sig, size_t sl)
{
    unsigned char raw[4 + 8 + 64];
    char *b64 = NULL;
    memcpy(raw, id, 4);
    memcpy(raw + 4, sig, sl);
    assert_int_equal(mc_base64_encode(&b64, raw, 4 + sl), MC_OK);
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "\xe2\x80\x94 %s %s\n", name, b64);
    free(b64);
}

static const char TEXT[] = "log.test\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";

static void key_of(mc_note_key *k, EVP_PKEY *key)
{
    unsigned char id[32];
    k->name = "log.test";
    k->key = key;
    assert_int_equal(mc_note_key_id(id, k->name, key), MC_OK);
    memcpy(k->id, id, 4);
}

/* Opens note with key k (and the witnesses); returns ok, why in why. */
static int open_note(char *why, const char *note, size_t len, const mc_note_key *k,
                     const mc_note_witness *w, size_t nw)
{
    mc_note_checkpoint cp;
    int ok = -1;
    assert_int_equal(mc_checkpoint_open(&ok, why, 320, &cp, note, len, k, w, nw), MC_OK);
    if (ok) {
        assert_string_equal(cp.origin, "log.test");
        assert_true(cp.size == 7);
        for (int i = 0; i < 32; i++)
            assert_int_equal(cp.root[i], i);
    }
    return ok;
}

static void test_key_id_vector(void **state)
{
    (void)state;
    unsigned char *raw = NULL, id[32];
    size_t rl = 0;
    assert_int_equal(mc_base64_decode(&raw, &rl, "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                                      64), MC_OK);
    assert_int_equal(rl, 33);
    assert_int_equal(raw[0], 0x01);
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw + 1, 32);
    assert_non_null(k);
    assert_int_equal(mc_note_key_id(id, "PeterNeumann", k), MC_OK);
    static const unsigned char want[4] = {0xc7, 0x4f, 0x20, 0xa3};
    assert_memory_equal(id, want, 4);
    EVP_PKEY_free(k);
    free(raw);
}

static void test_signed_and_refused(void **state)
{
    (void)state;
    EVP_PKEY *log = ed25519(1), *other = ed25519(3);
    mc_note_key k;
    key_of(&k, log);
    unsigned char sig[64], bad_id[4] = {0};
    char note[4096], why[320];
    size_t sl = sign(sig, log, TEXT, strlen(TEXT));
    snprintf(note, sizeof note, "%s\n", TEXT);
    add_line(note, sizeof note, "other.test", bad_id, sig, sl); /* unknown: ignored */
    add_line(note, sizeof note, "log.test", k.id, sig, sl);
    assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), 1);
    /* the final newline missing, a control character, no blank line */
    assert_int_equal(open_note(why, note, strlen(note) - 1, &k, NULL, 0), 0);
    assert_string_equal(why, "the checkpoint is not a signed note (text, a blank line, "
                             "signatures)");
    char copy[4096];
    memcpy(copy, note, strlen(note) + 1);
    copy[3] = '\t';
    assert_int_equal(open_note(why, copy, strlen(copy), &k, NULL, 0), 0);
    assert_string_equal(why, "the checkpoint has a control character at byte 3");
    /* the log's line signed by another key; its line absent; another origin */
    unsigned char sig2[64];
    size_t sl2 = sign(sig2, other, TEXT, strlen(TEXT));
    snprintf(note, sizeof note, "%s\n", TEXT);
    add_line(note, sizeof note, "log.test", k.id, sig2, sl2);
    assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), 0);
    assert_string_equal(why, "the checkpoint's signature by log.test does not verify with the "
                             "log's key");
    snprintf(note, sizeof note, "%s\n", TEXT);
    add_line(note, sizeof note, "log.test", bad_id, sig, sl);
    assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), 0);
    assert_non_null(strstr(why, "the checkpoint is not signed by the log's key (no signature "
                                "line of log.test with key id"));
    static const char other_origin[] = "other.test\n7\n"
                                       "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
    sl = sign(sig, log, other_origin, strlen(other_origin));
    snprintf(note, sizeof note, "%s\n", other_origin);
    add_line(note, sizeof note, "log.test", k.id, sig, sl);
    assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), 0);
    assert_string_equal(why, "the checkpoint's origin 'other.test' is not the log's 'log.test'");
    /* texts that are no checkpoint */
    static const char *const texts[][2] = {
        {"log.test\n07\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
         "the checkpoint's tree size is not a decimal number"},
        {"log.test\n7\nAAEC\n", "the checkpoint's root hash is not 32 bytes of base64"},
        {"log.test\n7\n", "the checkpoint's text is not an origin, a tree size and a root hash"},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        sl = sign(sig, log, texts[i][0], strlen(texts[i][0]));
        snprintf(note, sizeof note, "%s\n", texts[i][0]);
        add_line(note, sizeof note, "log.test", k.id, sig, sl);
        assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), 0);
        assert_string_equal(why, texts[i][1]);
    }
    snprintf(note, sizeof note, "%s\n\xe2\x80\x94 log.test\n", TEXT);
    assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), 0);
    assert_string_equal(why, "the checkpoint's signature line 1 is not '— NAME BASE64'");
    EVP_PKEY_free(log);
    EVP_PKEY_free(other);
}

static void test_bounds(void **state)
{
    (void)state;
    EVP_PKEY *log = ed25519(1);
    mc_note_key k;
    key_of(&k, log);
    size_t cap = MC_NOTE_MAX + 64;
    char *note = malloc(cap), *text = malloc(cap), why[320];
    unsigned char sig[64], junk_id[4] = {9, 9, 9, 9};
    assert_non_null(note);
    assert_non_null(text);
    /* MC_NOTE_MAX_SIGS lines (the log's last) pass, one more is refused */
    for (int extra = 0; extra < 2; extra++) {
        size_t sl = sign(sig, log, TEXT, strlen(TEXT));
        snprintf(note, cap, "%s\n", TEXT);
        for (int i = 0; i < MC_NOTE_MAX_SIGS - 1 + extra; i++)
            add_line(note, cap, "junk.test", junk_id, sig, sl);
        add_line(note, cap, "log.test", k.id, sig, sl);
        assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), !extra);
        if (extra)
            assert_string_equal(why, "the checkpoint has over 100 signature lines");
    }
    /* exactly MC_NOTE_MAX bytes (an extension line fills it), then one more */
    for (int extra = 0; extra < 2; extra++) {
        size_t sl = sign(sig, log, TEXT, strlen(TEXT)); /* for the line's length */
        snprintf(note, cap, "\n");
        add_line(note, cap, "log.test", k.id, sig, sl);
        size_t tail = strlen(note), fill = MC_NOTE_MAX + extra - tail - strlen(TEXT) - 1;
        memcpy(text, TEXT, strlen(TEXT));
        memset(text + strlen(TEXT), 'x', fill);
        text[strlen(TEXT) + fill] = '\n';
        text[strlen(TEXT) + fill + 1] = 0;
        sl = sign(sig, log, text, strlen(text));
        snprintf(note, cap, "%s\n", text);
        add_line(note, cap, "log.test", k.id, sig, sl);
        assert_int_equal(strlen(note), MC_NOTE_MAX + extra);
        assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), !extra);
        if (extra)
            assert_string_equal(why, "the checkpoint is not a signed note (text, a blank line, "
                                     "signatures)");
    }
    free(note);
    free(text);
    EVP_PKEY_free(log);
}

static void test_cosignatures(void **state)
{
    (void)state;
    EVP_PKEY *log = ed25519(1), *wk = ed25519(2);
    mc_note_key k;
    key_of(&k, log);
    unsigned char raw[33] = {0x04}, wid[32], sig[64], cos[8 + 64];
    size_t rl = 32;
    char *b64 = NULL, vkey[200], note[4096], why[320], msg[512];
    assert_int_equal(EVP_PKEY_get_raw_public_key(wk, raw + 1, &rl), 1);
    assert_int_equal(mc_base64_encode(&b64, raw, 33), MC_OK);
    unsigned char idin[64];
    memcpy(idin, "w.test/1\n\x04", 10);
    memcpy(idin + 10, raw + 1, 32);
    assert_int_equal(EVP_Digest(idin, 42, wid, NULL, EVP_sha256(), NULL), 1);
    snprintf(vkey, sizeof vkey, "w.test/1+%02x%02x%02x%02x+%s", wid[0], wid[1], wid[2], wid[3],
             b64);
    free(b64);
    mc_note_witness w;
    assert_int_equal(mc_note_witness_parse(&w, vkey), MC_OK);
    uint64_t t = 1700000000;
    for (int i = 0; i < 8; i++)
        cos[i] = (unsigned char)(t >> (56 - 8 * i));
    int n = snprintf(msg, sizeof msg, "cosignature/v1\ntime %llu\n%s", (unsigned long long)t,
                     TEXT);
    sign(cos + 8, wk, msg, (size_t)n);
    size_t sl = sign(sig, log, TEXT, strlen(TEXT));
    snprintf(note, sizeof note, "%s\n", TEXT);
    add_line(note, sizeof note, "w.test/1", w.id, cos, sizeof cos); /* before the log's */
    add_line(note, sizeof note, "log.test", k.id, sig, sl);
    assert_int_equal(open_note(why, note, strlen(note), &k, &w, 1), 1);
    assert_int_equal(open_note(why, note, strlen(note), &k, NULL, 0), 1); /* not asked: ignored */
    cos[7] ^= 1; /* another time than the one signed */
    snprintf(note, sizeof note, "%s\n", TEXT);
    add_line(note, sizeof note, "log.test", k.id, sig, sl);
    add_line(note, sizeof note, "w.test/1", w.id, cos, sizeof cos);
    assert_int_equal(open_note(why, note, strlen(note), &k, &w, 1), 0);
    assert_string_equal(why, "the cosignature of witness w.test/1 does not verify");
    snprintf(note, sizeof note, "%s\n", TEXT);
    add_line(note, sizeof note, "log.test", k.id, sig, sl);
    assert_int_equal(open_note(why, note, strlen(note), &k, &w, 1), 0);
    assert_string_equal(why, "the checkpoint is not cosigned by witness w.test/1");
    mc_note_witness_clear(&w);
    /* verifier keys that are not one */
    assert_int_equal(mc_note_witness_parse(&w, "w.test/1+00000000+AA=="), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "is not an Ed25519 cosignature key"));
    assert_int_equal(mc_note_witness_parse(&w, "w.test/1"), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "is not NAME+HEX8+BASE64"));
    EVP_PKEY_free(log);
    EVP_PKEY_free(wk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_id_vector),
        cmocka_unit_test(test_signed_and_refused),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_cosignatures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
