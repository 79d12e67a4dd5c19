/* Signing and verifying a model (mc_model_sign.h): the manifest of a directory or a file as
 * model_signing computes it (its ignore list: the git files, the bundle when it lies inside
 * the model, the paths asked for, and on verification the paths the signed manifest
 * recorded), signed with a loaded key into an OMS bundle or a bare DSSE envelope and written
 * atomically, or checked against a bundle read under its size limit (and the files a caller
 * read and acts on, against the very bytes that were signed). */
#include "mc_model_sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_oms.h"
#include "mc_str.h"
#include "mc_utf8.h"

/* What model_signing's command line ignores by default, as we do. */
static const char *const git_paths[] = {".git", ".gitattributes", ".github", ".gitignore"};
#define N_GIT (sizeof git_paths / sizeof git_paths[0])
#define N_FIXED (N_GIT + 1)

void mc_model_signed_free(mc_model_signed *s)
{
    if (!s)
        return;
    free(s->signature);
    free(s);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int mc_model_signature_path(char **out, const mc_model_files *f)
{
    char *p = NULL;
    if (f->signature) {
        p = strdup(f->signature);
    } else if (is_dir(f->path)) {
        p = mc_path_join(f->path, MC_SIGN_DEFAULT_NAME);
    } else {
        size_t n = strlen(f->path);
        if ((p = malloc(n + 5)))
            snprintf(p, n + 5, "%s.sig", f->path);
    }
    if (!p)
        return mc_error_nomem();
    *out = p;
    return MC_OK;
}

/* realpath(path) into *out, or NULL when path does not exist (nothing to resolve, so
 * nothing inside anything). Out of memory is MC_ENOMEM and any other failure MC_EIO: a
 * path that cannot be resolved is an error, never "not inside". */
static int resolve(char **out, const char *path)
{
    char *real = realpath(path, NULL);
    if (real || errno == ENOENT || errno == ENOTDIR) {
        *out = real;
        return MC_OK;
    }
    if (errno == ENOMEM)
        return mc_error_nomem();
    return mc_error_set(MC_EIO, "cannot resolve %s: %s", path, strerror(errno));
}

/* *out: the signature's path relative to the model directory when it is inside it (so
 * that it is never signed), else NULL. Caller frees. MC_ENOMEM, MC_EIO. */
static int signature_inside(char **out, const char *model, const char *sig)
{
    char *root = NULL, *dir = NULL, *dabs = NULL, *rel = NULL;
    const char *base = strrchr(sig, '/');
    base = base ? base + 1 : sig;
    int rc = MC_OK;
    if (!is_dir(model))
        goto cleanup;
    if (!(dir = mc_path_dirname(sig))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = resolve(&root, model)) || (rc = resolve(&dabs, dir)) || !root || !dabs)
        goto cleanup;
    size_t n = strlen(root);
    if (strcmp(dabs, root) == 0) {
        if (!(rel = strdup(base)))
            rc = mc_error_nomem();
    } else if (strncmp(dabs, root, n) == 0 && dabs[n] == '/') {
        size_t len = strlen(dabs + n + 1) + strlen(base) + 2;
        if ((rel = malloc(len)))
            snprintf(rel, len, "%s/%s", dabs + n + 1, base);
        else
            rc = mc_error_nomem();
    }
cleanup:
    if (rc == MC_OK) {
        *out = rel;
        rel = NULL;
    }
    free(root);
    free(dir);
    free(dabs);
    free(rel);
    return rc;
}

/* A relative --ignore P as model_signing's --ignore-paths takes it: P from the current
 * directory, when that lies inside the model directory; *out is then its absolute path
 * (mc_manifest.c makes it relative to the root again), else NULL: P is relative to the model
 * root. Only the directory part is resolved, so a link named P is ignored, not its target.
 * MC_ENOMEM, MC_EIO. */
static int ignore_as_given(char **out, const char *model, const char *ig)
{
    char *dir = NULL, *droot = NULL, *dabs = NULL, *abs = NULL;
    const char *base = strrchr(ig, '/');
    base = base ? base + 1 : ig;
    int rc = MC_OK;
    if (ig[0] == '/' || !strchr(ig, '/') || !*base || strcmp(base, ".") == 0 ||
        strcmp(base, "..") == 0 || !is_dir(model))
        goto cleanup;
    if (!(dir = mc_path_dirname(ig))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = resolve(&droot, model)) || (rc = resolve(&dabs, dir)) || !droot || !dabs)
        goto cleanup;
    size_t n = strlen(droot);
    if (strcmp(dabs, droot) == 0 || (strncmp(dabs, droot, n) == 0 && dabs[n] == '/')) {
        if (!(abs = mc_path_join(dabs, base)))
            rc = mc_error_nomem();
    }
cleanup:
    if (rc == MC_OK) {
        *out = abs;
        abs = NULL;
    }
    free(dir);
    free(droot);
    free(dabs);
    free(abs);
    return rc;
}

static void owned_free(char **owned, size_t n)
{
    for (size_t i = 0; owned && i < n; i++)
        free(owned[i]);
    free(owned);
}

/* The ignore list: the fixed ones, the signature (when inside), the user's (as given, when
 * that is inside the model, else relative to its root) and the extra ones (a signed
 * manifest's recorded paths). *list points into others' strings and into *owned, the
 * *n_owned strings made here (caller frees *list and, with owned_free, *owned). */
static int ignore_list(const char ***list, size_t *n, char ***owned, size_t *n_owned,
                       const mc_model_files *f, const char *sig, char *const *extra,
                       size_t n_extra)
{
    const char **l = calloc(N_FIXED + f->n_ignore + n_extra + 1, sizeof *l);
    char **own = calloc(f->n_ignore + 1, sizeof *own);
    size_t k = 0, ko = 0;
    int rc = l && own ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    for (size_t i = 0; i < N_GIT; i++)
        l[k++] = git_paths[i];
    if (sig && (rc = signature_inside(&own[ko], f->path, sig)))
        goto cleanup;
    if (own[ko])
        l[k++] = own[ko++];
    for (size_t i = 0; i < f->n_ignore; i++) {
        if ((rc = ignore_as_given(&own[ko], f->path, f->ignore[i])))
            goto cleanup;
        l[k++] = own[ko] ? own[ko++] : f->ignore[i];
    }
    for (size_t i = 0; i < n_extra; i++)
        l[k++] = extra[i];
    *list = l;
    *n = k;
    *owned = own;
    *n_owned = ko;
    l = NULL;
    own = NULL;
cleanup:
    free(l);
    owned_free(own, ko);
    return rc;
}

/* The model's manifest on disk; with signed_m, as that signed manifest was made (its
 * recorded ignore paths and serialization), and with only, just the files it lists. */
static int manifest_of(mc_manifest **m, const mc_model_files *f, const char *sig,
                       const mc_manifest *signed_m, int only)
{
    const char **list = NULL;
    size_t n = 0;
    char **owned = NULL;
    size_t n_owned = 0;
    int rc = ignore_list(&list, &n, &owned, &n_owned, f, sig, signed_m ? signed_m->ignore : NULL,
                         signed_m ? signed_m->n_ignore : 0);
    if (rc)
        return rc;
    mc_manifest_options mo = {.ignore = list, .n_ignore = n, .allow_symlinks = f->allow_symlinks,
                              .threads = f->threads,
                              .shard_size = signed_m ? (signed_m->shards ? signed_m->shard_size
                                                                         : 0)
                                                     : f->shard_size,
                              .only = only ? signed_m : NULL};
    rc = mc_manifest_compute(m, f->path, &mo);
    free(list);
    owned_free(owned, n_owned);
    return rc;
}

int mc_model_digest(char hex[MC_SHA256_HEX_LEN + 1], size_t *resources, const mc_model_files *f)
{
    mc_manifest *m = NULL;
    char *sig = NULL;
    int rc = mc_model_signature_path(&sig, f);
    rc = rc ? rc : manifest_of(&m, f, sig, NULL, 0);
    if (rc == MC_OK) {
        memcpy(hex, m->subject, sizeof m->subject);
        if (resources)
            *resources = m->n;
    }
    mc_manifest_free(m);
    free(sig);
    return rc;
}

/* A signature names each file, and each ignored path, in JSON, which is UTF-8: a name that
 * is not cannot be signed (it is refused, never dropped or renamed). MC_EINPUT naming it,
 * its bytes escaped. */
static int names_utf8(const mc_manifest *m)
{
    char shown[MC_STR_PRINTABLE_CAP(300)];
    for (size_t i = 0; i < m->n; i++) {
        if (mc_utf8_valid(m->items[i].path, strlen(m->items[i].path), NULL))
            continue;
        return mc_error_set(MC_EINPUT, "file '%s': its name is not UTF-8, so a signature "
                            "cannot name it; rename it (or move it out of the model)",
                            mc_str_printable(shown, sizeof shown, m->items[i].path, 300));
    }
    for (size_t i = 0; i < m->n_ignore; i++)
        if (!mc_utf8_valid(m->ignore[i], strlen(m->ignore[i]), NULL))
            return mc_error_set(MC_EINPUT, "ignore path '%s' is not UTF-8, so a signature "
                                "cannot record it",
                                mc_str_printable(shown, sizeof shown, m->ignore[i], 300));
    return MC_OK;
}

int mc_model_sign(mc_model_signed **out, const mc_model_sign_options *o, const mc_key *key)
{
    mc_model_signed *s = calloc(1, sizeof *s);
    mc_manifest *m = NULL;
    char *bundle = NULL;
    size_t blen = 0;
    int rc = s ? MC_OK : mc_error_nomem();
    if (rc || (rc = mc_model_signature_path(&s->signature, &o->files)) ||
        (rc = mc_file_check_output(s->signature)) ||
        (rc = manifest_of(&m, &o->files, s->signature, NULL, 0)) || (rc = names_utf8(m)) ||
        (rc = o->dsse_only ? mc_oms_sign_dsse(&bundle, &blen, m, key)
                           : mc_oms_sign(&bundle, &blen, m, key, o->cert, o->chain)) ||
        (rc = mc_file_write_atomic(s->signature, bundle, blen)))
        goto cleanup;
    memcpy(s->subject, m->subject, sizeof s->subject);
    s->resources = m->n;
    *out = s;
    s = NULL;
cleanup:
    free(bundle);
    mc_manifest_free(m);
    mc_model_signed_free(s);
    return rc;
}

/* A file the caller read, against the signed manifest sm: listed, and its bytes the signed
 * ones: the whole file's sha256 (files), or each shard's, the shards covering it end to end
 * (shards; the items are sorted by path, then start). */
static int check_read(const mc_manifest *sm, const mc_model_bytes *rd)
{
    const unsigned char *b = rd->bytes;
    char hex[MC_SHA256_HEX_LEN + 1];
    unsigned long long next = 0;
    int found = 0, rc = MC_OK;
    for (size_t i = 0; i < sm->n && rc == MC_OK; i++) {
        const mc_manifest_item *it = &sm->items[i];
        if (strcmp(it->path, rd->name) != 0)
            continue;
        found = 1;
        const unsigned long long start = sm->shards ? (unsigned long long)it->start : 0;
        const unsigned long long end = sm->shards ? (unsigned long long)it->end : rd->len;
        if (start != next || end < start || end > rd->len) {
            next = ~0ull; /* a shard that does not continue the file: not these bytes */
            break;
        }
        if ((rc = mc_sha256_hex(hex, b + start, (size_t)(end - start))))
            break;
        if (strcmp(hex, it->digest) != 0) {
            next = ~0ull;
            break;
        }
        next = end;
    }
    if (rc)
        return rc;
    if (!found)
        return mc_error_set(MC_EINPUT, "%s is unsigned: the signature leaves it out (its "
                            "ignore paths)", rd->name);
    if (next != rd->len)
        return mc_error_set(MC_EINPUT, "%s is not the file that was signed (the bytes read "
                            "differ from the signed ones)", rd->name);
    return MC_OK;
}

int mc_model_verify(mc_model_check *res, const mc_model_files *f, const char *signature,
                    const mc_key *key, const char *ca_path, int ignore_unsigned)
{
    return mc_model_verify_read(res, f, signature, key, ca_path, ignore_unsigned, NULL, 0);
}

int mc_model_verify_read(mc_model_check *res, const mc_model_files *f, const char *signature,
                         const mc_key *key, const char *ca_path, int ignore_unsigned,
                         const mc_model_bytes *read, size_t n_read)
{
    mc_oms_trust t = {.key = key, .ca_path = ca_path};
    return mc_model_verify_trust(res, f, signature, &t, ignore_unsigned, read, n_read);
}

int mc_model_verify_trust(mc_model_check *res, const mc_model_files *f, const char *signature,
                          const mc_oms_trust *t, int ignore_unsigned, const mc_model_bytes *read,
                          size_t n_read)
{
    char *text = NULL;
    size_t len = 0;
    mc_manifest *sm = NULL, *dm = NULL;
    char why[1200];
    int rc = mc_file_read_all(&text, &len, signature, MC_OMS_BUNDLE_MAX);
    if (rc == MC_ENOTFOUND) {
        rc = mc_error_set(MC_EINPUT, "no signature at %s", signature);
        goto cleanup;
    }
    if (rc == MC_EINPUT) { /* a directory, a device, or over the limit */
        snprintf(why, sizeof why, "%s", mc_error_last()->message);
        rc = mc_error_set(MC_EINPUT, "the bundle cannot be read (over the limit of %u bytes, or "
                          "not a regular file): %s", MC_OMS_BUNDLE_MAX, why);
        goto cleanup;
    }
    if (rc || (rc = mc_oms_verify(&sm, res->signer, sizeof res->signer, text, len, t)))
        goto cleanup;
    memcpy(res->subject, sm->subject, sizeof res->subject);
    if ((rc = manifest_of(&dm, f, signature, sm, ignore_unsigned)))
        goto cleanup;
    if (!mc_manifest_equal(sm, dm, why, sizeof why)) {
        rc = mc_error_set(MC_EINPUT, "%s", why);
        goto cleanup;
    }
    for (size_t i = 0; i < n_read; i++)
        if ((rc = check_read(sm, &read[i])))
            goto cleanup;
    res->resources = sm->n;
cleanup:
    free(text);
    mc_manifest_free(sm);
    mc_manifest_free(dm);
    return rc;
}
