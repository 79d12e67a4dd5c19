/* The audit trail: appending events one transaction each (as the CLI does),
 * and verifying a long chain.
 * usage: bench_audit DIR [APPENDS] [CHAIN]          SQLite: DIR/append.db, DIR/chain.db
 *        bench_audit URI1 URI2 [APPENDS] [CHAIN]    PostgreSQL: two empty trails
 *                                                   (audit init), appends to URI1, the chain in URI2 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_audit_event.h"
#include "mc_audit.h"
#include "mc_clock.h"
#include "mc_error.h"

int main(int argc, char **argv)
{
    int uri = argc > 2 && mc_audit_is_uri(argv[1]) && mc_audit_is_uri(argv[2]);
    if (argc < 2 || (mc_audit_is_uri(argv[1]) && !uri)) {
        fprintf(stderr, "usage: bench_audit DIR [APPENDS] [CHAIN] | bench_audit URI1 URI2 [APPENDS] [CHAIN]\n");
        return 2;
    }
    int first = 2 + uri;
    long appends = argc > first ? atol(argv[first]) : 10000, chain = argc > first + 1 ? atol(argv[first + 1]) : 1000000;
    char a_path[512], c_path[512];
    if (uri) {
        snprintf(a_path, sizeof a_path, "%s", argv[1]);
        snprintf(c_path, sizeof c_path, "%s", argv[2]);
    } else {
        snprintf(a_path, sizeof a_path, "%s/append.db", argv[1]);
        snprintf(c_path, sizeof c_path, "%s/chain.db", argv[1]);
        unlink(a_path);
        unlink(c_path);
    }
    mc_audit *a = NULL;
    if (mc_audit_open(&a, a_path) != MC_OK)
        return bench_audit_fail("bench_audit");
    double t0 = mc_clock_seconds();
    for (long i = 0; i < appends; i++) {
        mc_audit_event ev = bench_audit_sample();
        if (mc_audit_append(a, &ev) != MC_OK)
            return bench_audit_fail("bench_audit");
    }
    double t_append = mc_clock_seconds() - t0;
    mc_audit_close(a);

    if (mc_audit_open(&a, c_path) != MC_OK)
        return bench_audit_fail("bench_audit");
    enum { BATCH = 10000 };
    mc_audit_event *evs = malloc(BATCH * sizeof *evs);
    t0 = mc_clock_seconds();
    for (long done = 0; done < chain; done += BATCH) {
        long n = chain - done < BATCH ? chain - done : BATCH;
        for (long i = 0; i < n; i++)
            evs[i] = bench_audit_sample();
        if (mc_audit_append_batch(a, evs, (size_t)n) != MC_OK)
            return bench_audit_fail("bench_audit");
    }
    double t_build = mc_clock_seconds() - t0;
    mc_audit_close(a);
    free(evs);
    if (mc_audit_open_readonly(&a, c_path) != MC_OK)
        return bench_audit_fail("bench_audit");
    mc_audit_verify_result r;
    t0 = mc_clock_seconds();
    if (mc_audit_verify(a, &r, NULL) != MC_OK)
        return bench_audit_fail("bench_audit");
    double t_verify = mc_clock_seconds() - t0;
    mc_audit_close(a);
    printf("backend=%s\n", uri ? "postgresql" : "sqlite");
    printf("appends=%ld append_s=%.3f appends_per_s=%.0f ms_per_append=%.3f\n", appends, t_append,
           appends / t_append, 1000 * t_append / appends);
    printf("chain=%ld build_s=%.3f verify_s=%.3f events_verified=%lld intact=%s verify_per_s=%.0f\n",
           chain, t_build, t_verify, r.events, r.broken ? "no" : "yes", r.events / t_verify);
    return r.broken ? 1 : 0;
}
