/* Trail locations (paths and PostgreSQL URIs, shown without passwords),
 * `audit init` and `audit migrate` (mc_audit.h), on either store. */
#include <stdlib.h>
#include <string.h>

#include "mc_audit.h"
#include "mc_audit_store.h"
#include "mc_buf.h"
#include "mc_error.h"

int mc_audit_is_uri(const char *location)
{
    return location && (strncmp(location, "postgresql://", 13) == 0 ||
                        strncmp(location, "postgres://", 11) == 0);
}

void mc_audit_location_pieces(const char *location, mc_audit_piece_fn put, void *ctx)
{
    if (!mc_audit_is_uri(location)) {
        put(ctx, location, strlen(location));
        return;
    }
    size_t start = (size_t)(strstr(location, "://") - location) + 3, len = strlen(location);
    const char *query = strchr(location + start, '?');
    size_t end = query ? (size_t)(query - location) : len;
    /* user:password@: the password runs from the first ':' to the last '@'
     * before the parameters (a host's :port comes after the '@'). */
    size_t at = 0, colon = 0;
    for (size_t i = start; i < end; i++) {
        if (location[i] == '@')
            at = i;
        if (location[i] == ':' && !colon)
            colon = i;
    }
    if (at && colon && colon < at) {
        put(ctx, location, colon);
        put(ctx, location + at, end - at);
    } else {
        put(ctx, location, end);
    }
    /* ?a=1&password=x&b=2: every parameter but password. */
    int first = 1;
    for (const char *p = query ? query + 1 : NULL; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (!(n >= 9 && strncmp(p, "password=", 9) == 0) && n) {
            put(ctx, first ? "?" : "&", 1);
            put(ctx, p, n);
            first = 0;
        }
        p = amp ? amp + 1 : NULL;
    }
}

static void put_buf(void *b, const char *s, size_t n)
{
    mc_buf_put(b, s, n);
}

int mc_audit_location_redact(char **out, const char *location)
{
    mc_buf b = {0};
    mc_audit_location_pieces(location, put_buf, &b);
    return mc_buf_take(&b, out, NULL);
}

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
