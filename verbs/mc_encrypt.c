/* `encrypt` and `decrypt` (mc_encrypt.h): the keys a command names loaded into signing/'s
 * age recipients and identities, the passphrase read from the variable or file it names
 * (and wiped after use), then one file-to-file call of signing/mc_age.h; a decryption, or a
 * file refused, appended to the audit trail. */
#include "mc_encrypt.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mc_env.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_hash.h"
#include "mc_json.h"
#include "mc_onnx_predict.h"
#include "mc_predict.h"
#include "mc_verb_audit.h"

/* The passphrase a command names: *out is NULL when it names none (caller wipes and
 * frees). */
static int load_passphrase(char **out, const char *env, const char *file)
{
    *out = NULL;
    if (env && file)
        return mc_error_set(MC_EINPUT, "give one of --passphrase-env and --passphrase-file");
    if (file)
        return mc_file_read_secret_line(out, file, MC_AGE_MAX_PASSPHRASE + 2);
    if (!env)
        return MC_OK;
    const char *v = mc_env_named(env);
    if (!v || !*v)
        return mc_error_set(MC_EINPUT, "the passphrase variable %s is not set or is empty", env);
    if (strlen(v) > MC_AGE_MAX_PASSPHRASE)
        return mc_error_set(MC_EINPUT, "the passphrase in %s is over %d bytes", env,
                            MC_AGE_MAX_PASSPHRASE);
    if (!(*out = strdup(v)))
        return mc_error_nomem();
    return MC_OK;
}

static void wipe(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

int mc_encrypt(const mc_encrypt_options *o)
{
    mc_age_recipients *r = NULL;
    char *pass = NULL;
    int rc = mc_age_recipients_new(&r);
    for (size_t i = 0; rc == MC_OK && i < o->n_recipients; i++)
        rc = mc_age_recipients_add(r, o->recipients[i]);
    for (size_t i = 0; rc == MC_OK && i < o->n_recipient_files; i++)
        rc = mc_age_recipients_add_file(r, o->recipient_files[i]);
    if (rc == MC_OK && (rc = load_passphrase(&pass, o->passphrase_env, o->passphrase_file)) ==
                           MC_OK && pass)
        rc = mc_age_recipients_set_passphrase(r, pass, o->work_factor);
    if (rc == MC_OK && !pass && o->n_recipients + o->n_recipient_files == 0)
        rc = mc_error_set(MC_EINPUT, "no recipient: give -r age1..., -R FILE, or a passphrase "
                                     "(--passphrase-env VAR or --passphrase-file F)");
    if (rc == MC_OK && (rc = mc_file_check_output(o->output)) == MC_OK)
        rc = mc_age_encrypt_file(o->input, o->output, r, o->armor);
    wipe(pass);
    mc_age_recipients_free(r);
    return rc;
}

/* The decrypt event: what opened (or why the file was refused). Details taken over. */
static int record(mc_verb_audit *trail, mc_decrypt_result *r, const mc_decrypt_options *o,
                  int refused, const char *why)
{
    const mc_age_info *i = &r->info;
    json_t *d = json_pack("{s:s,s:s,s:s,s:I}", "input", o->input, "output", o->output,
                          "result", mc_age_result_name(i->result), "plaintext_bytes",
                          (json_int_t)i->plaintext);
    if (d && !refused &&
        (mc_json_set(d, "stanza", json_integer((json_int_t)i->stanza + 1)) ||
         mc_json_set(d, "stanza_type", json_string(i->type)) ||
         mc_json_set(d, "recipient", json_string(i->recipient)))) {
        json_decref(d);
        return mc_error_nomem();
    }
    if (d && refused && mc_json_set(d, "reason", json_string(why))) {
        json_decref(d);
        return mc_error_nomem();
    }
    mc_verb_event ev = {.command = o->command_line, .kind = "decrypt",
                        .verdict = refused ? "refused" : "decrypted",
                        .model_digest = refused ? NULL : r->sha256};
    return mc_verb_audit_record(trail, &ev, d, &r->audit_event, &r->audit_path);
}

/* The identities and passphrase a decrypting command names. */
static int load_identities(mc_age_identities **out, const mc_decrypt_options *o)
{
    mc_age_identities *ids = NULL;
    char *pass = NULL;
    int rc = mc_age_identities_new(&ids);
    for (size_t i = 0; rc == MC_OK && i < o->n_identity_files; i++)
        rc = mc_age_identities_add_file(ids, o->identity_files[i]);
    if (rc == MC_OK && (rc = load_passphrase(&pass, o->passphrase_env, o->passphrase_file)) ==
                           MC_OK && pass)
        rc = mc_age_identities_add_passphrase(ids, pass, o->max_work_factor);
    if (rc == MC_OK && mc_age_identities_count(ids) == 0)
        rc = mc_error_set(MC_EINPUT, "no identity: give -i FILE, or a passphrase "
                                     "(--passphrase-env VAR or --passphrase-file F)");
    wipe(pass);
    if (rc == MC_OK) {
        *out = ids;
        ids = NULL;
    }
    mc_age_identities_free(ids);
    return rc;
}

/* After a failed decryption (rc): a file refused is recorded, then its own message is the
 * error again; other errors pass through. */
static int record_refusal(mc_verb_audit *trail, mc_decrypt_result *r,
                          const mc_decrypt_options *o, int rc)
{
    if (rc != MC_EINPUT || r->info.result == MC_AGE_ERROR)
        return rc;
    mc_error e = *mc_error_last();
    int rec = record(trail, r, o, 1, e.message);
    if (rec)
        return rec;
    if (e.file[0])
        return mc_error_set_at(e.code, e.file, e.line, e.col, "%s", e.message);
    return mc_error_set(e.code, "%s", e.message);
}

int mc_decrypt(mc_decrypt_result *r, const mc_decrypt_options *o)
{
    mc_age_identities *ids = NULL;
    mc_verb_audit *trail = NULL;
    unsigned char digest[32] = {0};
    memset(r, 0, sizeof *r);
    r->info.result = MC_AGE_ERROR;
    int rc = mc_verb_audit_open(&trail, o->audit_path, 0);
    if (rc == MC_OK)
        rc = load_identities(&ids, o);
    if (rc == MC_OK && (rc = mc_file_check_output(o->output)) == MC_OK)
        rc = mc_age_decrypt_file(&r->info, o->input, o->output, ids, digest);
    if (rc == MC_OK) {
        for (size_t i = 0; i < sizeof digest; i++)
            snprintf(r->sha256 + 2 * i, 3, "%02x", digest[i]);
        if ((rc = record(trail, r, o, 0, NULL)) && strcmp(o->output, "-") != 0)
            unlink(o->output); /* no clear output without its event */
    } else {
        rc = record_refusal(trail, r, o, rc);
    }
    mc_age_identities_free(ids);
    mc_verb_audit_free(trail);
    return rc;
}

/* o->input (or the n bytes at data, read from it by the caller) decrypted into memory
 * (*model, *len: the caller wipes and frees), its event appended with output
 * "memory (<purpose>)" (or the refusal's). */
static int decrypt_audited(unsigned char **model, size_t *len, mc_decrypt_result *r,
                           const mc_decrypt_options *o, const char *purpose, const void *data,
                           size_t n_data)
{
    mc_age_identities *ids = NULL;
    mc_verb_audit *trail = NULL;
    unsigned char *m = NULL;
    size_t n = 0;
    char where[64];
    mc_decrypt_options ev = *o;
    snprintf(where, sizeof where, "memory (%s)", purpose);
    ev.output = where;
    memset(r, 0, sizeof *r);
    r->info.result = MC_AGE_ERROR;
    int rc = mc_verb_audit_open(&trail, o->audit_path, 0);
    if (rc == MC_OK && (rc = load_identities(&ids, o)) == MC_OK)
        rc = data ? mc_age_decrypt_memory(&m, &n, &r->info, data, n_data, ids,
                                          mc_file_input_limit())
                  : mc_age_decrypt_path_memory(&m, &n, &r->info, o->input, ids,
                                               mc_file_input_limit());
    if (rc) {
        rc = record_refusal(trail, r, &ev, rc);
        goto cleanup;
    }
    if ((rc = mc_sha256_hex(r->sha256, m, n)) || (rc = record(trail, r, &ev, 0, NULL)))
        goto cleanup;
    *model = m;
    *len = n;
    m = NULL;
cleanup:
    if (m)
        OPENSSL_clear_free(m, n ? n : 1);
    mc_age_identities_free(ids);
    mc_verb_audit_free(trail);
    return rc;
}

int mc_predict_decrypted(mc_prediction *pred, mc_decrypt_result *r,
                         const mc_decrypt_options *o, const char *data_path)
{
    unsigned char *model = NULL;
    size_t len = 0;
    memset(pred, 0, sizeof *pred);
    int rc = decrypt_audited(&model, &len, r, o, "predict", NULL, 0);
    if (rc == MC_OK)
        rc = mc_predict_bytes(pred, model, len, o->input, data_path);
    if (model)
        OPENSSL_clear_free(model, len ? len : 1);
    return rc;
}

int mc_onnx_predict_decrypted(mc_prediction *pred, mc_decrypt_result *r,
                              const mc_decrypt_options *o, const char *data_path,
                              const char *columns)
{
    unsigned char *model = NULL;
    char *csv = NULL;
    size_t len = 0, csv_len = 0;
    memset(pred, 0, sizeof *pred);
    int rc = decrypt_audited(&model, &len, r, o, "predict", NULL, 0);
    if (rc == MC_OK)
        rc = mc_file_read_text(&csv, &csv_len, data_path, mc_file_input_limit());
    if (rc == MC_OK)
        rc = mc_onnx_predict_bytes(pred, model, len, o->input, csv, csv_len, data_path,
                                   columns);
    if (model)
        OPENSSL_clear_free(model, len ? len : 1);
    free(csv);
    return rc;
}

int mc_decrypt_digest(mc_decrypt_result *r, const mc_decrypt_options *o, const char *purpose)
{
    unsigned char *model = NULL;
    size_t len = 0;
    int rc = decrypt_audited(&model, &len, r, o, purpose, NULL, 0);
    if (model)
        OPENSSL_clear_free(model, len ? len : 1);
    return rc;
}

int mc_decrypt_bytes(unsigned char **out, size_t *len, mc_decrypt_result *r,
                     const mc_decrypt_options *o, const char *purpose, const void *data,
                     size_t n)
{
    return decrypt_audited(out, len, r, o, purpose, data, n);
}
