/* Confinement of untrusted specs: every path a spec names resolves inside its
 * project root (or a directory a trusted pipeline allows), every environment
 * variable it names starts with MODELCERT_ (or is allowed by name).
 * docs/security.md, "Untrusted specs". Nothing here reads a file: symbolic links are
 * read (dangling ones too, so a link cannot point out of the root before its target
 * exists), never what they point to. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_error.h"
#include "mc_env.h"
#include "mc_file.h"
#include "mc_keyref.h"
#include "mc_spec.h"

/* dir/name exists (a file or directory of that name). */
static int has_entry(const char *dir, const char *name)
{
    char p[PATH_MAX + 32];
    struct stat st;
    if ((size_t)snprintf(p, sizeof p, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name) >= sizeof p)
        return 0;
    return lstat(p, &st) == 0;
}

int mc_spec_project_root(char **out, const char *dir)
{
    char *real = realpath(dir && *dir ? dir : ".", NULL);
    if (!real)
        return errno == ENOMEM ? mc_error_nomem()
                               : mc_error_set(MC_ENOTFOUND, "%s: %s", dir, strerror(errno));
    char *p = strdup(real);
    if (!p) {
        free(real);
        return mc_error_nomem();
    }
    /* p walks upward from the spec's directory; real stays the fallback. */
    for (;;) {
        if (has_entry(p, ".git") || has_entry(p, ".modelcert")) {
            free(real);
            *out = p;
            return MC_OK;
        }
        char *slash = strrchr(p, '/');
        if (!slash || strcmp(p, "/") == 0)
            break;
        if (slash == p)
            slash[1] = '\0'; /* up to "/" */
        else
            *slash = '\0';
    }
    free(p);
    *out = real;
    return MC_OK;
}

/* The most symbolic links one resolution follows (Linux's own limit). */
#define MC_CONFINE_MAX_LINKS 40

/* Appends the components of `rest` to the symlink-free absolute path in buf (PATH_MAX
 * bytes), following every symbolic link met, dangling ones included: a link's target is
 * read (readlink) and walked in its place, so a link whose target does not exist yet still
 * resolves to where a write through it would land. "." is dropped; ".." removes the last
 * component (buf holds no link, so that is where the kernel goes too). A component that does
 * not exist is kept as it is. MC_EINPUT (naming `path`) for a path too long, more than
 * MC_CONFINE_MAX_LINKS links or a component that cannot be examined (an unreadable
 * directory could hide a link). */
static int walk(char *buf, const char *rest, int *links, const char *path)
{
    const char *s = rest;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        size_t n = strcspn(s, "/");
        size_t len = strlen(buf);
        if (n == 1 && s[0] == '.') {
            /* nothing */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            char *slash = strrchr(buf, '/');
            if (slash == buf)
                buf[1] = '\0';
            else if (slash)
                *slash = '\0';
        } else {
            int root = strcmp(buf, "/") == 0;
            struct stat st;
            if (len + n + 2 > PATH_MAX)
                return mc_error_set(MC_EINPUT, "%.200s: the path is too long", path);
            if (!root)
                buf[len++] = '/';
            memcpy(buf + len, s, n);
            buf[len + n] = '\0';
            if (lstat(buf, &st) != 0) {
                if (errno != ENOENT && errno != ENOTDIR)
                    return mc_error_set(MC_EINPUT, "%.200s cannot be resolved: %s", path,
                                        strerror(errno));
            } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t t = readlink(buf, target, sizeof target - 1);
                if (t < 0)
                    return mc_error_set(MC_EINPUT, "%.200s cannot be resolved: %s", path,
                                        strerror(errno));
                target[t] = '\0';
                if (++*links > MC_CONFINE_MAX_LINKS)
                    return mc_error_set(MC_EINPUT, "%.200s cannot be resolved: more than %d "
                                        "symbolic links", path, MC_CONFINE_MAX_LINKS);
                /* the link's own name out, its target walked from where the link is */
                buf[root ? 1 : len - 1] = '\0';
                if (target[0] == '/')
                    strcpy(buf, "/");
                int rc = walk(buf, target, links, path);
                if (rc)
                    return rc;
            }
        }
        s += n;
    }
    return MC_OK;
}

/* Resolves path (absolute, or relative to base) with every symbolic link followed, dangling
 * ones included; what does not exist is taken lexically. *out is malloc'd. */
static int resolve(char **out, const char *base, const char *path)
{
    char *full = path[0] == '/' ? strdup(path) : mc_path_join(base && *base ? base : ".", path);
    char *buf = NULL;
    int rc = MC_OK, links = 0;
    if (!full)
        return mc_error_nomem();
    if (full[0] != '/') { /* relative to the working directory */
        char *cwd = getcwd(NULL, 0);
        if (!cwd) {
            rc = errno == ENOMEM ? mc_error_nomem()
                                 : mc_error_set(MC_EIO, "the working directory: %s", strerror(errno));
            goto done;
        }
        char *abs = mc_path_join(cwd, full);
        free(cwd);
        free(full);
        full = abs;
        if (!full) {
            rc = mc_error_nomem();
            goto done;
        }
    }
    if (!(buf = malloc(PATH_MAX))) {
        rc = mc_error_nomem();
        goto done;
    }
    strcpy(buf, "/");
    if ((rc = walk(buf, full, &links, path))) {
        free(buf);
        buf = NULL;
    }
done:
    free(full);
    if (rc == MC_OK)
        *out = buf;
    return rc;
}

static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return 1;
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* path is under the directory d (resolved as well). A directory that does
 * not resolve allows nothing: that is an answer, not an error, so its error
 * record is cleared; running out of memory is still MC_ENOMEM. */
static int under_allowed(int *yes, const char *path, const char *d)
{
    char *r = NULL;
    *yes = 0;
    if (!d || !*d)
        return MC_OK;
    int rc = resolve(&r, NULL, d);
    if (rc == MC_ENOMEM)
        return rc;
    if (rc == MC_OK)
        *yes = under(path, r);
    free(r);
    mc_error_clear();
    return MC_OK;
}

int mc_confine_path(int *inside, char **resolved, const char *base, const char *path,
                    const char *root, const mc_confinement *allow)
{
    char *r = NULL, *envcopy = NULL;
    int yes = 0;
    int rc = resolve(&r, base, path);
    if (rc)
        goto cleanup;
    if ((rc = under_allowed(&yes, r, root)) || yes)
        goto cleanup;
    for (size_t i = 0; allow && i < allow->n_allow_paths && !yes; i++)
        if ((rc = under_allowed(&yes, r, allow->allow_paths[i])))
            goto cleanup;
    const char *env = mc_env_get(MC_ENV_ALLOW_PATHS);
    if (!yes && env && *env) {
        if (!(envcopy = strdup(env))) {
            rc = mc_error_nomem();
            goto cleanup;
        }
        char *save = NULL;
        for (char *d = strtok_r(envcopy, ":", &save); d && !yes; d = strtok_r(NULL, ":", &save))
            if ((rc = under_allowed(&yes, r, d)))
                goto cleanup;
    }
cleanup:
    free(envcopy);
    if (rc == MC_OK) {
        *inside = yes;
        if (resolved) {
            *resolved = r;
            r = NULL;
        }
    }
    free(r);
    return rc;
}

static int env_allowed(const char *name, const mc_confinement *allow)
{
    if (strncmp(name, MC_CONFINE_ENV_PREFIX, strlen(MC_CONFINE_ENV_PREFIX)) == 0)
        return 1;
    for (size_t i = 0; allow && i < allow->n_allow_envs; i++)
        if (allow->allow_envs[i] && strcmp(allow->allow_envs[i], name) == 0)
            return 1;
    return 0;
}

static int check_env(const mc_spec *spec, const void *addr, const char *key, const char *name,
                     const mc_confinement *allow)
{
    if (env_allowed(name, allow))
        return MC_OK;
    return mc_spec_error(spec, addr,
                         "%s: the environment variable '%.200s' does not start with %s; an untrusted "
                         "spec may only name MODELCERT_* variables (allow it with --allow-env %.200s)",
                         key, name, MC_CONFINE_ENV_PREFIX, name);
}

static int check_path(const mc_spec *spec, const void *addr, const char *key, const char *path,
                      const char *root, const mc_confinement *allow)
{
    char *resolved = NULL;
    int inside = 0;
    int rc = mc_confine_path(&inside, &resolved, mc_spec_dir(spec), path, root, allow);
    if (rc == MC_EINPUT)
        return mc_spec_error(spec, addr, "%s: %s", key, mc_error_last()->message);
    if (rc == MC_OK && !inside)
        rc = mc_spec_error(spec, addr,
                           "%s: '%.200s' resolves to %.300s, outside the project root %.300s; an "
                           "untrusted spec may only name files under its project root (widen with "
                           "--allow-path DIR or MODELCERT_ALLOW_PATHS)",
                           key, path, resolved, root);
    free(resolved);
    return rc;
}

/* signing.key, parsed by the one key-reference parser: env:VAR names a variable; PATH and
 * file:PATH a path. A pkcs11: URI names no file here: mc_spec_check.c refuses a spec's
 * module-path and pin-source outright (only the runner's --key may name them). */
static int check_signing_key(const mc_spec *spec, const void *addr, const char *ref,
                             const char *root, const mc_confinement *allow)
{
    mc_keyref *k = NULL;
    int rc = mc_keyref_parse(&k, ref);
    if (rc == MC_EINPUT)
        return mc_spec_error(spec, addr, "signing.key: %s", mc_error_last()->message);
    if (rc)
        return rc;
    switch (k->kind) {
    case MC_KEYREF_ENV:
        rc = check_env(spec, addr, "signing.key", k->value, allow);
        break;
    case MC_KEYREF_FILE:
    case MC_KEYREF_PATH:
        rc = check_path(spec, addr, "signing.key", k->value, root, allow);
        break;
    case MC_KEYREF_PKCS11:
        if (k->module_path || k->pin_path) /* a spec that names them does not load */
            rc = mc_spec_error(spec, addr, "signing.key: a spec may not name a PKCS #11 "
                               "module or PIN file; the runner gives them (--key, "
                               "MODELCERT_PKCS11_MODULE)");
        break;
    }
    mc_keyref_free(k);
    return rc;
}

int mc_spec_check_paths(const mc_spec *spec, const mc_confinement *allow)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    char *root = NULL;
    int rc;
    if (allow && allow->root) {
        if (!(root = realpath(allow->root, NULL)))
            return errno == ENOMEM ? mc_error_nomem()
                                   : mc_error_set(MC_ENOTFOUND, "%s: %s", allow->root, strerror(errno));
    } else if ((rc = mc_spec_project_root(&root, mc_spec_dir(spec)))) {
        return rc;
    }
    if (d->data.source && strcmp(d->data.source, "-") != 0 &&
        (rc = check_path(spec, &d->data.source, "data.source", d->data.source, root, allow)))
        goto cleanup;
    if (d->has_model &&
        (rc = check_path(spec, &d->model.source, "model.source", d->model.source, root, allow)))
        goto cleanup;
    for (size_t i = 0; i < d->preprocessing.count; i++) {
        const mc_step *s = &d->preprocessing.items[i];
        char key[64];
        snprintf(key, sizeof key, "preprocessing[%zu].salt_env", i);
        if (s->salt_env && (rc = check_env(spec, &s->salt_env, key, s->salt_env, allow)))
            goto cleanup;
    }
    if (d->training.has_differential_privacy &&
        (rc = check_env(spec, &d->training.differential_privacy.secret_env,
                        "training.differential_privacy.secret_env",
                        d->training.differential_privacy.secret_env, allow)))
        goto cleanup;
    if (d->has_signing && d->signing.key &&
        (rc = check_signing_key(spec, &d->signing.key, d->signing.key, root, allow)))
        goto cleanup;
    if (d->has_protection && d->protection.recipients_file &&
        (rc = check_path(spec, &d->protection.recipients_file, "protection.recipients_file",
                         d->protection.recipients_file, root, allow)))
        goto cleanup;
    rc = MC_OK;
cleanup:
    free(root);
    return rc;
}

int mc_check_results_confine(mc_check_result *r, size_t n, const mc_confinement *allow)
{
    for (size_t i = 0; i < n; i++) {
        if (!r[i].spec || !r[i].digest)
            continue;
        int rc = mc_spec_check_paths(r[i].spec, allow);
        if (rc == MC_OK)
            continue;
        if (rc != MC_EINPUT && rc != MC_ENOTFOUND)
            return rc;
        const mc_error *e = mc_error_last();
        if ((rc = mc_diags_add(r[i].diags, MC_SEV_ERROR, e->file[0] ? e->file : r[i].path,
                               e->line, e->col, "%s", e->message)))
            return rc;
        r[i].digest = NULL;
        mc_spec_free(r[i].spec);
        r[i].spec = NULL;
    }
    return MC_OK;
}
