/* The model writer of a protected run (mc_protect.h): the spec's recipients (encrypt_to, and
 * recipients_file relative to the spec) loaded into signing/'s age recipients, then each
 * model encrypted from memory (mc_age_encrypt_memory seals the 64 KiB chunks in place), the
 * age file's bytes handed to the run directory's writer and hashed on the way, so that the
 * run's event can record the digest of the file certify will sign. */
#include "mc_protect.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mc_age.h"
#include "mc_error.h"
#include "mc_file.h"

struct mc_protect {
    mc_age_recipients *r;
    mc_run_model_writer writer;
    char digest[MC_SHA256_HEX_LEN + 1];
};

typedef struct hashing_put {
    EVP_MD_CTX *md;
    mc_run_put put;
    void *put_ctx;
} hashing_put;

static int sink(void *ctx, const unsigned char *data, size_t n)
{
    hashing_put *h = ctx;
    if (EVP_DigestUpdate(h->md, data, n) != 1)
        return mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
    return h->put(h->put_ctx, data, n);
}

static int write_encrypted(void *ctx, const unsigned char *model, size_t len, mc_run_put put,
                           void *put_ctx)
{
    mc_protect *p = ctx;
    unsigned char md[32];
    hashing_put h = {EVP_MD_CTX_new(), put, put_ctx};
    int rc = h.md && EVP_DigestInit_ex(h.md, EVP_sha256(), NULL) == 1
                 ? MC_OK
                 : mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
    if (rc == MC_OK)
        rc = mc_age_encrypt_memory(model, len, p->r, 0, sink, &h);
    if (rc == MC_OK && EVP_DigestFinal_ex(h.md, md, NULL) != 1)
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
    for (size_t i = 0; rc == MC_OK && i < sizeof md; i++)
        snprintf(p->digest + 2 * i, 3, "%02x", md[i]);
    EVP_MD_CTX_free(h.md);
    return rc;
}

int mc_protect_open(mc_protect **out, const mc_spec *spec)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    const mc_protection *pr = &d->protection;
    mc_protect *p = NULL;
    char *path = NULL;
    int rc = MC_OK;
    *out = NULL;
    if (!d->has_protection)
        return MC_OK;
    if (!(p = calloc(1, sizeof *p)))
        return mc_error_nomem();
    p->writer.write = write_encrypted;
    p->writer.ctx = p;
    if ((rc = mc_age_recipients_new(&p->r)))
        goto cleanup;
    for (size_t i = 0; i < pr->encrypt_to.count; i++)
        if ((rc = mc_age_recipients_add(p->r, pr->encrypt_to.items[i]))) {
            if (rc == MC_EINPUT) {
                char why[sizeof mc_error_last()->message];
                snprintf(why, sizeof why, "%s", mc_error_last()->message);
                rc = mc_spec_error(spec, &pr->encrypt_to.items[i], "protection.encrypt_to: %s",
                                   why);
            }
            goto cleanup;
        }
    if (pr->recipients_file) {
        if (!(path = mc_path_join(mc_spec_dir(spec), pr->recipients_file))) {
            rc = mc_error_nomem();
            goto cleanup;
        }
        if ((rc = mc_age_recipients_add_file(p->r, path)))
            goto cleanup;
    }
    if (mc_age_recipients_count(p->r) == 0) { /* checked before any work, not after training */
        rc = mc_spec_error(spec, &pr->recipients_file, "protection.recipients_file: %s names "
                           "no recipient: the model cannot be encrypted", path);
        goto cleanup;
    }
    *out = p;
    p = NULL;
cleanup:
    free(path);
    mc_protect_free(p);
    return rc;
}

const mc_run_model_writer *mc_protect_writer(const mc_protect *p)
{
    return p ? &p->writer : NULL;
}

const char *mc_protect_file_digest(const mc_protect *p)
{
    return p ? p->digest : "";
}

void mc_protect_free(mc_protect *p)
{
    if (!p)
        return;
    mc_age_recipients_free(p->r);
    free(p);
}
