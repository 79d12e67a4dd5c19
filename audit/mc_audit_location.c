/* Where the audit trail is and how it is shown (mc_audit.h): the one rule that finds a
 * command's trail (--audit, $MODELCERT_AUDIT, the nearest .modelcert/ directory), the
 * absolute form run.json records, whether a location is a PostgreSQL URI, and a URI as
 * messages and records show it, without its password. */
#include "mc_audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_buf.h"
#include "mc_env.h"
#include "mc_error.h"
#include "mc_file.h"

#define TRAIL_DIR ".modelcert"
#define TRAIL_FILE "audit.db"

/* Whether dir/.modelcert is a directory. */
static int has_trail_dir(const char *dir, int *found)
{
    struct stat st;
    char *p = mc_path_join(dir, TRAIL_DIR);
    if (!p)
        return mc_error_nomem();
    *found = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return MC_OK;
}

int mc_audit_path(char **out, const char *flag)
{
    const char *env = mc_env_get(MC_ENV_AUDIT);
    char *dir = NULL, *path = NULL;
    int rc = MC_OK, found = 0;
    size_t len = 0, n = 0;
    if (flag || (env && *env)) {
        path = strdup(flag ? flag : env);
        goto done;
    }
    if (!(dir = getcwd(NULL, 0))) {
        rc = errno == ENOMEM ? mc_error_nomem()
                             : mc_error_set(MC_EIO, "cannot find the audit trail: the current "
                                            "directory cannot be read: %s", strerror(errno));
        goto done;
    }
    /* The current directory, its parent, ... the root: the nearest .modelcert/ wins. */
    len = n = strlen(dir);
    for (;;) {
        dir[n] = '\0';
        if ((rc = has_trail_dir(n ? dir : "/", &found)) || found || n == 0)
            break;
        while (n > 0 && dir[n - 1] != '/')
            n--;
        if (n > 0)
            n--; /* the slash before the last name */
    }
    if (rc)
        goto done;
    if (!found || n == len) /* here, made on the first append when there is none */
        path = strdup(TRAIL_DIR "/" TRAIL_FILE);
    else
        path = n ? mc_path_join(dir, TRAIL_DIR "/" TRAIL_FILE) : strdup("/" TRAIL_DIR "/" TRAIL_FILE);
done:
    free(dir);
    if (rc == MC_OK && !path)
        rc = mc_error_nomem();
    if (rc == MC_OK)
        *out = path;
    return rc;
}

/* The absolute form of a directory that may not exist yet: its nearest
 * existing ancestor resolved (realpath), the missing names appended. */
static int absolute_dir(char **out, const char *dir)
{
    char *real = realpath(dir, NULL), *parent = NULL, *up = NULL, *joined = NULL;
    int rc = MC_OK;
    if (real) {
        *out = real;
        return MC_OK;
    }
    if (errno == ENOMEM)
        return mc_error_nomem();
    if (errno != ENOENT || strcmp(dir, "/") == 0 || strcmp(dir, ".") == 0)
        return mc_error_set(MC_EIO, "cannot resolve the directory %s: %s", dir, strerror(errno));
    const char *slash = strrchr(dir, '/'), *name = slash ? slash + 1 : dir;
    if (!(parent = mc_path_dirname(dir))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        rc = mc_error_set(MC_EIO, "cannot resolve the directory %s: %s", dir, strerror(ENOENT));
        goto cleanup;
    }
    if ((rc = absolute_dir(&up, parent)))
        goto cleanup;
    if (!(joined = strcmp(up, "/") == 0 ? mc_path_join("", name) : mc_path_join(up, name))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *out = joined;
cleanup:
    free(parent);
    free(up);
    return rc;
}

int mc_audit_path_absolute(char **out, const char *path)
{
    if (mc_audit_is_uri(path)) /* a database elsewhere: recorded without its password */
        return mc_audit_location_redact(out, path);
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    char *dir = mc_path_dirname(path), *abs = NULL, *joined = NULL;
    int rc = dir ? absolute_dir(&abs, dir) : mc_error_nomem();
    if (rc)
        goto cleanup;
    if (!(joined = mc_path_join(strcmp(abs, "/") == 0 ? "" : abs, name))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *out = joined;
cleanup:
    free(dir);
    free(abs);
    return rc;
}

int mc_audit_is_uri(const char *location)
{
    return location && (strncmp(location, "postgresql://", 13) == 0 ||
                        strncmp(location, "postgres://", 11) == 0);
}

/* The location as shown, piece by piece: put(ctx, piece, length) for each, in order. */
static void location_pieces(const char *location, void (*put)(void *ctx, const char *s, size_t n),
                            void *ctx)
{
    if (!mc_audit_is_uri(location)) {
        put(ctx, location, strlen(location));
        return;
    }
    size_t start = (size_t)(strstr(location, "://") - location) + 3, len = strlen(location);
    const char *query = strchr(location + start, '?');
    size_t end = query ? (size_t)(query - location) : len;
    /* user:password@: the password runs from the first ':' to the last '@'
     * before the parameters (a host's :port comes after the '@'). */
    size_t at = 0, colon = 0;
    for (size_t i = start; i < end; i++) {
        if (location[i] == '@')
            at = i;
        if (location[i] == ':' && !colon)
            colon = i;
    }
    if (at && colon && colon < at) {
        put(ctx, location, colon);
        put(ctx, location + at, end - at);
    } else {
        put(ctx, location, end);
    }
    /* ?a=1&password=x&b=2: every parameter but password. */
    int first = 1;
    for (const char *p = query ? query + 1 : NULL; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (!(n >= 9 && strncmp(p, "password=", 9) == 0) && n) {
            put(ctx, first ? "?" : "&", 1);
            put(ctx, p, n);
            first = 0;
        }
        p = amp ? amp + 1 : NULL;
    }
}

static void put_buf(void *b, const char *s, size_t n)
{
    mc_buf_put(b, s, n);
}

int mc_audit_location_redact(char **out, const char *location)
{
    mc_buf b = {0};
    location_pieces(location, put_buf, &b);
    return mc_buf_take(&b, out, NULL);
}
