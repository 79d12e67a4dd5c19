/* sign, verify and digest: one call each, with their audit events. */
#include "mc_sign.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc_audit.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_key.h"
#include "mc_manifest.h"
#include "mc_oms.h"
#include "mc_release.h"

/* What model_signing's command line ignores by default, as we do. */
static const char *const git_paths[] = {".git", ".gitattributes", ".github", ".gitignore"};
#define N_GIT (sizeof git_paths / sizeof git_paths[0])
#define N_FIXED (N_GIT + 1)

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

/* The bundle's path: as given, or the default for the model. Caller frees. */
static int signature_path(char **out, const mc_sign_common *c)
{
    if (c->signature)
        *out = strdup(c->signature);
    else if (is_dir(c->path))
        *out = mc_path_join(c->path, MC_SIGN_DEFAULT_NAME);
    else {
        size_t n = strlen(c->path);
        if ((*out = malloc(n + 5)))
            snprintf(*out, n + 5, "%s.sig", c->path);
    }
    return *out ? MC_OK : mc_error_nomem();
}

/* The signature's path relative to the model directory when it is inside it
 * (so that it is never signed), else NULL. Caller frees. */
static char *signature_inside(const char *model, const char *sig)
{
    if (!is_dir(model))
        return NULL;
    char *root = realpath(model, NULL);
    char *dir = mc_path_dirname(sig);
    char *dabs = dir ? realpath(dir, NULL) : NULL;
    char *rel = NULL;
    const char *base = strrchr(sig, '/');
    base = base ? base + 1 : sig;
    if (root && dabs) {
        size_t n = strlen(root);
        if (strcmp(dabs, root) == 0)
            rel = strdup(base);
        else if (strncmp(dabs, root, n) == 0 && dabs[n] == '/') {
            size_t len = strlen(dabs + n + 1) + strlen(base) + 2;
            if ((rel = malloc(len)))
                snprintf(rel, len, "%s/%s", dabs + n + 1, base);
        }
    }
    free(root);
    free(dir);
    free(dabs);
    return rel;
}

/* The ignore list: the fixed ones, the signature (when inside), the user's and
 * the extra ones (a signed manifest's recorded paths). *list points into
 * others' strings except *owned (caller frees both). */
static int ignore_list(const char ***list, size_t *n, char **owned, const mc_sign_common *c,
                       const char *sig, char *const *extra, size_t n_extra)
{
    const char **l = calloc(N_FIXED + c->n_ignore + n_extra + 1, sizeof *l);
    size_t k = 0;
    if (!l)
        return mc_error_nomem();
    for (size_t i = 0; i < N_GIT; i++)
        l[k++] = git_paths[i];
    *owned = sig ? signature_inside(c->path, sig) : NULL;
    if (*owned)
        l[k++] = *owned;
    for (size_t i = 0; i < c->n_ignore; i++)
        l[k++] = c->ignore[i];
    for (size_t i = 0; i < n_extra; i++)
        l[k++] = extra[i];
    *list = l;
    *n = k;
    return MC_OK;
}

static int manifest_of(mc_manifest **m, const mc_sign_common *c, const char *sig,
                       const mc_manifest *signed_m)
{
    const char **list = NULL;
    size_t n = 0;
    char *owned = NULL;
    int rc = ignore_list(&list, &n, &owned, c, sig, signed_m ? signed_m->ignore : NULL,
                         signed_m ? signed_m->n_ignore : 0);
    if (rc)
        return rc;
    mc_manifest_options mo = {.ignore = list, .n_ignore = n, .allow_symlinks = c->allow_symlinks,
                              .threads = c->threads,
                              .shard_size = signed_m ? (signed_m->shards ? signed_m->shard_size
                                                                         : 0)
                                                     : c->shard_size};
    rc = mc_manifest_compute(m, c->path, &mo);
    free(list);
    free(owned);
    return rc;
}

static int trail_of(char **trail, const mc_sign_common *c)
{
    *trail = NULL;
    if (c->no_audit)
        return MC_OK;
    int rc = mc_audit_path(trail, c->audit_path);
    if (rc == MC_OK)
        rc = mc_audit_check_appendable(*trail);
    if (rc) {
        free(*trail);
        *trail = NULL;
    }
    return rc;
}

/* Appends the event (details taken over). */
static int record(long long *id, const char *trail, const mc_sign_common *c, const char *kind,
                  const char *digest, const char *verdict, json_t *details)
{
    if (!trail) {
        json_decref(details);
        return MC_OK;
    }
    mc_audit_event ev = {.command = c->command_line ? c->command_line : "modelcert",
                         .kind = kind, .model_digest = digest && *digest ? digest : NULL,
                         .verdict = verdict};
    int rc = details ? mc_audit_record(id, trail, &ev, details) : mc_error_nomem();
    json_decref(details);
    return rc;
}

int mc_digest_model(char hex[MC_SHA256_HEX_LEN + 1], size_t *resources, const mc_sign_common *c)
{
    mc_manifest *m = NULL;
    char *sig = NULL;
    int rc = signature_path(&sig, c);
    rc = rc ? rc : manifest_of(&m, c, sig, NULL);
    if (rc == MC_OK) {
        memcpy(hex, m->subject, sizeof m->subject);
        if (resources)
            *resources = m->n;
    }
    mc_manifest_free(m);
    free(sig);
    return rc;
}

int mc_sign_model(mc_sign_result **out, const mc_sign_options *o)
{
    mc_sign_result *r = calloc(1, sizeof *r);
    mc_key *key = NULL;
    mc_manifest *m = NULL;
    char *bundle = NULL, *trail = NULL;
    size_t blen = 0;
    int rc = r ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    if ((rc = signature_path(&r->signature, &o->c)) || (rc = trail_of(&trail, &o->c)) ||
        (rc = mc_key_load_private_with(&key, o->key, o->passphrase_file, NULL)))
        goto cleanup;
    if (mc_key_warning(key) && !(r->warning = strdup(mc_key_warning(key)))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = mc_file_check_output(r->signature)) ||
        (rc = manifest_of(&m, &o->c, r->signature, NULL)) ||
        (rc = o->dsse_only ? mc_oms_sign_dsse(&bundle, &blen, m, key)
                           : mc_oms_sign(&bundle, &blen, m, key, o->cert, o->chain)) ||
        (rc = mc_file_write_atomic(r->signature, bundle, blen)))
        goto cleanup;
    memcpy(r->subject, m->subject, sizeof r->subject);
    r->resources = m->n;
    json_t *d = json_pack("{s:s,s:s,s:I,s:s,s:s}", "path", o->c.path, "signature", r->signature,
                          "resources", (json_int_t)m->n, "key", mc_key_hint(key), "mode",
                          o->cert ? "certificate" : "key");
    if ((rc = record(&r->audit_event, trail, &o->c, "sign", r->subject, "signed", d)))
        goto cleanup;
    r->audit_path = trail;
    trail = NULL;
    *out = r;
    r = NULL;
cleanup:
    free(bundle);
    free(trail);
    mc_manifest_free(m);
    mc_key_free(key);
    mc_sign_result_free(r);
    return rc;
}

/* The verification itself; a rejection is MC_EINPUT with the message, after
 * which the caller records a failed result. */
static int verify_steps(mc_verify_result *r, const mc_verify_options *o, const mc_key *key)
{
    char *text = NULL;
    size_t len = 0;
    mc_manifest *sm = NULL, *dm = NULL;
    mc_oms_trust t = {.key = key, .ca_path = o->ca};
    int rc = mc_file_read_all(&text, &len, r->signature, MC_OMS_BUNDLE_MAX);
    if (rc == MC_ENOTFOUND) {
        rc = mc_error_set(MC_EINPUT, "no signature at %s", r->signature);
        goto cleanup;
    }
    if (rc == MC_EINPUT) { /* a directory, a device, or over the limit */
        char why[sizeof mc_error_last()->message];
        snprintf(why, sizeof why, "%s", mc_error_last()->message);
        rc = mc_error_set(MC_EINPUT, "the bundle cannot be read (over the limit of %u bytes, or "
                          "not a regular file): %s", MC_OMS_BUNDLE_MAX, why);
        goto cleanup;
    }
    if (rc || (rc = mc_oms_verify(&sm, r->signer, sizeof r->signer, text, len, &t)))
        goto cleanup;
    memcpy(r->subject, sm->subject, sizeof r->subject);
    mc_sign_common c = o->c;
    mc_manifest_options dummy = {0};
    (void)dummy;
    if (o->ignore_unsigned) {
        const char **list = NULL;
        size_t n = 0;
        char *owned = NULL;
        if ((rc = ignore_list(&list, &n, &owned, &c, r->signature, sm->ignore, sm->n_ignore)))
            goto cleanup;
        mc_manifest_options mo = {.ignore = list, .n_ignore = n,
                                  .allow_symlinks = c.allow_symlinks, .threads = c.threads,
                                  .shard_size = sm->shards ? sm->shard_size : 0, .only = sm};
        rc = mc_manifest_compute(&dm, c.path, &mo);
        free(list);
        free(owned);
    } else {
        rc = manifest_of(&dm, &c, r->signature, sm);
    }
    if (rc)
        goto cleanup;
    if (!mc_manifest_equal(sm, dm, r->reason, sizeof r->reason)) {
        rc = mc_error_set(MC_EINPUT, "%s", r->reason);
        goto cleanup;
    }
    r->resources = sm->n;
    if (o->certificate) {
        if (!key) {
            rc = mc_error_set(MC_EINPUT, "a release certificate is checked with --key");
            goto cleanup;
        }
        rc = mc_release_verify(c.path, o->certificate, mc_key_pkey(key));
    }
cleanup:
    free(text);
    mc_manifest_free(sm);
    mc_manifest_free(dm);
    return rc;
}

int mc_verify_model(mc_verify_result **out, const mc_verify_options *o)
{
    mc_verify_result *r = calloc(1, sizeof *r);
    mc_key *key = NULL;
    char *trail = NULL;
    struct stat st;
    int rc = r ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    if (!o->key == !o->ca) {
        rc = mc_error_set(MC_EINPUT, "give exactly one of a public key (--key) or root "
                          "certificates (--ca)");
        goto cleanup;
    }
    if (stat(o->c.path, &st) != 0) {
        rc = mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot read %s: %s",
                          o->c.path, strerror(errno));
        goto cleanup;
    }
    if ((rc = signature_path(&r->signature, &o->c)) || (rc = trail_of(&trail, &o->c)))
        goto cleanup;
    if (o->key)
        rc = mc_key_load_public(&key, o->key, NULL);
    else
        rc = mc_oms_check_ca(o->ca);
    if (rc)
        goto cleanup;
    int vrc = verify_steps(r, o, key);
    if (vrc == MC_EINPUT || vrc == MC_ENOTFOUND) {
        r->verified = 0;
        snprintf(r->reason, sizeof r->reason, "%s", mc_error_last()->message);
    } else if (vrc) {
        rc = vrc;
        goto cleanup;
    } else {
        r->verified = 1;
    }
    json_t *d = json_pack("{s:s,s:s,s:s,s:I}", "path", o->c.path, "signature", r->signature,
                          "signer", r->signer, "resources", (json_int_t)r->resources);
    if (d && !r->verified && json_object_set_new(d, "reason", json_string(r->reason)) != 0) {
        json_decref(d);
        d = NULL;
    }
    if ((rc = record(&r->audit_event, trail, &o->c, "verify", r->subject,
                     r->verified ? "pass" : "fail", d)))
        goto cleanup;
    r->audit_path = trail;
    trail = NULL;
    *out = r;
    r = NULL;
cleanup:
    free(trail);
    mc_key_free(key);
    mc_verify_result_free(r);
    return rc;
}

int mc_sign_check_run(char subject[MC_SHA256_HEX_LEN + 1], char *signer, size_t signer_size,
                      const char *what, const char *run_dir, const char *key, const char *ca,
                      int threads)
{
    if (!is_dir(run_dir))
        return mc_error_set(MC_EINPUT, "a signed %s must be a run directory with its "
                            "model.sig (%s is not a directory)", what, run_dir);
    mc_verify_options vo = {.c = {.path = run_dir, .threads = threads, .no_audit = 1},
                            .key = key, .ca = ca};
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
