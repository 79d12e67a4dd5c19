/* Chunked CSV reading (mc_csv_stream.h): records are cut at line feeds outside quotes, a
 * chunk's records are parsed behind a copy of the header by mc_csv_parse, and the line
 * numbers of the result (and of an error) are moved from the chunk to the file. Memory is
 * the header plus one chunk, whatever the file's length. */
#include "mc_csv_stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_str.h"

struct mc_csv_chunks {
    FILE *f;
    int own_file;
    char *name;
    mc_csv_options opt;
    size_t max_rows;
    char *buf;            /* [header][records of the chunk][bytes read ahead] */
    size_t len, cap, head_len;
    size_t head_lines;    /* line feeds in the header */
    size_t lines_before;  /* line feeds of the file before the next record */
    size_t rows_before;   /* data rows of the file before the next chunk */
    int eof;
};

void mc_csv_chunks_free(mc_csv_chunks *c)
{
    if (!c)
        return;
    if (c->f && c->own_file)
        fclose(c->f);
    free(c->name);
    free(c->buf);
    free(c);
}

/* Reads more bytes into c->buf; c->eof at the end. MC_EIO, MC_ENOMEM. */
static int fill(mc_csv_chunks *c)
{
    if (c->cap - c->len < 65536) {
        size_t cap = c->cap ? c->cap * 2 : 1 << 20;
        char *b = realloc(c->buf, cap + 1);
        if (!b)
            return mc_error_nomem();
        c->buf = b, c->cap = cap;
    }
    size_t n = fread(c->buf + c->len, 1, c->cap - c->len, c->f);
    c->len += n;
    if (n == 0) {
        if (ferror(c->f))
            return mc_error_set(MC_EIO, "%s: cannot read: %s", c->name, strerror(errno));
        c->eof = 1;
    }
    return MC_OK;
}

/* The end (one past the line feed, or the end of the data at EOF) of the record starting at
 * `from`, reading more as needed; *end 0 when nothing is left. *lines: its line feeds. */
static int record_end(mc_csv_chunks *c, size_t from, size_t *end, size_t *lines)
{
    int quoted = 0;
    size_t i = from, nl = 0;
    for (;;) {
        for (; i < c->len; i++) {
            if (c->buf[i] == '"')
                quoted = !quoted;
            else if (c->buf[i] == '\n' && (nl++, !quoted)) {
                *end = i + 1, *lines = nl;
                return MC_OK;
            }
        }
        if (i - from > MC_CSV_STREAM_MAX_RECORD)
            return mc_error_set_at(MC_EINPUT, c->name, (int)(c->lines_before + 1), 1,
                                   "a record longer than %zu bytes (an unclosed quote?)",
                                   MC_CSV_STREAM_MAX_RECORD);
        if (c->eof) {
            *end = i > from ? i : 0, *lines = nl;
            return MC_OK;
        }
        int rc = fill(c);
        if (rc)
            return rc;
    }
}

/* The message of the last error at line `line` of the chunk, moved to the file's line. */
static int rebase_error(const mc_csv_chunks *c, int rc, size_t first_line)
{
    const mc_error *e = mc_error_last();
    if (e->line <= (int)c->head_lines || strcmp(e->file, c->name) != 0)
        return rc;
    char msg[sizeof e->message];
    memcpy(msg, e->message, sizeof msg);
    size_t line = (size_t)e->line - c->head_lines - 1 + first_line;
    return mc_error_set_at(rc, c->name, (int)line, e->col, "%s", msg);
}

/* A required column missing from the header, with the closest name among the header's
 * other columns (not one that is required itself: f01 is not a misspelling of f07). */
static int check_required(const mc_csv_chunks *c, const mc_table *t)
{
    for (size_t i = 0; i < c->opt.n_required; i++) {
        if (mc_table_find(t, c->opt.required[i]) >= 0)
            continue;
        const char **names = malloc((t->n_cols + 1) * sizeof *names);
        if (!names)
            return mc_error_nomem();
        size_t n = 0;
        for (size_t k = 0; k < t->n_cols; k++) { /* a required column is no misspelling */
            int req = 0;
            for (size_t q = 0; q < c->opt.n_required && !req; q++)
                req = strcmp(t->cols[k].name, c->opt.required[q]) == 0;
            if (!req)
                names[n++] = t->cols[k].name;
        }
        const char *hint = mc_str_suggest(c->opt.required[i], names, n);
        int rc = mc_error_set_at(MC_EINPUT, c->name, 1, 1,
                                 "column '%s', an input of the model, is not in the header%s%s%s",
                                 c->opt.required[i], hint ? " (did you mean '" : "",
                                 hint ? hint : "", hint ? "'?)" : "");
        free(names);
        return rc;
    }
    return MC_OK;
}

int mc_csv_chunks_open(mc_csv_chunks **out, const char *path, const mc_csv_options *opt,
                       size_t max_rows)
{
    mc_csv_chunks *c = calloc(1, sizeof *c);
    mc_table *t = NULL;
    size_t end = 0, lines = 0;
    int rc = c && (c->name = strdup(path)) ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    c->opt = *opt;
    c->max_rows = max_rows ? max_rows : 1;
    if (strcmp(path, "-") == 0) {
        c->f = stdin;
    } else if (!(c->f = fopen(path, "rb"))) {
        rc = mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot open %s: %s", path,
                          strerror(errno));
        goto cleanup;
    } else {
        c->own_file = 1;
    }
    if ((rc = record_end(c, 0, &end, &lines)))
        goto cleanup;
    c->head_len = end, c->head_lines = c->lines_before = lines;
    if (end && c->buf[end - 1] != '\n') { /* a header without a line feed: give it one */
        if (c->len == c->cap && (rc = fill(c)))
            goto cleanup;
        c->buf[c->head_len++] = '\n', c->len++, c->head_lines++, c->lines_before++;
    }
    /* the header with the first record (a header alone is not a CSV file), every cell text */
    mc_csv_options ho = c->opt;
    ho.n_required = 0, ho.n_overrides = 0, ho.others_categorical = 1;
    if ((rc = record_end(c, c->head_len, &end, &lines)))
        goto cleanup;
    if ((rc = mc_csv_parse(&t, c->name, c->buf ? c->buf : "", end ? end : c->head_len, &ho)) ||
        (rc = check_required(c, t)))
        goto cleanup;
    *out = c;
    c = NULL;
cleanup:
    mc_table_free(t);
    mc_csv_chunks_free(c);
    return rc;
}

/* Whether the chunk's bytes are line ends only (blank lines, which make no rows). */
static int blank(const mc_csv_chunks *c, size_t to)
{
    for (size_t i = c->head_len; i < to; i++)
        if (c->buf[i] != '\n' && c->buf[i] != '\r')
            return 0;
    return 1;
}

/* Drops the chunk's bytes [head_len, to) of chunk_lines lines, keeping what was read ahead. */
static void consume(mc_csv_chunks *c, size_t to, size_t chunk_lines)
{
    c->lines_before += chunk_lines;
    memmove(c->buf + c->head_len, c->buf + to, c->len - to);
    c->len -= to - c->head_len;
}

int mc_csv_chunks_next(mc_csv_chunks *c, mc_table **out)
{
    size_t from = c->head_len, end = 0, lines = 0, rows = 0, chunk_lines = 0;
    *out = NULL;
    while (rows < c->max_rows || blank(c, from)) {
        int rc = record_end(c, from, &end, &lines);
        if (rc)
            return rc;
        if (!end)
            break;
        from = end, chunk_lines += lines, rows++;
    }
    if (blank(c, from)) { /* the end of the file, perhaps after blank lines */
        consume(c, from, chunk_lines);
        return MC_OK;
    }
    mc_table *t = NULL;
    size_t first_line = c->lines_before + 1;
    int rc = mc_csv_parse(&t, c->name, c->buf, from, &c->opt);
    if (rc)
        return rebase_error(c, rc, first_line);
    for (size_t r = 0; r < t->n_rows; r++) {
        t->line_of_row[r] = t->line_of_row[r] - c->head_lines - 1 + first_line;
        t->row_index[r] += c->rows_before;
    }
    c->rows_before += t->n_rows;
    consume(c, from, chunk_lines);
    *out = t;
    return MC_OK;
}
