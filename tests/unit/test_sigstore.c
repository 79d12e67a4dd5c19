/* Sigstore verification's building blocks, offline: the trusted root (protobuf-specs
 * TrustedRoot) as built in and as hostile input (each field mistyped, missing, over its
 * bound and at it), and RFC 3339 times. Expected times and log ids come from python3's
 * datetime and hashlib (computed when the test was written), not from modelcert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/sha.h>
#include <openssl/ts.h>

#include "mc_error.h"
#include "mc_fulcio.h"
#include "mc_merkle.h"
#include "mc_rekor.h"
#include "mc_sct.h"
#include "mc_trusted_root.h"
#include "mc_tsa.h"
#include "sigstore_world.h"

extern const unsigned char mc_sigstore_public_good_root[];
extern const size_t mc_sigstore_public_good_root_len;

static void test_rfc3339(void **state)
{
    (void)state;
    int64_t t = -1;
    assert_int_equal(mc_rfc3339_parse(&t, "1970-01-01T00:00:00Z"), MC_OK);
    assert_int_equal(t, 0);
    assert_int_equal(mc_rfc3339_parse(&t, "2021-03-07T03:20:29Z"), MC_OK);
    assert_int_equal(t, 1615087229);
    assert_int_equal(mc_rfc3339_parse(&t, "2022-12-31T23:59:59.999Z"), MC_OK);
    assert_int_equal(t, 1672531199);
    assert_int_equal(mc_rfc3339_parse(&t, "2000-02-29T12:00:00+01:30"), MC_OK);
    assert_int_equal(t, 951820200);
    assert_int_equal(mc_rfc3339_parse(&t, "2022-12-31T23:59:59.123456789Z"), MC_OK);
    const char *bad[] = {"", "2021-03-07", "2021-03-07T03:20:29", "2021-02-29T00:00:00Z",
                         "2021-13-01T00:00:00Z", "2021-03-07T24:00:00Z", "2021-03-07T03:20:29.Z",
                         "2021-03-07T03:20:29.1234567890Z", "2021-03-07T03:20:29Zjunk",
                         "2021-03-07 03:20:29Z", "+021-03-07T03:20:29Z", "2021-03-07T03:20:29+1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(mc_rfc3339_parse(&t, bad[i]), MC_EINPUT);
        assert_non_null(strstr(mc_error_last()->message, "RFC 3339") ? "" :
                        strstr(mc_error_last()->message, "fraction") ? "" :
                        strstr(mc_error_last()->message, "time zone"));
    }
}

static void test_default_root(void **state)
{
    (void)state;
    mc_trusted_root *tr = NULL;
    assert_int_equal(mc_trusted_root_default(&tr), MC_OK);
    assert_int_equal(tr->n_cas, 2);
    assert_int_equal(tr->n_tlogs, 2);
    assert_int_equal(tr->n_ctlogs, 2);
    assert_int_equal(tr->n_tsas, 1);
    assert_int_equal(tr->cas[0].valid.start, 1615087229);
    assert_int_equal(tr->cas[0].valid.end, 1672531199);
    assert_int_equal(tr->cas[1].valid.start, 1649880375);
    assert_true(tr->cas[1].valid.end == INT64_MAX);
    assert_int_equal(sk_X509_num(tr->cas[0].chain), 1);
    assert_int_equal(sk_X509_num(tr->cas[1].chain), 2);
    assert_string_equal(tr->cas[1].uri, "https://fulcio.sigstore.dev");
    assert_string_equal(tr->cas[1].subject, "sigstore.dev/sigstore");
    assert_int_equal(tr->tlogs[0].valid.start, 1610452407);
    assert_int_equal(tr->tlogs[1].valid.start, 1758585600);
    assert_int_equal(tr->ctlogs[0].valid.start, 1615680000);
    assert_int_equal(tr->ctlogs[0].valid.end, 1667260799);
    assert_int_equal(tr->ctlogs[1].valid.start, 1666224000);
    assert_int_equal(tr->tsas[0].valid.start, 1751587200);
    /* Rekor v1's and the CT logs' ids are the SHA-256 of their keys' DER. */
    const mc_tr_log *logs[] = {&tr->tlogs[0], &tr->ctlogs[0], &tr->ctlogs[1]};
    for (size_t i = 0; i < 3; i++) {
        unsigned char md[32];
        SHA256(logs[i]->key_der, logs[i]->key_der_len, md);
        assert_int_equal(logs[i]->log_id_len, 32);
        assert_memory_equal(md, logs[i]->log_id, 32);
        assert_ptr_equal(i == 0 ? mc_tr_log_find(tr->tlogs, tr->n_tlogs, md, 32)
                                : mc_tr_log_find(tr->ctlogs, tr->n_ctlogs, md, 32), logs[i]);
    }
    assert_null(mc_tr_log_find(tr->tlogs, tr->n_tlogs, (const unsigned char *)"x", 1));
    assert_true(mc_tr_window_has(&tr->cas[0].valid, 1615087229));
    assert_true(mc_tr_window_has(&tr->cas[0].valid, 1672531199));
    assert_false(mc_tr_window_has(&tr->cas[0].valid, 1615087228));
    assert_false(mc_tr_window_has(&tr->cas[0].valid, 1672531200));
    mc_trusted_root_free(tr);
}

/* The built-in root as a jansson document, to break one way. */
static json_t *root_doc(void)
{
    json_t *j = json_loadb((const char *)mc_sigstore_public_good_root,
                           mc_sigstore_public_good_root_len, 0, NULL);
    assert_non_null(j);
    return j;
}

/* Parses doc (taken over); returns the code and leaves the message in mc_error_last. */
static int parse_doc(json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    assert_non_null(text);
    mc_trusted_root *tr = NULL;
    int rc = mc_trusted_root_parse(&tr, text, strlen(text));
    if (rc == MC_OK)
        mc_trusted_root_free(tr);
    free(text);
    return rc;
}

static void expect_refused(json_t *doc, const char *msg)
{
    assert_int_equal(parse_doc(doc), MC_EINPUT);
    if (!strstr(mc_error_last()->message, msg))
        fail_msg("'%s' not in '%s'", msg, mc_error_last()->message);
}

#define CA0(d) json_array_get(json_object_get((d), "certificateAuthorities"), 0)
#define CT0(d) json_array_get(json_object_get((d), "ctlogs"), 0)

static void test_root_mapping(void **state)
{
    (void)state;
    json_t *d = root_doc();
    /* proto names, nulls and unknown fields */
    json_t *cas = json_incref(json_object_get(d, "certificateAuthorities"));
    json_object_del(d, "certificateAuthorities");
    json_object_set_new(d, "certificate_authorities", cas);
    json_object_set_new(d, "futureField", json_pack("{s:i}", "x", 1));
    json_object_set_new(CT0(d), "checkpointKeyId", json_null());
    json_object_set_new(json_object_get(CT0(d), "publicKey"), "futureKeyField", json_true());
    assert_int_equal(parse_doc(d), MC_OK);
    d = root_doc();
    json_object_set_new(d, "timestampAuthorities", json_null());
    json_object_set_new(d, "ctlogs", json_array());
    assert_int_equal(parse_doc(d), MC_OK);
    d = root_doc();
    json_object_set_new(d, "certificate_authorities", json_array());
    expect_refused(d, "both certificateAuthorities and certificate_authorities are given");
}

static void test_root_hostile(void **state)
{
    (void)state;
    json_t *d = root_doc();
    json_object_set_new(d, "mediaType", json_string("application/json"));
    expect_refused(d, "trusted root: mediaType 'application/json' is not");
    d = root_doc();
    json_object_set_new(d, "tlogs", json_object());
    expect_refused(d, "trusted root: tlogs must be an array");
    d = root_doc();
    json_object_set_new(json_object_get(CT0(d), "publicKey"), "rawBytes", json_string("@@"));
    expect_refused(d, "trusted root: ctlogs[0]: rawBytes: base64");
    d = root_doc();
    json_object_set_new(json_object_get(CT0(d), "publicKey"), "rawBytes", json_string("AAAA"));
    expect_refused(d, "trusted root: ctlogs[0]: publicKey.rawBytes is not a DER public key");
    d = root_doc();
    json_object_del(json_object_get(json_object_get(CT0(d), "publicKey"), "validFor"), "start");
    expect_refused(d, "trusted root: ctlogs[0]: validFor.start is required");
    d = root_doc();
    json_object_set_new(json_object_get(CA0(d), "validFor"), "end",
                        json_string("2020-01-01T00:00:00Z"));
    expect_refused(d, "certificateAuthorities[0]: validFor ends before it starts");
    d = root_doc(); /* a window of one second: start == end is fine */
    json_object_set_new(json_object_get(CA0(d), "validFor"), "end",
                        json_string("2021-03-07T03:20:29Z"));
    assert_int_equal(parse_doc(d), MC_OK);
    d = root_doc();
    json_object_set_new(json_object_get(CA0(d), "validFor"), "start", json_string("yesterday"));
    expect_refused(d, "certificateAuthorities[0]: validFor.start: 'yesterday' is not");
    d = root_doc();
    json_t *c0 = json_array_get(json_object_get(json_object_get(CA0(d), "certChain"),
                                                "certificates"), 0);
    json_object_set_new(c0, "rawBytes", json_string("AAAA"));
    expect_refused(d, "certificateAuthorities[0].certChain.certificates[0]: not a DER "
                      "certificate");
    d = root_doc();
    json_object_del(CT0(d), "logId");
    expect_refused(d, "trusted root: ctlogs[0]: publicKey and logId are required");
    d = root_doc();
    json_object_set_new(json_object_get(CA0(d), "certChain"), "certificates", json_array());
    expect_refused(d, "certificateAuthorities[0]: certChain.certificates must hold 1 to 10");
    /* chain of 10 (at the bound) and 11 */
    for (int n = 10; n <= 11; n++) {
        d = root_doc();
        json_t *certs = json_object_get(json_object_get(CA0(d), "certChain"), "certificates");
        json_t *one = json_array_get(certs, 0);
        while ((int)json_array_size(certs) < n)
            json_array_append(certs, one);
        if (n == 10)
            assert_int_equal(parse_doc(d), MC_OK);
        else
            expect_refused(d, "must hold 1 to 10 certificates");
    }
    /* 64 CT logs (at the bound) and 65 */
    for (int n = 64; n <= 65; n++) {
        d = root_doc();
        json_t *ct = json_object_get(d, "ctlogs");
        json_t *one = json_array_get(ct, 0);
        while ((int)json_array_size(ct) < n)
            json_array_append(ct, one);
        if (n == 64)
            assert_int_equal(parse_doc(d), MC_OK);
        else
            expect_refused(d, "trusted root: ctlogs holds 65 entries (at most 64)");
    }
    mc_trusted_root *tr = NULL;
    assert_int_equal(mc_trusted_root_parse(&tr, "[1]", 3), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "trusted root: not a JSON object"));
    assert_int_equal(mc_trusted_root_parse(&tr, "{\"a\":1,\"a\":2}", 13), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "trusted root: duplicate"));
    /* size: at the limit (whitespace padding) read, one byte over refused */
    size_t n = MC_TRUSTED_ROOT_MAX;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, ' ', n + 1);
    memcpy(big, mc_sigstore_public_good_root, mc_sigstore_public_good_root_len);
    assert_int_equal(mc_trusted_root_parse(&tr, big, n), MC_OK);
    mc_trusted_root_free(tr);
    assert_int_equal(mc_trusted_root_parse(&tr, big, n + 1), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "trusted root: over 4194304 bytes"));
    free(big);
}

/* ---- Fulcio --------------------------------------------------------------------------- */

#define ISSUER "https://oidc.test"
#define WHO "signer@example.com"

typedef struct fulcio_world {
    time_t t0;
    EVP_PKEY *root_key, *int_key, *leaf_key, *ct_key;
    X509 *root, *inter;
    mc_trusted_root *tr;
} fulcio_world;

static fulcio_world *fw_new(long ca_window_start, long ca_window_end)
{
    fulcio_world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    w->t0 = time(NULL);
    w->root_key = world_key();
    w->int_key = world_key();
    w->leaf_key = world_key();
    w->ct_key = world_key();
    world_cert_spec rs = {.cn = "test-root", .ca = 1, .not_before = -86400 * 30,
                          .not_after = 86400L * 3650};
    world_cert_spec is = {.cn = "test-intermediate", .ca = 1, .not_before = -86400 * 30,
                          .not_after = 86400L * 3650, .eku = "codeSigning"};
    w->root = world_cert(w->root_key, NULL, NULL, &rs, w->t0);
    w->inter = world_cert(w->int_key, w->root, w->root_key, &is, w->t0);
    X509 *chain[] = {w->inter, w->root};
    json_t *cas = json_pack("[o]", world_ca_json(chain, 2, w->t0 + ca_window_start,
                                                 ca_window_end ? w->t0 + ca_window_end : 0));
    json_t *ct = json_pack("[o]", world_log_json(w->ct_key, w->t0 - 86400, 0, "https://ct.test"));
    w->tr = world_root(cas, json_array(), ct);
    return w;
}

static void fw_free(fulcio_world *w)
{
    mc_trusted_root_free(w->tr);
    X509_free(w->root);
    X509_free(w->inter);
    EVP_PKEY_free(w->root_key);
    EVP_PKEY_free(w->int_key);
    EVP_PKEY_free(w->leaf_key);
    EVP_PKEY_free(w->ct_key);
    free(w);
}

/* A leaf as Fulcio issues it (ten minutes, codeSigning, the SAN and the v2 issuer). */
static world_cert_spec fw_leaf_spec(void)
{
    world_cert_spec s = {.not_before = -60, .not_after = 540, .san = "email:" WHO,
                         .iss_v2 = ISSUER, .eku = "codeSigning"};
    return s;
}

/* Verifies a leaf made from spec at t0 + dt with policy; checks the result. */
static void fw_check(fulcio_world *w, const world_cert_spec *spec, long dt,
                     const mc_sigstore_policy *p, const char *want)
{
    X509 *leaf = world_cert(w->leaf_key, w->inter, w->int_key, spec, w->t0);
    int rc = mc_fulcio_verify(leaf, w->tr, (int64_t)w->t0 + dt, p);
    X509_free(leaf);
    if (!want) {
        if (rc != MC_OK)
            fail_msg("refused: %s", mc_error_last()->message);
        return;
    }
    assert_int_equal(rc, MC_EINPUT);
    if (!strstr(mc_error_last()->message, want))
        fail_msg("'%s' not in '%s'", want, mc_error_last()->message);
}

static void test_fulcio(void **state)
{
    (void)state;
    fulcio_world *w = fw_new(-86400, 0);
    mc_sigstore_policy p = {.identity = WHO, .issuer = ISSUER};
    world_cert_spec s = fw_leaf_spec();
    fw_check(w, &s, 0, &p, NULL);
    /* the leaf's window, at its edges: valid from t0-60 to t0+540 */
    fw_check(w, &s, -60, &p, NULL);
    fw_check(w, &s, 540, &p, NULL);
    fw_check(w, &s, -61, &p, "was not valid at the signing time");
    fw_check(w, &s, 541, &p, "was not valid at the signing time");
    /* identity: exact, regular expression, username and URI SANs, none */
    mc_sigstore_policy other = {.identity = "mallory@example.com", .issuer = ISSUER};
    fw_check(w, &s, 0, &other, "identity (" WHO ") is not the expected 'mallory@example.com'");
    mc_sigstore_policy re = {.identity_regexp = "^signer@example\\.com$", .issuer = ISSUER};
    fw_check(w, &s, 0, &re, NULL);
    mc_sigstore_policy re_no = {.identity_regexp = "^signer@example\\.org$", .issuer = ISSUER};
    fw_check(w, &s, 0, &re_no, "not matched by the regular expression");
    mc_sigstore_policy re_bad = {.identity_regexp = "(", .issuer = ISSUER};
    fw_check(w, &s, 0, &re_bad, "--certificate-identity-regexp:");
    world_cert_spec uri = s;
    uri.san = "URI:https://github.com/org/repo/.github/workflows/sign.yml@refs/heads/main";
    mc_sigstore_policy pu = {.identity = uri.san + 4, .issuer = ISSUER};
    fw_check(w, &uri, 0, &pu, NULL);
    world_cert_spec user = s;
    user.san = "otherName:1.3.6.1.4.1.57264.1.7;UTF8:someone";
    mc_sigstore_policy pn = {.identity = "someone", .issuer = ISSUER};
    fw_check(w, &user, 0, &pn, NULL);
    world_cert_spec nosan = s;
    nosan.san = NULL;
    fw_check(w, &nosan, 0, &p, "names no identity");
    /* issuer: v2, v1 only, none, another */
    world_cert_spec v1 = s;
    v1.iss_v2 = NULL;
    v1.iss_v1 = ISSUER;
    fw_check(w, &v1, 0, &p, NULL);
    world_cert_spec noiss = s;
    noiss.iss_v2 = NULL;
    fw_check(w, &noiss, 0, &p, "names no OIDC issuer");
    mc_sigstore_policy pi = {.identity = WHO, .issuer = "https://accounts.example"};
    fw_check(w, &s, 0, &pi, "OIDC issuer 'https://oidc.test' is not the expected "
                            "'https://accounts.example'");
    world_cert_spec v2v1 = s; /* v2 wins over v1 */
    v2v1.iss_v1 = "https://accounts.example";
    fw_check(w, &v2v1, 0, &p, NULL);
    /* use: no codeSigning */
    world_cert_spec noeku = s;
    noeku.eku = "emailProtection";
    fw_check(w, &noeku, 0, &p, "may not sign code");
    /* policy */
    mc_sigstore_policy none = {.issuer = ISSUER};
    fw_check(w, &s, 0, &none, "needs the expected OIDC issuer and either the identity");
    fw_free(w);

    /* the CA's window in the trusted root: it must hold the signing time */
    w = fw_new(60, 0);
    fw_check(w, &s, 0, &p, "no certificate authority of the trusted root is valid at the "
                           "signing time");
    fw_check(w, &s, 60, &p, NULL); /* at the window's start */
    fw_free(w);
    w = fw_new(-86400, -1);
    fw_check(w, &s, 0, &p, "no certificate authority of the trusted root is valid");
    fw_free(w);

    /* a leaf from a CA that is not in the trusted root */
    w = fw_new(-86400, 0);
    EVP_PKEY *rogue_key = world_key();
    world_cert_spec rs = {.cn = "test-intermediate", .ca = 1, .not_before = -86400,
                          .not_after = 86400};
    X509 *rogue = world_cert(rogue_key, NULL, NULL, &rs, w->t0);
    X509 *leaf = world_cert(w->leaf_key, rogue, rogue_key, &s, w->t0);
    assert_int_equal(mc_fulcio_verify(leaf, w->tr, (int64_t)w->t0, &p), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "does not chain to a certificate "
                                                     "authority of the trusted root"));
    X509_free(leaf);
    X509_free(rogue);
    /* an intermediate that had expired at the signing time (the root's window holds it) */
    world_cert_spec old = {.cn = "old-intermediate", .ca = 1, .not_before = -86400,
                           .not_after = -1, .eku = "codeSigning"};
    X509 *oldint = world_cert(rogue_key, w->root, w->root_key, &old, w->t0);
    X509 *chain[] = {oldint, w->root};
    mc_trusted_root *tr = world_root(json_pack("[o]", world_ca_json(chain, 2, w->t0 - 86400, 0)),
                                     json_array(), json_array());
    leaf = world_cert(w->leaf_key, oldint, rogue_key, &s, w->t0);
    assert_int_equal(mc_fulcio_verify(leaf, tr, (int64_t)w->t0, &p), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "does not chain to a certificate "
                                                     "authority of the trusted root valid at"));
    assert_int_equal(mc_fulcio_verify(leaf, tr, (int64_t)w->t0 - 1, &p), MC_OK);
    X509_free(leaf);
    X509_free(oldint);
    mc_trusted_root_free(tr);
    EVP_PKEY_free(rogue_key);
    fw_free(w);
}

/* ---- SCTs -------------------------------------------------------------------------------- */

/* A Fulcio leaf with an SCT from key dated t0 + dt seconds (log id: key's, or id). */
static X509 *sct_leaf(fulcio_world *w, EVP_PKEY *key, long dt, const unsigned char *id)
{
    world_cert_spec s = fw_leaf_spec();
    X509 *leaf = world_cert(w->leaf_key, w->inter, w->int_key, &s, w->t0);
    world_add_sct(leaf, w->inter, w->int_key, key, (uint64_t)(w->t0 + dt) * 1000, id);
    return leaf;
}

static void sct_refused(int rc, const char *want)
{
    assert_int_equal(rc, MC_EINPUT);
    if (!strstr(mc_error_last()->message, want))
        fail_msg("'%s' not in '%s'", want, mc_error_last()->message);
}

static void test_sct(void **state)
{
    (void)state;
    fulcio_world *w = fw_new(-86400, 0);
    int n = 0;
    X509 *leaf = sct_leaf(w, w->ct_key, 0, NULL);
    assert_int_equal(mc_sct_verify(&n, leaf, w->inter, w->tr), MC_OK);
    assert_int_equal(n, 1);
    /* OpenSSL's own view of the list agrees: one v1 precert SCT */
    STACK_OF(SCT) *l = X509_get_ext_d2i(leaf, NID_ct_precert_scts, NULL, NULL);
    assert_non_null(l);
    assert_int_equal(sk_SCT_num(l), 1);
    assert_int_equal(SCT_get_log_entry_type(sk_SCT_value(l, 0)), CT_LOG_ENTRY_TYPE_PRECERT);
    SCT_LIST_free(l);
    /* the certificate changed after the log signed (another SAN, re-signed by the CA) */
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    GENERAL_NAME *g = GENERAL_NAME_new();
    ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();
    assert_true(gens && g && ia5 && ASN1_STRING_set(ia5, "mallory@example.com", -1));
    GENERAL_NAME_set0_value(g, GEN_EMAIL, ia5);
    sk_GENERAL_NAME_push(gens, g);
    assert_int_equal(X509_add1_ext_i2d(leaf, NID_subject_alt_name, gens, 0, X509V3_ADD_REPLACE),
                     1);
    GENERAL_NAMES_free(gens);
    assert_true(X509_sign(leaf, w->int_key, EVP_sha256()) > 0);
    sct_refused(mc_sct_verify(&n, leaf, w->inter, w->tr), "does not verify over this "
                                                           "certificate");
    X509_free(leaf);
    /* another issuer key hash: the SCT checked as if another CA had issued the leaf */
    leaf = sct_leaf(w, w->ct_key, 0, NULL);
    sct_refused(mc_sct_verify(&n, leaf, w->root, w->tr), "does not verify");
    X509_free(leaf);
    /* a log that is not in the trusted root */
    EVP_PKEY *rogue = world_key();
    leaf = sct_leaf(w, rogue, 0, NULL);
    sct_refused(mc_sct_verify(&n, leaf, w->inter, w->tr), "no SCT is from a CT log of the "
                                                          "trusted root");
    X509_free(leaf);
    /* a rogue key claiming the trusted log's id */
    unsigned char *der = NULL, id[32];
    int dl = i2d_PUBKEY(w->ct_key, &der);
    EVP_Digest(der, (size_t)dl, id, NULL, EVP_sha256(), NULL);
    OPENSSL_free(der);
    leaf = sct_leaf(w, rogue, 0, id);
    sct_refused(mc_sct_verify(&n, leaf, w->inter, w->tr), "does not verify over this "
                                                          "certificate");
    X509_free(leaf);
    EVP_PKEY_free(rogue);
    /* dated before the log's key window (t0 - 86400), and at its start */
    leaf = sct_leaf(w, w->ct_key, -86401, NULL);
    sct_refused(mc_sct_verify(&n, leaf, w->inter, w->tr), "outside its key's window");
    X509_free(leaf);
    leaf = sct_leaf(w, w->ct_key, -86400, NULL);
    assert_int_equal(mc_sct_verify(&n, leaf, w->inter, w->tr), MC_OK);
    X509_free(leaf);
    /* no SCT at all */
    world_cert_spec s = fw_leaf_spec();
    leaf = world_cert(w->leaf_key, w->inter, w->int_key, &s, w->t0);
    sct_refused(mc_sct_verify(&n, leaf, w->inter, w->tr), "carries no SCT");
    X509_free(leaf);
    fw_free(w);
}

/* ---- model_signing's Sigstore goldens: real Fulcio certificates and SCTs ------------------ */

static json_t *golden_bundle(const char *version)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/model_signing/%s-sigstore/model.sig",
             MC_SOURCE_DIR, version);
    json_t *b = json_load_file(path, 0, NULL);
    assert_non_null(b);
    return b;
}

#define TLOG0(b) json_array_get(json_object_get(json_object_get((b), "verificationMaterial"), \
                                                "tlogEntries"), 0)

/* Verifies tlog entry 0 of bundle b (changed by the caller) for leaf; the result. */
static int golden_rekor(json_t *b, X509 *leaf, const mc_trusted_root *tr, mc_rekor_result *r)
{
    return mc_rekor_verify(r, TLOG0(b), json_object_get(b, "dsseEnvelope"), leaf, tr, NULL);
}

static void golden_rekor_refused(const char *version, X509 *leaf, const mc_trusted_root *tr,
                                 const char *key, const char *sub, const char *value,
                                 const char *want)
{
    json_t *b = golden_bundle(version);
    json_t *obj = sub ? json_object_get(TLOG0(b), sub) : TLOG0(b);
    mc_rekor_result r;
    if (strcmp(key, "hashes") == 0) /* the first proof hash replaced */
        json_array_set_new(json_object_get(obj, "hashes"), 0, json_string(value));
    else if (value)
        json_object_set_new(obj, key, json_string(value));
    else
        json_object_del(obj, key);
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_EINPUT);
    if (!strstr(mc_error_last()->message, want))
        fail_msg("%s: '%s' not in '%s'", version, want, mc_error_last()->message);
    json_decref(b);
}

/* The leaf and integratedTime of tests/fixtures/model_signing/VERSION-sigstore/model.sig. */
static X509 *golden_leaf(int64_t *t, const char *version)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/model_signing/%s-sigstore/model.sig",
             MC_SOURCE_DIR, version);
    json_t *b = json_load_file(path, 0, NULL);
    assert_non_null(b);
    json_t *vm = json_object_get(b, "verificationMaterial");
    const char *raw = json_string_value(json_object_get(json_object_get(vm, "certificate"),
                                                        "rawBytes"));
    const char *it = json_string_value(json_object_get(
        json_array_get(json_object_get(vm, "tlogEntries"), 0), "integratedTime"));
    assert_true(raw && it);
    *t = strtoll(it, NULL, 10);
    unsigned char *der = NULL;
    size_t n = 0;
    assert_int_equal(mc_base64_decode(&der, &n, raw, 65536), MC_OK);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)n);
    assert_non_null(x);
    free(der);
    json_decref(b);
    return x;
}

/* Against the built-in public-good root, at the time Rekor recorded (not yet verified here:
 * the times are the bundles'), as sigstore-python verified them for model_signing. */
static void test_goldens(void **state)
{
    (void)state;
    const char *versions[] = {"v0.3.1", "v1.0.0", "v1.0.1", "v1.1.0"};
    mc_trusted_root *tr = NULL;
    assert_int_equal(mc_trusted_root_default(&tr), MC_OK);
    mc_sigstore_policy p = {.identity = "stefanb@us.ibm.com",
                            .issuer = "https://sigstore.verify.ibm.com/oauth2"};
    mc_sigstore_policy wrong = {.identity = "stefanb@us.ibm.com",
                                .issuer = "https://accounts.google.com"};
    X509 *fulcio_int = sk_X509_value(tr->cas[1].chain, 0);
    for (size_t i = 0; i < 4; i++) {
        int64_t t = 0;
        int n = 0;
        X509 *leaf = golden_leaf(&t, versions[i]);
        if (mc_fulcio_verify(leaf, tr, t, &p) != MC_OK)
            fail_msg("%s: %s", versions[i], mc_error_last()->message);
        assert_int_equal(mc_sct_verify(&n, leaf, fulcio_int, tr), MC_OK);
        assert_int_equal(n, 1);
        assert_int_equal(mc_fulcio_verify(leaf, tr, t, &wrong), MC_EINPUT);
        assert_int_equal(mc_fulcio_verify(leaf, tr, t + 3600, &p), MC_EINPUT);
        assert_non_null(strstr(mc_error_last()->message, "was not valid at the signing time"));
        assert_int_equal(mc_sct_verify(&n, leaf, sk_X509_value(tr->cas[1].chain, 1), tr),
                         MC_EINPUT); /* the root's key hash is not the issuer's */
        /* Rekor: body, inclusion proof to a signed checkpoint, promise, times */
        json_t *b = golden_bundle(versions[i]);
        mc_rekor_result r = {0};
        if (golden_rekor(b, leaf, tr, &r) != MC_OK)
            fail_msg("%s: %s", versions[i], mc_error_last()->message);
        assert_int_equal(r.integrated_time, t);
        assert_true(r.proof && r.promise);
        json_decref(b);
        const char *v = versions[i], *zero = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        golden_rekor_refused(v, leaf, tr, "hashes", "inclusionProof", zero,
                             "the inclusion proof does not lead from the entry");
        golden_rekor_refused(v, leaf, tr, "rootHash", "inclusionProof", zero,
                             "the inclusion proof does not lead from the entry");
        golden_rekor_refused(v, leaf, tr, "signedEntryTimestamp", "inclusionPromise",
                             "MEUCIQD/////////////////////////////////////////AiAAAAAAAAAAAAAAAAAA"
                             "AAAAAAAAAAAAAAAAAAAAAAAAAA==",
                             "inclusion promise (SET) is not the log's signature");
        golden_rekor_refused(v, leaf, tr, "integratedTime", NULL, "1600000000",
                             "inclusion promise (SET) is not the log's signature");
        golden_rekor_refused(v, leaf, tr, "checkpoint", "inclusionProof", NULL,
                             "the inclusion proof has no checkpoint");
        golden_rekor_refused(v, leaf, tr, "canonicalizedBody", NULL, "e30=",
                             "the tlog entry's body is not a dsse 0.0.1 entry");
        X509_free(leaf);
    }
    mc_trusted_root_free(tr);
}

/* Each remaining link of a Rekor entry broken once on the v1.1.0 golden. */
static void test_rekor_links(void **state)
{
    (void)state;
    mc_trusted_root *tr = NULL;
    assert_int_equal(mc_trusted_root_default(&tr), MC_OK);
    int64_t t = 0, t2 = 0;
    X509 *leaf = golden_leaf(&t, "v1.1.0"), *other = golden_leaf(&t2, "v1.0.1");
    mc_rekor_result r;
    const char *v = "v1.1.0";
    golden_rekor_refused(v, leaf, tr, "keyId", "logId",
                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                         "is not a transparency log of the trusted root");
    json_t *b = golden_bundle(v);
    json_object_set_new(json_object_get(b, "dsseEnvelope"), "payload", json_string("e30="));
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "does not match the bundle: its payload "
                                                     "hash"));
    json_decref(b);
    b = golden_bundle(v);
    json_object_set_new(json_array_get(json_object_get(json_object_get(b, "dsseEnvelope"),
                                                       "signatures"), 0), "sig",
                        json_string("MEUCIQD/AiAA"));
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "another signature was logged"));
    json_decref(b);
    b = golden_bundle(v);
    assert_int_equal(golden_rekor(b, other, tr, &r), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "another certificate was logged"));
    /* neither proof nor promise */
    json_object_del(TLOG0(b), "inclusionProof");
    json_object_del(TLOG0(b), "inclusionPromise");
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "neither an inclusion proof nor an "
                                                     "inclusion promise"));
    json_decref(b);
    /* the proof alone verifies; then a time outside the certificate (the promise, which
       signs the time, removed) */
    b = golden_bundle(v);
    json_object_del(TLOG0(b), "inclusionPromise");
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_OK);
    assert_true(r.proof && !r.promise);
    json_object_set_new(TLOG0(b), "integratedTime", json_string("1760062940"));
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "outside the signing certificate's "
                                                     "validity"));
    json_decref(b);
    /* the promise alone verifies */
    b = golden_bundle(v);
    json_object_del(TLOG0(b), "inclusionProof");
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_OK);
    assert_true(!r.proof && r.promise);
    json_decref(b);
    /* the checkpoint: another tree size; a signature that is not the log's */
    b = golden_bundle(v);
    json_t *cp = json_object_get(json_object_get(TLOG0(b), "inclusionProof"), "checkpoint");
    char note[2048];
    snprintf(note, sizeof note, "%s", json_string_value(json_object_get(cp, "envelope")));
    char *nl = strchr(note, '\n');
    assert_non_null(nl);
    char orig = nl[1];
    nl[1] = orig == '9' ? '8' : '9';
    json_object_set_new(cp, "envelope", json_string(note));
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "the checkpoint's tree size"));
    nl[1] = orig; /* back */
    char *dash = strstr(note, "\xe2\x80\x94 ");
    assert_non_null(dash);
    char *sig = strchr(dash + 4, ' ') + 1;
    sig[10] = sig[10] == 'A' ? 'B' : 'A';
    json_object_set_new(cp, "envelope", json_string(note));
    assert_int_equal(golden_rekor(b, leaf, tr, &r), MC_EINPUT);
    if (!strstr(mc_error_last()->message, "the checkpoint is not signed by the log's key"))
        fail_msg("%s", mc_error_last()->message);
    json_decref(b);
    /* a trusted root whose Rekor key window starts after the entry */
    json_t *d = root_doc();
    json_object_set_new(json_object_get(json_object_get(json_array_get(
                            json_object_get(d, "tlogs"), 0), "publicKey"), "validFor"),
                        "start", json_string("2030-01-01T00:00:00Z"));
    char *text = json_dumps(d, JSON_COMPACT);
    mc_trusted_root *late = NULL;
    assert_int_equal(mc_trusted_root_parse(&late, text, strlen(text)), MC_OK);
    b = golden_bundle(v);
    assert_int_equal(golden_rekor(b, leaf, late, &r), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "outside its log key's window"));
    json_decref(b);
    json_decref(d);
    free(text);
    mc_trusted_root_free(late);
    X509_free(leaf);
    X509_free(other);
    mc_trusted_root_free(tr);
}

/* RFC 9162's inclusion proofs on a tree of 7 leaves built here: every index verifies with
 * its path, and a wrong index, size or sibling does not. */
static void test_merkle(void **state)
{
    (void)state;
    unsigned char lh[7][32], n01[32], n23[32], n45[32], n0123[32], n456[32], root[32];
    for (int i = 0; i < 7; i++) {
        unsigned char b[2] = {0, (unsigned char)i};
        EVP_Digest(b, 2, lh[i], NULL, EVP_sha256(), NULL);
    }
#define NODE(out, l, r)                                                                       \
    do {                                                                                      \
        unsigned char in[65] = {1};                                                           \
        memcpy(in + 1, l, 32);                                                                \
        memcpy(in + 33, r, 32);                                                               \
        EVP_Digest(in, 65, out, NULL, EVP_sha256(), NULL);                                    \
    } while (0)
    NODE(n01, lh[0], lh[1]);
    NODE(n23, lh[2], lh[3]);
    NODE(n45, lh[4], lh[5]);
    NODE(n0123, n01, n23);
    NODE(n456, n45, lh[6]);
    NODE(root, n0123, n456);
    unsigned char p3[3][32], p6[2][32];
    memcpy(p3[0], lh[2], 32);
    memcpy(p3[1], n01, 32);
    memcpy(p3[2], n456, 32);
    memcpy(p6[0], n45, 32);
    memcpy(p6[1], n0123, 32);
    assert_true(mc_merkle_inclusion_ok(lh[3], 3, 7, (const unsigned char(*)[32])p3, 3, root));
    assert_true(mc_merkle_inclusion_ok(lh[6], 6, 7, (const unsigned char(*)[32])p6, 2, root));
    assert_false(mc_merkle_inclusion_ok(lh[3], 2, 7, (const unsigned char(*)[32])p3, 3, root));
    assert_false(mc_merkle_inclusion_ok(lh[3], 3, 4, (const unsigned char(*)[32])p3, 3, root));
    assert_false(mc_merkle_inclusion_ok(lh[6], 7, 7, (const unsigned char(*)[32])p6, 2, root));
    assert_false(mc_merkle_inclusion_ok(lh[3], 3, 7, (const unsigned char(*)[32])p3, 2, root));
    p3[1][0] ^= 1;
    assert_false(mc_merkle_inclusion_ok(lh[3], 3, 7, (const unsigned char(*)[32])p3, 3, root));
}

/* RFC 3161 timestamps as hostile input (the links of a good one are broken in
 * tests/e2e/sigstore_world.sh, whose TSA is OpenSSL's `openssl ts -reply`): the size bound at
 * equality, bytes that are no DER response, and a response the authority did not grant. */
static void test_tsa_hostile(void **state)
{
    (void)state;
    mc_trusted_root *tr = NULL;
    int64_t t = 0;
    const unsigned char data[] = "signature";
    unsigned char *junk = calloc(MC_TSA_MAX_DER + 1, 1);
    assert_non_null(junk);
    assert_int_equal(mc_trusted_root_default(&tr), MC_OK);
    sct_refused(mc_tsa_verify(&t, junk, MC_TSA_MAX_DER + 1, data, sizeof data, tr),
                "RFC 3161 timestamp: over 65536 bytes");
    sct_refused(mc_tsa_verify(&t, junk, MC_TSA_MAX_DER, data, sizeof data, tr),
                "not a DER timestamp response or token");
    sct_refused(mc_tsa_verify(&t, junk, 0, data, sizeof data, tr),
                "not a DER timestamp response or token");
    /* a rejection: status 2, no token */
    TS_RESP *r = TS_RESP_new();
    TS_STATUS_INFO *si = TS_STATUS_INFO_new();
    assert_non_null(r);
    assert_non_null(si);
    assert_int_equal(TS_STATUS_INFO_set_status(si, TS_STATUS_REJECTION), 1);
    assert_int_equal(TS_RESP_set_status_info(r, si), 1);
    unsigned char *der = NULL;
    int n = i2d_TS_RESP(r, &der);
    assert_true(n > 0);
    sct_refused(mc_tsa_verify(&t, der, (size_t)n, data, sizeof data, tr),
                "RFC 3161 timestamp: the authority did not grant it (status 2)");
    /* trailing bytes after a whole response */
    unsigned char *longer = calloc((size_t)n + 1, 1);
    assert_non_null(longer);
    memcpy(longer, der, (size_t)n);
    sct_refused(mc_tsa_verify(&t, longer, (size_t)n + 1, data, sizeof data, tr),
                "not a DER timestamp response or token");
    assert_int_equal(t, 0);
    free(longer);
    OPENSSL_free(der);
    TS_STATUS_INFO_free(si);
    TS_RESP_free(r);
    free(junk);
    mc_trusted_root_free(tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3339),
        cmocka_unit_test(test_default_root),
        cmocka_unit_test(test_root_mapping),
        cmocka_unit_test(test_root_hostile),
        cmocka_unit_test(test_fulcio),
        cmocka_unit_test(test_sct),
        cmocka_unit_test(test_goldens),
        cmocka_unit_test(test_rekor_links),
        cmocka_unit_test(test_merkle),
        cmocka_unit_test(test_tsa_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
