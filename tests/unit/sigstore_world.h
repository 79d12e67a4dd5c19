/* A Sigstore world of the tests' own, made with OpenSSL: keys, a Fulcio-like CA issuing leaf
 * certificates with Fulcio's OIDC extensions, and a trusted_root.json that lists them. Static
 * helpers for tests/unit/test_sigstore.c; each aborts the test when OpenSSL fails. */
#ifndef SIGSTORE_WORLD_H
#define SIGSTORE_WORLD_H

#include <jansson.h>
#include <openssl/ct.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <time.h>

#include "mc_dsse.h"

static EVP_PKEY *world_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    assert_non_null(k);
    return k;
}

typedef struct world_cert_spec {
    const char *cn;
    int ca;
    long not_before, not_after;       /* seconds from t0 */
    const char *san;                  /* "email:..", "URI:..", "otherName:..": or NULL */
    const char *iss_v2, *iss_v1;      /* Fulcio's OIDC issuer extensions, or NULL */
    const char *eku;                  /* "codeSigning", or NULL */
} world_cert_spec;

static void world_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

static void world_raw_ext(X509 *x, const char *oid, const unsigned char *der, int n)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    assert_true(obj && os && ASN1_OCTET_STRING_set(os, der, n));
    X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
}

/* A certificate for key, issued by issuer/ikey (NULL, NULL: self-signed), unsigned when
 * sign is 0 (the caller adds extensions and signs). */
static X509 *world_cert_unsigned(EVP_PKEY *key, X509 *issuer, const world_cert_spec *s,
                                 time_t t0)
{
    static long serial = 1;
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_time_adj_ex(X509_getm_notBefore(x), 0, s->not_before, &t0);
    X509_time_adj_ex(X509_getm_notAfter(x), 0, s->not_after, &t0);
    X509_NAME *name = X509_get_subject_name(x);
    if (s->cn)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)s->cn, -1,
                                   -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    assert_int_equal(X509_set_pubkey(x, key), 1);
    if (s->ca) {
        world_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
        world_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        world_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
    }
    if (s->eku)
        world_ext(x, issuer, NID_ext_key_usage, s->eku);
    world_ext(x, issuer, NID_subject_key_identifier, "hash");
    if (issuer)
        world_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
    if (s->san)
        world_ext(x, issuer, NID_subject_alt_name, s->san);
    if (s->iss_v1)
        world_raw_ext(x, "1.3.6.1.4.1.57264.1.1", (const unsigned char *)s->iss_v1,
                      (int)strlen(s->iss_v1));
    if (s->iss_v2) {
        ASN1_UTF8STRING *u = ASN1_UTF8STRING_new();
        unsigned char *der = NULL;
        assert_true(u && ASN1_STRING_set(u, s->iss_v2, -1));
        int n = i2d_ASN1_UTF8STRING(u, &der);
        assert_true(n > 0);
        world_raw_ext(x, "1.3.6.1.4.1.57264.1.8", der, n);
        OPENSSL_free(der);
        ASN1_UTF8STRING_free(u);
    }
    return x;
}

static X509 *world_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, const world_cert_spec *s,
                        time_t t0)
{
    X509 *x = world_cert_unsigned(key, issuer, s, t0);
    assert_true(X509_sign(x, ikey ? ikey : key, EVP_sha256()) > 0);
    return x;
}

static char *world_b64_der(const unsigned char *der, int n)
{
    char *b = NULL;
    assert_int_equal(mc_base64_encode(&b, der, (size_t)n), 0);
    return b;
}

static json_t *world_cert_json(X509 *x)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    assert_true(n > 0);
    char *b = world_b64_der(der, n);
    json_t *j = json_pack("{s:s}", "rawBytes", b);
    OPENSSL_free(der);
    free(b);
    return j;
}

static json_t *world_rfc3339(time_t t)
{
    char buf[32];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

/* A CertificateAuthority entry: chain (issuing certificate first), window [start, end]
 * (end 0: open). */
static json_t *world_ca_json(X509 *const *chain, int n, time_t start, time_t end)
{
    json_t *certs = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(certs, world_cert_json(chain[i]));
    json_t *vf = json_pack("{s:o}", "start", world_rfc3339(start));
    if (end)
        json_object_set_new(vf, "end", world_rfc3339(end));
    json_t *ca = json_pack("{s:{s:s,s:s},s:s,s:{s:o},s:o}", "subject", "organization",
                           "test", "commonName", "test-fulcio", "uri", "https://fulcio.test",
                           "certChain", "certificates", certs, "validFor", vf);
    assert_non_null(ca);
    return ca;
}

/* A transparency-log or CT-log entry for key, its log id the SHA-256 of its DER. */
static json_t *world_log_json(EVP_PKEY *key, time_t start, time_t end, const char *url)
{
    unsigned char *der = NULL, md[32];
    int n = i2d_PUBKEY(key, &der);
    assert_true(n > 0);
    EVP_Digest(der, (size_t)n, md, NULL, EVP_sha256(), NULL);
    char *b = world_b64_der(der, n), *id = world_b64_der(md, 32);
    json_t *vf = json_pack("{s:o}", "start", world_rfc3339(start));
    if (end)
        json_object_set_new(vf, "end", world_rfc3339(end));
    json_t *l = json_pack("{s:s,s:s,s:{s:s,s:s,s:o},s:{s:s}}", "baseUrl", url, "hashAlgorithm",
                          "SHA2_256", "publicKey", "rawBytes", b, "keyDetails",
                          "PKIX_ECDSA_P256_SHA_256", "validFor", vf, "logId", "keyId", id);
    assert_non_null(l);
    OPENSSL_free(der);
    free(b);
    free(id);
    return l;
}

/* Embeds an SCT from ct_key, dated ts_ms, in leaf (signed by ikey, issued by issuer) as a CT
 * log would for its precertificate (RFC 6962 3.2: the TBSCertificate as it is now, before the
 * SCT list is added), then signs the leaf again. log_id NULL: SHA-256 of ct_key's DER. */
static void world_add_sct(X509 *leaf, X509 *issuer, EVP_PKEY *ikey, EVP_PKEY *ct_key,
                          uint64_t ts_ms, const unsigned char *log_id)
{
    unsigned char *tbs = NULL, *spki = NULL, *kder = NULL, id[32], *sig = NULL;
    int tl = i2d_re_X509_tbs(leaf, &tbs), kl = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer),
                                                               &spki);
    int dl = i2d_PUBKEY(ct_key, &kder);
    assert_true(tl > 0 && kl > 0 && dl > 0);
    EVP_Digest(kder, (size_t)dl, id, NULL, EVP_sha256(), NULL);
    size_t n = 12 + 32 + 3 + (size_t)tl + 2, k = 0;
    unsigned char *b = malloc(n);
    assert_non_null(b);
    b[k++] = 0;
    b[k++] = 0;
    for (int sh = 56; sh >= 0; sh -= 8)
        b[k++] = (unsigned char)(ts_ms >> sh);
    b[k++] = 0;
    b[k++] = 1;
    EVP_Digest(spki, (size_t)kl, b + k, NULL, EVP_sha256(), NULL);
    k += 32;
    b[k++] = (unsigned char)(tl >> 16);
    b[k++] = (unsigned char)(tl >> 8);
    b[k++] = (unsigned char)tl;
    memcpy(b + k, tbs, (size_t)tl);
    k += (size_t)tl;
    b[k++] = 0;
    b[k++] = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sl = 0;
    assert_true(ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, ct_key) == 1 &&
                EVP_DigestSign(ctx, NULL, &sl, b, n) == 1);
    sig = OPENSSL_malloc(sl);
    assert_true(sig && EVP_DigestSign(ctx, sig, &sl, b, n) == 1);
    EVP_MD_CTX_free(ctx);
    SCT *sct = SCT_new();
    unsigned char *lid = OPENSSL_memdup(log_id ? log_id : id, 32);
    assert_true(sct && lid && SCT_set_version(sct, SCT_VERSION_V1) &&
                SCT_set_log_entry_type(sct, CT_LOG_ENTRY_TYPE_PRECERT));
    SCT_set0_log_id(sct, lid, 32);
    SCT_set_timestamp(sct, ts_ms);
    assert_true(SCT_set_signature_nid(sct, NID_ecdsa_with_SHA256));
    SCT_set0_signature(sct, sig, sl);
    STACK_OF(SCT) *list = sk_SCT_new_null();
    assert_true(list && sk_SCT_push(list, sct));
    assert_int_equal(X509_add1_ext_i2d(leaf, NID_ct_precert_scts, list, 0, X509V3_ADD_DEFAULT),
                     1);
    SCT_LIST_free(list);
    assert_true(X509_sign(leaf, ikey, EVP_sha256()) > 0);
    free(b);
    OPENSSL_free(tbs);
    OPENSSL_free(spki);
    OPENSSL_free(kder);
}

/* trusted_root.json from its lists (taken over), parsed. */
static mc_trusted_root *world_root(json_t *cas, json_t *tlogs, json_t *ctlogs)
{
    json_t *r = json_pack("{s:s,s:o,s:o,s:o,s:[]}", "mediaType", MC_TRUSTED_ROOT_MEDIA_TYPE,
                          "certificateAuthorities", cas, "tlogs", tlogs, "ctlogs", ctlogs,
                          "timestampAuthorities");
    assert_non_null(r);
    char *text = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    mc_trusted_root *tr = NULL;
    assert_int_equal(mc_trusted_root_parse(&tr, text, strlen(text)), 0);
    free(text);
    return tr;
}

#endif
