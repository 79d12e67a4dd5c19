/* What the audit benchmarks (bench_audit.c, bench_audit_scale.c) append: one event the size
 * and shape of a `validate` event in CI, so that both measure the same rows, and the one way
 * they report a library error. */
#ifndef BENCH_AUDIT_EVENT_H
#define BENCH_AUDIT_EVENT_H

#include <stdio.h>

#include "mc_audit.h"
#include "mc_error.h"

static const char bench_audit_digest[] =
    "4fdf43cc519e4dae211d5c79b8ad1eadac14f541112fa7ed8b9757e14c70de4c";

static inline mc_audit_event bench_audit_sample(void)
{
    mc_audit_event ev = {.actor = "ci-bot", .host = "runner-7", .tool_version = "0.1.0",
                         .command = "modelcert validate examples/seed/modelcert.yaml -o runs/x",
                         .kind = "validate", .spec_digest = bench_audit_digest,
                         .data_digest = bench_audit_digest, .model_digest = bench_audit_digest,
                         .verdict = "pass",
                         .details = "{\"counts\":{\"fail\":0,\"pass\":9},\"run_dir\":\"runs/x\"}"};
    return ev;
}

/* Prints the last library error, prefixed with the benchmark's name; returns 1. */
static inline int bench_audit_fail(const char *prog)
{
    fprintf(stderr, "%s: %s\n", prog, mc_error_last()->message);
    return 1;
}

#endif
