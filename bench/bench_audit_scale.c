/* The audit trail's cost to one verb as the trail grows (bench/audit_scale.sh,
 * bench/README.md "Audit trail at scale"). Two modes:
 *   bench_audit_scale fill TRAIL N      append valid events, 10,000 per transaction, until
 *                                       the trail holds N (each one linked and hashed by the
 *                                       library, so every verb accepts the chain)
 *   bench_audit_scale verb TRAIL REPS   REPS times what every audited verb does with the
 *                                       trail (verbs/mc_verb_audit.c): the check before its
 *                                       work (mc_audit_check_appendable_keep) and its one
 *                                       event appended after the head checked, on PostgreSQL
 *                                       through the check's connection (mc_audit_record_kept);
 *                                       prints the median and the extremes in milliseconds
 *   bench_audit_scale verb2 TRAIL REPS  the same with a connection each for the check and the
 *                                       append (mc_audit_check_appendable_at,
 *                                       mc_audit_record_after), as verbs did before: what
 *                                       main's `verb` mode measures
 * TRAIL is an SQLite path or a postgresql:// URI (a trail `audit init` made). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_audit_event.h"
#include "mc_audit.h"
#include "mc_clock.h"
#include "mc_error.h"

static int fill(const char *trail, long long want)
{
    enum { BATCH = 10000 };
    mc_audit *a = NULL;
    mc_audit_head head;
    mc_audit_event *evs = malloc(BATCH * sizeof *evs);
    if (!evs || mc_audit_open(&a, trail) != MC_OK || mc_audit_head_read(a, &head) != MC_OK)
        return bench_audit_fail("bench_audit_scale");
    double t0 = mc_clock_seconds();
    for (long long have = head.id; have < want; have += BATCH) {
        long long n = want - have < BATCH ? want - have : BATCH;
        for (long long i = 0; i < n; i++)
            evs[i] = bench_audit_sample();
        if (mc_audit_append_batch(a, evs, (size_t)n) != MC_OK)
            return bench_audit_fail("bench_audit_scale");
    }
    printf("filled %s to %lld events in %.1f s\n", mc_audit_location(a), want,
           mc_clock_seconds() - t0);
    mc_audit_close(a);
    free(evs);
    return 0;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static int verb(const char *trail, int reps, int one_connection)
{
    double *ms = calloc((size_t)reps, sizeof *ms);
    if (!ms)
        return 1;
    for (int i = 0; i < reps; i++) {
        mc_audit_head head;
        long long id = 0;
        mc_audit_event ev = bench_audit_sample();
        json_t *details = json_pack("{s:s}", "run_dir", "runs/x");
        mc_audit *kept = NULL;
        double t0 = mc_clock_seconds();
        int rc = !details ? mc_error_nomem()
                 : one_connection ? mc_audit_check_appendable_keep(trail, &head, &kept)
                                  : mc_audit_check_appendable_at(trail, &head);
        if (rc == MC_OK)
            rc = one_connection ? mc_audit_record_kept(&id, kept, trail, &head, &ev, details)
                                : mc_audit_record_after(&id, trail, &head, &ev, details);
        mc_audit_close(kept);
        if (rc)
            return bench_audit_fail("bench_audit_scale");
        ms[i] = 1000 * (mc_clock_seconds() - t0);
        json_decref(details);
    }
    qsort(ms, (size_t)reps, sizeof *ms, cmp_double);
    printf("per_verb_ms median=%.3f min=%.3f max=%.3f reps=%d\n", ms[reps / 2], ms[0],
           ms[reps - 1], reps);
    free(ms);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "fill") == 0)
        return fill(argv[2], atoll(argv[3]));
    if (argc == 4 && (!strcmp(argv[1], "verb") || !strcmp(argv[1], "verb2")) && atoi(argv[3]) > 0)
        return verb(argv[2], atoi(argv[3]), strcmp(argv[1], "verb") == 0);
    fprintf(stderr, "usage: bench_audit_scale fill TRAIL N | bench_audit_scale verb|verb2 TRAIL "
            "REPS\n");
    return 2;
}
