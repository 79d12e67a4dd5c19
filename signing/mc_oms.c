/* OMS v1.0: the in-toto statement of a manifest, the Sigstore bundle v0.3
 * around its DSSE envelope, and their verification: with a public key, or with a
 * certificate chain to trusted roots (mc_x509.c: the chain and the certificate policy).
 * Verification reads every bundle model_signing has written since v0.2.0: bundle media
 * types v0.1 to v0.3, the protobuf JSON mapping (mc_pbjson.h), and v0.2.0's statement
 * (predicate https://model_signing/Digests/v0.1, one subject per file) and PAE. */
#include "mc_oms.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_pbjson.h"
#include "mc_sigstore.h"
#include "mc_x509.h"

int mc_oms_statement(char **out, size_t *len, const mc_manifest *m)
{
    json_t *st = json_object(), *ser = json_object(), *res = json_array(), *pred = json_object();
    json_t *subj = NULL;
    int rc = st && ser && res && pred ? MC_OK : mc_error_nomem();
    for (size_t i = 0; i < m->n && !rc; i++) {
        char alg[64] = "sha256";
        if (m->shards)
            snprintf(alg, sizeof alg, "sha256-sharded-%lld", m->shard_size);
        rc = mc_json_append(res, json_pack("{s:s,s:s,s:s}", "algorithm", alg, "digest",
                                           m->items[i].digest, "name", m->items[i].name));
    }
    rc = rc ? rc : mc_json_set(ser, "method", json_string(m->shards ? "shards" : "files"));
    rc = rc ? rc : mc_json_set(ser, "hash_type", json_string("sha256"));
    rc = rc ? rc : mc_json_set(ser, "allow_symlinks", json_boolean(m->allow_symlinks));
    if (!rc && m->shards)
        rc = mc_json_set(ser, "shard_size", json_integer(m->shard_size));
    if (!rc && m->n_ignore) {
        json_t *ig = json_array();
        rc = ig ? MC_OK : mc_error_nomem();
        for (size_t i = 0; i < m->n_ignore && !rc; i++)
            rc = mc_json_append(ig, json_string(m->ignore[i]));
        rc = rc ? (json_decref(ig), rc) : mc_json_set(ser, "ignore_paths", ig);
    }
    rc = rc ? (json_decref(ser), rc) : mc_json_set(pred, "serialization", ser);
    ser = NULL;
    rc = rc ? (json_decref(res), rc) : mc_json_set(pred, "resources", res);
    res = NULL;
    if (!rc)
        subj = json_pack("[{s:s,s:{s:s}}]", "name", m->model_name, "digest", "sha256",
                         m->subject);
    rc = rc ? rc : mc_json_set(st, "_type", json_string(MC_OMS_STATEMENT_TYPE));
    rc = rc ? (json_decref(subj), rc) : mc_json_set(st, "subject", subj);
    subj = NULL;
    rc = rc ? rc : mc_json_set(st, "predicateType", json_string(MC_OMS_PREDICATE_TYPE));
    rc = rc ? (json_decref(pred), rc) : mc_json_set(st, "predicate", pred);
    pred = NULL;
    rc = rc ? rc : mc_json_canonical(out, len, st);
    json_decref(st);
    json_decref(ser);
    json_decref(res);
    json_decref(pred);
    json_decref(subj);
    return rc;
}

/* ---- certificates ------------------------------------------------------------------- */

int mc_oms_check_ca(const char *ca_path)
{
    STACK_OF(X509) *sk = NULL;
    int rc = mc_x509_read_pem(&sk, ca_path);
    sk_X509_pop_free(sk, X509_free);
    return rc;
}

static int cert_b64(json_t *arr, X509 *c)
{
    unsigned char *der = NULL;
    char *b64 = NULL;
    int n = i2d_X509(c, &der);
    if (n <= 0)
        return mc_error_set(MC_EINTERNAL, "cannot encode a certificate");
    int rc = mc_base64_encode(&b64, der, (size_t)n);
    OPENSSL_free(der);
    if (rc)
        return rc;
    rc = mc_json_append(arr, json_pack("{s:s}", "rawBytes", b64));
    free(b64);
    return rc;
}

static int cert_material(json_t **out, const mc_key *key, const char *cert_path,
                         const char *chain_path)
{
    STACK_OF(X509) *leaf = NULL, *chain = NULL;
    json_t *certs = json_array();
    int rc = certs ? mc_x509_read_pem(&leaf, cert_path) : mc_error_nomem();
    if (!rc && chain_path)
        rc = mc_x509_read_pem(&chain, chain_path);
    if (rc)
        goto cleanup;
    EVP_PKEY *lk = X509_get0_pubkey(sk_X509_value(leaf, 0));
    if (!lk || EVP_PKEY_eq(lk, mc_key_pkey(key)) != 1) {
        ERR_clear_error();
        rc = mc_error_set(MC_EINPUT, "%s: the certificate's public key is not the signing key's",
                          cert_path);
        goto cleanup;
    }
    rc = cert_b64(certs, sk_X509_value(leaf, 0));
    for (int i = 0; chain && i < sk_X509_num(chain) && !rc; i++)
        rc = cert_b64(certs, sk_X509_value(chain, i));
    if (!rc) {
        *out = json_pack("{s:{s:o},s:[]}", "x509CertificateChain", "certificates", certs,
                         "tlogEntries");
        certs = NULL;
        rc = *out ? MC_OK : mc_error_nomem();
    }
cleanup:
    json_decref(certs);
    sk_X509_pop_free(leaf, X509_free);
    sk_X509_pop_free(chain, X509_free);
    return rc;
}

int mc_oms_sign(char **out, size_t *len, const mc_manifest *m, const mc_key *key,
                const char *cert_path, const char *chain_path)
{
    char *stmt = NULL;
    size_t stmt_len = 0;
    json_t *env = NULL, *vm = NULL, *bundle = NULL;
    int rc = mc_oms_statement(&stmt, &stmt_len, m);
    rc = rc ? rc : mc_dsse_sign(&env, mc_key_pkey(key), "", MC_OMS_PAYLOAD_TYPE, stmt, stmt_len);
    if (rc)
        goto cleanup;
    if (cert_path) {
        rc = cert_material(&vm, key, cert_path, chain_path);
    } else {
        vm = json_pack("{s:{s:s},s:[]}", "publicKey", "hint", mc_key_hint(key), "tlogEntries");
        rc = vm ? MC_OK : mc_error_nomem();
    }
    if (rc)
        goto cleanup;
    bundle = json_object();
    rc = bundle ? MC_OK : mc_error_nomem();
    rc = rc ? rc : mc_json_set(bundle, "mediaType", json_string(MC_OMS_BUNDLE_MEDIA_TYPE));
    if (rc == MC_OK) { /* mc_json_set takes vm over, but only when it is called */
        rc = mc_json_set(bundle, "verificationMaterial", vm);
        vm = NULL;
    }
    if (rc == MC_OK) {
        rc = mc_json_set(bundle, "dsseEnvelope", env);
        env = NULL;
    }
    rc = rc ? rc : mc_json_pretty(out, len, bundle, 2);
cleanup:
    free(stmt);
    json_decref(env);
    json_decref(vm);
    json_decref(bundle);
    return rc;
}

int mc_oms_sign_dsse(char **out, size_t *len, const mc_manifest *m, const mc_key *key)
{
    char *stmt = NULL;
    size_t stmt_len = 0;
    json_t *env = NULL;
    int rc = mc_oms_statement(&stmt, &stmt_len, m);
    rc = rc ? rc : mc_dsse_sign(&env, mc_key_pkey(key), mc_key_hint(key), MC_OMS_PAYLOAD_TYPE,
                                stmt, stmt_len);
    rc = rc ? rc : mc_json_pretty(out, len, env, 2);
    free(stmt);
    json_decref(env);
    return rc;
}

/* ---- verification ------------------------------------------------------------------- */

static int parse_shard_name(mc_manifest_item *it, const char *name, long long shard_size)
{
    const char *c2 = strrchr(name, ':');
    const char *c1 = NULL;
    for (const char *p = name; p < c2; p++)
        if (*p == ':')
            c1 = p;
    if (!c1 || !c2)
        return mc_error_set(MC_EINPUT, "shard resource '%.200s' is not path:start:end", name);
    for (const char *p = name; p < c1; p++)
        if (*p == ':')
            return mc_error_set(MC_EINPUT, "shard resource '%.200s' is not path:start:end", name);
    char *e1 = NULL, *e2 = NULL;
    errno = 0;
    long long s = strtoll(c1 + 1, &e1, 10), e = strtoll(c2 + 1, &e2, 10);
    if (errno || e1 != c2 || *e2 || c1[1] == '-' || c2[1] == '-' || !isdigit((unsigned char)c1[1])
        || !isdigit((unsigned char)c2[1]) || s > e || e - s > shard_size)
        return mc_error_set(MC_EINPUT, "shard resource '%.200s' has a bad range", name);
    if (!(it->path = strndup(name, (size_t)(c1 - name))))
        return mc_error_nomem();
    it->start = s;
    it->end = e;
    return mc_manifest_check_name(it->path);
}

static int parse_serialization(mc_manifest *m, json_t *ser)
{
    json_t *method = json_object_get(ser, "method"), *ht = json_object_get(ser, "hash_type");
    json_t *sym = json_object_get(ser, "allow_symlinks"), *ig = json_object_get(ser, "ignore_paths");
    if (!json_is_object(ser) || !json_is_string(method) || !json_is_string(ht) ||
        !json_is_boolean(sym))
        return mc_error_set(MC_EINPUT, "statement: predicate.serialization needs method, "
                            "hash_type (strings) and allow_symlinks (a boolean)");
    if (strcmp(json_string_value(ht), "sha256") != 0)
        return mc_error_set(MC_EINPUT, "statement: hash_type '%.40s' is not supported (sha256 "
                            "only)", json_string_value(ht));
    m->allow_symlinks = json_is_true(sym);
    if (strcmp(json_string_value(method), "shards") == 0) {
        json_t *ss = json_object_get(ser, "shard_size");
        double d = json_is_integer(ss) ? (double)json_integer_value(ss)
                 : json_is_real(ss) ? json_real_value(ss) : -1;
        if (!(d >= 1 && d <= 1e15) || d != (double)(long long)d)
            return mc_error_set(MC_EINPUT, "statement: shard_size must be a positive integer");
        m->shards = 1;
        m->shard_size = (long long)d;
    } else if (strcmp(json_string_value(method), "files") != 0) {
        return mc_error_set(MC_EINPUT, "statement: serialization method '%.40s' is not files or "
                            "shards", json_string_value(method));
    }
    if (ig) {
        if (!json_is_array(ig) || json_array_size(ig) > MC_MANIFEST_MAX_IGNORE)
            return mc_error_set(MC_EINPUT, "statement: ignore_paths must be an array of at most "
                                "%d strings", MC_MANIFEST_MAX_IGNORE);
        if (json_array_size(ig) && !(m->ignore = calloc(json_array_size(ig), sizeof(char *))))
            return mc_error_nomem();
        for (size_t i = 0; i < json_array_size(ig); i++) {
            json_t *s = json_array_get(ig, i);
            if (!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s))
                return mc_error_set(MC_EINPUT, "statement: ignore_paths holds a non-string");
            int rc = mc_manifest_check_name(json_string_value(s));
            if (rc)
                return rc;
            if (!(m->ignore[m->n_ignore] = strdup(json_string_value(s))))
                return mc_error_nomem();
            m->n_ignore++;
        }
    }
    return MC_OK;
}

/* model_signing v0.2.0's statement: one subject per file, named by its path and with its
 * sha256, the predicate unused; the serialization is files, sha256, no symbolic links (as
 * model_signing's dsse_payload_to_manifest_compat reads it). The subject digest is ours,
 * over the sorted files, as v1.0 would have signed them. */
static int parse_statement_v02(mc_manifest *m, const json_t *st)
{
    json_t *subj = json_object_get(st, "subject");
    size_t n = json_array_size(subj);
    if (!json_is_array(subj) || n == 0 || n > MC_MANIFEST_MAX_ITEMS)
        return mc_error_set(MC_EINPUT, "statement (Digests/v0.1): subject must list 1 to %d "
                            "files", MC_MANIFEST_MAX_ITEMS);
    if (!(m->model_name = strdup("compat-undefined-not-present")) ||
        !(m->items = calloc(n, sizeof *m->items)))
        return mc_error_nomem();
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(subj, i);
        json_t *name = json_object_get(s, "name");
        json_t *dig = json_object_get(json_object_get(s, "digest"), "sha256");
        if (!json_is_string(name) || strlen(json_string_value(name)) != json_string_length(name)
            || !json_is_string(dig) || !mc_sha256_hex_valid(json_string_value(dig)))
            return mc_error_set(MC_EINPUT, "statement (Digests/v0.1): subject %zu needs a name "
                                "and a sha256 digest", i + 1);
        int rc = mc_manifest_check_name(json_string_value(name));
        if (rc)
            return rc;
        mc_manifest_item *it = &m->items[m->n++];
        if (!(it->name = strdup(json_string_value(name))) ||
            !(it->path = strdup(json_string_value(name))))
            return mc_error_nomem();
        for (int j = 0; j < MC_SHA256_HEX_LEN; j++)
            it->digest[j] = (char)tolower((unsigned char)json_string_value(dig)[j]);
    }
    return mc_manifest_finish(m);
}

static int parse_statement(mc_manifest **out, const unsigned char *payload, size_t len,
                           int legacy)
{
    json_t *st = NULL;
    char why[sizeof mc_error_last()->message] = "another type";
    mc_manifest *m = calloc(1, sizeof *m);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = m && md ? MC_OK : mc_error_nomem();
    if (rc || (rc = mc_dsse_json_read(&st, (const char *)payload, len)) == MC_ENOMEM)
        goto cleanup;
    if (rc || !json_is_object(st)) {
        if (rc) /* the syntax error's message */
            snprintf(why, sizeof why, "%s", mc_error_last()->message);
        rc = mc_error_set(MC_EINPUT, "the signed payload is not a JSON object (%s)", why);
        goto cleanup;
    }
    json_t *type = json_object_get(st, "_type"), *pt = json_object_get(st, "predicateType");
    if (!json_is_string(type) || strcmp(json_string_value(type), MC_OMS_STATEMENT_TYPE) != 0) {
        rc = mc_error_set(MC_EINPUT, "statement: _type is not %s", MC_OMS_STATEMENT_TYPE);
        goto cleanup;
    }
    if (json_is_string(pt) && strcmp(json_string_value(pt), MC_OMS_PREDICATE_TYPE_V02) == 0) {
        if ((rc = parse_statement_v02(m, st)))
            goto cleanup;
        *out = m;
        m = NULL;
        goto cleanup;
    }
    if (!json_is_string(pt) || strcmp(json_string_value(pt), MC_OMS_PREDICATE_TYPE) != 0 ||
        legacy) {
        rc = mc_error_set(MC_EINPUT, "statement: predicateType '%.100s' is not %s%s",
                          json_is_string(pt) ? json_string_value(pt) : "(missing)",
                          MC_OMS_PREDICATE_TYPE, legacy ? " (signed in model_signing v0.2.0's "
                          "form, which only ever signed " MC_OMS_PREDICATE_TYPE_V02 ")" : "");
        goto cleanup;
    }
    json_t *subj = json_object_get(st, "subject");
    json_t *s0 = json_array_get(subj, 0);
    json_t *sname = json_object_get(s0, "name");
    json_t *sdig = json_object_get(json_object_get(s0, "digest"), "sha256");
    if (!json_is_array(subj) || json_array_size(subj) != 1 || !json_is_string(sname) ||
        !json_is_string(sdig) || !mc_sha256_hex_valid(json_string_value(sdig))) {
        rc = mc_error_set(MC_EINPUT, "statement: subject must be one entry with a name and a "
                          "sha256 digest");
        goto cleanup;
    }
    if (!(m->model_name = strdup(json_string_value(sname)))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    json_t *pred = json_object_get(st, "predicate");
    json_t *res = json_object_get(pred, "resources");
    if ((rc = parse_serialization(m, json_object_get(pred, "serialization"))))
        goto cleanup;
    if (!json_is_array(res) || json_array_size(res) > MC_MANIFEST_MAX_ITEMS) {
        rc = mc_error_set(MC_EINPUT, "statement: predicate.resources must be an array of at "
                          "most %d", MC_MANIFEST_MAX_ITEMS);
        goto cleanup;
    }
    size_t n = json_array_size(res);
    if (n && !(m->items = calloc(n, sizeof *m->items))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 init failed in OpenSSL");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(res, i);
        json_t *name = json_object_get(r, "name"), *alg = json_object_get(r, "algorithm");
        json_t *dig = json_object_get(r, "digest");
        if (!json_is_string(name) || !json_is_string(alg) || !json_is_string(dig) ||
            strlen(json_string_value(name)) != json_string_length(name)) {
            rc = mc_error_set(MC_EINPUT, "statement: resource %zu needs name, algorithm and "
                              "digest strings", i + 1);
            goto cleanup;
        }
        const char *a = json_string_value(alg);
        if (strcmp(a, "sha256") != 0 && !(m->shards && strncmp(a, "sha256-sharded-", 15) == 0)) {
            rc = mc_error_set(MC_EINPUT, "statement: resource %zu has algorithm '%.40s' (sha256 "
                              "only)", i + 1, a);
            goto cleanup;
        }
        if (!mc_sha256_hex_valid(json_string_value(dig))) {
            rc = mc_error_set(MC_EINPUT, "statement: resource %zu has a malformed digest", i + 1);
            goto cleanup;
        }
        mc_manifest_item *it = &m->items[m->n++];
        const char *nm = json_string_value(name);
        if (!(it->name = strdup(nm))) {
            rc = mc_error_nomem();
            goto cleanup;
        }
        for (int j = 0; j < MC_SHA256_HEX_LEN; j++)
            it->digest[j] = (char)tolower((unsigned char)json_string_value(dig)[j]);
        if (m->shards) {
            rc = parse_shard_name(it, nm, m->shard_size);
        } else {
            rc = mc_manifest_check_name(nm);
            if (!rc && !(it->path = strdup(nm)))
                rc = mc_error_nomem();
        }
        if (rc)
            goto cleanup;
        if (strcmp(it->path, ".") == 0 && n != 1 && !m->shards) {
            rc = mc_error_set(MC_EINPUT, "statement: resource '.' (a one-file model) beside "
                              "others");
            goto cleanup;
        }
        unsigned char raw[32];
        for (int j = 0; j < 32; j++) {
            unsigned v = 0;
            sscanf(it->digest + 2 * j, "%2x", &v);
            raw[j] = (unsigned char)v;
        }
        if (!EVP_DigestUpdate(md, raw, sizeof raw)) {
            rc = mc_error_set(MC_EINTERNAL, "SHA-256 update failed in OpenSSL");
            goto cleanup;
        }
    }
    unsigned char sum[32];
    unsigned int sl = 0;
    if (!EVP_DigestFinal_ex(md, sum, &sl)) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 final failed in OpenSSL");
        goto cleanup;
    }
    char hex[MC_SHA256_HEX_LEN + 1];
    for (int j = 0; j < 32; j++)
        snprintf(hex + 2 * j, 3, "%02x", sum[j]);
    if (strcasecmp(hex, json_string_value(sdig)) != 0) {
        rc = mc_error_set(MC_EINPUT, "statement: the subject digest %.16s... does not match its "
                          "resources (%.16s...)", json_string_value(sdig), hex);
        goto cleanup;
    }
    if ((rc = mc_manifest_finish(m)))
        goto cleanup;
    *out = m;
    m = NULL;
cleanup:
    json_decref(st);
    EVP_MD_CTX_free(md);
    mc_manifest_free(m);
    return rc;
}

/* The bundle media types model_signing's bundles carry or Sigstore defines (v0.1 to v0.3). */
static int media_type_known(const char *mt)
{
    static const char *const known[] = {
        MC_OMS_BUNDLE_MEDIA_TYPE, MC_OMS_BUNDLE_MEDIA_TYPE_ALT,
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.1"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(mt, known[i]) == 0)
            return 1;
    return 0;
}

/* The DSSE envelope verified with pkey, its payload type checked and its statement read. */
static int open_envelope(mc_manifest **out, const json_t *env, EVP_PKEY *pkey,
                         const char *where)
{
    unsigned char *payload = NULL;
    size_t plen = 0;
    char *ptype = NULL;
    int legacy = 0;
    int rc = mc_dsse_verify_ex(&payload, &plen, &ptype, &legacy, env, pkey,
                               MC_DSSE_MODEL_SIGNING_V02);
    if (rc) {
        char msg[sizeof mc_error_last()->message];
        snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
        rc = mc_error_set(rc, "%s: %s", where, msg);
        goto cleanup;
    }
    if (strcmp(ptype, MC_OMS_PAYLOAD_TYPE) != 0) {
        rc = mc_error_set(MC_EINPUT, "%s: payloadType '%.100s' is not %s", where, ptype,
                          MC_OMS_PAYLOAD_TYPE);
        goto cleanup;
    }
    rc = parse_statement(out, payload, plen, legacy);
cleanup:
    free(payload);
    free(ptype);
    return rc;
}

int mc_oms_verify(mc_manifest **out, char *signer, size_t signer_size, const char *text,
                  size_t len, const mc_oms_trust *t)
{
    char why[sizeof mc_error_last()->message] = "another type";
    json_t *b = NULL, *vm = NULL, *env = NULL, *pk = NULL, *ms = NULL;
    EVP_PKEY *cert_key = NULL;
    const char *mt = NULL, *hint = NULL;
    int rc = MC_OK;
    if (len > MC_OMS_BUNDLE_MAX)
        return mc_error_set(MC_EINPUT, "the bundle is over %u bytes", MC_OMS_BUNDLE_MAX);
    if ((rc = mc_dsse_json_read(&b, text, len)) == MC_ENOMEM)
        goto cleanup;
    if (rc || !json_is_object(b)) {
        if (rc) /* the syntax error's message */
            snprintf(why, sizeof why, "%s", mc_error_last()->message);
        rc = mc_error_set(MC_EINPUT, "the bundle is not a JSON object (%s)", why);
        goto cleanup;
    }
    if ((rc = mc_pbjson_string(&mt, b, "mediaType", "media_type", "bundle")))
        goto cleanup;
    if (!mt && t->key && json_object_get(b, "payloadType")) { /* a bare DSSE envelope */
        snprintf(signer, signer_size, "key %s", mc_key_hint(t->key));
        rc = open_envelope(out, b, mc_key_pkey(t->key), "envelope");
        goto cleanup;
    }
    if (!mt || !media_type_known(mt)) {
        rc = mc_error_set(MC_EINPUT, "bundle: mediaType '%.100s' is not %s (or another Sigstore "
                          "bundle media type, v0.1 to v0.3)", mt ? mt : "(missing)",
                          MC_OMS_BUNDLE_MEDIA_TYPE);
        goto cleanup;
    }
    if ((rc = mc_pbjson_object(&vm, b, "verificationMaterial", "verification_material",
                               "bundle")) ||
        (rc = mc_pbjson_object(&env, b, "dsseEnvelope", "dsse_envelope", "bundle")) ||
        (rc = mc_pbjson_object(&ms, b, "messageSignature", "message_signature", "bundle")))
        goto cleanup;
    if (!env && ms) {
        rc = mc_error_set(MC_EINPUT, "bundle: it signs a message digest (messageSignature), not "
                          "a model_signing statement (dsseEnvelope)");
        goto cleanup;
    }
    if (!vm || !env) {
        rc = mc_error_set(MC_EINPUT, "bundle: verificationMaterial and dsseEnvelope (objects) "
                          "are required");
        goto cleanup;
    }
    EVP_PKEY *pkey = NULL;
    if (t->key) {
        if ((rc = mc_pbjson_object(&pk, vm, "publicKey", "public_key", "bundle")) ||
            (rc = mc_pbjson_string(&hint, pk, "hint", NULL, "bundle: publicKey")))
            goto cleanup;
        if (!pk) {
            rc = mc_error_set(MC_EINPUT, "bundle: key mode needs verificationMaterial.publicKey "
                              "(this bundle is signed with a certificate: use --ca)");
            goto cleanup;
        }
        if (hint && *hint && strcmp(hint, mc_key_hint(t->key)) != 0) {
            rc = mc_error_set(MC_EINPUT, "wrong key: the bundle was signed by key %.64s, not by "
                              "this key (%s)", hint, mc_key_hint(t->key));
            goto cleanup;
        }
        snprintf(signer, signer_size, "key %s", mc_key_hint(t->key));
        pkey = mc_key_pkey(t->key);
    } else if (t->policy) {
        if ((rc = mc_sigstore_verify_material(&cert_key, signer, signer_size, vm, env, t->root,
                                              t->policy)))
            goto cleanup;
        pkey = cert_key;
    } else {
        if ((rc = mc_x509_verify_chain(&cert_key, signer, signer_size, vm, t->ca_path)))
            goto cleanup;
        mc_key *ck = NULL;
        if ((rc = mc_key_from_pkey(&ck, cert_key)))
            goto cleanup;
        mc_key_free(ck);
        pkey = cert_key;
    }
    rc = open_envelope(out, env, pkey, "bundle");
cleanup:
    json_decref(b);
    EVP_PKEY_free(cert_key);
    return rc;
}
