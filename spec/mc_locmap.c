/* Where each bound value came from in the YAML (line and column), so that
 * checks after binding can still point at the input. */
#include "mc_schema.h"

#include <stdlib.h>

#include "mc_error.h"

typedef struct loc {
    const void *addr;
    int line, col;
    int container; /* an object, list or map */
} loc;

struct mc_locmap {
    loc *items;
    size_t count, cap;
};

int mc_locmap_create(mc_locmap **out)
{
    mc_locmap *m = calloc(1, sizeof *m);
    if (!m)
        return mc_error_nomem();
    *out = m;
    return MC_OK;
}

void mc_locmap_free(mc_locmap *m)
{
    if (!m)
        return;
    free(m->items);
    free(m);
}

int mc_locmap_put(mc_locmap *m, const void *addr, int line, int col, int container)
{
    if (!m)
        return MC_OK;
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 128;
        loc *items = realloc(m->items, cap * sizeof *items);
        if (!items)
            return mc_error_nomem();
        m->items = items;
        m->cap = cap;
    }
    m->items[m->count++] = (loc){addr, line, col, container};
    return MC_OK;
}

static int find_entry(const mc_locmap *m, const void *addr, int container, int *line, int *col)
{
    for (size_t i = 0; m && i < m->count; i++) {
        if (m->items[i].addr == addr && m->items[i].container == container) {
            *line = m->items[i].line;
            *col = m->items[i].col;
            return 1;
        }
    }
    *line = *col = 0;
    return 0;
}

int mc_locmap_find(const mc_locmap *m, const void *addr, int *line, int *col)
{
    return find_entry(m, addr, 0, line, col) || find_entry(m, addr, 1, line, col);
}

int mc_locmap_find_container(const mc_locmap *m, const void *addr, int *line, int *col)
{
    return find_entry(m, addr, 1, line, col) || find_entry(m, addr, 0, line, col);
}

