/* A driver that runs a libFuzzer harness over files, without libFuzzer: each argument is a
 * file or a directory of files, and each file is passed once to LLVMFuzzerTestOneInput. It
 * lets the normal test build (gcc, and the sanitizer build under `make test`) replay every
 * harness over its committed corpus and regression inputs, so a harness that no longer
 * compiles, or an input that once crashed, is caught by `make test` and not only by a fuzzing
 * campaign (tests/fuzz/README.md). LLVMFuzzerInitialize, where a harness has one, runs
 * first. Files are read whole, up to 16 MiB each; entries of a directory are replayed in name
 * order, so a failure names the same input every time. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a harness, as in libFuzzer: called once before the first input. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

#define REPLAY_FILE_MAX (16u << 20)

static int replay_file(const char *path, unsigned long *count)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    uint8_t *buf = malloc(REPLAY_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, REPLAY_FILE_MAX + 1, f) : 0;
    int err = !buf || ferror(f) || n > REPLAY_FILE_MAX;
    fclose(f);
    if (err) {
        fprintf(stderr, "replay: %s: unreadable or over 16 MiB\n", path);
        free(buf);
        return -1;
    }
    /* The harness gets exactly the file's bytes: copied into a buffer of that size, so a read
     * past the end is caught by AddressSanitizer (and by valgrind), as under libFuzzer. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    (*count)++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *path, unsigned long *count)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = -1;
                goto cleanup;
            }
            names = grown;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            rc = -1;
            goto cleanup;
        }
        snprintf(names[n++], len, "%s/%s", path, e->d_name);
    }
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = replay_file(names[i], count);
cleanup:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        int rc = S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) : replay_file(argv[i], &count);
        if (rc != 0)
            return 2;
    }
    if (count == 0) {
        fprintf(stderr, "replay: no input replayed\n");
        return 1;
    }
    printf("replayed %lu input(s)\n", count);
    return 0;
}
