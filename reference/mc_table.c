/* Columnar tables (mc_table.h): freeing, the hashed column-name index,
 * taking and keeping rows, copying, and adding and dropping columns. Reading
 * a table from CSV is mc_csv.c's. */
#include "mc_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_json.h"

/* Frees a column's contents and zeroes it (the struct itself stays). */
static void mc_column_clear(mc_column *c)
{
    free(c->name);
    free(c->num);
    free(c->codes);
    for (size_t i = 0; i < c->n_levels; i++)
        free(c->levels[i]);
    free(c->levels);
    memset(c, 0, sizeof *c);
}

void mc_table_free(mc_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_cols; i++)
        mc_column_clear(&t->cols[i]);
    free(t->cols);
    free(t->source);
    free(t->line_of_row);
    free(t->row_index);
    free(t->name_index);
    free(t);
}

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void drop_name_index(mc_table *t)
{
    free(t->name_index);
    t->name_index = NULL;
    t->name_index_cap = t->name_index_cols = 0;
}

/* Open addressing, at most half full; the first column of a name wins. */
static void build_name_index(mc_table *t)
{
    size_t cap = 16;
    while (cap < 2 * t->n_cols)
        cap *= 2;
    drop_name_index(t);
    if (!(t->name_index = malloc(cap * sizeof *t->name_index)))
        return; /* no cache: lookups scan */
    for (size_t i = 0; i < cap; i++)
        t->name_index[i] = -1;
    for (size_t c = 0; c < t->n_cols; c++) {
        size_t k = hash_name(t->cols[c].name) & (cap - 1);
        while (t->name_index[k] >= 0 && strcmp(t->cols[t->name_index[k]].name, t->cols[c].name) != 0)
            k = (k + 1) & (cap - 1);
        if (t->name_index[k] < 0)
            t->name_index[k] = (long)c;
    }
    t->name_index_cap = cap;
    t->name_index_cols = t->n_cols;
}

long mc_table_find(const mc_table *t, const char *name)
{
    mc_table *cache = (mc_table *)t; /* the index is a cache; the table's value does not change */
    if (t->n_cols >= 16 && (!t->name_index || t->name_index_cols != t->n_cols))
        build_name_index(cache);
    if (t->name_index && t->name_index_cols == t->n_cols) {
        size_t k = hash_name(name) & (t->name_index_cap - 1);
        for (; t->name_index[k] >= 0; k = (k + 1) & (t->name_index_cap - 1))
            if (strcmp(t->cols[t->name_index[k]].name, name) == 0)
                return t->name_index[k];
        return -1;
    }
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

int mc_table_is_missing(const mc_table *t, size_t col, size_t row)
{
    const mc_column *c = &t->cols[col];
    return c->kind == MC_COLKIND_NUMERIC ? isnan(c->num[row]) : c->codes[row] == MC_CODE_MISSING;
}

uint32_t mc_column_code(const mc_column *c, const char *text)
{
    for (size_t i = 0; i < c->n_levels; i++)
        if (strcmp(c->levels[i], text) == 0)
            return (uint32_t)i;
    return MC_CODE_MISSING;
}

static int copy_column(mc_column *dst, const mc_column *src, const uint32_t *rows, size_t n)
{
    dst->kind = src->kind;
    dst->name = strdup(src->name);
    if (!dst->name)
        return mc_error_nomem();
    if (src->kind == MC_COLKIND_NUMERIC) {
        dst->num = malloc((n ? n : 1) * sizeof *dst->num);
        if (!dst->num)
            return mc_error_nomem();
        for (size_t i = 0; i < n; i++)
            dst->num[i] = src->num[rows[i]];
        return MC_OK;
    }
    dst->codes = malloc((n ? n : 1) * sizeof *dst->codes);
    dst->levels = calloc(src->n_levels ? src->n_levels : 1, sizeof *dst->levels);
    if (!dst->codes || !dst->levels)
        return mc_error_nomem();
    for (size_t i = 0; i < n; i++)
        dst->codes[i] = src->codes[rows[i]];
    for (size_t i = 0; i < src->n_levels; i++) {
        dst->levels[i] = strdup(src->levels[i]);
        if (!dst->levels[i])
            return mc_error_nomem();
        dst->n_levels = i + 1;
    }
    return MC_OK;
}

int mc_table_take_rows(mc_table **out, const mc_table *t, const uint32_t *rows, size_t n)
{
    int rc = MC_OK;
    mc_table *r = calloc(1, sizeof *r);
    if (!r)
        return mc_error_nomem();
    r->cols = calloc(t->n_cols ? t->n_cols : 1, sizeof *r->cols);
    if (!r->cols) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    r->n_rows = n;
    r->source = strdup(t->source ? t->source : "");
    if (!r->source) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        r->n_cols = c + 1;
        if ((rc = copy_column(&r->cols[c], &t->cols[c], rows, n)))
            goto cleanup;
    }
    r->line_of_row = malloc((n ? n : 1) * sizeof *r->line_of_row);
    r->row_index = malloc((n ? n : 1) * sizeof *r->row_index);
    if (!r->line_of_row || !r->row_index) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        r->line_of_row[i] = t->line_of_row[rows[i]];
        r->row_index[i] = t->row_index[rows[i]];
    }
cleanup:
    if (rc) {
        mc_table_free(r);
        return rc;
    }
    *out = r;
    return MC_OK;
}

int mc_table_copy(mc_table **out, const mc_table *t)
{
    uint32_t *rows = malloc((t->n_rows ? t->n_rows : 1) * sizeof *rows);
    if (!rows)
        return mc_error_nomem();
    for (size_t r = 0; r < t->n_rows; r++)
        rows[r] = (uint32_t)r;
    int rc = mc_table_take_rows(out, t, rows, t->n_rows);
    free(rows);
    return rc;
}

void mc_table_drop_col(mc_table *t, size_t c)
{
    drop_name_index(t);
    mc_column_clear(&t->cols[c]);
    memmove(&t->cols[c], &t->cols[c + 1], (t->n_cols - c - 1) * sizeof *t->cols);
    t->n_cols--;
}

/* Inserts k numeric columns at pos; names and values are taken over. */
int mc_table_insert_cols(mc_table *t, size_t pos, char **names, double **values, size_t k)
{
    drop_name_index(t);
    mc_column *cols = realloc(t->cols, (t->n_cols + k) * sizeof *cols);
    if (!cols)
        return mc_error_nomem();
    t->cols = cols;
    memmove(&cols[pos + k], &cols[pos], (t->n_cols - pos) * sizeof *cols);
    for (size_t i = 0; i < k; i++) {
        memset(&cols[pos + i], 0, sizeof *cols);
        cols[pos + i].name = names[i];
        cols[pos + i].kind = MC_COLKIND_NUMERIC;
        cols[pos + i].num = values[i];
    }
    t->n_cols += k;
    return MC_OK;
}

void mc_table_keep_rows(mc_table *t, const unsigned char *keep)
{
    size_t w = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        if (!keep[r])
            continue;
        for (size_t c = 0; c < t->n_cols; c++) {
            mc_column *col = &t->cols[c];
            if (col->kind == MC_COLKIND_NUMERIC)
                col->num[w] = col->num[r];
            else
                col->codes[w] = col->codes[r];
        }
        t->line_of_row[w] = t->line_of_row[r];
        t->row_index[w] = t->row_index[r];
        w++;
    }
    t->n_rows = w;
}

const char *mc_column_cell_text(const mc_column *c, size_t r, char buf[32])
{
    if (c->kind == MC_COLKIND_CATEGORICAL)
        return c->codes[r] == MC_CODE_MISSING ? NULL : c->levels[c->codes[r]];
    if (isnan(c->num[r]))
        return NULL;
    /* A table's numbers are finite (the CSV reader refuses infinity, the transforms never
     * make one), so formatting fails only if that breaks: the text is then the infinity's,
     * never an unset buffer. */
    if (mc_json_format_number(buf, c->num[r]) != MC_OK)
        return c->num[r] > 0 ? "inf" : "-inf";
    return buf;
}
