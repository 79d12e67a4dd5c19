/* Diagnostics lists (mc_diag.h): every problem a compiler-like pass finds,
 * with its place, repeats dropped, sorted by place for printing. The passes
 * that fill one (spec/) return MC_EINPUT once and leave the reasons here. */
#include "mc_diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MC_ENUM_NAMES(MC_SEVERITY_LIST, mc_names_severity);

const char *mc_severity_name(mc_severity sev)
{
    return mc_names_severity[sev];
}

struct mc_diags {
    mc_diag *items;
    size_t *order; /* insertion order, to keep the sort stable */
    size_t count, cap;
};

int mc_diags_create(mc_diags **out)
{
    mc_diags *d = calloc(1, sizeof *d);
    if (!d)
        return mc_error_nomem();
    *out = d;
    return MC_OK;
}

void mc_diags_free(mc_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++) {
        free((char *)d->items[i].file);
        free((char *)d->items[i].message);
    }
    free(d->items);
    free(d->order);
    free(d);
}

static int is_repeat(const mc_diags *d, const mc_diag *n)
{
    for (size_t i = 0; i < d->count; i++) {
        const mc_diag *o = &d->items[i];
        if (o->line == n->line && o->col == n->col && o->severity == n->severity &&
            strcmp(o->message, n->message) == 0 && strcmp(o->file, n->file) == 0)
            return 1;
    }
    return 0;
}

int mc_diags_add(mc_diags *d, mc_severity sev, const char *file, int line, int col,
                 const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    mc_diag n = {sev, file ? file : "", line, col, msg};
    if (is_repeat(d, &n))
        return MC_OK;
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        mc_diag *items = realloc(d->items, cap * sizeof *items);
        if (!items)
            return mc_error_nomem();
        d->items = items;
        size_t *order = realloc(d->order, cap * sizeof *order);
        if (!order)
            return mc_error_nomem();
        d->order = order;
        d->cap = cap;
    }
    n.file = strdup(n.file);
    n.message = strdup(msg);
    if (!n.file || !n.message) {
        free((char *)n.file);
        free((char *)n.message);
        return mc_error_nomem();
    }
    d->order[d->count] = d->count;
    d->items[d->count++] = n;
    return MC_OK;
}

size_t mc_diags_count(const mc_diags *d)
{
    return d ? d->count : 0;
}

size_t mc_diags_error_count(const mc_diags *d)
{
    size_t n = 0;
    for (size_t i = 0; d && i < d->count; i++)
        n += d->items[i].severity == MC_SEV_ERROR;
    return n;
}

const mc_diag *mc_diags_get(const mc_diags *d, size_t i)
{
    return i < d->count ? &d->items[i] : NULL;
}

void mc_diags_sort(mc_diags *d)
{
    /* Insertion sort: lists are short and it is stable without extra state. */
    for (size_t i = 1; i < d->count; i++) {
        mc_diag x = d->items[i];
        size_t j = i;
        while (j > 0) {
            const mc_diag *p = &d->items[j - 1];
            int c = strcmp(p->file, x.file);
            if (c == 0)
                c = (p->line > x.line) - (p->line < x.line);
            if (c == 0)
                c = (p->col > x.col) - (p->col < x.col);
            if (c <= 0)
                break;
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = x;
    }
}
