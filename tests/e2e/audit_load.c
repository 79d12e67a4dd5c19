/* Appends to an audit trail from many processes, through the library, for
 * tests/e2e/audit_pg.sh (any trail: an SQLite path or a postgresql:// URI).
 *   audit_load TRAIL WRITERS EVENTS   WRITERS processes, EVENTS appends each,
 *                                     one transaction per event
 *   audit_load TRAIL --forever        appends until killed, printing each
 *                                     committed event's id (flushed)
 *   audit_load TRAIL WRITERS EVENTS --report
 *                                     WRITERS processes, EVENTS appends each (actor
 *                                     report-W, details {"i":I,"writer":W}), going on
 *                                     after a failure (reconnecting): one line per
 *                                     append, "ok W I ID" or "fail W I", exit 0 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mc_audit.h"
#include "mc_error.h"

static int append_events(const char *trail, int writer, long n)
{
    mc_audit *a = NULL;
    char who[32], details[96];
    if (mc_audit_open(&a, trail) != MC_OK) {
        fprintf(stderr, "writer %d: %s\n", writer, mc_error_last()->message);
        return 1;
    }
    snprintf(who, sizeof who, "writer-%d", writer);
    for (long i = 0; n < 0 || i < n; i++) {
        snprintf(details, sizeof details, "{\"i\":%ld,\"writer\":%d}", i, writer);
        mc_audit_event ev = {.actor = who, .host = "load", .tool_version = "t", .command = "audit_load",
                             .kind = "run", .spec_digest = "s", .verdict = "completed",
                             .details = details};
        if (mc_audit_append(a, &ev) != MC_OK) {
            fprintf(stderr, "writer %d, event %ld: %s\n", writer, i, mc_error_last()->message);
            mc_audit_close(a);
            return 1;
        }
        if (n < 0) {
            printf("%lld\n", ev.id);
            fflush(stdout);
        }
    }
    mc_audit_close(a);
    return 0;
}

/* One line, written whole (the writers share the output). */
static void report(const char *line)
{
    fputs(line, stdout);
    fflush(stdout);
}

/* --report: each outcome printed; a failed append closes the connection, waits 50 ms and
 * carries on with the next event on a new one. */
static int report_events(const char *trail, int writer, long n)
{
    mc_audit *a = NULL;
    char who[32], details[96], line[128];
    const struct timespec pause = {0, 50000000};
    snprintf(who, sizeof who, "report-%d", writer);
    for (long i = 0; i < n; i++) {
        snprintf(details, sizeof details, "{\"i\":%ld,\"writer\":%d}", i, writer);
        mc_audit_event ev = {.actor = who, .host = "load", .tool_version = "t", .command = "audit_load",
                             .kind = "run", .spec_digest = "s", .verdict = "completed",
                             .details = details};
        if ((a || mc_audit_open(&a, trail) == MC_OK) && mc_audit_append(a, &ev) == MC_OK) {
            snprintf(line, sizeof line, "ok %d %ld %lld\n", writer, i, ev.id);
            report(line);
            continue;
        }
        fprintf(stderr, "writer %d, event %ld: %s\n", writer, i, mc_error_last()->message);
        snprintf(line, sizeof line, "fail %d %ld\n", writer, i);
        report(line);
        mc_audit_close(a);
        a = NULL;
        nanosleep(&pause, NULL);
    }
    mc_audit_close(a);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[2], "--forever") == 0)
        return append_events(argv[1], 0, -1);
    int reporting = argc == 5 && strcmp(argv[4], "--report") == 0;
    if (argc != 4 && !reporting) {
        fprintf(stderr, "usage: audit_load TRAIL WRITERS EVENTS [--report] | "
                        "audit_load TRAIL --forever\n");
        return 2;
    }
    int writers = atoi(argv[2]), failed = 0;
    long events = atol(argv[3]);
    for (int w = 0; w < writers; w++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0)
            _exit(reporting ? report_events(argv[1], w, events) : append_events(argv[1], w, events));
    }
    for (int w = 0; w < writers; w++) {
        int status = 0;
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    printf("%d writers x %ld events: %d failed\n", writers, events, failed);
    return failed ? 1 : 0;
}
