/* Failing-allocation harness, linked only into the test executable
 * modelcert_failalloc (tests/CMakeLists.txt), never into `modelcert`.
 *
 * That executable is linked from the same objects as `modelcert` with
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
 * GNU ld then resolves every *undefined* reference to malloc (and the others) in the
 * objects it links -- main.o and the members of our static libraries mc_cli, mc_reports,
 * mc_verbs, mc_checks, mc_export, mc_audit, mc_signing, mc_reference, mc_spec, mc_common --
 * to __wrap_malloc, and __real_malloc to the real malloc. References inside shared
 * libraries (libc itself, libyaml, OpenSSL, SQLite, OpenBLAS, jansson) are not touched.
 * jansson is brought in by hand: a constructor gives it this file's counting allocator
 * with json_set_alloc_funcs, so the allocations behind json_object, json_pack,
 * json_string, json_dumps... are counted and can fail too. libyaml, OpenSSL, SQLite and
 * OpenBLAS keep their own allocations.
 *
 * Environment:
 *   MC_FAIL_ALLOC_AFTER=N    allocation number N (1-based, counted over every wrapped
 *                            call: malloc, calloc, realloc, strdup, strndup, jansson's
 *                            malloc) returns NULL. 0 or unset: nothing fails.
 *   MC_FAIL_ALLOC_MODE=once  (default) only the Nth allocation fails; every other one
 *                            succeeds. This finds more paths than failing everything
 *                            from N on: the error path itself runs with memory, so a
 *                            failure that is swallowed shows up as exit 0 with different
 *                            output, a wrong status or a missing message, instead of
 *                            being hidden behind a later failure in the error path.
 *   MC_FAIL_ALLOC_MODE=from  the Nth and every later allocation fail (memory exhausted).
 *   MC_FAIL_ALLOC_COUNT=1    at exit, print "failalloc: allocations C failed F" on stderr
 *                            (C counts every wrapped call, failed ones included).
 *   MC_FAIL_ALLOC_COUNT=PATH at exit, write "C F\n" to PATH instead.
 *   MC_FAIL_ALLOC_VERBOSE=1  print each injected failure and a raw backtrace on stderr
 *                            (resolve with addr2line -e modelcert_failalloc -f -i ADDR,
 *                            or use gdb: break mc_failalloc_hit, then bt).
 *
 * A test program linked with this file may also arm it itself (mc_failalloc_arm below):
 * tests/e2e/failalloc_repro.c builds its input once, then forks a child per allocation
 * to fail, which is much faster than a process per trial.
 *
 * The counter is atomic, so allocations from other threads are counted too; the
 * sequence is deterministic as long as the program's own allocations are. */
#include <execinfo.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void mc_failalloc_hit(unsigned long long n, const char *fn, size_t size);
void mc_failalloc_arm(unsigned long long n);
unsigned long long mc_failalloc_failures(void);

static atomic_ullong count, failed;
static unsigned long long fail_at; /* 0: never */
static int fail_from, verbose;
static const char *count_to;

static void say(const char *s)
{
    size_t len = strlen(s);
    while (len) {
        ssize_t w = write(STDERR_FILENO, s, len);
        if (w <= 0)
            return;
        s += w;
        len -= (size_t)w;
    }
}

/* Every injected failure passes here: a place for a gdb breakpoint. */
__attribute__((noinline)) void mc_failalloc_hit(unsigned long long n, const char *fn, size_t size)
{
    if (verbose) {
        char msg[160];
        snprintf(msg, sizeof msg, "failalloc: failing allocation %llu (%s of %zu bytes)\n", n, fn,
                 size);
        say(msg);
        void *frames[32];
        int k = backtrace(frames, 32);
        backtrace_symbols_fd(frames, k, STDERR_FILENO);
    }
    __asm__ volatile("" ::: "memory");
}

static int fail_now(const char *fn, size_t size)
{
    unsigned long long n = atomic_fetch_add(&count, 1) + 1;
    if (!fail_at || n < fail_at || (n > fail_at && !fail_from))
        return 0;
    atomic_fetch_add(&failed, 1);
    mc_failalloc_hit(n, fn, size);
    return 1;
}

void *__wrap_malloc(size_t size)
{
    return fail_now("malloc", size) ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now("calloc", n * size) ? NULL : __real_calloc(n, size);
}

/* A failed realloc leaves the block as it was, as the real one does. */
void *__wrap_realloc(void *p, size_t size)
{
    return fail_now("realloc", size) ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return fail_now("strdup", strlen(s) + 1) ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return fail_now("strndup", strnlen(s, n) + 1) ? NULL : __real_strndup(s, n);
}

/* Counts allocations anew from here and makes the nth fail (0: none), once. */
void mc_failalloc_arm(unsigned long long n)
{
    atomic_store(&count, 0);
    atomic_store(&failed, 0);
    fail_at = n;
    fail_from = 0;
}

/* How many allocations were made to fail so far. */
unsigned long long mc_failalloc_failures(void)
{
    return atomic_load(&failed);
}

static void *json_malloc(size_t size)
{
    return fail_now("jansson malloc", size) ? NULL : __real_malloc(size);
}

static void json_free(void *p)
{
    free(p);
}

static void report(void)
{
    unsigned long long c = atomic_load(&count), f = atomic_load(&failed);
    if (strcmp(count_to, "1") == 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "failalloc: allocations %llu failed %llu\n", c, f);
        say(msg);
        return;
    }
    FILE *out = fopen(count_to, "w");
    if (out) {
        fprintf(out, "%llu %llu\n", c, f);
        fclose(out);
    }
}

__attribute__((constructor)) static void failalloc_init(void)
{
    const char *after = getenv("MC_FAIL_ALLOC_AFTER");
    const char *mode = getenv("MC_FAIL_ALLOC_MODE");
    const char *v = getenv("MC_FAIL_ALLOC_VERBOSE");
    fail_at = after ? strtoull(after, NULL, 10) : 0;
    fail_from = mode && strcmp(mode, "from") == 0;
    verbose = v && *v && strcmp(v, "0") != 0;
    count_to = getenv("MC_FAIL_ALLOC_COUNT");
    if (count_to && *count_to && strcmp(count_to, "0") != 0)
        atexit(report);
    json_set_alloc_funcs(json_malloc, json_free);
}
