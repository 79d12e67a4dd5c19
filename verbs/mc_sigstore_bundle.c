/* `sigstore verify-bundle` (mc_sigstore_bundle.h): the options checked as the conformance
 * protocol has them, the artifact's SHA-256 taken from its `sha256:` form or by hashing the
 * file, the trusted root (or key) loaded, and the bundle handed to signing/'s artifact
 * verifier, whose refusal becomes the result's reason. */
#include "mc_sigstore_bundle.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_key.h"
#include "mc_oms.h"
#include "mc_sigstore_artifact.h"

/* "sha256:" and 64 hex digits, or the SHA-256 of the file at path. */
static int artifact_digest(unsigned char d[32], const char *a)
{
    if (strncmp(a, "sha256:", 7) == 0) {
        const char *h = a + 7;
        if (strlen(h) != 64 || strspn(h, "0123456789abcdefABCDEF") != 64)
            return mc_error_set(MC_EINPUT, "artifact digest '%.80s' is not sha256: and 64 hex "
                                "digits", a);
        for (size_t i = 0; i < 32; i++) {
            unsigned v = 0;
            sscanf(h + 2 * i, "%2x", &v);
            d[i] = (unsigned char)v;
        }
        return MC_OK;
    }
    FILE *f = fopen(a, "rb");
    if (!f)
        return mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot read %s: %s", a,
                            strerror(errno));
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned char *buf = malloc(1 << 20);
    int rc = c && buf && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 ? MC_OK
                                                                       : mc_error_nomem();
    size_t n;
    while (!rc && (n = fread(buf, 1, 1 << 20, f)) > 0)
        if (EVP_DigestUpdate(c, buf, n) != 1)
            rc = mc_error_nomem();
    if (!rc && ferror(f))
        rc = mc_error_set(MC_EIO, "cannot read %s", a);
    if (!rc && EVP_DigestFinal_ex(c, d, NULL) != 1)
        rc = mc_error_nomem();
    free(buf);
    EVP_MD_CTX_free(c);
    fclose(f);
    return rc;
}

int mc_verify_bundle(mc_verify_bundle_result *out, const mc_verify_bundle_options *o)
{
    mc_trusted_root *tr = NULL;
    mc_key *key = NULL;
    char *text = NULL;
    size_t len = 0;
    unsigned char d[32];
    mc_sigstore_policy policy = {.identity = o->identity, .identity_regexp = o->identity_regexp,
                                 .issuer = o->issuer, .witnesses = o->witnesses,
                                 .n_witnesses = o->n_witnesses};
    memset(out, 0, sizeof *out);
    if (o->staging)
        return mc_error_set(MC_EINPUT, "--staging: no staging trusted root is built in (nothing "
                            "is fetched); give the staging trusted_root.json with "
                            "--trusted-root");
    if (!o->bundle || !o->artifact)
        return mc_error_set(MC_EINPUT, "verify-bundle needs --bundle FILE and FILE_OR_DIGEST");
    int keyless = o->identity || o->identity_regexp || o->issuer;
    if (!!o->key == keyless)
        return mc_error_set(MC_EINPUT, "give either --key or --certificate-identity (or "
                            "--certificate-identity-regexp) with --certificate-oidc-issuer");
    int rc = keyless ? mc_sigstore_policy_check(&policy) : MC_OK;
    rc = rc ? rc : artifact_digest(d, o->artifact);
    rc = rc ? rc : mc_file_read_all(&text, &len, o->bundle, MC_OMS_BUNDLE_MAX);
    if (rc)
        goto cleanup;
    if (o->key)
        rc = mc_key_load_public(&key, o->key);
    else
        rc = o->trusted_root ? mc_trusted_root_load(&tr, o->trusted_root)
                             : mc_trusted_root_default(&tr);
    if (rc)
        goto cleanup;
    int vrc = mc_sigstore_verify_artifact(out->signer, sizeof out->signer, text, len, d, tr,
                                          keyless ? &policy : NULL,
                                          key ? mc_key_pkey(key) : NULL);
    if (vrc == MC_EINPUT) {
        snprintf(out->reason, sizeof out->reason, "%s", mc_error_last()->message);
        out->signer[0] = 0;
    } else if (vrc) {
        rc = vrc;
    } else {
        out->verified = 1;
    }
cleanup:
    free(text);
    mc_key_free(key);
    mc_trusted_root_free(tr);
    return rc;
}
