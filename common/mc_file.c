#include "mc_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_error.h"

int mc_file_read_all(char **out, size_t *len, const char *path, size_t max_bytes)
{
    int rc = MC_OK;
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    char *buf = NULL;
    size_t used = 0, cap = 0;
    if (!f)
        return mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EINPUT, "cannot open %s: %s",
                            path, strerror(errno));
    struct stat st;
    if (!is_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = mc_error_set(MC_EINPUT, "%s is a directory, not a file", path);
        goto cleanup;
    }
    for (;;) {
        if (cap - used < 4096 + 1) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                rc = mc_error_nomem();
                goto cleanup;
            }
            buf = nb;
        }
        size_t n = fread(buf + used, 1, cap - used - 1, f);
        used += n;
        if (used > max_bytes) {
            rc = mc_error_set(MC_EINPUT, "%s is larger than the limit of %zu bytes", path,
                              max_bytes);
            goto cleanup;
        }
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        rc = mc_error_set(MC_EIO, "cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    buf = NULL;
cleanup:
    free(buf);
    if (!is_stdin)
        fclose(f);
    return rc;
}

static int write_fully(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

void mc_file_sync_parent(const char *path)
{
    char *dir = mc_path_dirname(path);
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int mc_file_write_atomic(const char *path, const void *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        if (write_fully(STDOUT_FILENO, data, len) != 0)
            return mc_error_set(MC_EIO, "cannot write to standard output: %s", strerror(errno));
        return MC_OK;
    }
    int rc = MC_OK;
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return mc_error_set(MC_EINPUT, "%s exists and is not a regular file; refusing to replace it",
                            path);
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return mc_error_nomem();
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = mc_error_set(MC_EIO, "cannot create a temporary file beside %s: %s", path,
                          strerror(errno));
        goto cleanup;
    }
    if (write_fully(fd, data, len) != 0 || fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        rc = mc_error_set(MC_EIO, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto cleanup;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        rc = mc_error_set(MC_EIO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        goto cleanup;
    }
    mc_file_sync_parent(path);
cleanup:
    free(tmp);
    return rc;
}

int mc_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int mc_dir_create_all(const char *path)
{
    int rc = MC_OK;
    char *p = strdup(path);
    if (!p)
        return mc_error_nomem();
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            struct stat st;
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                rc = mc_error_set(errno == ENOTDIR ? MC_EINPUT : MC_EIO,
                                  "cannot create directory %s: %s", p, strerror(errno));
                break;
            }
            if (stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
                rc = mc_error_set(MC_EINPUT, "%s exists and is not a directory", p);
                break;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    return rc;
}

char *mc_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

char *mc_path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || strcmp(dir, ".") == 0)
        return strdup(rel);
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, rel);
    return p;
}
