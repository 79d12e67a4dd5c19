/* Helpers shared by the libFuzzer harnesses that must hand files to an API that reads paths
 * (tests/fuzz/README.md): one private temporary directory per process (under /dev/shm when
 * there is one, else $TMPDIR, else /tmp), files written into it and removed again, and an
 * input split into parts at NUL bytes. Nothing is written outside that directory; it is
 * removed when the process exits. */
#ifndef FUZZ_TMP_H
#define FUZZ_TMP_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_TMP_FILES_MAX 16

static char fuzz_tmp_dir[4096];
static char fuzz_tmp_names[FUZZ_TMP_FILES_MAX][64];
static int fuzz_tmp_n;

static inline void fuzz_tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", fuzz_tmp_dir, name);
}

static inline void fuzz_tmp_remove(const char *name)
{
    char p[4200];
    fuzz_tmp_path(p, sizeof p, name);
    unlink(p);
}

static inline void fuzz_tmp_cleanup(void)
{
    for (int i = 0; i < fuzz_tmp_n; i++)
        fuzz_tmp_remove(fuzz_tmp_names[i]);
    rmdir(fuzz_tmp_dir);
}

/* Creates the directory; `names` are the files the harness may leave in it, removed at exit. */
static inline void fuzz_tmp_setup(const char *tag, const char *const *names, int n)
{
    struct stat st;
    const char *dir = NULL;
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        dir = "/dev/shm";
    else if (!(dir = getenv("TMPDIR")) || !*dir)
        dir = "/tmp";
    snprintf(fuzz_tmp_dir, sizeof fuzz_tmp_dir, "%s/modelcert-fuzz-%s-%ld", dir, tag,
             (long)getpid());
    if (mkdir(fuzz_tmp_dir, 0700) != 0 || n > FUZZ_TMP_FILES_MAX) {
        perror(fuzz_tmp_dir);
        abort(); /* the harness cannot work: say so rather than fuzz nothing */
    }
    for (int i = 0; i < n; i++)
        snprintf(fuzz_tmp_names[i], sizeof fuzz_tmp_names[i], "%s", names[i]);
    fuzz_tmp_n = n;
    atexit(fuzz_tmp_cleanup);
}

/* Writes name in the directory (NULL data: removes it). */
static inline void fuzz_tmp_write(const char *name, const void *data, size_t size)
{
    char p[4200];
    fuzz_tmp_path(p, sizeof p, name);
    unlink(p);
    if (!data)
        return;
    const uint8_t *d = data;
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror(p);
        abort();
    }
    while (size) {
        ssize_t w = write(fd, d, size);
        if (w <= 0) {
            perror(p);
            abort();
        }
        d += w;
        size -= (size_t)w;
    }
    close(fd);
}

/* Splits data at NUL bytes into at most n parts; returns how many there are. The parts point
 * into data (not NUL-terminated). */
static inline int fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *len,
                             int n)
{
    int k = 0;
    while (k < n) {
        const uint8_t *z = k < n - 1 ? memchr(data, 0, size) : NULL;
        part[k] = data;
        len[k] = z ? (size_t)(z - data) : size;
        k++;
        if (!z)
            break;
        size -= len[k - 1] + 1;
        data = z + 1;
    }
    return k;
}

#endif
