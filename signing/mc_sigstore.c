/* Sigstore keyless verification material (mc_sigstore.h): the links of mc_rekor.c,
 * mc_fulcio.c and mc_sct.c put in sigstore-go's order. Rekor v2 entries give no integrated
 * time: the bundle then needs an RFC 3161 timestamp, at whose times the v2 log's key and the
 * certificate must be valid. The leaf is the bundle's
 * `certificate` (v0.3) or the first of its `x509CertificateChain`; the certificates after it
 * are never trusted. RFC 3161 timestamps (timestampVerificationData, mc_tsa.c), when the
 * bundle has them, must verify too, and the certificate must be valid at each of their times
 * as at Rekor's, as sigstore-go and @sigstore/verify ask. */
#include "mc_sigstore.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_pbjson.h"
#include "mc_rekor.h"
#include "mc_sct.h"
#include "mc_tsa.h"

static int leaf_of(X509 **out, const json_t *vm)
{
    json_t *one = NULL, *xc = NULL, *certs = NULL;
    const char *raw = NULL;
    unsigned char *der = NULL;
    size_t n = 0;
    int rc = mc_pbjson_object(&one, vm, "certificate", NULL, "bundle");
    rc = rc ? rc : mc_pbjson_object(&xc, vm, "x509CertificateChain", "x509_certificate_chain",
                                    "bundle");
    rc = rc ? rc : mc_pbjson_array(&certs, xc, "certificates", NULL, "bundle");
    if (rc)
        return rc;
    json_t *c = one ? one : json_array_get(certs, 0);
    if (!c || mc_pbjson_string(&raw, c, "rawBytes", "raw_bytes", "bundle") || !raw)
        return mc_error_set(MC_EINPUT, "bundle: Sigstore verification needs the signing "
                            "certificate (verificationMaterial.certificate.rawBytes)");
    if ((rc = mc_base64_decode(&der, &n, raw, 65536)))
        return rc == MC_ENOMEM ? rc : mc_error_set(rc, "bundle: the certificate is not base64");
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)n);
    int whole = x && p == der + n;
    free(der);
    ERR_clear_error();
    if (!whole) {
        X509_free(x);
        return mc_error_set(MC_EINPUT, "bundle: the signing certificate is not a DER "
                            "certificate");
    }
    *out = x;
    return MC_OK;
}

/* The certificate of a trusted CA chain that issued leaf (its key hash goes into the SCT). */
static X509 *issuer_of(X509 *leaf, const mc_trusted_root *tr)
{
    for (size_t i = 0; i < tr->n_cas; i++)
        for (int j = 0; j < sk_X509_num(tr->cas[i].chain); j++)
            if (X509_check_issued(sk_X509_value(tr->cas[i].chain, j), leaf) == X509_V_OK)
                return sk_X509_value(tr->cas[i].chain, j);
    ERR_clear_error();
    return NULL;
}

/* The bundle's RFC 3161 timestamps (0 to MC_TSA_MAX_TIMESTAMPS), each verified over the
 * envelope's signature: their times into t[], their number into *n. */
static int timestamps(int64_t *t, size_t *n, const json_t *vm, const json_t *env,
                      const mc_trusted_root *tr)
{
    json_t *tvd = NULL, *list = NULL;
    unsigned char *sig = NULL, *der = NULL;
    size_t sl = 0, dl = 0;
    *n = 0;
    int rc = mc_pbjson_object(&tvd, vm, "timestampVerificationData",
                              "timestamp_verification_data", "bundle");
    rc = rc ? rc : mc_pbjson_array(&list, tvd, "rfc3161Timestamps", "rfc3161_timestamps",
                                   "bundle");
    if (rc || json_array_size(list) == 0)
        return rc;
    if (json_array_size(list) > MC_TSA_MAX_TIMESTAMPS)
        return mc_error_set(MC_EINPUT, "bundle: over %d RFC 3161 timestamps",
                            MC_TSA_MAX_TIMESTAMPS);
    const char *es = json_object_get(env, "messageDigest") /* a messageSignature */
                         ? json_string_value(json_object_get(env, "signature"))
                         : json_string_value(json_object_get(
                               json_array_get(json_object_get(env, "signatures"), 0), "sig"));
    if (!es)
        return mc_error_set(MC_EINPUT, "bundle: the envelope has no signature to timestamp");
    if ((rc = mc_base64_decode(&sig, &sl, es, 1024)))
        return rc == MC_ENOMEM ? rc : mc_error_set(rc, "bundle: the signature is not base64");
    for (size_t i = 0; !rc && i < json_array_size(list); i++) {
        const char *b64 = NULL;
        rc = mc_pbjson_string(&b64, json_array_get(list, i), "signedTimestamp",
                              "signed_timestamp", "bundle");
        if (!rc && !b64)
            rc = mc_error_set(MC_EINPUT, "bundle: RFC 3161 timestamp %zu has no "
                              "signedTimestamp", i + 1);
        if (!rc && (rc = mc_base64_decode(&der, &dl, b64, MC_TSA_MAX_DER)))
            rc = rc == MC_ENOMEM ? rc : mc_error_set(rc, "bundle: RFC 3161 timestamp %zu is not "
                                                     "base64 of at most %d bytes", i + 1,
                                                     MC_TSA_MAX_DER);
        if (!rc && (rc = mc_tsa_verify(&t[i], der, dl, sig, sl, tr)) == MC_EINPUT) {
            char msg[sizeof mc_error_last()->message];
            snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
            rc = mc_error_set(rc, "timestamp %zu: %s", i + 1, msg);
        }
        free(der);
        der = NULL;
        if (!rc)
            *n = i + 1;
    }
    free(sig);
    return rc;
}

int mc_sigstore_verify_material(EVP_PKEY **pkey, char *signer, size_t signer_size,
                                const json_t *vm, const json_t *env, const mc_trusted_root *tr,
                                const mc_sigstore_policy *policy)
{
    X509 *leaf = NULL;
    json_t *entries = NULL;
    int64_t t = INT64_MAX, tsa_t[MC_TSA_MAX_TIMESTAMPS];
    size_t n_tsa = 0;
    char san[1024], iss[512];
    int rc = leaf_of(&leaf, vm);
    rc = rc ? rc : mc_pbjson_array(&entries, vm, "tlogEntries", "tlog_entries", "bundle");
    if (rc)
        goto cleanup;
    size_t n = json_array_size(entries);
    if (n == 0 || n > MC_SIGSTORE_MAX_TLOG) {
        rc = mc_error_set(MC_EINPUT, "bundle: a keyless signature needs 1 to %d transparency-log "
                          "entries (it has %zu): nothing proves when it was signed",
                          MC_SIGSTORE_MAX_TLOG, n);
        goto cleanup;
    }
    mc_rekor_result r[MC_SIGSTORE_MAX_TLOG] = {{0}};
    for (size_t i = 0; i < n; i++) {
        if ((rc = mc_rekor_verify(&r[i], json_array_get(entries, i), env, leaf, tr, policy))) {
            if (rc == MC_EINPUT) {
                char msg[sizeof mc_error_last()->message];
                snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
                rc = mc_error_set(rc, "tlog entry %zu: %s", i + 1, msg);
            }
            goto cleanup;
        }
        if (r[i].timed && r[i].integrated_time < t)
            t = r[i].integrated_time;
    }
    if ((rc = timestamps(tsa_t, &n_tsa, vm, env, tr)))
        goto cleanup;
    if (t == INT64_MAX && n_tsa == 0) { /* Rekor v2 entries only: no integrated time */
        rc = mc_error_set(MC_EINPUT, "bundle: its Rekor v2 entries carry no integrated time and "
                          "it has no RFC 3161 timestamp: nothing proves when it was signed");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) /* a v2 log's key at each timestamp's time */
        for (size_t j = 0; !r[i].timed && j < n_tsa; j++)
            if (!mc_tr_window_has(&r[i].window, tsa_t[j])) {
                char when[32];
                rc = mc_error_set(MC_EINPUT, "tlog entry %zu: timestamp %zu's time %s is outside "
                                  "its log key's window in the trusted root", i + 1, j + 1,
                                  mc_fulcio_time_str(when, tsa_t[j]));
                goto cleanup;
            }
    if (t == INT64_MAX)
        t = tsa_t[0];
    if ((rc = mc_fulcio_verify(leaf, tr, t, policy)))
        goto cleanup;
    for (size_t i = 0; i < n_tsa; i++) /* the certificate at each timestamp's time too */
        if ((rc = mc_fulcio_verify(leaf, tr, tsa_t[i], policy))) {
            if (rc == MC_EINPUT) {
                char msg[sizeof mc_error_last()->message];
                snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
                rc = mc_error_set(rc, "timestamp %zu: %s", i + 1, msg);
            }
            goto cleanup;
        }
    X509 *issuer = issuer_of(leaf, tr);
    if (!issuer) { /* mc_fulcio_verify found a chain: not reached unless the root changed */
        rc = mc_error_set(MC_EINPUT, "no certificate of the trusted root issued the signing "
                          "certificate");
        goto cleanup;
    }
    if ((rc = mc_sct_verify(NULL, leaf, issuer, tr)) ||
        (rc = mc_fulcio_identity(san, sizeof san, iss, sizeof iss, leaf)))
        goto cleanup;
    if (!(*pkey = X509_get_pubkey(leaf))) {
        rc = mc_error_set(MC_EINPUT, "the signing certificate has no usable public key");
        goto cleanup;
    }
    snprintf(signer, signer_size, "%s (issuer %s)", san, iss);
cleanup:
    ERR_clear_error();
    X509_free(leaf);
    return rc;
}
