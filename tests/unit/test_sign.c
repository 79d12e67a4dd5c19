/* Signing's building blocks: DSSE's PAE (the protocol's own example), base64
 * (standard, URL-safe, padding, refusals), DSSE sign/verify round trips on
 * every curve and their refusals, model_signing's resource order and name
 * rules, the subject digest, key loading errors, and the one key-reference
 * parser (each kind, its parts, a pkcs11: URI's module-path and pin-source). */
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
#include "mc_key.h"
#include "mc_keyref.h"
#include "mc_manifest.h"

static void test_pae(void **state)
{
    (void)state;
    unsigned char *p = NULL;
    size_t n = 0;
    /* The example of the DSSE v1 protocol. */
    assert_int_equal(mc_dsse_pae(&p, &n, "http://example.com/HelloWorld", "hello world", 11), MC_OK);
    const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(p, want, n);
    free(p);
    assert_int_equal(mc_dsse_pae(&p, &n, "", "", 0), MC_OK);
    assert_string_equal((char *)p, "DSSEv1 0  0 ");
    free(p);
}

static void test_base64(void **state)
{
    (void)state;
    char *e = NULL;
    unsigned char *d = NULL;
    size_t n = 0;
    assert_int_equal(mc_base64_encode(&e, "\xfb\xff\xfe", 3), MC_OK);
    assert_string_equal(e, "+//+");
    free(e);
    assert_int_equal(mc_base64_decode(&d, &n, "-__-", 16), MC_OK); /* URL-safe */
    assert_int_equal(n, 3);
    assert_memory_equal(d, "\xfb\xff\xfe", 3);
    free(d);
    assert_int_equal(mc_base64_decode(&d, &n, "aGk=", 16), MC_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(d, "hi", 2);
    free(d);
    assert_int_equal(mc_base64_decode(&d, &n, "aGk", 16), MC_OK); /* unpadded */
    assert_int_equal(n, 2);
    free(d);
    assert_int_equal(mc_base64_decode(&d, &n, "", 16), MC_OK);
    assert_int_equal(n, 0);
    free(d);
    assert_int_equal(mc_base64_decode(&d, &n, "aG k=", 16), MC_EINPUT);
    assert_int_equal(mc_base64_decode(&d, &n, "a", 16), MC_EINPUT);
    assert_int_equal(mc_base64_decode(&d, &n, "aGk==", 16), MC_EINPUT);
    assert_int_equal(mc_base64_decode(&d, &n, "aGVsbG8gd29ybGQ=", 4), MC_EINPUT); /* over max */
}

static EVP_PKEY *ec_key(const char *curve)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
}

static void test_dsse_round_trip(void **state)
{
    (void)state;
    const char *curves[] = {"P-256", "P-384", "P-521"};
    for (int i = 0; i < 3; i++) {
        EVP_PKEY *k = ec_key(curves[i]), *other = ec_key(curves[i]);
        assert_non_null(k);
        json_t *env = NULL;
        assert_int_equal(mc_dsse_sign(&env, k, "kid", "text/plain", "payload", 7), MC_OK);
        unsigned char *p = NULL;
        size_t n = 0;
        char *t = NULL;
        assert_int_equal(mc_dsse_verify(&p, &n, &t, env, k), MC_OK);
        assert_int_equal(n, 7);
        assert_memory_equal(p, "payload", 7);
        assert_string_equal(t, "text/plain");
        free(p);
        free(t);
        assert_int_equal(mc_dsse_verify(&p, &n, &t, env, other), MC_EINPUT);
        assert_non_null(strstr(mc_error_last()->message, "does not verify with this key"));
        /* Another payload type under the same signature does not verify (PAE binds it). */
        json_object_set_new(env, "payloadType", json_string("text/other"));
        assert_int_equal(mc_dsse_verify(&p, &n, &t, env, k), MC_EINPUT);
        /* Shapes. */
        json_object_set_new(env, "signatures", json_array());
        assert_int_equal(mc_dsse_verify(&p, &n, &t, env, k), MC_EINPUT);
        assert_non_null(strstr(mc_error_last()->message, "0 signatures"));
        json_object_set_new(env, "payload", json_integer(3));
        assert_int_equal(mc_dsse_verify(&p, &n, &t, env, k), MC_EINPUT);
        json_decref(env);
        EVP_PKEY_free(k);
        EVP_PKEY_free(other);
    }
}

static mc_manifest *manifest_of(const char *const *names, size_t n)
{
    mc_manifest *m = calloc(1, sizeof *m);
    m->items = calloc(n, sizeof *m->items);
    for (size_t i = 0; i < n; i++) {
        m->items[i].name = strdup(names[i]);
        m->items[i].path = strdup(names[i]);
        memset(m->items[i].digest, 'a' + (int)(i % 6), MC_SHA256_HEX_LEN);
    }
    m->n = n;
    return m;
}

static void test_order_and_names(void **state)
{
    (void)state;
    /* pathlib's order, component by component: "a/b" before "a-b" before "a0". */
    const char *names[] = {"a0", "a-b", "b", "a/b", "a/b/c", "A", "a"};
    mc_manifest *m = manifest_of(names, 7);
    assert_int_equal(mc_manifest_finish(m), MC_OK);
    const char *want[] = {"A", "a", "a/b", "a/b/c", "a-b", "a0", "b"};
    for (int i = 0; i < 7; i++)
        assert_string_equal(m->items[i].name, want[i]);
    mc_manifest_free(m);
    const char *dup[] = {"x", "y", "x"};
    m = manifest_of(dup, 3);
    assert_int_equal(mc_manifest_finish(m), MC_EINPUT);
    mc_manifest_free(m);
    /* The subject digest of one resource whose digest is 32 zero bytes. */
    const char *one[] = {"f"};
    m = manifest_of(one, 1);
    memset(m->items[0].digest, '0', MC_SHA256_HEX_LEN);
    assert_int_equal(mc_manifest_finish(m), MC_OK);
    assert_string_equal(m->subject,
                        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
    mc_manifest_free(m);
    assert_int_equal(mc_manifest_check_name("a/b"), MC_OK);
    assert_int_equal(mc_manifest_check_name("."), MC_OK);
    assert_int_equal(mc_manifest_check_name("../a"), MC_EINPUT);
    assert_int_equal(mc_manifest_check_name("a/../b"), MC_EINPUT);
    assert_int_equal(mc_manifest_check_name("/etc/passwd"), MC_EINPUT);
    assert_int_equal(mc_manifest_check_name("a//b"), MC_EINPUT);
    assert_int_equal(mc_manifest_check_name(""), MC_EINPUT);
    assert_int_equal(mc_manifest_check_name("..."), MC_OK);
}

static void test_key_errors(void **state)
{
    (void)state;
    mc_key *k = NULL;
    assert_int_equal(mc_key_load_private(&k, "no/such/key.pem"), MC_ENOTFOUND);
    assert_int_equal(mc_error_last()->code, MC_ENOTFOUND);
    assert_int_equal(mc_key_load_private(&k, "env:"), MC_EINPUT);
    assert_int_equal(mc_key_load_private(&k, "env:MC_TEST_SURELY_UNSET_VAR"), MC_ENOTFOUND);
    setenv("MC_TEST_NOT_A_KEY", "hello", 1);
    assert_int_equal(mc_key_load_private(&k, "env:MC_TEST_NOT_A_KEY"), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "not a PEM private key"));
    assert_int_equal(mc_key_load_public(&k, "env:MC_TEST_NOT_A_KEY"), MC_EINPUT);
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    assert_int_equal(mc_key_from_pkey(&k, rsa), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "an RSA key"));
    EVP_PKEY_free(rsa);
    EVP_PKEY *ec = ec_key("P-384");
    assert_int_equal(mc_key_from_pkey(&k, ec), MC_OK);
    assert_string_equal(mc_key_curve(k), "P-384");
    assert_true(mc_sha256_hex_valid(mc_key_hint(k)));
    assert_non_null(strstr(mc_key_public_pem(k), "-----BEGIN PUBLIC KEY-----\n"));
    assert_null(mc_key_warning(k));
    mc_key_free(k);
    EVP_PKEY_free(ec);
    mc_key_free(NULL);
}

static void test_keyref(void **state)
{
    (void)state;
    static const struct {
        const char *ref;
        mc_keyref_kind kind;
        const char *value;
    } ok[] = {{"k.pem", MC_KEYREF_PATH, "k.pem"}, {"/abs/k.pem", MC_KEYREF_PATH, "/abs/k.pem"},
              {"file:k.pem", MC_KEYREF_FILE, "k.pem"}, {"env:KEY", MC_KEYREF_ENV, "KEY"},
              {"pkcs11:object=k", MC_KEYREF_PKCS11, "pkcs11:object=k"},
              {"File:k.pem", MC_KEYREF_PATH, "File:k.pem"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        mc_keyref *k = NULL;
        assert_int_equal(mc_keyref_parse(&k, ok[i].ref), MC_OK);
        assert_int_equal(k->kind, ok[i].kind);
        assert_string_equal(k->value, ok[i].value);
        assert_true((k->uri != NULL) == (ok[i].kind == MC_KEYREF_PKCS11));
        assert_null(k->module_path);
        assert_null(k->pin_path);
        mc_keyref_free(k);
    }
    mc_keyref *k = NULL;
    assert_int_equal(mc_keyref_parse(&k, "pkcs11:token=t;object=k?module-path=/m/p11%2Eso"
                                         "&pin-source=file:/secret/pin"), MC_OK);
    assert_string_equal(k->module_path, "/m/p11.so");
    assert_string_equal(k->pin_path, "/secret/pin");
    mc_keyref_free(k);
    static const struct {
        const char *ref, *message;
    } bad[] = {{"", "no key given"},
               {"env:", "'env:' needs the name of an environment variable"},
               {"file:", "'file:' needs a path"},
               {"pkcs11:token=t", "neither object= nor id= names the key"},
               {"pkcs11:object=k?module-path=lib.so", "module-path 'lib.so' is not an absolute"},
               {"pkcs11:object=k?pin-source=pin", "pin-source 'pin' is not an absolute path"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        k = NULL;
        assert_int_equal(mc_keyref_parse(&k, bad[i].ref), MC_EINPUT);
        assert_null(k);
        assert_non_null(strstr(mc_error_last()->message, bad[i].message));
    }
    assert_int_equal(mc_keyref_parse(&k, NULL), MC_EINPUT);
    mc_keyref_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pae),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_dsse_round_trip),
        cmocka_unit_test(test_order_and_names),
        cmocka_unit_test(test_key_errors),
        cmocka_unit_test(test_keyref),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
