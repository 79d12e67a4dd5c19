/* Certificates (mc_x509.h): PEM files of certificates read under a bound, and the
 * certificate chain of a Sigstore bundle verified against trusted roots under modelcert's
 * certificate policy (docs/signing.md, "Certificate policy"): the chain judged now (no
 * timestamp in a bundle is verified, so no earlier signing time is proven), the leaf valid
 * now, no CA (unless it names codeSigning, as model_signing's own test certificates do), and
 * allowed to sign by its key usages. The bundle's fields are read by the protobuf JSON
 * mapping (mc_pbjson.h). */
#include "mc_x509.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_key.h"
#include "mc_pbjson.h"

#define CHAIN_MAX 10

int mc_x509_read_pem(STACK_OF(X509) **out, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    BIO *bio = NULL;
    STACK_OF(X509) *sk = sk_X509_new_null();
    int rc = sk ? mc_file_read_text(&text, &len, path, MC_KEY_FILE_MAX * 4) : mc_error_nomem();
    if (rc)
        goto cleanup;
    if (!(bio = BIO_new_mem_buf(text, (int)len))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    X509 *c;
    while ((c = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
        if (sk_X509_num(sk) >= 100 || !sk_X509_push(sk, c)) {
            X509_free(c);
            rc = mc_error_set(MC_EINPUT, "%s: too many certificates", path);
            goto cleanup;
        }
    }
    ERR_clear_error();
    if (sk_X509_num(sk) == 0) {
        rc = mc_error_set(MC_EINPUT, "%s holds no PEM certificate", path);
        goto cleanup;
    }
    *out = sk;
    sk = NULL;
cleanup:
    free(text);
    BIO_free(bio);
    sk_X509_pop_free(sk, X509_free);
    return rc;
}

static int decode_cert(X509 **out, const json_t *c, size_t i)
{
    const char *raw = NULL;
    unsigned char *der = NULL;
    size_t n = 0;
    if (!json_is_object(c) || mc_pbjson_string(&raw, c, "rawBytes", "raw_bytes", "bundle") ||
        !raw)
        return mc_error_set(MC_EINPUT, "bundle: certificate %zu has no rawBytes string", i + 1);
    int rc = mc_base64_decode(&der, &n, raw, 64 * 1024);
    if (rc)
        return mc_error_set(MC_EINPUT, "bundle: certificate %zu: bad base64", i + 1);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)n);
    int whole = x && p == der + n;
    free(der);
    ERR_clear_error();
    if (!whole) {
        X509_free(x);
        return mc_error_set(MC_EINPUT, "bundle: certificate %zu is not a DER certificate", i + 1);
    }
    *out = x;
    return MC_OK;
}

/* The leaf valid now: not expired, and already valid. (Judging the chain at the leaf's own
 * notBefore, as model_signing does for Fulcio's short-lived certificates whose signing time
 * a transparency log proves, accepted without such a proof a leaf not valid until 2030.)
 * X509_cmp_current_time's 0, a time it cannot read, counts as not valid. */
static int leaf_dates(const X509 *leaf, const char *signer)
{
    struct tm tm;
    char when[32] = "?";
    if (X509_cmp_current_time(X509_get0_notAfter(leaf)) <= 0)
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) has expired", signer);
    if (X509_cmp_current_time(X509_get0_notBefore(leaf)) < 0)
        return MC_OK;
    if (ASN1_TIME_to_tm(X509_get0_notBefore(leaf), &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return mc_error_set(MC_EINPUT, "the signing certificate (%s) is not valid until %s",
                        signer, when);
}

/* The leaf allowed to sign (docs/signing.md, "Certificate policy"): not a CA, unless its
 * extended key usage names codeSigning (model_signing's test PKI signs with such a
 * certificate, and model_signing accepts it); the
 * digitalSignature key usage, else the codeSigning extended key usage (model_signing's
 * rule); and a key usage or an extended key usage that is present must allow it (RFC 5280
 * 4.2.1.3 and 4.2.1.12: a certificate is used only for the purposes these name). */
static int leaf_usage(X509 *leaf, const char *signer)
{
    uint32_t flags = X509_get_extension_flags(leaf);
    int has_ku = (flags & EXFLAG_KUSAGE) != 0, has_eku = (flags & EXFLAG_XKUSAGE) != 0;
    int ku = has_ku && (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE);
    int eku = has_eku && (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN);
    if (flags & EXFLAG_INVALID)
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) has invalid extensions",
                            signer);
    if ((flags & EXFLAG_CA) && !eku)
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) is a CA certificate "
                            "(basicConstraints CA:TRUE) without the codeSigning extended key "
                            "usage: a CA may not sign models", signer);
    if (!ku && !eku)
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) may not sign: neither "
                            "digitalSignature key usage nor the codeSigning extended key usage",
                            signer);
    if (has_ku && !ku)
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) may not sign: its key "
                            "usage does not include digitalSignature", signer);
    if (has_eku && !eku)
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) may not sign: its extended "
                            "key usage does not include codeSigning", signer);
    return MC_OK;
}

int mc_x509_verify_chain(EVP_PKEY **pkey, char *signer, size_t signer_size, const json_t *vm,
                         const char *ca_path)
{
    json_t *xc = NULL, *chain = NULL, *single = NULL;
    STACK_OF(X509) *roots = NULL, *untrusted = sk_X509_new_null();
    X509 *leaf = NULL;
    X509_STORE *store = NULL;
    X509_STORE_CTX *ctx = NULL;
    int rc = untrusted ? MC_OK : mc_error_nomem();
    if (rc || (rc = mc_pbjson_object(&xc, vm, "x509CertificateChain", "x509_certificate_chain",
                                     "bundle")) ||
        (rc = mc_pbjson_array(&chain, xc, "certificates", NULL, "bundle")) ||
        (rc = mc_pbjson_object(&single, vm, "certificate", NULL, "bundle")))
        goto cleanup;
    if (single) {
        rc = decode_cert(&leaf, single, 0);
    } else if (json_is_array(chain) && json_array_size(chain) >= 1 &&
               json_array_size(chain) <= CHAIN_MAX) {
        rc = decode_cert(&leaf, json_array_get(chain, 0), 0);
        for (size_t i = 1; i < json_array_size(chain) && !rc; i++) {
            X509 *x = NULL;
            rc = decode_cert(&x, json_array_get(chain, i), i);
            if (!rc && !sk_X509_push(untrusted, x)) {
                X509_free(x);
                rc = mc_error_nomem();
            }
        }
    } else {
        rc = mc_error_set(MC_EINPUT, "bundle: certificate mode needs "
                          "verificationMaterial.x509CertificateChain.certificates (1 to %d) or "
                          "verificationMaterial.certificate", CHAIN_MAX);
    }
    if (rc)
        goto cleanup;
    if (!X509_NAME_oneline(X509_get_subject_name(leaf), signer, (int)signer_size)) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = mc_x509_read_pem(&roots, ca_path)))
        goto cleanup;
    if (!(store = X509_STORE_new()) || !(ctx = X509_STORE_CTX_new())) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (int i = 0; i < sk_X509_num(roots); i++) /* in OpenSSL 3 a duplicate is no error */
        if (!X509_STORE_add_cert(store, sk_X509_value(roots, i))) {
            rc = mc_error_set(MC_EINTERNAL, "cannot add a root certificate of %s", ca_path);
            goto cleanup;
        }
    if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted)) {
        rc = mc_error_set(MC_EINTERNAL, "cannot set up certificate verification");
        goto cleanup;
    }
    /* The chain is judged now (OpenSSL's default time): a signing time could be proven
       only by a verified timestamp, and no bundle's is verified (docs/signing.md,
       "Certificate policy"). The leaf's own dates first, to name them. */
    if ((rc = leaf_dates(leaf, signer)))
        goto cleanup;
    if (X509_verify_cert(ctx) != 1) {
        int e = X509_STORE_CTX_get_error(ctx);
        rc = mc_error_set(MC_EINPUT, "the certificate chain does not lead to the trusted root "
                          "(%s)", X509_verify_cert_error_string(e));
        goto cleanup;
    }
    if ((rc = leaf_usage(leaf, signer)))
        goto cleanup;
    EVP_PKEY *k = X509_get_pubkey(leaf);
    if (!k) {
        rc = mc_error_set(MC_EINPUT, "the signing certificate has no usable public key");
        goto cleanup;
    }
    *pkey = k;
cleanup:
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(leaf);
    sk_X509_pop_free(untrusted, X509_free);
    sk_X509_pop_free(roots, X509_free);
    return rc;
}
