/* The model writer of a protected run (mc_protect.h): the spec's recipients (encrypt_to, and
 * recipients_file relative to the spec) loaded into signing/'s age recipients, then each
 * model encrypted from memory (mc_age_encrypt_memory seals the 64 KiB chunks in place), the
 * age file's bytes handed to the run directory's writer and hashed on the way, so that the
 * run's event can record the digest of the file certify will sign. And the ONNX export of
 * an encrypted run: decrypted, exported and encrypted again, all in memory. */
#include "mc_protect.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "mc_age.h"
#include "mc_artifact.h"
#include "mc_encrypt.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_onnx.h"

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

/* The recipients of an export: those given, else spec.json's protection.encrypt_to. */
static int export_recipients(mc_age_recipients **out, const mc_protect_export_options *o)
{
    mc_age_recipients *r = NULL;
    json_t *spec = NULL;
    int rc = mc_age_recipients_new(&r);
    for (size_t i = 0; rc == MC_OK && i < o->n_recipients; i++)
        rc = mc_age_recipients_add(r, o->recipients[i]);
    for (size_t i = 0; rc == MC_OK && i < o->n_recipient_files; i++)
        rc = mc_age_recipients_add_file(r, o->recipient_files[i]);
    if (rc == MC_OK && o->n_recipients + o->n_recipient_files == 0 &&
        (rc = mc_run_dir_read_json(&spec, o->run_dir, MC_RUN_FILE_SPEC)) == MC_OK) {
        const json_t *pr = json_object_get(spec, "protection");
        const json_t *to = json_object_get(pr, "encrypt_to");
        for (size_t i = 0; rc == MC_OK && i < json_array_size(to); i++)
            rc = json_is_string(json_array_get(to, i))
                     ? mc_age_recipients_add(r, json_string_value(json_array_get(to, i)))
                     : mc_error_set(MC_EINPUT, "%s/%s: protection.encrypt_to holds a "
                                    "non-string", o->run_dir, MC_RUN_FILE_SPEC);
        if (rc == MC_OK && json_is_string(json_object_get(pr, "recipients_file")))
            rc = mc_error_set(MC_EINPUT, "%s/%s names a recipients_file (relative to the spec, "
                              "not the run): give the export's recipients with -r or -R",
                              o->run_dir, MC_RUN_FILE_SPEC);
    }
    if (rc == MC_OK && mc_age_recipients_count(r) == 0)
        rc = mc_error_set(MC_EINPUT, "no recipient for the encrypted export: give -r age1... "
                          "or -R FILE");
    json_decref(spec);
    if (rc == MC_OK) {
        *out = r;
        r = NULL;
    }
    mc_age_recipients_free(r);
    return rc;
}

typedef struct file_put {
    EVP_MD_CTX *md;
    FILE *f;
} file_put;

static int put_file(void *ctx, const unsigned char *data, size_t n)
{
    file_put *p = ctx;
    if (EVP_DigestUpdate(p->md, data, n) != 1)
        return mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
    if (fwrite(data, 1, n, p->f) != n)
        return mc_error_set(MC_EIO, "cannot write the encrypted export");
    return MC_OK;
}

int mc_protect_export(char **path, char age_sha256[MC_SHA256_HEX_LEN + 1],
                      char onnx_sha256[MC_SHA256_HEX_LEN + 1], mc_decrypt_result *r,
                      const mc_protect_export_options *o)
{
    mc_age_recipients *rec = NULL;
    mc_decrypt_options keys = *o->keys;
    mc_model *m = NULL;
    unsigned char *clear = NULL, *onnx = NULL, md[32];
    size_t clear_len = 0, onnx_len = 0;
    mc_file_stream s;
    int opened = 0;
    file_put fp = {EVP_MD_CTX_new(), NULL};
    char *input = mc_path_join(o->run_dir, MC_RUN_FILE_MODEL_AGE);
    char *dest = o->output ? strdup(o->output) : mc_path_join(o->run_dir, MC_RUN_FILE_ONNX_AGE);
    int rc = input && dest && fp.md ? MC_OK : mc_error_nomem();
    memset(r, 0, sizeof *r);
    if (rc == MC_OK && !mc_file_exists(input))
        rc = mc_error_set(MC_EINPUT, "%s: not an encrypted run (no %s): export it without "
                          "--identity", o->run_dir, MC_RUN_FILE_MODEL_AGE);
    if (rc || (rc = mc_file_check_output(dest)) || (rc = export_recipients(&rec, o)))
        goto cleanup;
    keys.input = input;
    if ((rc = mc_decrypt_bytes(&clear, &clear_len, r, &keys, "export", NULL, 0)) ||
        (rc = mc_artifact_decode(&m, clear, clear_len, input)) ||
        (rc = mc_onnx_encode(&onnx, &onnx_len, m)) ||
        (rc = mc_sha256_hex(onnx_sha256, onnx, onnx_len)) ||
        (rc = mc_file_stream_open(&s, dest, 0644)))
        goto cleanup;
    opened = 1;
    fp.f = s.f;
    if (EVP_DigestInit_ex(fp.md, EVP_sha256(), NULL) != 1)
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
    if (rc || (rc = mc_age_encrypt_memory(onnx, onnx_len, rec, 0, put_file, &fp)))
        goto cleanup;
    if (EVP_DigestFinal_ex(fp.md, md, NULL) != 1) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
        goto cleanup;
    }
    for (size_t i = 0; i < sizeof md; i++)
        snprintf(age_sha256 + 2 * i, 3, "%02x", md[i]);
    opened = 0;
    if ((rc = mc_file_stream_commit(&s)))
        goto cleanup;
    *path = dest;
    dest = NULL;
cleanup:
    if (opened)
        mc_file_stream_abort(&s);
    if (clear)
        OPENSSL_clear_free(clear, clear_len ? clear_len : 1);
    if (onnx)
        OPENSSL_clear_free(onnx, onnx_len ? onnx_len : 1);
    mc_model_free_wiped(m);
    mc_age_recipients_free(rec);
    EVP_MD_CTX_free(fp.md);
    free(input);
    free(dest);
    return rc;
}
