/* sign, verify and digest as library calls (mc_sign.h): each loads the key its
 * reference names, hands it to the primitives of signing/mc_model_sign.h, and
 * (sign, verify) appends its audit event. verify also checks a release
 * certificate when asked (mc_release.h); mc_sign_check_run_read is the check of a
 * signed run that validate --baseline-key and reproduce --key make, asking that the files
 * they read be signed byte for byte. */
#include "mc_sign.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc_encrypt.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_key.h"
#include "mc_oms.h"
#include "mc_release.h"
#include "mc_run_dir.h"
#include "mc_verb_audit.h"

void mc_sign_result_free(mc_sign_result *r)
{
    if (!r)
        return;
    free(r->signature);
    free(r->warning);
    free(r->audit_path);
    free(r);
}

void mc_verify_result_free(mc_verify_result *r)
{
    if (!r)
        return;
    free(r->signature);
    free(r->audit_path);
    free(r);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The event of sign or verify (details taken over). */
static int record(mc_verb_audit *trail, long long *id, char **path, const mc_sign_common *c,
                  const char *kind, const char *digest, const char *verdict, json_t *details)
{
    mc_verb_event ev = {.command = c->command_line, .kind = kind, .model_digest = digest,
                        .verdict = verdict};
    return mc_verb_audit_record(trail, &ev, details, id, path);
}

int mc_digest_model(char hex[MC_SHA256_HEX_LEN + 1], size_t *resources, const mc_sign_common *c)
{
    return mc_model_digest(hex, resources, &c->files);
}

int mc_sign_model(mc_sign_result **out, const mc_sign_options *o)
{
    mc_sign_result *r = calloc(1, sizeof *r);
    mc_key *key = NULL;
    mc_model_signed *s = NULL;
    mc_verb_audit *trail = NULL;
    int rc = r ? MC_OK : mc_error_nomem();
    if (rc || (rc = mc_verb_audit_open(&trail, o->c.audit_path, o->c.no_audit)) ||
        (rc = mc_key_load_private_with(&key, o->key, o->passphrase_file)))
        goto cleanup;
    if (mc_key_warning(key) && !(r->warning = strdup(mc_key_warning(key)))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    mc_model_sign_options so = {.files = o->c.files, .cert = o->cert, .chain = o->chain};
    if ((rc = mc_model_sign(&s, &so, key)))
        goto cleanup;
    r->signature = s->signature;
    s->signature = NULL;
    memcpy(r->subject, s->subject, sizeof r->subject);
    r->resources = s->resources;
    json_t *d = json_pack("{s:s,s:s,s:I,s:s,s:s}", "path", o->c.files.path, "signature",
                          r->signature, "resources", (json_int_t)r->resources, "key",
                          mc_key_hint(key), "mode", o->cert ? "certificate" : "key");
    if ((rc = record(trail, &r->audit_event, &r->audit_path, &o->c, "sign", r->subject, "signed",
                     d)))
        goto cleanup;
    *out = r;
    r = NULL;
cleanup:
    mc_verb_audit_free(trail);
    mc_model_signed_free(s);
    mc_key_free(key);
    mc_sign_result_free(r);
    return rc;
}

/* The verification itself: the model against its bundle, then the release
 * certificate when one is given. A rejection is MC_EINPUT with the message,
 * after which the caller records a failed result. */
static int verify_steps(mc_verify_result *r, const mc_verify_options *o, const mc_key *key,
                        const mc_trusted_root *root)
{
    mc_model_check chk = {.subject = ""};
    mc_sigstore_policy policy = {.identity = o->identity, .identity_regexp = o->identity_regexp,
                                 .issuer = o->issuer};
    mc_oms_trust t = {.key = key, .ca_path = o->ca, .root = root,
                      .policy = root ? &policy : NULL};
    int rc = mc_model_verify_trust(&chk, &o->c.files, r->signature, &t, o->ignore_unsigned,
                                   o->read, o->n_read);
    snprintf(r->signer, sizeof r->signer, "%s", chk.signer);
    memcpy(r->subject, chk.subject, sizeof r->subject);
    if (rc)
        return rc;
    r->resources = chk.resources;
    if (o->decrypt && !o->certificate)
        return mc_error_set(MC_EINPUT, "--identity checks a release certificate's clear model: "
                            "give --certificate FILE");
    if (o->certificate) {
        if (!key)
            return mc_error_set(MC_EINPUT, "a release certificate is checked with --key");
        if (!o->decrypt)
            return mc_release_verify(o->c.files.path, o->certificate, mc_key_pkey(key), NULL);
        /* The run's model.mcm.age (or the model.onnx.age of an ONNX model gated) opened in
           memory only, an audited decryption, its clear digest checked against the
           certificate's. */
        mc_decrypt_options d = *o->decrypt;
        mc_decrypt_result dr;
        char *age = mc_path_join(o->c.files.path, MC_RUN_FILE_MODEL_AGE);
        if (age && !mc_file_exists(age)) {
            free(age);
            age = mc_path_join(o->c.files.path, MC_RUN_FILE_ONNX_AGE);
        }
        if (!age)
            return mc_error_nomem();
        d.input = age;
        rc = mc_decrypt_digest(&dr, &d, "verify");
        if (rc == MC_ENOTFOUND)
            rc = mc_error_set(MC_EINPUT, "%s has no %s or %s: --identity is for an encrypted "
                              "run", o->c.files.path, MC_RUN_FILE_MODEL_AGE,
                              MC_RUN_FILE_ONNX_AGE);
        if (rc == MC_OK)
            rc = mc_release_verify(o->c.files.path, o->certificate, mc_key_pkey(key),
                                   dr.sha256);
        free(dr.audit_path);
        free(age);
    }
    return rc;
}

int mc_verify_model(mc_verify_result **out, const mc_verify_options *o)
{
    mc_verify_result *r = calloc(1, sizeof *r);
    mc_key *key = NULL;
    mc_trusted_root *root = NULL;
    mc_verb_audit *trail = NULL;
    struct stat st;
    int keyless = o->identity || o->identity_regexp || o->issuer || o->trusted_root;
    int rc = r ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    if (!!o->key + !!o->ca + keyless != 1) {
        rc = mc_error_set(MC_EINPUT, "give exactly one of a public key (--key), root "
                          "certificates (--ca) or a keyless identity (--certificate-identity "
                          "and --certificate-oidc-issuer)");
        goto cleanup;
    }
    if (keyless && (!o->issuer || !o->identity == !o->identity_regexp)) {
        rc = mc_error_set(MC_EINPUT, "keyless verification needs --certificate-oidc-issuer and "
                          "one of --certificate-identity or --certificate-identity-regexp");
        goto cleanup;
    }
    mc_sigstore_policy policy = {.identity = o->identity, .identity_regexp = o->identity_regexp,
                                 .issuer = o->issuer};
    if (keyless && (rc = mc_sigstore_policy_check(&policy)))
        goto cleanup;
    if (stat(o->c.files.path, &st) != 0) {
        rc = mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot read %s: %s",
                          o->c.files.path, strerror(errno));
        goto cleanup;
    }
    if ((rc = mc_model_signature_path(&r->signature, &o->c.files)) ||
        (rc = mc_verb_audit_open(&trail, o->c.audit_path, o->c.no_audit)))
        goto cleanup;
    if (o->key)
        rc = mc_key_load_public(&key, o->key);
    else if (keyless)
        rc = o->trusted_root ? mc_trusted_root_load(&root, o->trusted_root)
                             : mc_trusted_root_default(&root);
    else
        rc = mc_oms_check_ca(o->ca);
    if (rc)
        goto cleanup;
    int vrc = verify_steps(r, o, key, root);
    if (vrc == MC_EINPUT || vrc == MC_ENOTFOUND) {
        r->verified = 0;
        snprintf(r->reason, sizeof r->reason, "%s", mc_error_last()->message);
    } else if (vrc) {
        rc = vrc;
        goto cleanup;
    } else {
        r->verified = 1;
    }
    json_t *d = json_pack("{s:s,s:s,s:s,s:I}", "path", o->c.files.path, "signature",
                          r->signature, "signer", r->signer, "resources",
                          (json_int_t)r->resources);
    if (d && !r->verified && json_object_set_new(d, "reason", json_string(r->reason)) != 0) {
        json_decref(d);
        d = NULL;
    }
    if ((rc = record(trail, &r->audit_event, &r->audit_path, &o->c, "verify", r->subject,
                     r->verified ? "pass" : "fail", d)))
        goto cleanup;
    *out = r;
    r = NULL;
cleanup:
    mc_verb_audit_free(trail);
    mc_key_free(key);
    mc_trusted_root_free(root);
    mc_verify_result_free(r);
    return rc;
}

int mc_sign_check_run_read(char subject[MC_SHA256_HEX_LEN + 1], char *signer,
                           size_t signer_size, const char *what, const char *run_dir,
                           const char *key, const char *ca, int threads,
                           const mc_model_bytes *read, size_t n_read)
{
    mc_run_trust trust = {.key = key, .ca = ca};
    return mc_sign_check_run_trust(subject, signer, signer_size, what, run_dir, &trust, threads,
                                   read, n_read);
}

int mc_sign_check_run_trust(char subject[MC_SHA256_HEX_LEN + 1], char *signer,
                            size_t signer_size, const char *what, const char *run_dir,
                            const mc_run_trust *trust, int threads, const mc_model_bytes *read,
                            size_t n_read)
{
    if (!is_dir(run_dir))
        return mc_error_set(MC_EINPUT, "a signed %s must be a run directory with its "
                            "model.sig (%s is not a directory)", what, run_dir);
    mc_verify_options vo = {.c = {.files = {.path = run_dir, .threads = threads}, .no_audit = 1},
                            .key = trust->key, .ca = trust->ca, .identity = trust->identity,
                            .identity_regexp = trust->identity_regexp, .issuer = trust->issuer,
                            .trusted_root = trust->trusted_root, .read = read, .n_read = n_read};
    mc_verify_result *r = NULL;
    int rc = mc_verify_model(&r, &vo);
    if (rc == MC_OK && !r->verified)
        rc = mc_error_set(MC_EINPUT, "the %s's signature does not verify: %s", what,
                          r->reason);
    if (rc == MC_OK) {
        memcpy(subject, r->subject, MC_SHA256_HEX_LEN + 1);
        snprintf(signer, signer_size, "%s", r->signer);
    }
    mc_verify_result_free(r);
    return rc;
}
