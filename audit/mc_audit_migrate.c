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

int mc_audit_location_redact(char **out, const char *location)
{
    mc_buf b = {0};
    if (!mc_audit_is_uri(location)) {
        *out = strdup(location);
        return *out ? MC_OK : mc_error_nomem();
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
        mc_buf_printf(&b, "%.*s%.*s", (int)colon, location, (int)(end - at), location + at);
    } else {
        mc_buf_printf(&b, "%.*s", (int)end, location);
    }
    /* ?a=1&password=x&b=2: every parameter but password. */
    int first = 1;
    for (const char *p = query ? query + 1 : NULL; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (!(n >= 9 && strncmp(p, "password=", 9) == 0) && n) {
            mc_buf_put(&b, first ? "?" : "&", 1);
            mc_buf_put(&b, p, n);
            first = 0;
        }
        p = amp ? amp + 1 : NULL;
    }
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

/* A copy of one text column (NULL stays NULL); *failed set when out of memory. */
static const char *dup_text(const char *s, int *failed)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *failed = 1;
    return d;
}

static int copy_row(void *ctx, const mc_audit_event *ev)
{
    copy_state *c = ctx;
    mc_audit_event *e = &c->batch[c->n];
    int failed = 0;
    *e = *ev;
    e->actor = dup_text(ev->actor, &failed);
    e->host = dup_text(ev->host, &failed);
    e->tool_version = dup_text(ev->tool_version, &failed);
    e->command = dup_text(ev->command, &failed);
    e->kind = dup_text(ev->kind, &failed);
    e->spec_digest = dup_text(ev->spec_digest, &failed);
    e->data_digest = dup_text(ev->data_digest, &failed);
    e->model_digest = dup_text(ev->model_digest, &failed);
    e->verdict = dup_text(ev->verdict, &failed);
    e->details = dup_text(ev->details, &failed);
    c->n++;
    if (failed)
        return mc_error_nomem();
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
