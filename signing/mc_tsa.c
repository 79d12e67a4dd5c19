/* RFC 3161 timestamps (mc_tsa.h), checked as sigstore-go and @sigstore/verify check them,
 * with OpenSSL's TS API: the response's status, the token's version and message imprint over
 * the bundle's signature, then its signature by an authority of the trusted root valid at its
 * genTime, the authority's chain verified at that time. The certificates a token carries are
 * only candidates for its signer: what makes one trusted is the trusted root's chain. */
#include "mc_tsa.h"

#include <openssl/err.h>
#include <openssl/ts.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mc_error.h"
#include "mc_fulcio.h"

/* The token and its TSTInfo from der: a TimeStampResp (granted) or a bare token. */
static int parse(TS_RESP **resp, PKCS7 **token, TS_TST_INFO **tst, const unsigned char *der,
                 size_t len)
{
    const unsigned char *p = der;
    *resp = d2i_TS_RESP(NULL, &p, (long)len);
    if (*resp && p != der + len) {
        TS_RESP_free(*resp);
        *resp = NULL;
    }
    if (*resp) {
        const ASN1_INTEGER *st = TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(*resp));
        long s = st ? ASN1_INTEGER_get(st) : -1;
        if (s != TS_STATUS_GRANTED && s != TS_STATUS_GRANTED_WITH_MODS)
            return mc_error_set(MC_EINPUT, "RFC 3161 timestamp: the authority did not grant it "
                                "(status %ld)", s);
        *token = TS_RESP_get_token(*resp);
        *tst = TS_RESP_get_tst_info(*resp);
    } else {
        p = der;
        *token = d2i_PKCS7(NULL, &p, (long)len);
        if (*token && p != der + len) {
            PKCS7_free(*token);
            *token = NULL;
        }
        *tst = *token ? PKCS7_to_TS_TST_INFO(*token) : NULL;
    }
    ERR_clear_error();
    if (!*token || !*tst)
        return mc_error_set(MC_EINPUT, "RFC 3161 timestamp: not a DER timestamp response or "
                            "token");
    return MC_OK;
}

/* A verify context over data with flags; store and certs owned by the context. */
static TS_VERIFY_CTX *vctx(int flags, const unsigned char *data, size_t n, X509_STORE *store,
                           STACK_OF(X509) *certs)
{
    TS_VERIFY_CTX *c = TS_VERIFY_CTX_new();
    BIO *b = c && data ? BIO_new_mem_buf(data, (int)n) : NULL;
    if (!c || (data && !b)) {
        BIO_free(b);
        TS_VERIFY_CTX_free(c);
        X509_STORE_free(store);
        sk_X509_pop_free(certs, X509_free);
        return NULL;
    }
    TS_VERIFY_CTX_set_flags(c, flags);
    if (b)
        TS_VERIFY_CTX_set_data(c, b);
    if (store)
        TS_VERIFY_CTX_set_store(c, store);
    if (certs)
        TS_VERIFY_CTX_set_certs(c, certs);
    return c;
}

/* 1 in *ok when authority a signed token at time t (its chain checked at t). */
static int signed_by(int *ok, char *why, size_t why_size, PKCS7 *token,
                     const mc_tr_authority *a, int64_t t)
{
    int n = sk_X509_num(a->chain);
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *certs = X509_chain_up_ref(a->chain);
    if (!store || !certs) {
        X509_STORE_free(store);
        sk_X509_pop_free(certs, X509_free);
        return mc_error_nomem();
    }
    /* The certificates after the authority's own are its anchors (one alone anchors itself). */
    for (int i = n > 1 ? 1 : 0; i < n; i++)
        if (!X509_STORE_add_cert(store, sk_X509_value(a->chain, i))) {
            X509_STORE_free(store);
            sk_X509_pop_free(certs, X509_free);
            return mc_error_nomem();
        }
    X509_VERIFY_PARAM *param = X509_STORE_get0_param(store);
    X509_VERIFY_PARAM_set_time(param, (time_t)t);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    TS_VERIFY_CTX *c = vctx(TS_VFY_SIGNATURE, NULL, 0, store, certs);
    if (!c)
        return mc_error_nomem();
    *ok = TS_RESP_verify_token(c, token) == 1;
    if (!*ok) {
        const char *data = NULL; /* OpenSSL's "Verify error:..." names the chain's fault */
        int flags = 0;
        unsigned long e = ERR_peek_last_error_data(&data, &flags);
        const char *r = e ? ERR_reason_error_string(e) : NULL;
        if (data && (flags & ERR_TXT_STRING) && *data)
            snprintf(why, why_size, "%s", data);
        else
            snprintf(why, why_size, "%s", r ? r : "no reason given");
    }
    TS_VERIFY_CTX_free(c);
    ERR_clear_error();
    return MC_OK;
}

int mc_tsa_verify(int64_t *gen_time, const unsigned char *der, size_t len,
                  const unsigned char *data, size_t data_len, const mc_trusted_root *tr)
{
    TS_RESP *resp = NULL;
    PKCS7 *token = NULL;
    TS_TST_INFO *tst = NULL;
    struct tm tm;
    char ts[32], why[160] = "";
    int ok = 0, any = 0;
    if (len > MC_TSA_MAX_DER)
        return mc_error_set(MC_EINPUT, "RFC 3161 timestamp: over %d bytes", MC_TSA_MAX_DER);
    int rc = parse(&resp, &token, &tst, der, len);
    if (rc)
        goto cleanup;
    if (TS_TST_INFO_get_version(tst) != 1 ||
        !ASN1_TIME_to_tm((const ASN1_TIME *)TS_TST_INFO_get_time(tst), &tm)) {
        rc = mc_error_set(MC_EINPUT, "RFC 3161 timestamp: not version 1 with a genTime");
        goto cleanup;
    }
    int64_t t = (int64_t)timegm(&tm);
    mc_fulcio_time_str(ts, t);
    TS_VERIFY_CTX *c = vctx(TS_VFY_VERSION | TS_VFY_DATA, data, data_len, NULL, NULL);
    if (!c) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    ok = TS_RESP_verify_token(c, token) == 1;
    TS_VERIFY_CTX_free(c);
    ERR_clear_error();
    if (!ok) {
        rc = mc_error_set(MC_EINPUT, "RFC 3161 timestamp of %s: its message imprint is not the "
                          "digest of the bundle's signature", ts);
        goto cleanup;
    }
    ok = 0;
    for (size_t i = 0; !ok && i < tr->n_tsas; i++) {
        if (!mc_tr_window_has(&tr->tsas[i].valid, t) || sk_X509_num(tr->tsas[i].chain) < 1)
            continue;
        any = 1;
        if ((rc = signed_by(&ok, why, sizeof why, token, &tr->tsas[i], t)))
            goto cleanup;
    }
    if (!any)
        rc = mc_error_set(MC_EINPUT, "RFC 3161 timestamp of %s: no timestamp authority of the "
                          "trusted root is valid at that time", ts);
    else if (!ok)
        rc = mc_error_set(MC_EINPUT, "RFC 3161 timestamp of %s: not signed by a timestamp "
                          "authority of the trusted root valid at that time (%s)", ts, why);
    else
        *gen_time = t;
cleanup:
    if (resp) {
        TS_RESP_free(resp);
    } else {
        TS_TST_INFO_free(tst);
        PKCS7_free(token);
    }
    ERR_clear_error();
    return rc;
}
