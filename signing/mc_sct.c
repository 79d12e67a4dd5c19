/* Embedded SCTs (mc_sct.h). OpenSSL's CT API decodes the SCT list and each SCT (version, log
 * id, time, extensions, signature); the signature is then checked here, over RFC 6962's
 * digitally-signed precertificate entry (the leaf's TBSCertificate without the SCT list,
 * re-encoded; the issuer's key hash), with the CT log's key from the trusted root: OpenSSL
 * takes CT log keys only from a configuration file (CTLOG_STORE_load_file), and a verifier
 * that reads its trust from trusted_root.json has none. */
#include "mc_sct.h"

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_fulcio.h"

/* The precertificate entry's bytes for sct (RFC 6962 3.2): *out, caller frees. */
static int signed_entry(unsigned char **out, size_t *len, const SCT *sct, X509 *leaf,
                        X509 *issuer)
{
    X509 *pre = X509_dup(leaf);
    unsigned char *tbs = NULL, *spki = NULL, *b = NULL;
    const unsigned char *ext = NULL;
    size_t ext_len = SCT_get0_extensions(sct, (unsigned char **)&ext);
    int rc = pre ? MC_OK : mc_error_nomem();
    int i;
    while (!rc && (i = X509_get_ext_by_NID(pre, NID_ct_precert_scts, -1)) >= 0)
        X509_EXTENSION_free(X509_delete_ext(pre, i));
    while (!rc && (i = X509_get_ext_by_NID(pre, NID_ct_precert_poison, -1)) >= 0)
        X509_EXTENSION_free(X509_delete_ext(pre, i));
    int tl = rc ? -1 : i2d_re_X509_tbs(pre, &tbs);
    int kl = rc ? -1 : i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki);
    if (!rc && (tl <= 0 || kl <= 0 || tl >= (1 << 24) || ext_len >= (1 << 16)))
        rc = mc_error_set(MC_EINPUT, "the signing certificate cannot be re-encoded as a "
                                     "precertificate");
    size_t n = 1 + 1 + 8 + 2 + 32 + 3 + (size_t)tl + 2 + ext_len;
    if (!rc && !(b = malloc(n)))
        rc = mc_error_nomem();
    if (rc)
        goto cleanup;
    size_t k = 0;
    uint64_t ts = SCT_get_timestamp(sct);
    b[k++] = 0; /* v1 */
    b[k++] = 0; /* certificate_timestamp */
    for (int s = 56; s >= 0; s -= 8)
        b[k++] = (unsigned char)(ts >> s);
    b[k++] = 0;
    b[k++] = 1; /* precert_entry */
    if (!EVP_Digest(spki, (size_t)kl, b + k, NULL, EVP_sha256(), NULL)) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
        goto cleanup;
    }
    k += 32;
    b[k++] = (unsigned char)(tl >> 16);
    b[k++] = (unsigned char)(tl >> 8);
    b[k++] = (unsigned char)tl;
    memcpy(b + k, tbs, (size_t)tl);
    k += (size_t)tl;
    b[k++] = (unsigned char)(ext_len >> 8);
    b[k++] = (unsigned char)ext_len;
    if (ext_len)
        memcpy(b + k, ext, ext_len);
    *out = b;
    *len = n;
    b = NULL;
cleanup:
    ERR_clear_error();
    free(b);
    OPENSSL_free(tbs);
    OPENSSL_free(spki);
    X509_free(pre);
    return rc;
}

/* One SCT: 1 when it verifies; else 0 with why filled. */
static int one_sct(int *ok, char *why, size_t why_size, const SCT *sct, X509 *leaf,
                   X509 *issuer, const mc_trusted_root *tr)
{
    unsigned char *id = NULL, *sig = NULL, *msg = NULL;
    size_t id_len = SCT_get0_log_id(sct, &id), sig_len = SCT_get0_signature(sct, &sig);
    size_t msg_len = 0;
    char *id64 = NULL, when[32];
    int rc = mc_base64_encode(&id64, id, id_len);
    *ok = 0;
    if (rc)
        return rc;
    const mc_tr_log *log = SCT_get_version(sct) == SCT_VERSION_V1
                         ? mc_tr_log_find(tr->ctlogs, tr->n_ctlogs, id, id_len) : NULL;
    int64_t t = (int64_t)(SCT_get_timestamp(sct) / 1000);
    if (SCT_get_version(sct) != SCT_VERSION_V1) {
        snprintf(why, why_size, "an SCT is not of version 1");
    } else if (!log) {
        snprintf(why, why_size, "no SCT is from a CT log of the trusted root (log %.60s is "
                 "not one)", id64);
    } else if (!mc_tr_window_has(&log->valid, t)) {
        snprintf(why, why_size, "the SCT of CT log %.60s is dated %s, outside its key's "
                 "window in the trusted root", id64, mc_fulcio_time_str(when, t));
    } else if (SCT_get_signature_nid(sct) != NID_ecdsa_with_SHA256 &&
               SCT_get_signature_nid(sct) != NID_sha256WithRSAEncryption) {
        snprintf(why, why_size, "the SCT of CT log %.60s has an unsupported signature "
                 "algorithm", id64);
    } else if (!(rc = signed_entry(&msg, &msg_len, sct, leaf, issuer))) {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        if (!ctx) {
            rc = mc_error_nomem();
        } else {
            *ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, log->key) == 1 &&
                  EVP_DigestVerify(ctx, sig, sig_len, msg, msg_len) == 1;
            EVP_MD_CTX_free(ctx);
            ERR_clear_error();
            if (!*ok)
                snprintf(why, why_size, "the SCT of CT log %.60s does not verify over this "
                         "certificate", id64);
        }
    }
    free(msg);
    free(id64);
    return rc;
}

int mc_sct_verify(int *n_valid, X509 *leaf, X509 *issuer, const mc_trusted_root *tr)
{
    int crit = 0, rc = MC_OK, good = 0;
    char why[256] = "";
    STACK_OF(SCT) *scts = X509_get_ext_d2i(leaf, NID_ct_precert_scts, &crit, NULL);
    ERR_clear_error();
    if (!scts) {
        return mc_error_set(MC_EINPUT, crit == -1 ? "the signing certificate carries no SCT "
                            "(signed certificate timestamp)" : "the signing certificate's SCT "
                            "list does not decode");
    }
    int n = sk_SCT_num(scts);
    if (n == 0 || n > MC_SCT_MAX) {
        rc = mc_error_set(MC_EINPUT, "the signing certificate carries %d SCTs (1 to %d)", n,
                          MC_SCT_MAX);
        goto cleanup;
    }
    for (int i = 0; i < n && !rc; i++) {
        int ok = 0;
        char w[256] = "";
        rc = one_sct(&ok, w, sizeof w, sk_SCT_value(scts, i), leaf, issuer, tr);
        good += ok;
        if (!ok && !why[0])
            snprintf(why, sizeof why, "%s", w);
    }
    if (!rc && !good)
        rc = mc_error_set(MC_EINPUT, "%s", why);
    if (!rc && n_valid)
        *n_valid = good;
cleanup:
    SCT_LIST_free(scts);
    return rc;
}
