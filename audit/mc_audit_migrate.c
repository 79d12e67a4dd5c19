/* `audit init` and `audit migrate` (mc_audit.h), on either store: making a trail where
 * there is none, and copying every event of one trail, unchanged and checked link by
 * link, into an empty one. */
#include <stdlib.h>
#include <string.h>

#include "mc_audit.h"
#include "mc_audit_store.h"
#include "mc_error.h"

int mc_audit_init(const char *location)
{
    char *shown = NULL;
    int rc = mc_audit_location_redact(&shown, location);
    if (rc == MC_OK)
        rc = mc_audit_store_for(location)->init(location, shown);
    free(shown);
    return rc;
}

/* ---- migrate ----------------------------------------------------------------------- */

enum { COPY_BATCH = 2000 };

typedef struct copy_state {
    mc_audit *to;
    mc_audit_event batch[COPY_BATCH];
    size_t n;
} copy_state;

static void free_event_texts(mc_audit_event *ev)
{
    const char *texts[] = {ev->actor, ev->host, ev->tool_version, ev->command, ev->kind,
                           ev->spec_digest, ev->data_digest, ev->model_digest, ev->verdict,
                           ev->details};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        free((char *)texts[i]);
    memset(ev, 0, sizeof *ev);
}

static int flush(copy_state *c)
{
    int rc = mc_audit_append_verbatim(c->to, c->batch, c->n);
    for (size_t i = 0; i < c->n; i++)
        free_event_texts(&c->batch[i]);
    c->n = 0;
    return rc;
}

/* *out: a copy of one text column (NULL stays NULL). MC_ENOMEM. */
static int dup_text(const char **out, const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        return mc_error_nomem();
    *out = d;
    return MC_OK;
}

static int copy_row(void *ctx, const mc_audit_event *ev)
{
    copy_state *c = ctx;
    mc_audit_event *e = &c->batch[c->n];
    const char **texts[] = {&e->actor, &e->host, &e->tool_version, &e->command, &e->kind,
                            &e->spec_digest, &e->data_digest, &e->model_digest, &e->verdict,
                            &e->details};
    int rc = MC_OK;
    *e = *ev;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *from = *texts[i];
        *texts[i] = NULL; /* the event's own text until copied: never freed here */
        if (rc == MC_OK)
            rc = dup_text(texts[i], from);
    }
    c->n++; /* its copies so far are freed with the batch */
    if (rc)
        return rc;
    return c->n == COPY_BATCH ? flush(c) : MC_OK;
}

int mc_audit_migrate(mc_audit_verify_result *res, const char *from, const char *to)
{
    mc_audit *src = NULL, *dst = NULL;
    copy_state *c = calloc(1, sizeof *c);
    mc_audit_verify_result before;
    mc_audit_head head;
    int rc = c ? mc_audit_open_readonly(&src, from) : mc_error_nomem();
    if (rc || (rc = mc_audit_verify(src, &before, NULL)))
        goto cleanup;
    if (before.broken) {
        rc = mc_error_set(MC_EINPUT, "%s is broken at event %lld (%s): a broken trail is not "
                          "migrated", mc_audit_location(src), before.first_bad, before.reason);
        goto cleanup;
    }
    if ((rc = mc_audit_open(&dst, to)) || (rc = mc_audit_head_read(dst, &head)))
        goto cleanup;
    if (head.id != 0) {
        rc = mc_error_set(MC_EINPUT, "%s already holds events (up to event %lld): migrate copies "
                          "into an empty trail only", mc_audit_location(dst), head.id);
        goto cleanup;
    }
    c->to = dst;
    /* Batches of COPY_BATCH events, each one transaction, as the source's snapshot reads them. */
    if ((rc = mc_audit_scan(src, copy_row, c)) == MC_OK && c->n)
        rc = flush(c);
    if (rc == MC_OK)
        rc = mc_audit_verify(dst, res, NULL);
cleanup:
    for (size_t i = 0; c && i < c->n; i++)
        free_event_texts(&c->batch[i]);
    free(c);
    mc_audit_close(src);
    mc_audit_close(dst);
    return rc;
}
