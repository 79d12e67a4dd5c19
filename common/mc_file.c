/* Files (mc_file.h): bounded reads of regular files or standard input only,
 * atomic writes (temporary file, fsync, rename, fsync of the directory),
 * output checks before any work, directories and path joins. */
#include "mc_file.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mc_env.h"
#include "mc_error.h"

/* Opens path for reading without blocking on a FIFO, and refuses anything but
 * a regular file: a device (/dev/zero), a FIFO or a directory could never end
 * or never start. */
static int open_regular(int *fd_out, size_t *size, const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EINPUT, "cannot open %s: %s", path,
                            strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int rc = mc_error_set(MC_EIO, "cannot read %s: %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        int dir = S_ISDIR(st.st_mode);
        close(fd);
        return mc_error_set(MC_EINPUT, dir ? "%s is a directory, not a file"
                                           : "%s is not a regular file (a device, FIFO or socket); "
                                             "modelcert reads files, or standard input as -",
                            path);
    }
    /* Back to blocking reads; O_NONBLOCK changes nothing for a regular file, so
     * a failure to clear it changes nothing either. */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    *fd_out = fd;
    *size = (size_t)st.st_size;
    return MC_OK;
}

/* Only the general input limit can be raised; a format's own bound (a key, a
 * bundle, a checkpoint) is part of the format, so the hint is not offered. */
static int too_large(const char *path, size_t max_bytes)
{
    if (max_bytes != mc_file_input_limit())
        return mc_error_set(MC_EINPUT, "%s is larger than the limit of %zu bytes for this kind "
                            "of file", path, max_bytes);
    return mc_error_set(MC_EINPUT, "%s is larger than the limit of %zu bytes (raise it with "
                        "MODELCERT_MAX_INPUT_BYTES; docs/security.md)", path, max_bytes);
}

/* *got = the bytes one read(2) gives (0 at the end), retried on EINTR. MC_EIO. */
static int read_some(size_t *got, int fd, char *buf, size_t n, const char *path)
{
    for (;;) {
        ssize_t r = read(fd, buf, n);
        if (r >= 0) {
            *got = (size_t)r;
            return MC_OK;
        }
        if (errno != EINTR)
            return mc_error_set(MC_EIO, "cannot read %s: %s", path, strerror(errno));
    }
}

/* Room for at least one more byte and the NUL: doubling, up to max_bytes + 2
 * (enough to see that a stream is over the limit). */
static int grow(char **buf, size_t *cap, size_t want, size_t max_bytes, const char *path)
{
    size_t next = *cap ? *cap * 2 : want;
    if (next < 65536)
        next = 65536;
    if (next > max_bytes + 2)
        next = max_bytes + 2;
    if (next <= *cap)
        return too_large(path, max_bytes);
    char *nb = realloc(*buf, next);
    if (!nb)
        return mc_error_nomem();
    *buf = nb;
    *cap = next;
    return MC_OK;
}

/* Reads fd to the end, at most max_bytes (hint: the expected size); text
 * refuses a NUL byte as soon as it arrives, so a stream of zeros stops at its
 * first block. */
static int read_fd(char **out, size_t *len, int fd, const char *path, size_t max_bytes, size_t hint,
                   int text)
{
    size_t used = 0, cap = 0;
    char *buf = NULL;
    int rc = MC_OK;
    for (;;) {
        if (cap - used < 2 && (rc = grow(&buf, &cap, hint + 2, max_bytes, path)))
            goto cleanup;
        size_t n = 0;
        if ((rc = read_some(&n, fd, buf + used, cap - used - 1, path)))
            goto cleanup;
        if (n == 0)
            break;
        const char *nul = text ? memchr(buf + used, '\0', n) : NULL;
        if (nul) {
            rc = mc_error_set(MC_EINPUT, "%s: a NUL byte at offset %zu: not a text file", path,
                              (size_t)(nul - buf));
            goto cleanup;
        }
        used += n;
        if (used > max_bytes) {
            rc = too_large(path, max_bytes);
            goto cleanup;
        }
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    buf = NULL;
cleanup:
    free(buf);
    return rc;
}

static int read_path(char **out, size_t *len, const char *path, size_t max_bytes, int text)
{
    if (strcmp(path, "-") == 0)
        return read_fd(out, len, STDIN_FILENO, "standard input", max_bytes, 0, text);
    int fd = -1;
    size_t size = 0;
    int rc = open_regular(&fd, &size, path);
    if (rc)
        return rc;
    rc = size > max_bytes ? too_large(path, max_bytes)
                          : read_fd(out, len, fd, path, max_bytes, size, text);
    close(fd);
    return rc;
}

int mc_file_read_all(char **out, size_t *len, const char *path, size_t max_bytes)
{
    return read_path(out, len, path, max_bytes, 0);
}

int mc_file_read_text(char **out, size_t *len, const char *path, size_t max_bytes)
{
    return read_path(out, len, path, max_bytes, 1);
}

int mc_file_read_text_head(char **out, size_t *len, int *whole, const char *path,
                           size_t max_bytes)
{
    int fd = -1;
    size_t size = 0, used = 0;
    char *buf = NULL;
    if (strcmp(path, "-") == 0)
        return mc_error_set(MC_EINPUT, "standard input cannot be sampled and read again");
    int rc = open_regular(&fd, &size, path);
    if (rc)
        return rc;
    size_t want = size < max_bytes ? size : max_bytes;
    if (!(buf = malloc(want + 1)))
        rc = mc_error_nomem();
    while (rc == MC_OK && used < want) {
        size_t n = 0;
        if ((rc = read_some(&n, fd, buf + used, want - used, path)) || n == 0)
            break;
        if (memchr(buf + used, '\0', n))
            rc = mc_error_set(MC_EINPUT, "%s: a NUL byte: not a text file", path);
        used += n;
    }
    close(fd);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    *whole = used == size && size <= max_bytes;
    return MC_OK;
}

int mc_file_read_secret_line(char **out, const char *path, size_t max_bytes)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mc_file_read_text(&text, &len, path, max_bytes);
    if (rc)
        return rc;
    size_t line = strcspn(text, "\r\n");
    OPENSSL_cleanse(text + line, len - line);
    text[line] = '\0';
    *out = text;
    return MC_OK;
}

size_t mc_file_input_limit(void)
{
    const char *env = mc_env_get(MC_ENV_MAX_INPUT_BYTES);
    if (env && *env) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(env, &end, 10);
        unsigned long long unit = *end == 'K' ? 1ull << 10 : *end == 'M' ? 1ull << 20
                                : *end == 'G' ? 1ull << 30 : 1;
        if (unit > 1)
            end++;
        if (!errno && !*end && v > 0 && v <= SIZE_MAX / unit)
            return (size_t)(v * unit);
    }
    return MC_FILE_DEFAULT_INPUT_LIMIT;
}

/* Writes all len bytes to fd, retrying on EINTR; MC_EIO "cannot write
 * <what>: <why>". */
static int write_fully(int fd, const void *data, size_t len, const char *what)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return mc_error_set(MC_EIO, "cannot write %s: %s", what, strerror(errno));
        }
        p += w;
        len -= (size_t)w;
    }
    return MC_OK;
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

int mc_dir_check_writable(const char *dir, const char *target)
{
    /* access() says yes to root everywhere, /proc and /sys included, and knows nothing of
       read-only mounts: only making something there says whether we can. */
    char *probe = mc_path_join(dir, ".modelcert-probe-XXXXXX");
    if (!probe)
        return mc_error_nomem();
    int rc = MC_OK;
    if (!mkdtemp(probe))
        rc = mc_error_set(MC_EINPUT, "cannot write %s: cannot create anything in %s (%s)", target,
                          dir, strerror(errno));
    else
        rmdir(probe); /* best effort: it is empty */
    free(probe);
    return rc;
}

int mc_dir_check_creatable(const char *dir)
{
    char *p = strdup(dir);
    int rc = p ? MC_OK : mc_error_nomem();
    while (rc == MC_OK) {
        struct stat st;
        if (stat(p, &st) == 0) {
            rc = S_ISDIR(st.st_mode)
                     ? mc_dir_check_writable(p, dir)
                     : mc_error_set(MC_EINPUT, "cannot create %s: %s is not a directory", dir, p);
            break;
        }
        char *up = mc_path_dirname(p);
        if (up && strcmp(up, p) == 0) { /* "." or "/" that stat refused: nothing to climb */
            free(up);
            break;
        }
        free(p);
        p = up;
        if (!p)
            rc = mc_error_nomem();
    }
    free(p);
    return rc;
}

int mc_file_check_output(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0)
        return MC_OK;
    if (!*path)
        return mc_error_set(MC_EINPUT, "the output file name is empty");
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return mc_error_set(MC_EINPUT, "%s exists and is not a regular file; refusing to replace it",
                            path);
    char *dir = mc_path_dirname(path);
    if (!dir)
        return mc_error_nomem();
    int rc = MC_OK;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        rc = mc_error_set(MC_EINPUT, "cannot write %s: %s is not a directory", path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        rc = mc_error_set(MC_EINPUT, "cannot write %s: %s is not writable", path, dir);
    else
        rc = mc_dir_check_writable(dir, path);
    free(dir);
    return rc;
}

int mc_file_write_atomic(const char *path, const void *data, size_t len)
{
    if (strcmp(path, "-") == 0)
        return write_fully(STDOUT_FILENO, data, len, "to standard output");
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
    rc = write_fully(fd, data, len, tmp);
    if (rc == MC_OK && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
        rc = mc_error_set(MC_EIO, "cannot write %s: %s", tmp, strerror(errno));
    if (rc) {
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

int mc_file_stream_open(mc_file_stream *s, const char *path, unsigned mode)
{
    memset(s, 0, sizeof *s);
    s->mode = mode;
    if (strcmp(path, "-") == 0) {
        s->f = stdout;
        return MC_OK;
    }
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return mc_error_set(MC_EINPUT, "%s exists and is not a regular file; refusing to replace it",
                            path);
    size_t n = strlen(path) + 16;
    int fd = -1, rc = MC_OK;
    if (!(s->path = strdup(path)) || !(s->tmp = malloc(n))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    snprintf(s->tmp, n, "%s.tmp.XXXXXX", path);
    if ((fd = mkstemp(s->tmp)) < 0) {
        rc = mc_error_set(MC_EIO, "cannot create a temporary file beside %s: %s", path,
                          strerror(errno));
        free(s->tmp);
        s->tmp = NULL;
        goto cleanup;
    }
    if (!(s->f = fdopen(fd, "wb"))) {
        rc = mc_error_set(MC_EIO, "cannot write %s: %s", s->tmp, strerror(errno));
        close(fd);
        goto cleanup;
    }
cleanup:
    if (rc)
        mc_file_stream_abort(s);
    return rc;
}

int mc_file_stream_commit(mc_file_stream *s)
{
    int rc = MC_OK;
    if (!s->tmp) {
        if (fflush(s->f) != 0)
            rc = mc_error_set(MC_EIO, "cannot write to standard output: %s", strerror(errno));
        s->f = NULL;
        return rc;
    }
    if (fflush(s->f) != 0 || fchmod(fileno(s->f), (mode_t)s->mode) != 0 ||
        fsync(fileno(s->f)) != 0) {
        rc = mc_error_set(MC_EIO, "cannot write %s: %s", s->tmp, strerror(errno));
    } else {
        int closed = fclose(s->f);
        s->f = NULL;
        if (closed != 0 || rename(s->tmp, s->path) != 0)
            rc = mc_error_set(MC_EIO, "cannot write %s: %s", s->path, strerror(errno));
    }
    if (rc) {
        mc_file_stream_abort(s);
        return rc;
    }
    mc_file_sync_parent(s->path);
    free(s->tmp);
    free(s->path);
    memset(s, 0, sizeof *s);
    return MC_OK;
}

void mc_file_stream_abort(mc_file_stream *s)
{
    if (s->tmp) {
        if (s->f)
            fclose(s->f);
        unlink(s->tmp);
    } else if (s->f) {
        fflush(s->f);
    }
    free(s->tmp);
    free(s->path);
    memset(s, 0, sizeof *s);
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
