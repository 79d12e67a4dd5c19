/* PKCS #11 keys (mc_pkcs11): a SoftHSM2 token made in a temporary directory, with EC P-256
 * and P-384 keys and an RSA key generated inside it by OpenSC's pkcs11-tool. A message
 * signed through mc_pkcs11_key_pkey with EVP_DigestSign verifies with the exported public
 * key, by EVP and by `openssl dgst -verify`; a wrong PIN, a missing PIN, object, token or
 * module, an ambiguous URI, a non-EC key and hostile URIs each give their own error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mc_error.h"
#include "mc_pkcs11.h"

#ifndef MC_SOFTHSM2_MODULE
#error "MC_SOFTHSM2_MODULE must name libsofthsm2.so (tests/CMakeLists.txt)"
#endif

static char dir[512];
static char uri_tail[1024]; /* "?module-path=...&pin-source=file:..." */

static void path_in(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static void write_file(const char *name, const char *text)
{
    char p[640];
    path_in(p, sizeof p, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

/* Runs a shell command, its output into dir/setup.log; returns its status. */
static int run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof cmd - 64)
        return -1;
    snprintf(cmd + n, sizeof cmd - (size_t)n, " >>'%s/setup.log' 2>&1", dir);
    return system(cmd);
}

static int make_token(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/mc-pkcs11-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    char conf[640], text[1200];
    path_in(conf, sizeof conf, "softhsm2.conf");
    snprintf(text, sizeof text,
             "directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n",
             dir);
    write_file("softhsm2.conf", text);
    write_file("pin", "4321\n");
    write_file("wrong-pin", "1111");
    write_file("not-a-module.so", "this is not a shared library\n");
    setenv("SOFTHSM2_CONF", conf, 1);
    unsetenv("MODELCERT_PKCS11_MODULE");
    unsetenv("MODELCERT_PKCS11_PIN");
    const char *tool = "pkcs11-tool --module '" MC_SOFTHSM2_MODULE "' --token-label release "
                       "--login --pin 4321";
    if (run("mkdir '%s/tokens'", dir) != 0 ||
        run("softhsm2-util --init-token --free --label release --pin 4321 --so-pin 87654321") ||
        run("softhsm2-util --init-token --free --label other --pin 4321 --so-pin 87654321") ||
        run("%s --keypairgen --key-type EC:prime256v1 --label model-signing --id 01", tool) ||
        run("%s --keypairgen --key-type EC:secp384r1 --label release-384 --id a0ff", tool) ||
        run("%s --keypairgen --key-type rsa:1024 --label legacy-rsa --id 03", tool)) {
        fprintf(stderr, "token set-up failed: see %s/setup.log\n", dir);
        return -1;
    }
    snprintf(uri_tail, sizeof uri_tail, "?module-path=%s&pin-source=file:%s/pin",
             MC_SOFTHSM2_MODULE, dir);
    return 0;
}

static int remove_token(void **state)
{
    (void)state;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Opens pkcs11:PATH_PARTTAIL; *e is the error record the call left (cleared before it). */
static int open_uri(mc_pkcs11_key **k, mc_error *e, const char *path_part, const char *tail)
{
    char uri[2048];
    snprintf(uri, sizeof uri, "pkcs11:%s%s", path_part, tail);
    mc_error_clear();
    int rc = mc_pkcs11_key_open(k, uri);
    *e = *mc_error_last();
    return rc;
}

/* Signs msg in the token, checks the signature with the exported key by EVP and by the
 * openssl command, and checks that another message does not verify. */
static void sign_and_verify(mc_pkcs11_key *k, const EVP_MD *md, const char *tag)
{
    static const char msg[] = "model.mcm sha256:0123 signed in a token";
    EVP_PKEY *pkey = mc_pkcs11_key_pkey(k);
    assert_non_null(pkey);
    unsigned char sig[256];
    size_t sig_len = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, md, NULL, pkey), 1);
    int ok = EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)msg, strlen(msg));
    if (ok != 1)
        ERR_print_errors_fp(stderr);
    assert_int_equal(ok, 1);
    EVP_MD_CTX_free(ctx);

    char *pem = NULL;
    assert_int_equal(mc_pkcs11_key_public_pem(k, &pem), MC_OK);
    assert_non_null(strstr(pem, "-----BEGIN PUBLIC KEY-----"));
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    assert_non_null(pub);
    for (int tamper = 0; tamper < 2; tamper++) {
        char m[sizeof msg];
        memcpy(m, msg, sizeof msg);
        m[0] ^= (char)tamper;
        EVP_MD_CTX *v = EVP_MD_CTX_new();
        assert_non_null(v);
        assert_int_equal(EVP_DigestVerifyInit(v, NULL, md, NULL, pub), 1);
        assert_int_equal(EVP_DigestVerify(v, sig, sig_len, (const unsigned char *)m, strlen(m)),
                         tamper ? 0 : 1);
        EVP_MD_CTX_free(v);
    }
    EVP_PKEY_free(pub);

    /* The same with code we did not write: openssl dgst -verify. */
    char name[64];
    snprintf(name, sizeof name, "%s.pub", tag);
    write_file(name, pem);
    snprintf(name, sizeof name, "%s.msg", tag);
    write_file(name, msg);
    char sig_path[640];
    snprintf(name, sizeof name, "%s.sig", tag);
    path_in(sig_path, sizeof sig_path, name);
    FILE *f = fopen(sig_path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(sig, 1, sig_len, f), sig_len);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(run("openssl dgst -%s -verify '%s/%s.pub' -signature '%s' '%s/%s.msg'",
                         EVP_MD_get0_name(md), dir, tag, sig_path, dir, tag),
                     0);
    free(pem);
}

static void test_sign_p256(void **state)
{
    (void)state;
    mc_pkcs11_key *k = NULL;
    mc_error e;
    assert_int_equal(open_uri(&k, &e, "token=release;object=model-signing", uri_tail), MC_OK);
    /* A second key of the same module, open at the same time (its own libp11 context). */
    mc_pkcs11_key *k2 = NULL;
    assert_int_equal(open_uri(&k2, &e, "token=release;object=release-384", uri_tail), MC_OK);
    sign_and_verify(k, EVP_sha256(), "p256");
    sign_and_verify(k2, EVP_sha384(), "p384-2");
    { /* A wrong PIN for a token a key of this process is logged in to. */
        char t[1200];
        snprintf(t, sizeof t, "?module-path=%s&pin-value=9999", MC_SOFTHSM2_MODULE);
        mc_pkcs11_key *k3 = NULL;
        int r3 = open_uri(&k3, &e, "token=release;object=model-signing", t);
        /* The token is logged in already (logins belong to the process): the PIN is still
         * checked. */
        assert_int_equal(r3, MC_EINPUT);
        assert_non_null(strstr(e.message, "wrong PIN"));
        assert_null(k3);
    }
    mc_pkcs11_key_free(k2);
    sign_and_verify(k, EVP_sha256(), "p256-again");
    mc_pkcs11_key_free(k);
}

/* P-384 by id alone (percent-encoded bytes), module and PIN from the environment. */
static void test_sign_p384_env(void **state)
{
    (void)state;
    mc_pkcs11_key *k = NULL;
    mc_error e;
    setenv("MODELCERT_PKCS11_MODULE", MC_SOFTHSM2_MODULE, 1);
    setenv("MODELCERT_PKCS11_PIN", "4321", 1);
    assert_int_equal(open_uri(&k, &e, "token=release;id=%a0%FF;type=private", ""), MC_OK);
    unsetenv("MODELCERT_PKCS11_MODULE");
    unsetenv("MODELCERT_PKCS11_PIN");
    sign_and_verify(k, EVP_sha384(), "p384");
    mc_pkcs11_key_free(k);
}

/* A failure: code, and a message holding want. */
static void expect(const char *path_part, const char *tail, mc_code code, const char *want)
{
    mc_pkcs11_key *k = NULL;
    mc_error e;
    int rc = open_uri(&k, &e, path_part, tail);
    if (rc != (int)code || !strstr(e.message, want))
        fail_msg("pkcs11:%s%s: got %d '%s', want %d '%s'", path_part, tail, rc, e.message, code,
                 want);
    assert_null(k);
}

static void test_token_errors(void **state)
{
    (void)state;
    char tail[1200];
    snprintf(tail, sizeof tail, "?module-path=%s&pin-source=file:%s/wrong-pin", MC_SOFTHSM2_MODULE,
             dir);
    expect("token=release;object=model-signing", tail, MC_EINPUT, "wrong PIN for PKCS #11 token "
                                                                  "'release'");
    snprintf(tail, sizeof tail, "?module-path=%s", MC_SOFTHSM2_MODULE);
    expect("token=release;object=model-signing", tail, MC_EINPUT, "needs a PIN");
    snprintf(tail, sizeof tail, "?module-path=%s&pin-source=file:%s/no-such-pin", MC_SOFTHSM2_MODULE,
             dir);
    expect("token=release;object=model-signing", tail, MC_ENOTFOUND, "no-such-pin");
    expect("token=release;object=no-such-key", uri_tail, MC_ENOTFOUND,
           "has no private key matching pkcs11:token=release;object=no-such-key (it has:");
    /* A message quotes the path part of the URI, never its query (a pin-value). */
    snprintf(tail, sizeof tail, "?module-path=%s&pin-value=4321", MC_SOFTHSM2_MODULE);
    mc_pkcs11_key *k = NULL;
    mc_error e;
    assert_int_equal(open_uri(&k, &e, "token=nope;object=model-signing", tail), MC_ENOTFOUND);
    assert_null(strstr(e.message, "4321"));
    assert_null(strstr(e.message, "pin-value"));
    expect("token=release;object=model-signing;id=%02", uri_tail, MC_ENOTFOUND,
           "'model-signing' (id 01)");
    expect("token=no-such-token;object=model-signing", uri_tail, MC_ENOTFOUND,
           "no PKCS #11 token matches");
    expect("object=model-signing", uri_tail, MC_EINPUT, "2 PKCS #11 tokens match");
    expect("token=release;object=legacy-rsa", uri_tail, MC_EINPUT, "is not an EC key");
    snprintf(tail, sizeof tail, "?module-path=%s/no-such-module.so", dir);
    expect("token=release;object=model-signing", tail, MC_ENOTFOUND, "no-such-module.so");
    snprintf(tail, sizeof tail, "?module-path=%s/not-a-module.so", dir);
    expect("token=release;object=model-signing", tail, MC_EINPUT,
           "cannot load PKCS #11 module");
    expect("token=release;object=model-signing", "", MC_EINPUT, "no PKCS #11 module");
}

static void test_hostile_uris(void **state)
{
    (void)state;
    static const struct {
        const char *path, *tail, *want;
    } cases[] = {
        {"token=a;object=%zz", "", "bad percent escape at column 23"},
        {"token=a;object=%4", "", "bad percent escape"},
        {"token=a;object=k%", "", "bad percent escape"},
        {"token=a;colour=blue;object=k", "", "unknown path attribute 'colour' at column 16"},
        {"token=a;object=k", "?x-vendor=1", "unknown query attribute 'x-vendor'"},
        {"token=a;object=k", "?pin-source=/a&pin-value=1", "pin-source and pin-value"},
        {"token=a;token=b;object=k", "", "'token' given twice"},
        {"token=a b;object=k", "", "byte 0x20 at column 15 must be percent-encoded"},
        {"token=a/b;object=k", "", "'/' at column 15"},
        {"token=a;object=k#frag", "", "'#' at column 24"},
        {"token=a;;object=k", "", "empty path attribute"},
        {"token;object=k", "", "has no '='"},
        {"token=a;object=k%00x", "", "%00 in 'object'"},
        {"token=a;object=k;type=public", "", "type=private"},
        {"token=a;object=k;slot-id=12x", "", "not a 32-bit number"},
        {"token=a;object=k;slot-id=99999999999", "", "not a 32-bit number"},
        {"token=a", "", "neither object= nor id="},
        {"token=a;object=k", "?module-path=lib/softhsm.so", "not an absolute path"},
        {"token=a;object=k", "?module-name=softhsm2", "module-name is not supported"},
        {"token=a;object=k;library-version=1", "", "library-version is not supported"},
        {"token=012345678901234567890123456789012;object=k", "", "over its limit of 32"},
        {"token=a;object=k", "?pin-source=https://example.com/pin&module-path=/x",
         "only file: is supported"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect(cases[i].path, cases[i].tail, MC_EINPUT, cases[i].want);

    /* Overlong, not a pkcs11: URI at all, NULL. */
    size_t n = MC_PKCS11_URI_MAX + 100;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memcpy(big, "pkcs11:object=", 14);
    memset(big + 14, 'a', n - 14);
    big[n] = '\0';
    mc_pkcs11_key *k = NULL;
    assert_int_equal(mc_pkcs11_key_open(&k, big), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "over the limit of 4096"));
    free(big);
    assert_int_equal(mc_pkcs11_key_open(&k, "file:key.pem"), MC_EINPUT);
    assert_int_equal(mc_pkcs11_key_open(&k, NULL), MC_EINPUT);
    assert_null(k);
    mc_pkcs11_key_free(NULL);
}

/* 20000 random URIs over the characters that matter (a fixed seed): none crashes or opens
 * a key (no module is named), and each error has a message. */
static void test_random_uris(void **state)
{
    (void)state;
    static const char alphabet[] = "pkcs11:;?&=%#/ aAfF09zZ-_.~tokenobjidpinsource\x01\xff";
    uint64_t seed = 12;
    char uri[600];
    for (int i = 0; i < 20000; i++) {
        size_t n = 7;
        memcpy(uri, "pkcs11:", 7);
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t len = (size_t)(seed >> 33) % 120;
        for (size_t j = 0; j < len; j++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uri[n++] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
        }
        uri[n] = '\0';
        mc_pkcs11_key *k = NULL;
        mc_error_clear();
        int rc = mc_pkcs11_key_open(&k, uri);
        const mc_error *e = mc_error_last();
        if (rc == MC_OK || !e->message[0])
            fail_msg("%s: rc %d, message '%s'", uri, rc, e->message);
        assert_null(k);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_p256),
        cmocka_unit_test(test_sign_p384_env),
        cmocka_unit_test(test_token_errors),
        cmocka_unit_test(test_hostile_uris),
        cmocka_unit_test(test_random_uris),
    };
    return cmocka_run_group_tests(tests, make_token, remove_token);
}
