/* Rekor v1 entries (mc_rekor.h), checked offline as sigstore-go and sigstore-python check
 * them: the log is one of the trusted root's, the canonicalized body is this bundle's DSSE
 * signature (payload hash, signature, certificate), the inclusion proof leads to the root
 * hash of a checkpoint the log signed, the inclusion promise is the log's signature over the
 * entry, and the integrated time lies in the log key's window and in the certificate's
 * validity. Every field is read by the protobuf JSON mapping and bounded. */
#include "mc_rekor.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_fulcio.h"
#include "mc_hash.h"
#include "mc_json.h"
#include "mc_merkle.h"
#include "mc_pbjson.h"

static int verify_sig(int *ok, EVP_PKEY *key, const unsigned char *sig, size_t sl,
                      const void *msg, size_t n)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return mc_error_nomem();
    const EVP_MD *md = EVP_PKEY_is_a(key, "ED25519") ? NULL : EVP_sha256();
    *ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
          EVP_DigestVerify(ctx, sig, sl, msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return MC_OK;
}

int mc_checkpoint_check(int *ok, char *why, size_t why_size, const char *note, EVP_PKEY *key,
                        const unsigned char *log_id, uint64_t size, const unsigned char root[32])
{
    *ok = 0;
    const char *end = strstr(note, "\n\n");
    size_t n = strlen(note);
    if (n > MC_REKOR_MAX_NOTE || !end) {
        snprintf(why, why_size, "the checkpoint is not a signed note");
        return MC_OK;
    }
    size_t body_len = (size_t)(end - note) + 1;
    /* the body: origin, tree size, root hash (base64), optional extension lines */
    char size_s[32], root_s[128];
    const char *l1 = memchr(note, '\n', body_len);
    const char *l2 = l1 ? memchr(l1 + 1, '\n', body_len - (size_t)(l1 + 1 - note)) : NULL;
    const char *l3 = l2 ? memchr(l2 + 1, '\n', body_len - (size_t)(l2 + 1 - note)) : NULL;
    if (!l3 || l2 - l1 - 1 >= (long)sizeof size_s || l3 - l2 - 1 >= (long)sizeof root_s) {
        snprintf(why, why_size, "the checkpoint's text is not origin, size and root hash");
        return MC_OK;
    }
    memcpy(size_s, l1 + 1, (size_t)(l2 - l1 - 1));
    size_s[l2 - l1 - 1] = 0;
    memcpy(root_s, l2 + 1, (size_t)(l3 - l2 - 1));
    root_s[l3 - l2 - 1] = 0;
    unsigned char *rh = NULL, *sig = NULL;
    size_t rl = 0, sl = 0;
    char *e = NULL;
    unsigned long long sz = strtoull(size_s, &e, 10);
    int rc = MC_OK, signed_ok = 0;
    if (!*size_s || *e || size_s[0] == '-' || sz != size) {
        snprintf(why, why_size, "the checkpoint's tree size %.30s is not the proof's %llu",
                 size_s, (unsigned long long)size);
        return MC_OK;
    }
    if ((rc = mc_base64_decode(&rh, &rl, root_s, 64)) || rl != 32 || memcmp(rh, root, 32)) {
        free(rh);
        if (rc == MC_ENOMEM)
            return rc;
        snprintf(why, why_size, "the checkpoint's root hash is not the proof's");
        return MC_OK;
    }
    free(rh);
    /* signature lines: "— NAME BASE64(hint[4] || signature)" */
    const char *p = end + 2;
    int lines = 0;
    while (*p && !signed_ok && lines++ < 100) {
        const char *nl = strchr(p, '\n');
        size_t ll = nl ? (size_t)(nl - p) : strlen(p);
        const char *sp = ll > 4 && memcmp(p, "\xe2\x80\x94 ", 4) == 0
                       ? memchr(p + 4, ' ', ll - 4) : NULL;
        if (sp) {
            char b64[1024];
            size_t bl = ll - (size_t)(sp + 1 - p);
            if (bl < sizeof b64) {
                memcpy(b64, sp + 1, bl);
                b64[bl] = 0;
                if ((rc = mc_base64_decode(&sig, &sl, b64, 1024)) == MC_ENOMEM)
                    return rc;
                if (!rc && sl > 4 && memcmp(sig, log_id, 4) == 0 &&
                    (rc = verify_sig(&signed_ok, key, sig + 4, sl - 4, note, body_len)))
                    break;
                rc = MC_OK;
                free(sig);
                sig = NULL;
            }
        }
        p = nl ? nl + 1 : p + ll;
    }
    free(sig);
    if (rc)
        return rc;
    if (!signed_ok)
        snprintf(why, why_size, "the checkpoint is not signed by the log's key");
    *ok = signed_ok;
    return MC_OK;
}

/* 1 in *same when b64 is the base64 of a PEM certificate equal to leaf. MC_ENOMEM. */
static int verifier_is(int *same, const char *b64, X509 *leaf)
{
    unsigned char *pem = NULL;
    size_t pml = 0;
    BIO *bio = NULL;
    X509 *v = NULL;
    *same = 0;
    int rc = mc_base64_decode(&pem, &pml, b64, 65536);
    if (rc == MC_ENOMEM)
        return rc;
    if (!rc && (bio = BIO_new_mem_buf(pem, (int)pml)))
        v = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    ERR_clear_error();
    *same = !rc && v && X509_cmp(v, leaf) == 0;
    X509_free(v);
    BIO_free(bio);
    free(pem);
    return MC_OK;
}

/* A hashedrekord 0.0.1 body is this message signature (the bundle's messageSignature ms)
 * by this leaf: the artifact's sha256, the signature, the certificate (PEM, base64). */
static int hashedrekord_matches(const json_t *b, const json_t *ms, X509 *leaf)
{
    json_t *spec = json_object_get(b, "spec");
    json_t *hash = json_object_get(json_object_get(spec, "data"), "hash");
    json_t *sig = json_object_get(spec, "signature");
    const char *ha = json_string_value(json_object_get(hash, "algorithm"));
    const char *hv = json_string_value(json_object_get(hash, "value"));
    const char *bs = json_string_value(json_object_get(sig, "content"));
    const char *bv = json_string_value(json_object_get(json_object_get(sig, "publicKey"),
                                                       "content"));
    json_t *md = json_object_get(ms, "messageDigest");
    const char *mdv = json_string_value(json_object_get(md, "digest"));
    const char *ms_sig = json_string_value(json_object_get(ms, "signature"));
    unsigned char *d = NULL, *s1 = NULL, *s2 = NULL;
    size_t dl = 0, l1 = 0, l2 = 0;
    char hex[65] = "";
    int same = 0, rc = MC_OK;
    if (!ha || strcmp(ha, "sha256") || !hv || !bs || !bv || !mdv || !ms_sig) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body is not a hashedrekord 0.0.1 entry "
                                     "of a sha256 digest, a signature and a certificate");
        goto cleanup;
    }
    if ((rc = mc_base64_decode(&d, &dl, mdv, 64)) == MC_ENOMEM)
        goto cleanup;
    for (size_t i = 0; !rc && dl == 32 && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    if (rc || dl != 32 || strcmp(hex, hv) != 0) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: its "
                                     "digest is %.16s..., the bundle's %.16s...", hv, hex);
        goto cleanup;
    }
    if ((rc = mc_base64_decode(&s1, &l1, bs, 1024)) == MC_ENOMEM ||
        (!rc && (rc = mc_base64_decode(&s2, &l2, ms_sig, 1024)) == MC_ENOMEM))
        goto cleanup;
    if (rc || l1 != l2 || memcmp(s1, s2, l1) != 0) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: another "
                                     "signature was logged");
        goto cleanup;
    }
    if ((rc = verifier_is(&same, bv, leaf)))
        goto cleanup;
    if (!same)
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: another "
                                     "certificate was logged");
cleanup:
    free(d);
    free(s1);
    free(s2);
    return rc;
}

/* The body (dsse 0.0.1) is this envelope signed by this leaf: payloadHash, the one
 * signature, and the certificate (its PEM, base64) as the verifier. When env is a
 * messageSignature (it has messageDigest), the body must be its hashedrekord 0.0.1 entry. */
static int body_matches(const unsigned char *body, size_t bl, const json_t *env, X509 *leaf)
{
    json_t *b = NULL;
    unsigned char *payload = NULL, *s1 = NULL, *s2 = NULL;
    size_t pl = 0, l1 = 0, l2 = 0;
    char hex[65];
    int rc = mc_dsse_json_read(&b, (const char *)body, bl);
    if (rc) {
        rc = rc == MC_ENOMEM ? rc : mc_error_set(MC_EINPUT, "the tlog entry's body is not JSON");
        goto cleanup;
    }
    json_t *spec = json_object_get(b, "spec");
    const char *kind = json_string_value(json_object_get(b, "kind"));
    const char *api = json_string_value(json_object_get(b, "apiVersion"));
    if (json_object_get(env, "messageDigest")) { /* a messageSignature: hashedrekord */
        rc = kind && !strcmp(kind, "hashedrekord") && api && !strcmp(api, "0.0.1")
                 ? hashedrekord_matches(b, env, leaf)
                 : mc_error_set(MC_EINPUT, "the tlog entry's body is not a hashedrekord 0.0.1 "
                                "entry");
        goto cleanup;
    }
    const char *ph = json_string_value(json_object_get(json_object_get(spec, "payloadHash"),
                                                       "value"));
    const char *pa = json_string_value(json_object_get(json_object_get(spec, "payloadHash"),
                                                       "algorithm"));
    json_t *sigs = json_object_get(spec, "signatures");
    const char *bs = json_string_value(json_object_get(json_array_get(sigs, 0), "signature"));
    const char *bv = json_string_value(json_object_get(json_array_get(sigs, 0), "verifier"));
    json_t *esigs = json_object_get(env, "signatures");
    const char *es = json_string_value(json_object_get(json_array_get(esigs, 0), "sig"));
    const char *ep = json_string_value(json_object_get(env, "payload"));
    if (!kind || strcmp(kind, "dsse") || !api || strcmp(api, "0.0.1") || !ph || !pa ||
        strcmp(pa, "sha256") || json_array_size(sigs) != 1 || !bs || !bv || !es || !ep ||
        json_array_size(esigs) != 1) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body is not a dsse 0.0.1 entry of one "
                                     "signature");
        goto cleanup;
    }
    if ((rc = mc_base64_decode(&payload, &pl, ep, MC_DSSE_PAYLOAD_MAX)) ||
        (rc = mc_sha256_hex(hex, payload, pl)))
        goto cleanup;
    if (strcmp(hex, ph) != 0) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: its "
                                     "payload hash is %.16s..., the envelope's %.16s...", ph, hex);
        goto cleanup;
    }
    if ((rc = mc_base64_decode(&s1, &l1, bs, 1024)) == MC_ENOMEM ||
        (!rc && (rc = mc_base64_decode(&s2, &l2, es, 1024)) == MC_ENOMEM))
        goto cleanup;
    if (rc || l1 != l2 || memcmp(s1, s2, l1) != 0) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: another "
                                     "signature was logged");
        goto cleanup;
    }
    int same = 0;
    if ((rc = verifier_is(&same, bv, leaf)))
        goto cleanup;
    if (!same) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: another "
                                     "certificate was logged");
        goto cleanup;
    }
cleanup:
    json_decref(b);
    free(payload);
    free(s1);
    free(s2);
    return rc;
}

/* The inclusion promise: the log's signature over the canonical JSON of body, integrated
 * time, log id (hex) and log index. */
static int promise_ok(int *ok, const char *set_b64, const char *body_b64, int64_t t,
                      const mc_tr_log *log, int64_t index)
{
    char hex[129], *canon = NULL;
    unsigned char *sig = NULL;
    size_t sl = 0, cl = 0;
    for (size_t i = 0; i < log->log_id_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", log->log_id[i]);
    json_t *o = json_pack("{s:s,s:I,s:s,s:I}", "body", body_b64, "integratedTime", (json_int_t)t,
                          "logID", hex, "logIndex", (json_int_t)index);
    int rc = o ? mc_json_canonical(&canon, &cl, o) : mc_error_nomem();
    *ok = 0;
    if (!rc && (rc = mc_base64_decode(&sig, &sl, set_b64, 1024)) != MC_ENOMEM)
        rc = rc ? MC_OK : verify_sig(ok, log->key, sig, sl, canon, cl);
    json_decref(o);
    free(canon);
    free(sig);
    return rc;
}

/* The inclusion proof and its checkpoint. */
static int proof_ok(const json_t *ip, const unsigned char *body, size_t bl, const mc_tr_log *log)
{
    json_t *hashes = NULL, *cp = NULL;
    const char *root_b64 = NULL, *note = NULL;
    int64_t index = 0, size = 0;
    int has_i = 0, has_s = 0, ok = 0;
    unsigned char (*path)[32] = NULL, *root = NULL, leaf[32], *pre = NULL;
    size_t rl = 0;
    char why[256];
    int rc = mc_pbjson_int64(&index, &has_i, ip, "logIndex", "log_index", "inclusionProof");
    rc = rc ? rc : mc_pbjson_int64(&size, &has_s, ip, "treeSize", "tree_size", "inclusionProof");
    rc = rc ? rc : mc_pbjson_string(&root_b64, ip, "rootHash", "root_hash", "inclusionProof");
    rc = rc ? rc : mc_pbjson_array(&hashes, ip, "hashes", NULL, "inclusionProof");
    rc = rc ? rc : mc_pbjson_object(&cp, ip, "checkpoint", NULL, "inclusionProof");
    rc = rc ? rc : mc_pbjson_string(&note, cp, "envelope", NULL, "inclusionProof.checkpoint");
    if (rc)
        goto cleanup;
    size_t n = json_array_size(hashes);
    if (!has_i || !has_s || !root_b64 || index < 0 || size <= 0 || n > MC_REKOR_MAX_PROOF) {
        rc = mc_error_set(MC_EINPUT, "the inclusion proof needs logIndex, treeSize, rootHash "
                                     "and at most %d hashes", MC_REKOR_MAX_PROOF);
        goto cleanup;
    }
    if (!note) {
        rc = mc_error_set(MC_EINPUT, "the inclusion proof has no checkpoint: nothing the log "
                                     "signed vouches for its root hash");
        goto cleanup;
    }
    if ((rc = mc_base64_decode(&root, &rl, root_b64, 64)) || rl != 32) {
        rc = rc == MC_ENOMEM ? rc : mc_error_set(MC_EINPUT, "the inclusion proof's rootHash is "
                                                            "not 32 bytes of base64");
        goto cleanup;
    }
    if ((n && !(path = calloc(n, 32))) || !(pre = malloc(bl + 1))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char *h = NULL;
        size_t hl = 0;
        const char *s = json_string_value(json_array_get(hashes, i));
        if (!s || (rc = mc_base64_decode(&h, &hl, s, 64)) || hl != 32) {
            free(h);
            rc = rc == MC_ENOMEM ? rc : mc_error_set(MC_EINPUT, "the inclusion proof's hash "
                                                                "%zu is not 32 bytes", i + 1);
            goto cleanup;
        }
        memcpy(path[i], h, 32);
        free(h);
    }
    pre[0] = 0; /* RFC 6962 leaf hash: SHA-256(0x00 || entry) */
    memcpy(pre + 1, body, bl);
    EVP_Digest(pre, bl + 1, leaf, NULL, EVP_sha256(), NULL);
    if (!mc_merkle_inclusion_ok(leaf, (uint64_t)index, (uint64_t)size,
                                (const unsigned char(*)[32])path, n, root)) {
        rc = mc_error_set(MC_EINPUT, "the inclusion proof does not lead from the entry "
                                     "(index %lld) to the root hash of the tree of size %lld",
                          (long long)index, (long long)size);
        goto cleanup;
    }
    if ((rc = mc_checkpoint_check(&ok, why, sizeof why, note, log->key, log->log_id,
                                  (uint64_t)size, root)))
        goto cleanup;
    if (!ok)
        rc = mc_error_set(MC_EINPUT, "%s", why);
cleanup:
    free(path);
    free(root);
    free(pre);
    return rc;
}

int mc_rekor_verify(mc_rekor_result *res, const json_t *entry, const json_t *env, X509 *leaf,
                    const mc_trusted_root *tr, const mc_sigstore_policy *policy)
{
    json_t *lid = NULL, *kv = NULL, *ip = NULL, *pr = NULL;
    const char *kid = NULL, *kind = NULL, *ver = NULL, *body_b64 = NULL, *set = NULL;
    int64_t t = 0, index = 0;
    int has_t = 0, has_i = 0, ok = 0;
    unsigned char *id = NULL, *body = NULL;
    size_t il = 0, bl = 0;
    char when[32], from[32], to[32];
    const char *w = "tlog entry";
    int rc = json_is_object(entry) ? MC_OK : mc_error_set(MC_EINPUT, "a tlog entry is not an "
                                                                     "object");
    rc = rc ? rc : mc_pbjson_object(&lid, entry, "logId", "log_id", w);
    rc = rc ? rc : mc_pbjson_string(&kid, lid, "keyId", "key_id", w);
    rc = rc ? rc : mc_pbjson_object(&kv, entry, "kindVersion", "kind_version", w);
    rc = rc ? rc : mc_pbjson_string(&kind, kv, "kind", NULL, w);
    rc = rc ? rc : mc_pbjson_string(&ver, kv, "version", NULL, w);
    rc = rc ? rc : mc_pbjson_int64(&t, &has_t, entry, "integratedTime", "integrated_time", w);
    rc = rc ? rc : mc_pbjson_int64(&index, &has_i, entry, "logIndex", "log_index", w);
    rc = rc ? rc : mc_pbjson_string(&body_b64, entry, "canonicalizedBody", "canonicalized_body",
                                    w);
    rc = rc ? rc : mc_pbjson_object(&ip, entry, "inclusionProof", "inclusion_proof", w);
    rc = rc ? rc : mc_pbjson_object(&pr, entry, "inclusionPromise", "inclusion_promise", w);
    rc = rc ? rc : mc_pbjson_string(&set, pr, "signedEntryTimestamp", "signed_entry_timestamp",
                                    w);
    if (rc)
        goto cleanup;
    int v2 = ver && strcmp(ver, "0.0.2") == 0; /* Rekor v2: no integrated time */
    if (!kid || !kind || !ver || (!has_t && !v2) || !has_i || !body_b64) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry needs logId, kindVersion, integratedTime, "
                                     "logIndex and canonicalizedBody");
        goto cleanup;
    }
    if ((rc = mc_base64_decode(&id, &il, kid, 64)) == MC_ENOMEM)
        goto cleanup;
    const mc_tr_log *log = rc ? NULL : mc_tr_log_find(tr->tlogs, tr->n_tlogs, id, il);
    if (!log) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's log %.60s is not a transparency log of "
                                     "the trusted root", kid);
        goto cleanup;
    }
    int message = json_object_get(env, "messageDigest") != NULL;
    int known = v2 ? strcmp(kind, "hashedrekord") == 0 || (!message && !strcmp(kind, "dsse"))
                   : !strcmp(kind, message ? "hashedrekord" : "dsse") && !strcmp(ver, "0.0.1");
    if (!known) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry is of kind %.30s %.30s (%s 0.0.1 or 0.0.2 "
                                     "is verified for this bundle)", kind, ver,
                          message ? "hashedrekord" : "dsse or hashedrekord");
        goto cleanup;
    }
    if ((rc = mc_base64_decode(&body, &bl, body_b64, MC_REKOR_MAX_BODY)))
        goto cleanup;
    if (v2) {
        rc = mc_rekor_v2_verify(res, entry, body, bl, env, leaf, log, policy);
        goto cleanup;
    }
    if ((rc = body_matches(body, bl, env, leaf)))
        goto cleanup;
    if (!ip && !set) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry has neither an inclusion proof nor an "
                                     "inclusion promise: nothing proves it was logged");
        goto cleanup;
    }
    if (ip && (rc = proof_ok(ip, body, bl, log)))
        goto cleanup;
    if (set) {
        if ((rc = promise_ok(&ok, set, body_b64, t, log, index)))
            goto cleanup;
        if (!ok) {
            rc = mc_error_set(MC_EINPUT, "the tlog entry's inclusion promise (SET) is not the "
                                         "log's signature over it");
            goto cleanup;
        }
    }
    mc_fulcio_time_str(when, t);
    if (!mc_tr_window_has(&log->valid, t)) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's integrated time %s is outside its log "
                                     "key's window in the trusted root", when);
        goto cleanup;
    }
    struct tm a = {0}, b = {0};
    if (!ASN1_TIME_to_tm(X509_get0_notBefore(leaf), &a) ||
        !ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &b) || t < (int64_t)timegm(&a) ||
        t > (int64_t)timegm(&b)) {
        rc = mc_error_set(MC_EINPUT, "the tlog entry's integrated time %s is outside the signing "
                                     "certificate's validity (%s to %s)", when,
                          mc_fulcio_time_str(from, (int64_t)timegm(&a)),
                          mc_fulcio_time_str(to, (int64_t)timegm(&b)));
        goto cleanup;
    }
    res->integrated_time = t;
    res->timed = 1;
    res->window = log->valid;
    res->proof = ip != NULL;
    res->promise = set != NULL;
cleanup:
    free(id);
    free(body);
    return rc;
}
