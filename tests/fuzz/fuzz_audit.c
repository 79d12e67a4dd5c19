/* libFuzzer harness: the audit database reader (tests/fuzz/README.md).
 *
 * The audit API opens databases by path only, so the input is written to one
 * temporary file per process (in /dev/shm when there is one, else $TMPDIR,
 * else /tmp), overwritten on every input, and read as `modelcert audit
 * verify` and `modelcert audit log` read it: mc_audit_open_readonly,
 * mc_audit_verify, mc_audit_query with an empty filter, mc_audit_close.
 * The journal, WAL and shared-memory files SQLite may leave beside it are
 * removed before and after each input, so no input sees another's state. */
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_audit.h"
#include "mc_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char db_path[4096];
static char side_path[3][4096 + 16];

static void remove_files(void)
{
    if (!db_path[0])
        return;
    unlink(db_path);
    for (int i = 0; i < 3; i++)
        unlink(side_path[i]);
}

static void remove_side_files(void)
{
    for (int i = 0; i < 3; i++)
        unlink(side_path[i]);
}

static int setup(void)
{
    struct stat st;
    const char *dir = NULL;
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        dir = "/dev/shm";
    else if (!(dir = getenv("TMPDIR")) || !*dir)
        dir = "/tmp";
    snprintf(db_path, sizeof db_path, "%s/modelcert-fuzz-audit-%ld.db", dir, (long)getpid());
    static const char *const suffix[] = {"-journal", "-wal", "-shm"};
    for (int i = 0; i < 3; i++)
        snprintf(side_path[i], sizeof side_path[i], "%s%s", db_path, suffix[i]);
    atexit(remove_files);
    return 0;
}

static int write_all(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    while (size) {
        ssize_t w = write(fd, data, size);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        data += w;
        size -= (size_t)w;
    }
    return close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    remove_side_files();
    if (write_all(db_path, data, size) != 0) {
        perror(db_path);
        abort(); /* the harness cannot work: say so rather than fuzz nothing */
    }
    mc_audit *a = NULL;
    if (mc_audit_open_readonly(&a, db_path) == MC_OK) {
        mc_audit_verify_result r;
        mc_audit_verify(a, &r, NULL);
        mc_audit_filter f = {0};
        json_t *events = NULL;
        if (mc_audit_query(a, &f, &events) == MC_OK)
            json_decref(events);
        mc_audit_close(a);
    }
    remove_side_files();
    return 0;
}
