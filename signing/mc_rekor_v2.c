/* Rekor v2 entries (mc_rekor.h, docs/signing.md "Rekor v2"), checked offline as Rekor v2's
 * client specification (sigstore/rekor-tiles, CLIENTS.md) and sigstore-go check them: the
 * canonicalized body is a hashedrekord or dsse entry of version 0.0.2 that logs this
 * bundle's digest, signature and certificate; the inclusion proof leads from the body's leaf
 * hash, at the entry's logIndex, to the root hash of a checkpoint (a C2SP signed note,
 * mc_note.h) whose origin is the log's URL without its scheme and which the log's key signed
 * under its C2SP key id, cosigned by every witness the verifier names. The entry has no
 * integrated time and no inclusion promise (v2 logs give neither): its time comes from the
 * bundle's RFC 3161 timestamps (mc_sigstore.c). */
#include "mc_rekor.h"

#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_merkle.h"
#include "mc_note.h"
#include "mc_pbjson.h"

static const char W[] = "the tlog entry's body";

/* 1 in *eq when b64 decodes to exactly want (wl bytes). MC_ENOMEM. */
static int b64_is(int *eq, const char *b64, const unsigned char *want, size_t wl)
{
    unsigned char *d = NULL;
    size_t dl = 0;
    *eq = 0;
    int rc = b64 ? mc_base64_decode(&d, &dl, b64, 65536) : MC_EINPUT;
    if (rc == MC_ENOMEM)
        return rc;
    *eq = !rc && dl == wl && memcmp(d, want, wl) == 0;
    free(d);
    return MC_OK;
}

/* The logged signature (content) and verifier are this signature and this certificate. */
static int signature_is(const json_t *s, const unsigned char *sig, size_t sl, X509 *leaf)
{
    json_t *v = NULL, *xc = NULL;
    const char *content = NULL, *raw = NULL;
    unsigned char *der = NULL;
    int eq = 0, dl = 0;
    int rc = mc_pbjson_string(&content, s, "content", NULL, W);
    rc = rc ? rc : mc_pbjson_object(&v, s, "verifier", NULL, W);
    rc = rc ? rc : mc_pbjson_object(&xc, v, "x509Certificate", "x509_certificate", W);
    rc = rc ? rc : mc_pbjson_string(&raw, xc, "rawBytes", "raw_bytes", W);
    if (rc || (rc = b64_is(&eq, content, sig, sl)))
        return rc;
    if (!eq)
        return mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: another "
                                       "signature was logged");
    if ((dl = i2d_X509(leaf, &der)) <= 0) {
        ERR_clear_error();
        return mc_error_set(MC_EINTERNAL, "OpenSSL could not encode the signing certificate");
    }
    rc = b64_is(&eq, raw, der, (size_t)dl);
    OPENSSL_free(der);
    if (!rc && !eq)
        rc = mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: another "
                                     "certificate was logged");
    return rc;
}

/* A HashOutput {algorithm SHA2_256, digest} holding want. */
static int hash_is(const json_t *h, const unsigned char want[32], const char *what)
{
    const char *alg = NULL, *dig = NULL;
    int eq = 0;
    int rc = mc_pbjson_string(&alg, h, "algorithm", NULL, W);
    rc = rc ? rc : mc_pbjson_string(&dig, h, "digest", NULL, W);
    if (rc || (rc = b64_is(&eq, dig, want, 32)))
        return rc;
    if (!alg || strcmp(alg, "SHA2_256") != 0)
        return mc_error_set(MC_EINPUT, "%s: its %s is not a SHA2_256 digest", W, what);
    if (!eq)
        return mc_error_set(MC_EINPUT, "the tlog entry's body does not match the bundle: its %s "
                                       "is another", what);
    return MC_OK;
}

/* What the bundle says was signed: the digest a hashedrekord entry logs (messageDigest, or for
 * an envelope SHA-256(PAE)), the payload's SHA-256 (for dsse) and the signature. */
typedef struct signed_what {
    unsigned char digest[32], payload_hash[32];
    unsigned char *sig;
    size_t sig_len;
    int envelope;
} signed_what;

static int signed_of(signed_what *s, const json_t *env)
{
    const char *md = json_string_value(json_object_get(json_object_get(env, "messageDigest"),
                                                       "digest"));
    const char *sig = s->envelope
                          ? json_string_value(json_object_get(
                                json_array_get(json_object_get(env, "signatures"), 0), "sig"))
                          : json_string_value(json_object_get(env, "signature"));
    unsigned char *d = NULL, *pae = NULL;
    size_t dl = 0, pl = 0, n = 0;
    int rc = sig ? mc_base64_decode(&s->sig, &s->sig_len, sig, 1024) : MC_EINPUT;
    if (rc) {
        return rc == MC_ENOMEM ? rc : mc_error_set(MC_EINPUT, "bundle: the signature is missing "
                                                   "or not base64");
    }
    if (!s->envelope) {
        if (!md || (rc = mc_base64_decode(&d, &dl, md, 64)) || dl != 32) {
            free(d);
            return rc == MC_ENOMEM ? rc : mc_error_set(MC_EINPUT, "bundle: messageDigest is not "
                                                       "32 bytes of base64");
        }
        memcpy(s->digest, d, 32);
        free(d);
        return MC_OK;
    }
    const char *type = json_string_value(json_object_get(env, "payloadType"));
    const char *payload = json_string_value(json_object_get(env, "payload"));
    if (!type || !payload ||
        (rc = mc_base64_decode(&d, &n, payload, MC_DSSE_PAYLOAD_MAX)) ||
        (rc = mc_dsse_pae(&pae, &pl, type, d, n)))
        rc = rc == MC_ENOMEM ? rc : mc_error_set(MC_EINPUT, "bundle: the envelope needs a "
                                                 "payloadType and a base64 payload");
    if (!rc && (!EVP_Digest(pae, pl, s->digest, NULL, EVP_sha256(), NULL) ||
                !EVP_Digest(d, n, s->payload_hash, NULL, EVP_sha256(), NULL)))
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
    free(d);
    free(pae);
    return rc;
}

/* The body (kind and version already checked against the entry's) logs what was signed. */
static int body_matches(const json_t *b, const signed_what *s, X509 *leaf)
{
    json_t *spec = NULL, *e = NULL, *h = NULL, *sig = NULL, *sigs = NULL;
    const char *kind = json_string_value(json_object_get(b, "kind"));
    const char *api = json_string_value(json_object_get(b, "apiVersion"));
    int hr = kind && strcmp(kind, "hashedrekord") == 0;
    int rc = mc_pbjson_object(&spec, b, "spec", NULL, W);
    if (!rc && (!kind || !api || strcmp(api, "0.0.2") != 0 || (!hr && strcmp(kind, "dsse"))))
        rc = mc_error_set(MC_EINPUT, "%s is not a hashedrekord or dsse 0.0.2 entry", W);
    if (hr) {
        rc = rc ? rc : mc_pbjson_object(&e, spec, "hashedRekordV002", "hashed_rekord_v002", W);
        rc = rc ? rc : mc_pbjson_object(&h, e, "data", NULL, W);
        rc = rc ? rc : mc_pbjson_object(&sig, e, "signature", NULL, W);
        if (!rc && (!h || !sig))
            rc = mc_error_set(MC_EINPUT, "%s is not a hashedrekord 0.0.2 entry of a digest and "
                              "a signature", W);
        rc = rc ? rc : hash_is(h, s->digest, s->envelope ? "digest (of the envelope's PAE)"
                                                          : "digest");
        return rc ? rc : signature_is(sig, s->sig, s->sig_len, leaf);
    }
    if (!rc && !s->envelope)
        return mc_error_set(MC_EINPUT, "%s is a dsse entry, the bundle a message signature", W);
    rc = rc ? rc : mc_pbjson_object(&e, spec, "dsseV002", "dsse_v002", W);
    rc = rc ? rc : mc_pbjson_object(&h, e, "payloadHash", "payload_hash", W);
    rc = rc ? rc : mc_pbjson_array(&sigs, e, "signatures", NULL, W);
    if (!rc && (!h || json_array_size(sigs) != 1))
        rc = mc_error_set(MC_EINPUT, "%s is not a dsse 0.0.2 entry of a payload hash and one "
                          "signature", W);
    rc = rc ? rc : hash_is(h, s->payload_hash, "payload hash");
    return rc ? rc : signature_is(json_array_get(sigs, 0), s->sig, s->sig_len, leaf);
}

/* The log's C2SP key: its name (the base URL without its scheme) and key id. */
static int log_key(mc_note_key *k, char *name, size_t ns, const mc_tr_log *log)
{
    const char *u = log->base_url ? log->base_url : "";
    const char *p = strstr(u, "://");
    snprintf(name, ns, "%s", p ? p + 3 : u);
    size_t n = strlen(name);
    if (n && name[n - 1] == '/')
        name[n - 1] = 0;
    if (!*name)
        return mc_error_set(MC_EINPUT, "the trusted root's log has no baseUrl to name its "
                            "checkpoints");
    unsigned char id[32];
    int rc = mc_note_key_id(id, name, log->key);
    if (rc)
        return rc;
    if (log->log_id_len != 32 || memcmp(id, log->log_id, 32) != 0)
        return mc_error_set(MC_EINPUT, "the trusted root's log %s: its logId is not the C2SP key "
                            "id of its key and name", name);
    k->name = name;
    k->key = log->key;
    memcpy(k->id, id, 4);
    return MC_OK;
}

static int checkpoint_ok(mc_note_checkpoint *cp, const char *note, const mc_tr_log *log,
                         const mc_sigstore_policy *policy)
{
    mc_note_witness w[MC_NOTE_MAX_WITNESSES];
    size_t nw = 0, n = policy ? policy->n_witnesses : 0;
    mc_note_key k;
    char name[MC_NOTE_MAX_NAME], why[320];
    int ok = 0, rc = log_key(&k, name, sizeof name, log);
    if (!rc && n > MC_NOTE_MAX_WITNESSES)
        rc = mc_error_set(MC_EINPUT, "over %d witnesses", MC_NOTE_MAX_WITNESSES);
    for (; !rc && nw < n; nw++)
        if ((rc = mc_note_witness_parse(&w[nw], policy->witnesses[nw])))
            break;
    if (!rc && (rc = mc_checkpoint_open(&ok, why, sizeof why, cp, note, strlen(note), &k, w, nw)) ==
                   MC_OK && !ok)
        rc = mc_error_set(MC_EINPUT, "%s", why);
    for (size_t i = 0; i < nw; i++)
        mc_note_witness_clear(&w[i]);
    return rc;
}

static int proof_ok(const json_t *entry, const unsigned char *body, size_t bl,
                    const mc_tr_log *log, const mc_sigstore_policy *policy)
{
    json_t *ip = NULL, *hashes = NULL, *cp_obj = NULL;
    const char *note = NULL;
    int64_t index = 0;
    int has_i = 0;
    unsigned char (*path)[32] = NULL, leaf[32];
    mc_note_checkpoint cp;
    int rc = mc_pbjson_int64(&index, &has_i, entry, "logIndex", "log_index", "tlog entry");
    rc = rc ? rc : mc_pbjson_object(&ip, entry, "inclusionProof", "inclusion_proof", "tlog entry");
    rc = rc ? rc : mc_pbjson_array(&hashes, ip, "hashes", NULL, "inclusionProof");
    rc = rc ? rc : mc_pbjson_object(&cp_obj, ip, "checkpoint", NULL, "inclusionProof");
    rc = rc ? rc : mc_pbjson_string(&note, cp_obj, "envelope", NULL, "inclusionProof.checkpoint");
    if (rc)
        return rc;
    size_t n = json_array_size(hashes);
    if (!ip)
        return mc_error_set(MC_EINPUT, "the Rekor v2 entry has no inclusion proof: nothing proves "
                            "it was logged (v2 logs give no inclusion promise)");
    if (!has_i || index < 0 || n > MC_REKOR_MAX_PROOF || !note)
        return mc_error_set(MC_EINPUT, "the inclusion proof needs the entry's logIndex, at most "
                            "%d hashes and a checkpoint", MC_REKOR_MAX_PROOF);
    if ((rc = checkpoint_ok(&cp, note, log, policy)))
        return rc;
    if (n && !(path = calloc(n, 32)))
        return mc_error_nomem();
    for (size_t i = 0; !rc && i < n; i++) {
        unsigned char *h = NULL;
        size_t hl = 0;
        const char *s = json_string_value(json_array_get(hashes, i));
        if (!s || (rc = mc_base64_decode(&h, &hl, s, 64)) || hl != 32)
            rc = rc == MC_ENOMEM ? rc : mc_error_set(MC_EINPUT, "the inclusion proof's hash %zu "
                                                     "is not 32 bytes", i + 1);
        else
            memcpy(path[i], h, 32);
        free(h);
    }
    if (!rc && (rc = mc_merkle_leaf_hash(leaf, body, bl)) == MC_OK &&
        !mc_merkle_inclusion_ok(leaf, (uint64_t)index, cp.size, (const unsigned char(*)[32])path,
                                n, cp.root))
        rc = mc_error_set(MC_EINPUT, "the inclusion proof does not lead from the entry (index "
                          "%lld) to the checkpoint's root hash (tree size %llu)", (long long)index,
                          (unsigned long long)cp.size);
    free(path);
    return rc;
}

int mc_rekor_v2_verify(mc_rekor_result *res, const json_t *entry, const unsigned char *body,
                       size_t bl, const json_t *env, X509 *leaf, const mc_tr_log *log,
                       const mc_sigstore_policy *policy)
{
    json_t *b = NULL;
    signed_what s = {.envelope = json_object_get(env, "messageDigest") == NULL};
    int rc = mc_dsse_json_read(&b, (const char *)body, bl);
    if (rc) {
        rc = rc == MC_ENOMEM ? rc : mc_error_set(MC_EINPUT, "%s is not JSON", W);
        goto cleanup;
    }
    if ((rc = signed_of(&s, env)) || (rc = body_matches(b, &s, leaf)) ||
        (rc = proof_ok(entry, body, bl, log, policy)))
        goto cleanup;
    res->timed = 0;
    res->integrated_time = 0;
    res->proof = 1;
    res->promise = 0;
    res->window = log->valid;
cleanup:
    json_decref(b);
    free(s.sig);
    return rc;
}
