/* Sigstore bundles over one artifact (mc_sigstore_artifact.h), as the sigstore-conformance
 * suite's `verify-bundle` asks of a client: the bundle's shape (media types v0.1 to v0.3, the
 * protobuf JSON mapping), exactly one of messageSignature and dsseEnvelope, the verification
 * material (mc_sigstore.c, keyless) or the given key, the signature, and the artifact: for a
 * message signature its digest is the bundle's messageDigest and the signature is over it
 * (ECDSA or RSA over the SHA-256, prehashed); for a DSSE envelope, an in-toto statement one
 * of whose subjects has the artifact's sha256. */
#include "mc_sigstore_artifact.h"

#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_oms.h"
#include "mc_pbjson.h"
#include "mc_sigstore.h"

static void hex_of(char out[65], const unsigned char *d)
{
    for (size_t i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int media_type_ok(const char *mt)
{
    static const char *const known[] = {
        MC_OMS_BUNDLE_MEDIA_TYPE, MC_OMS_BUNDLE_MEDIA_TYPE_ALT,
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.1"};
    for (size_t i = 0; mt && i < sizeof known / sizeof known[0]; i++)
        if (strcmp(mt, known[i]) == 0)
            return 1;
    return 0;
}

/* messageSignature: its digest is the artifact's, and the signature over it is pkey's. */
static int message_ok(const json_t *ms, const unsigned char digest[32], EVP_PKEY *pkey)
{
    json_t *md = NULL;
    const char *alg = NULL, *d64 = NULL, *s64 = NULL;
    unsigned char *d = NULL, *sig = NULL;
    size_t dl = 0, sl = 0;
    char want[65], got[65] = "(not 32 bytes)";
    int rc = mc_pbjson_object(&md, ms, "messageDigest", "message_digest", "messageSignature");
    rc = rc ? rc : mc_pbjson_string(&alg, md, "algorithm", NULL, "messageDigest");
    rc = rc ? rc : mc_pbjson_string(&d64, md, "digest", NULL, "messageDigest");
    rc = rc ? rc : mc_pbjson_string(&s64, ms, "signature", NULL, "messageSignature");
    if (rc)
        return rc;
    if (!alg || strcmp(alg, "SHA2_256") != 0 || !d64 || !s64)
        return mc_error_set(MC_EINPUT, "bundle: messageSignature needs a SHA2_256 messageDigest "
                            "and a signature");
    if ((rc = mc_base64_decode(&d, &dl, d64, 64)) == MC_ENOMEM ||
        (!rc && (rc = mc_base64_decode(&sig, &sl, s64, 1024)) == MC_ENOMEM))
        goto cleanup;
    hex_of(want, digest);
    if (!rc && dl == 32)
        hex_of(got, d);
    if (rc || dl != 32 || memcmp(d, digest, 32) != 0) {
        rc = mc_error_set(MC_EINPUT, "the bundle signs another artifact (sha256:%s), not this "
                          "one (sha256:%s)", got, want);
        goto cleanup;
    }
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pkey, NULL);
    int ok = c && EVP_PKEY_verify_init(c) == 1 &&
             EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) == 1 &&
             EVP_PKEY_verify(c, sig, sl, digest, 32) == 1;
    EVP_PKEY_CTX_free(c);
    ERR_clear_error();
    if (!ok)
        rc = mc_error_set(MC_EINPUT, "the message signature does not verify over the artifact's "
                          "digest with the signer's key");
cleanup:
    free(d);
    free(sig);
    return rc;
}

/* dsseEnvelope: pkey's signature, an in-toto statement, a subject with the artifact's sha256. */
static int envelope_ok(const json_t *env, const unsigned char digest[32], EVP_PKEY *pkey)
{
    unsigned char *payload = NULL;
    size_t pl = 0;
    char *type = NULL, want[65];
    json_t *st = NULL;
    int rc = mc_dsse_verify(&payload, &pl, &type, env, pkey);
    if (rc)
        return rc;
    if (strcmp(type, MC_DSSE_INTOTO_TYPE) != 0) {
        rc = mc_error_set(MC_EINPUT, "bundle: payloadType '%.100s' is not %s", type,
                          MC_DSSE_INTOTO_TYPE);
        goto cleanup;
    }
    if ((rc = mc_dsse_json_read(&st, (const char *)payload, pl)) == MC_ENOMEM)
        goto cleanup;
    json_t *subjects = json_object_get(st, "subject");
    if (rc || !json_is_array(subjects)) {
        rc = mc_error_set(MC_EINPUT, "bundle: the envelope's payload is not an in-toto "
                          "statement with subjects");
        goto cleanup;
    }
    hex_of(want, digest);
    size_t i;
    json_t *s;
    json_array_foreach(subjects, i, s) {
        const char *h = json_string_value(json_object_get(json_object_get(s, "digest"),
                                                          "sha256"));
        if (h && strcmp(h, want) == 0)
            goto cleanup; /* rc is MC_OK */
    }
    rc = mc_error_set(MC_EINPUT, "no subject of the bundle's statement has the artifact's "
                      "digest (sha256:%s)", want);
cleanup:
    json_decref(st);
    free(payload);
    free(type);
    return rc;
}

int mc_sigstore_verify_artifact(char *signer, size_t signer_size, const char *text, size_t len,
                                const unsigned char digest[32], const mc_trusted_root *tr,
                                const mc_sigstore_policy *policy, EVP_PKEY *key)
{
    json_t *b = NULL, *vm = NULL, *env = NULL, *ms = NULL;
    EVP_PKEY *cert_key = NULL;
    const char *mt = NULL;
    if (len > MC_OMS_BUNDLE_MAX)
        return mc_error_set(MC_EINPUT, "the bundle is over %u bytes", MC_OMS_BUNDLE_MAX);
    int rc = mc_dsse_json_read(&b, text, len);
    if (rc == MC_ENOMEM)
        goto cleanup;
    if (rc || !json_is_object(b)) {
        rc = mc_error_set(MC_EINPUT, "the bundle is not a JSON object");
        goto cleanup;
    }
    rc = mc_pbjson_string(&mt, b, "mediaType", "media_type", "bundle");
    rc = rc ? rc : mc_pbjson_object(&vm, b, "verificationMaterial", "verification_material",
                                    "bundle");
    rc = rc ? rc : mc_pbjson_object(&env, b, "dsseEnvelope", "dsse_envelope", "bundle");
    rc = rc ? rc : mc_pbjson_object(&ms, b, "messageSignature", "message_signature", "bundle");
    if (rc)
        goto cleanup;
    if (!media_type_ok(mt)) {
        rc = mc_error_set(MC_EINPUT, "bundle: mediaType '%.100s' is not a Sigstore bundle media "
                          "type (v0.1 to v0.3)", mt ? mt : "(missing)");
        goto cleanup;
    }
    if (!vm || !env == !ms) {
        rc = mc_error_set(MC_EINPUT, "bundle: verificationMaterial and exactly one of "
                          "messageSignature and dsseEnvelope are required");
        goto cleanup;
    }
    EVP_PKEY *pkey = key;
    if (!key) {
        if ((rc = mc_sigstore_verify_material(&cert_key, signer, signer_size, vm,
                                              env ? env : ms, tr, policy)))
            goto cleanup;
        pkey = cert_key;
    } else {
        snprintf(signer, signer_size, "the given key");
    }
    rc = env ? envelope_ok(env, digest, pkey) : message_ok(ms, digest, pkey);
cleanup:
    json_decref(b);
    EVP_PKEY_free(cert_key);
    return rc;
}
