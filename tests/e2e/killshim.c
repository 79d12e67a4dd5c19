/* An LD_PRELOAD shim for tests/e2e/kill.sh: it kills the process with
 * SIGKILL at a chosen point of writing a file, as `kill -9` would, so the
 * test can look at what is left on disk.
 *
 *   KILL_ON_RENAME=NAME  at rename() whose new path's last component is NAME
 *                        (a file put in place, or the run directory itself);
 *                        with KILL_WHEN=after, once the rename is done,
 *                        otherwise just before it
 *   KILL_ON_FSYNC=NAME   at fsync() of NAME or of a temporary file for it
 *                        (NAME.tmp...), before the data is synced
 *   KILL_ON_WRITE=NAME   at write() to NAME or to a temporary file for it:
 *                        half of the bytes are written, then the kill
 *
 * Everything else goes straight to the C library. Built by
 * tests/CMakeLists.txt as a module without sanitizers. */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static void die(void)
{
    kill(getpid(), SIGKILL);
    _exit(99); /* not reached */
}

static const char *last_component(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Whether a path names `name` itself, or a temporary file for it (name.tmp...). */
static int names(const char *path, const char *name)
{
    const char *base = last_component(path);
    size_t n = strlen(name);
    return strncmp(base, name, n) == 0 && (base[n] == '\0' || strncmp(base + n, ".tmp", 4) == 0);
}

/* Whether file descriptor fd is open on `name` (or a temporary file for it). */
static int fd_names(int fd, const char *name)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return names(path, name);
}

/* The C library's function (POSIX's way to store dlsym's result in a function pointer). */
#define NEXT(fn, symbol)                                \
    do {                                                \
        *(void **)(&(fn)) = dlsym(RTLD_NEXT, (symbol)); \
        if (!(fn))                                      \
            abort();                                    \
    } while (0)

int rename(const char *oldpath, const char *newpath)
{
    int (*real)(const char *, const char *);
    NEXT(real, "rename");
    const char *name = getenv("KILL_ON_RENAME");
    if (!name || strcmp(last_component(newpath), name) != 0)
        return real(oldpath, newpath);
    const char *when = getenv("KILL_WHEN");
    if (when && strcmp(when, "after") == 0 && real(oldpath, newpath) != 0)
        return -1; /* the rename failed: nothing to kill after */
    die();
    return -1;
}

int fsync(int fd)
{
    int (*real)(int);
    NEXT(real, "fsync");
    const char *name = getenv("KILL_ON_FSYNC");
    if (name && fd_names(fd, name))
        die();
    return real(fd);
}

ssize_t write(int fd, const void *buf, size_t count)
{
    ssize_t (*real)(int, const void *, size_t);
    NEXT(real, "write");
    const char *name = getenv("KILL_ON_WRITE");
    if (!name || count < 2 || !fd_names(fd, name))
        return real(fd, buf, count);
    size_t half = count / 2, done = 0;
    while (done < half) {
        ssize_t w = real(fd, (const char *)buf + done, half - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    die();
    return -1;
}
