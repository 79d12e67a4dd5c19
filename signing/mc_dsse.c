/* DSSE v1: PAE, base64, sign and verify with OpenSSL EVP; envelopes read by the protobuf
 * JSON mapping (mc_pbjson.h: payload_type as well as payloadType, a null keyid absent), and
 * model_signing v0.2.0's flawed PAE, for its old bundles only, when asked. */
#include "mc_dsse.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_json.h"
#include "mc_pbjson.h"

/* Re-records the last error with a prefix (the message is copied first: it is
 * the buffer being written). */
static int prefixed(int rc, const char *prefix)
{
    char msg[sizeof mc_error_last()->message];
    snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
    return mc_error_set(rc, "%s%s", prefix, msg);
}

int mc_dsse_pae(unsigned char **out, size_t *len, const char *type, const void *body, size_t n)
{
    size_t tl = strlen(type);
    char head[64];
    int hl1 = snprintf(head, sizeof head, "DSSEv1 %zu ", tl);
    char mid[32];
    int hl2 = snprintf(mid, sizeof mid, " %zu ", n);
    size_t total = (size_t)hl1 + tl + (size_t)hl2 + n;
    unsigned char *p = malloc(total + 1);
    if (!p)
        return mc_error_nomem();
    memcpy(p, head, (size_t)hl1);
    memcpy(p + hl1, type, tl);
    memcpy(p + hl1 + tl, mid, (size_t)hl2);
    if (n)
        memcpy(p + hl1 + tl + hl2, body, n);
    p[total] = 0;
    *out = p;
    *len = total;
    return MC_OK;
}

int mc_base64_encode(char **out, const void *data, size_t n)
{
    if (n > ((size_t)1 << 30))
        return mc_error_set(MC_EINPUT, "data too large to encode (%zu bytes)", n);
    char *s = malloc(4 * ((n + 2) / 3) + 1);
    if (!s)
        return mc_error_nomem();
    EVP_EncodeBlock((unsigned char *)s, data, (int)n);
    *out = s;
    return MC_OK;
}

int mc_base64_decode(unsigned char **out, size_t *len, const char *text, size_t max)
{
    size_t n = strlen(text);
    if (strpbrk(text, "\r\n")) { /* line breaks are skipped, as Go's and Python's decoders do */
        if (n > 4 * (max / 3 + 2) + 4 * (max / 3 + 2) / 48 * 2 + 2)
            return mc_error_set(MC_EINPUT, "base64 text is over the limit of %zu decoded bytes",
                                max);
        char *flat = malloc(n + 1);
        size_t k = 0;
        if (!flat)
            return mc_error_nomem();
        for (size_t i = 0; i < n; i++)
            if (text[i] != '\r' && text[i] != '\n')
                flat[k++] = text[i];
        flat[k] = 0;
        int rc = mc_base64_decode(out, len, flat, max);
        free(flat);
        return rc;
    }
    if (n > 4 * (max / 3 + 2))
        return mc_error_set(MC_EINPUT, "base64 text is over the limit of %zu decoded bytes", max);
    size_t pads = 0;
    while (n > 0 && text[n - 1] == '=' && pads < 2) {
        n--;
        pads++;
    }
    if (n % 4 == 1 || (pads && (n + pads) % 4))
        return mc_error_set(MC_EINPUT, "base64 text has a bad length");
    size_t padded = (n + 3) / 4 * 4;
    char *norm = malloc(padded + 1);
    unsigned char *bin = malloc(padded / 4 * 3 + 1);
    int rc = MC_OK;
    if (!norm || !bin) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '+' || c == '/')) {
            rc = mc_error_set(MC_EINPUT, "base64 text has a character outside the alphabet at "
                                         "offset %zu", i);
            goto cleanup;
        }
        norm[i] = c;
    }
    for (size_t i = n; i < padded; i++)
        norm[i] = '=';
    norm[padded] = 0;
    int got = padded ? EVP_DecodeBlock(bin, (unsigned char *)norm, (int)padded) : 0;
    if (got < 0) {
        rc = mc_error_set(MC_EINPUT, "base64 text does not decode");
        goto cleanup;
    }
    size_t real = padded / 4 * 3 - (padded - n);
    if (real > max) {
        rc = mc_error_set(MC_EINPUT, "base64 text is over the limit of %zu decoded bytes", max);
        goto cleanup;
    }
    bin[real] = 0;
    *out = bin;
    *len = real;
    bin = NULL;
cleanup:
    free(norm);
    free(bin);
    return rc;
}

/* The digest a key signs with: by EC curve size, none for EdDSA. */
static const EVP_MD *key_md(EVP_PKEY *key)
{
    if (EVP_PKEY_is_a(key, "ED25519") || EVP_PKEY_is_a(key, "ED448"))
        return NULL;
    int bits = EVP_PKEY_get_bits(key);
    if (EVP_PKEY_is_a(key, "EC")) {
        if (bits > 384)
            return EVP_sha512();
        if (bits > 256)
            return EVP_sha384();
    }
    return EVP_sha256();
}

int mc_pkey_sign(unsigned char **sig, size_t *siglen, EVP_PKEY *key, const void *msg, size_t n)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *s = NULL;
    size_t sl = 0;
    int rc = MC_OK;
    if (!ctx) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if (EVP_DigestSignInit(ctx, NULL, key_md(key), NULL, key) != 1 ||
        EVP_DigestSign(ctx, NULL, &sl, msg, n) != 1 || !(s = malloc(sl)) ||
        EVP_DigestSign(ctx, s, &sl, msg, n) != 1) {
        unsigned long e = ERR_get_error();
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        ERR_clear_error();
        /* OpenSSL fails silently, or with ERR_R_MALLOC_FAILURE, when an allocation fails. */
        if (!s || !e || ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
            rc = mc_error_nomem();
        else
            rc = mc_error_set(MC_EINTERNAL, "signing failed in OpenSSL: %s", buf);
        goto cleanup;
    }
    *sig = s;
    *siglen = sl;
    s = NULL;
cleanup:
    free(s);
    EVP_MD_CTX_free(ctx);
    return rc;
}

static int verify_md(int *valid, EVP_PKEY *key, const EVP_MD *md, const unsigned char *sig,
                     size_t siglen, const void *msg, size_t n)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = ctx ? MC_OK : mc_error_nomem();
    ERR_clear_error();
    if (rc == MC_OK && (EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) != 1 ||
                        EVP_DigestVerify(ctx, sig, siglen, msg, n) != 1)) {
        /* A signature that does not verify, or is not one, is a result; OpenSSL running out
           of memory is an error, never "does not verify". */
        unsigned long e = ERR_peek_last_error();
        if (e && ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
            rc = mc_error_nomem();
        else
            *valid = 0;
    } else if (rc == MC_OK) {
        *valid = 1;
    }
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    return rc;
}

int mc_pkey_verify(int *valid, EVP_PKEY *key, const unsigned char *sig, size_t siglen,
                   const void *msg, size_t n)
{
    return verify_md(valid, key, key_md(key), sig, siglen, msg, n);
}

/* model_signing v0.2.0's PAE (its pae_compat): a Python f-string that spelled the version
 * "DSSEV1" and put the payload in as the repr() of a bytes object (b'...', escaped), the
 * whole signed with SHA-256 whatever the curve. Nothing else writes it: it is tried only for
 * an in-toto payload, after the real PAE failed, and can never equal a real PAE ("DSSEv1"). */
static int pae_v02(unsigned char **out, size_t *len, const char *type, const unsigned char *b,
                   size_t n)
{
    char quote = memchr(b, '\'', n) && !memchr(b, '"', n) ? '"' : '\'';
    char head[320];
    int hl = snprintf(head, sizeof head, "DSSEV1 %zu %s %zu b%c", strlen(type), type, n, quote);
    unsigned char *p = hl > 0 && (size_t)hl < sizeof head ? malloc((size_t)hl + 4 * n + 2)
                                                            : NULL;
    if (!p)
        return hl > 0 && (size_t)hl < sizeof head ? mc_error_nomem()
                                                  : mc_error_set(MC_EINPUT, "bad payloadType");
    memcpy(p, head, (size_t)hl);
    size_t k = (size_t)hl;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = b[i];
        if (c == (unsigned char)quote || c == '\\') {
            p[k++] = '\\';
            p[k++] = c;
        } else if (c == '\t' || c == '\n' || c == '\r') {
            p[k++] = '\\';
            p[k++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
        } else if (c < 0x20 || c >= 0x7f) {
            k += (size_t)snprintf((char *)p + k, 5, "\\x%02x", c);
        } else {
            p[k++] = c;
        }
    }
    p[k++] = (unsigned char)quote;
    p[k] = 0;
    *out = p;
    *len = k;
    return MC_OK;
}

int mc_dsse_sign(json_t **envelope, EVP_PKEY *key, const char *keyid, const char *type,
                 const void *payload, size_t n)
{
    unsigned char *pae = NULL, *sig = NULL;
    size_t pae_len = 0, sig_len = 0;
    char *b64p = NULL, *b64s = NULL;
    json_t *env = NULL, *sigs = NULL, *one = NULL;
    int rc = MC_OK;
    if (n > MC_DSSE_PAYLOAD_MAX)
        return mc_error_set(MC_EINPUT, "DSSE payload of %zu bytes is over the limit of %u", n,
                            MC_DSSE_PAYLOAD_MAX);
    if ((rc = mc_dsse_pae(&pae, &pae_len, type, payload, n)) ||
        (rc = mc_pkey_sign(&sig, &sig_len, key, pae, pae_len)) ||
        (rc = mc_base64_encode(&b64p, payload, n)) ||
        (rc = mc_base64_encode(&b64s, sig, sig_len)))
        goto cleanup;
    env = json_object();
    sigs = json_array();
    one = json_object();
    if (!env || !sigs || !one) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    rc = mc_json_set(one, "keyid", json_string(keyid ? keyid : ""));
    rc = rc ? rc : mc_json_set(one, "sig", json_string(b64s));
    rc = rc ? (json_decref(one), rc) : mc_json_append(sigs, one);
    one = NULL;
    rc = rc ? rc : mc_json_set(env, "payload", json_string(b64p));
    rc = rc ? rc : mc_json_set(env, "payloadType", json_string(type));
    rc = rc ? (json_decref(sigs), rc) : mc_json_set(env, "signatures", sigs);
    sigs = NULL;
    if (rc)
        goto cleanup;
    *envelope = env;
    env = NULL;
cleanup:
    free(pae);
    free(sig);
    free(b64p);
    free(b64s);
    json_decref(env);
    json_decref(sigs);
    json_decref(one);
    return rc;
}

int mc_dsse_verify(unsigned char **payload, size_t *len, char **type, const json_t *envelope,
                   EVP_PKEY *key)
{
    return mc_dsse_verify_ex(payload, len, type, NULL, envelope, key, 0);
}

int mc_dsse_verify_ex(unsigned char **payload, size_t *len, char **type, int *legacy,
                      const json_t *envelope, EVP_PKEY *key, unsigned flags)
{
    unsigned char *body = NULL, *pae = NULL, *sig = NULL, *old = NULL;
    size_t body_len = 0, pae_len = 0, sig_len = 0, old_len = 0;
    char *t = NULL;
    json_t *js = NULL;
    const char *jp = NULL, *jt = NULL;
    int rc = MC_OK;
    if (!json_is_object(envelope))
        return mc_error_set(MC_EINPUT, "not a DSSE envelope: not a JSON object");
    if ((rc = mc_pbjson_string(&jp, envelope, "payload", NULL, "not a DSSE envelope")) ||
        (rc = mc_pbjson_string(&jt, envelope, "payloadType", "payload_type",
                               "not a DSSE envelope")) ||
        (rc = mc_pbjson_array(&js, envelope, "signatures", NULL, "not a DSSE envelope")))
        return rc;
    if (!jp || !jt || !js)
        return mc_error_set(MC_EINPUT, "not a DSSE envelope: payload, payloadType (strings) and "
                                       "signatures (an array) are required");
    size_t nsig = json_array_size(js);
    if (nsig == 0 || nsig > MC_DSSE_SIGNATURES_MAX)
        return mc_error_set(MC_EINPUT, "not a DSSE envelope: %zu signatures (1 to %d allowed)",
                            nsig, MC_DSSE_SIGNATURES_MAX);
    if (strlen(jt) > 256)
        return mc_error_set(MC_EINPUT, "not a DSSE envelope: bad payloadType");
    if ((rc = mc_base64_decode(&body, &body_len, jp, MC_DSSE_PAYLOAD_MAX))) {
        rc = prefixed(rc, "not a DSSE envelope: payload: ");
        goto cleanup;
    }
    if ((rc = mc_dsse_pae(&pae, &pae_len, jt, body, body_len)))
        goto cleanup;
    int try_old = (flags & MC_DSSE_MODEL_SIGNING_V02) && strcmp(jt, MC_DSSE_INTOTO_TYPE) == 0 &&
                  EVP_PKEY_is_a(key, "EC");
    if (try_old && (rc = pae_v02(&old, &old_len, jt, body, body_len)))
        goto cleanup;
    int ok = 0, was_old = 0;
    for (size_t i = 0; i < nsig && !ok; i++) {
        json_t *s = json_array_get(js, i);
        const char *ss = NULL, *kid = NULL;
        if (!json_is_object(s) || mc_pbjson_string(&ss, s, "sig", NULL, "signature") ||
            mc_pbjson_string(&kid, s, "keyid", NULL, "signature") || !ss) {
            rc = mc_error_set(MC_EINPUT, "not a DSSE envelope: signature %zu needs a string "
                                         "`sig` (and `keyid`, when present, a string)", i + 1);
            goto cleanup;
        }
        free(sig);
        sig = NULL;
        if ((rc = mc_base64_decode(&sig, &sig_len, ss, 1024))) {
            rc = prefixed(rc, "not a DSSE envelope: signature: ");
            goto cleanup;
        }
        if ((rc = mc_pkey_verify(&ok, key, sig, sig_len, pae, pae_len)))
            goto cleanup;
        if (!ok && try_old &&
            (rc = verify_md(&was_old, key, EVP_sha256(), sig, sig_len, old, old_len)))
            goto cleanup;
        ok = ok || was_old;
    }
    if (!ok) {
        rc = mc_error_set(MC_EINPUT, "the DSSE signature does not verify with this key");
        goto cleanup;
    }
    if (!(t = strdup(jt))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *payload = body;
    *len = body_len;
    *type = t;
    if (legacy)
        *legacy = was_old;
    body = NULL;
    t = NULL;
cleanup:
    free(body);
    free(pae);
    free(old);
    free(sig);
    free(t);
    return rc;
}

int mc_dsse_json_read(json_t **out, const char *text, size_t len)
{
    json_error_t e1, e2;
    memset(&e1, 0, sizeof e1); /* the error code is only set on failure */
    memset(&e2, 0, sizeof e2);
    json_t *a = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e1);
    json_t *b = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e2);
    int rc = MC_OK;
    if ((!a && json_error_code(&e1) == json_error_out_of_memory) ||
        (!b && json_error_code(&e2) == json_error_out_of_memory) || (!a != !b) ||
        (a && !json_equal(a, b)) || (!a && strcmp(e1.text, e2.text) != 0))
        rc = mc_error_nomem();
    else if (!a)
        rc = mc_error_set(MC_EINPUT, "%s at line %d", e1.text, e1.line);
    json_decref(b);
    if (rc) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return MC_OK;
}
