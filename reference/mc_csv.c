/* The CSV reader (mc_csv.h): an RFC 4180 tokenizer, per-column type
 * inference in two passes (numeric until a cell is not a number), a hashed
 * dictionary of each categorical column's levels, and errors that name the
 * file, line and column. The strict number parser is mc_csv_number.c's. */
#include "mc_csv.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_utf8.h"


/* ---- levels dictionary ---------------------------------------------------- */

typedef struct dict {
    uint32_t *slots; /* code + 1; 0 empty */
    size_t cap;
} dict;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int dict_grow(dict *d, const mc_column *c)
{
    size_t cap = d->cap ? d->cap * 2 : 64;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return mc_error_nomem();
    for (size_t i = 0; i < c->n_levels; i++) {
        size_t h = hash_bytes(c->levels[i], strlen(c->levels[i])) & (cap - 1);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = (uint32_t)i + 1;
    }
    free(d->slots);
    d->slots = slots;
    d->cap = cap;
    return MC_OK;
}

static int dict_code(dict *d, mc_column *c, const char *s, size_t n, uint32_t *code)
{
    int rc;
    if ((c->n_levels + 1) * 2 > d->cap && (rc = dict_grow(d, c)))
        return rc;
    size_t h = hash_bytes(s, n) & (d->cap - 1);
    while (d->slots[h]) {
        const char *lv = c->levels[d->slots[h] - 1];
        if (strncmp(lv, s, n) == 0 && lv[n] == '\0') {
            *code = d->slots[h] - 1;
            return MC_OK;
        }
        h = (h + 1) & (d->cap - 1);
    }
    if (c->n_levels >= UINT32_MAX - 1)
        return mc_error_set(MC_EINPUT, "column '%s' has too many distinct values", c->name);
    char **levels = realloc(c->levels, (c->n_levels + 1) * sizeof *levels);
    if (!levels)
        return mc_error_nomem();
    c->levels = levels;
    char *copy = malloc(n + 1);
    if (!copy)
        return mc_error_nomem();
    memcpy(copy, s, n);
    copy[n] = '\0';
    c->levels[c->n_levels] = copy;
    *code = (uint32_t)c->n_levels++;
    d->slots[h] = *code + 1;
    return MC_OK;
}

/* ---- tokenizer ------------------------------------------------------------- */

typedef struct reader {
    const char *name;
    const char *p, *end;
    char delim;
    size_t line;            /* current 1-based line */
    const char *line_start;
    char *scratch;          /* unescaped quoted fields */
    size_t scratch_cap;
} reader;

typedef struct field {
    const char *s;
    size_t n;
    size_t line;
    const char *at, *line_start; /* where the field starts, for messages */
    int eol;                      /* the record ends after this field */
} field;

/* 1-based column in characters (UTF-8 code points), counted only for messages. */
static size_t chars_between(const char *from, const char *to)
{
    size_t n = 1;
    for (const char *p = from; p < to; p++)
        n += ((unsigned char)*p & 0xC0) != 0x80;
    return n;
}

static size_t column_of(const reader *r, const char *at)
{
    return chars_between(r->line_start, at);
}

static size_t fcol(const field *f)
{
    return chars_between(f->line_start, f->at);
}

static int fail_at(const reader *r, size_t line, size_t col, const char *fmt, ...)
    MC_PRINTF(4, 5);
static int fail_at(const reader *r, size_t line, size_t col, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mc_error_set_at(MC_EINPUT, r->name, (int)line, (int)col, "%s", msg);
}

static int read_quoted(reader *r, field *f)
{
    const char *p = r->p + 1;
    size_t n = 0;
    for (;;) {
        if (p >= r->end)
            return fail_at(r, f->line, fcol(f), "quoted field is not closed before the end of the file");
        char ch = *p;
        if (ch == '\0')
            return fail_at(r, r->line, column_of(r, p), "a NUL byte in the data");
        if (ch == '"') {
            if (p + 1 < r->end && p[1] == '"') {
                ch = '"';
                p++;
            } else {
                p++;
                break;
            }
        } else if (ch == '\n') {
            r->line++;
            r->line_start = p + 1;
        }
        if (n + 1 >= r->scratch_cap) {
            size_t cap = r->scratch_cap ? r->scratch_cap * 2 : 256;
            char *s = realloc(r->scratch, cap);
            if (!s)
                return mc_error_nomem();
            r->scratch = s;
            r->scratch_cap = cap;
        }
        r->scratch[n++] = ch;
        p++;
    }
    f->s = r->scratch ? r->scratch : "";
    f->n = n;
    /* After the closing quote: a delimiter, a line end, or the end. */
    if (p < r->end && *p == '\r' && p + 1 < r->end && p[1] == '\n')
        p++;
    if (p >= r->end || *p == '\n') {
        f->eol = 1;
        if (p < r->end) {
            r->line++;
            r->line_start = p + 1;
            p++;
        }
    } else if (*p == r->delim) {
        p++; /* at the end of the file this leaves one more, empty, field */
    } else {
        return fail_at(r, r->line, column_of(r, p),
                       "unexpected character after a closing quote (a quote inside a quoted field "
                       "must be doubled)");
    }
    r->p = p;
    return MC_OK;
}

/* Next field of the current record. */
static int next_field(reader *r, field *f)
{
    f->line = r->line;
    f->at = r->p;
    f->line_start = r->line_start;
    f->eol = 0;
    if (r->p < r->end && *r->p == '"')
        return read_quoted(r, f);
    const char *p = r->p, *end = r->end;
    char d = r->delim;
    while (p < end && *p != d && *p != '\n' && *p != '\r' && *p != '"' && *p != '\0')
        p++;
    if (p < end && *p == '\0')
        return fail_at(r, r->line, column_of(r, p), "a NUL byte in the data");
    if (p < end && *p == '"')
        return fail_at(r, r->line, column_of(r, p),
                       "a quote inside an unquoted field (quote the whole field and double the quote)");
    f->s = r->p;
    f->n = (size_t)(p - r->p);
    if (p < end && *p == '\r') {
        if (p + 1 < end && p[1] == '\n')
            p++;
        else
            return fail_at(r, r->line, column_of(r, p), "a carriage return not followed by a line feed");
    }
    if (p >= end || *p == '\n') {
        f->eol = 1;
        if (p < end) {
            r->line++;
            r->line_start = p + 1;
            p++;
        }
    } else {
        p++; /* delimiter */
    }
    r->p = p;
    return MC_OK;
}

/* Skips blank lines; returns 1 when a record starts at r->p. */
static int at_record(reader *r)
{
    while (r->p < r->end) {
        if (*r->p == '\n') {
            r->p++;
            r->line++;
            r->line_start = r->p;
        } else if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n') {
            r->p += 2;
            r->line++;
            r->line_start = r->p;
        } else {
            return 1;
        }
    }
    return 0;
}

/* ---- the table ------------------------------------------------------------- */

typedef struct colstate {
    mc_csv_kind want;
    int numeric;    /* still numeric (pass 1) */
    size_t first_text_line; /* where it stopped being numeric */
    /* The first NaN or infinity seen while the column still looked numeric:
     * an error only if the column stays numeric (text elsewhere makes it
     * categorical, whatever the order of the rows). */
    size_t nonfinite_line, nonfinite_col;
    char nonfinite_text[48];
} colstate;

typedef struct parse {
    const mc_csv_options *opt;
    reader r;
    mc_table *t;
    colstate *cs;
    dict *dicts;
    size_t cap_rows;
    int markers_numeric; /* a missing marker parses as a number: check markers first */
} parse;

static int is_missing(const parse *ps, const char *s, size_t n)
{
    for (size_t i = 0; i < ps->opt->n_missing; i++) {
        const char *m = ps->opt->missing[i];
        if (strlen(m) == n && memcmp(m, s, n) == 0)
            return 1;
    }
    return 0;
}

/* The first header name repeating an earlier one (fields[c]: where column c's name is),
 * through the hashed name index (mc_table_find gives a name's first column): linear, where
 * comparing with every earlier name made 100,000 columns take a minute. */
static int check_duplicate_names(parse *ps, const field *fields)
{
    mc_table *t = ps->t;
    for (size_t c = 0; c < t->n_cols; c++) {
        long first = mc_table_find(t, t->cols[c].name);
        if (first >= 0 && (size_t)first != c)
            return fail_at(&ps->r, fields[c].line, fcol(&fields[c]),
                           "duplicate column name '%s' (also column %zu)", t->cols[c].name,
                           (size_t)first + 1);
    }
    return MC_OK;
}

/* The header row's names; a repeated name is reported before an error later in the row. */
static int read_header(parse *ps)
{
    reader *r = &ps->r;
    if (!at_record(r))
        return fail_at(r, 1, 1, "the file is empty; a header row is required");
    size_t cap = 16;
    mc_table *t = ps->t;
    field *fields = malloc(cap * sizeof *fields);
    int rc = MC_OK;
    t->cols = calloc(cap, sizeof *t->cols);
    if (!t->cols || !fields) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (;;) {
        field f;
        if ((rc = next_field(r, &f)))
            break;
        if (t->n_cols == cap) {
            cap *= 2;
            mc_column *cols = realloc(t->cols, cap * sizeof *cols);
            if (cols) {
                memset(cols + t->n_cols, 0, (cap - t->n_cols) * sizeof *cols);
                t->cols = cols;
            }
            field *more = cols ? realloc(fields, cap * sizeof *more) : NULL;
            if (!more) {
                rc = mc_error_nomem();
                goto cleanup;
            }
            fields = more;
        }
        if (f.n == 0) {
            rc = fail_at(r, f.line, fcol(&f), "header field %zu is empty; every column needs a "
                         "name", t->n_cols + 1);
            break;
        }
        mc_column *c = &t->cols[t->n_cols];
        if (!(c->name = malloc(f.n + 1))) {
            rc = mc_error_nomem();
            goto cleanup;
        }
        memcpy(c->name, f.s, f.n);
        c->name[f.n] = '\0';
        fields[t->n_cols++] = f;
        if (f.eol)
            break;
    }
    if (rc != MC_ENOMEM) {
        int dup = check_duplicate_names(ps, fields);
        rc = dup ? dup : rc;
    }
cleanup:
    free(fields);
    return rc;
}

static int setup_columns(parse *ps)
{
    mc_table *t = ps->t;
    const mc_csv_options *o = ps->opt;
    ps->cs = calloc(t->n_cols, sizeof *ps->cs);
    ps->dicts = calloc(t->n_cols, sizeof *ps->dicts);
    if (!ps->cs || !ps->dicts)
        return mc_error_nomem();
    for (size_t i = 0; i < o->n_required; i++)
        if (mc_table_find(t, o->required[i]) < 0)
            return fail_at(&ps->r, 1, 1, "column '%s' is not in the header", o->required[i]);
    for (size_t i = 0; i < o->n_overrides; i++) {
        long c = mc_table_find(t, o->overrides[i].column);
        if (c < 0)
            return fail_at(&ps->r, 1, 1, "column '%s' (declared in data.columns) is not in the header",
                           o->overrides[i].column);
        ps->cs[c].want = o->overrides[i].kind;
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        if (o->others_categorical && ps->cs[c].want == MC_CSV_AUTO)
            ps->cs[c].want = MC_CSV_CATEGORICAL;
        ps->cs[c].numeric = ps->cs[c].want != MC_CSV_CATEGORICAL;
        t->cols[c].kind = ps->cs[c].numeric ? MC_COLKIND_NUMERIC : MC_COLKIND_CATEGORICAL;
    }
    for (size_t i = 0; i < o->n_missing; i++) {
        double v;
        const char *m = o->missing[i];
        if (mc_csv_parse_number(m, strlen(m), &v) == 1)
            ps->markers_numeric = 1;
    }
    return MC_OK;
}

/* Room for `need` rows in every column. The first sizing is exact (an upper bound on the
 * records, from the line count), with no minimum: a minimum of 1,024 rows gave a wide file of
 * few rows 8 KiB a column (100,000 columns: 0.8 GB for a 7 MB file). */
static int grow_rows(parse *ps, size_t need)
{
    if (need <= ps->cap_rows)
        return MC_OK;
    size_t cap = ps->cap_rows ? ps->cap_rows * 2 : need;
    while (cap < need)
        cap *= 2;
    mc_table *t = ps->t;
    for (size_t c = 0; c < t->n_cols; c++) {
        mc_column *col = &t->cols[c];
        if (ps->cs[c].numeric) {
            double *num = realloc(col->num, cap * sizeof *num);
            if (!num)
                return mc_error_nomem();
            col->num = num;
        } else {
            uint32_t *codes = realloc(col->codes, cap * sizeof *codes);
            if (!codes)
                return mc_error_nomem();
            col->codes = codes;
        }
    }
    size_t *lines = realloc(t->line_of_row, cap * sizeof *lines);
    if (!lines)
        return mc_error_nomem();
    t->line_of_row = lines;
    ps->cap_rows = cap;
    return MC_OK;
}

static int store_cell(parse *ps, size_t c, size_t row, const field *f, int pass)
{
    mc_column *col = &ps->t->cols[c];
    colstate *cs = &ps->cs[c];
    if (pass == 2 && cs->numeric)
        return MC_OK;
    if (cs->numeric) {
        double v;
        if (ps->markers_numeric && is_missing(ps, f->s, f->n)) {
            col->num[row] = NAN;
            return MC_OK;
        }
        int ok = mc_csv_parse_number(f->s, f->n, &v);
        if (ok == 1) {
            col->num[row] = v;
            return MC_OK;
        }
        if (is_missing(ps, f->s, f->n)) {
            col->num[row] = NAN;
            return MC_OK;
        }
        if (ok < 0 && cs->want == MC_CSV_NUMERIC)
            return fail_at(&ps->r, f->line, fcol(f),
                           "column '%s': '%.*s' is not a finite number (NaN and infinity are not "
                           "allowed in data; list the text in data.missing_values to treat it as "
                           "missing)",
                           col->name, (int)(f->n > 40 ? 40 : f->n), f->s);
        if (ok < 0) {
            if (!cs->nonfinite_line) {
                cs->nonfinite_line = f->line;
                cs->nonfinite_col = fcol(f);
                snprintf(cs->nonfinite_text, sizeof cs->nonfinite_text, "%.*s",
                         (int)(f->n > 40 ? 40 : f->n), f->s);
            }
            col->num[row] = NAN;
            return MC_OK;
        }
        if (cs->want == MC_CSV_NUMERIC)
            return fail_at(&ps->r, f->line, fcol(f),
                           "column '%s' is declared numeric, but '%.*s' is not a number",
                           col->name, (int)(f->n > 40 ? 40 : f->n), f->s);
        /* Text in an inferred column: it is categorical; pass 2 fills it. */
        cs->numeric = 0;
        cs->first_text_line = f->line;
        col->kind = MC_COLKIND_CATEGORICAL;
        free(col->num);
        col->num = NULL;
        return MC_OK;
    }
    if (pass == 1 && cs->want != MC_CSV_CATEGORICAL)
        return MC_OK; /* became categorical in this pass: filled in pass 2 */
    if (row >= ps->cap_rows || !col->codes)
        return mc_error_set(MC_EINTERNAL, "CSV column storage missing");
    if (is_missing(ps, f->s, f->n)) {
        col->codes[row] = MC_CODE_MISSING;
        return MC_OK;
    }
    return dict_code(&ps->dicts[c], col, f->s, f->n, &col->codes[row]);
}

static int read_records(parse *ps, int pass)
{
    reader *r = &ps->r;
    mc_table *t = ps->t;
    size_t row = 0;
    while (at_record(r)) {
        size_t line = r->line;
        if (pass == 1) {
            int rc = grow_rows(ps, row + 1);
            if (rc)
                return rc;
            t->line_of_row[row] = line;
        }
        for (size_t c = 0;; c++) {
            field f;
            int rc = next_field(r, &f);
            if (rc)
                return rc;
            if (c >= t->n_cols)
                return fail_at(r, f.line, fcol(&f), "row has more fields than the header's %zu",
                               t->n_cols);
            if ((rc = store_cell(ps, c, row, &f, pass)))
                return rc;
            if (f.eol) {
                if (c + 1 < t->n_cols)
                    return fail_at(r, line, 1, "row has %zu field%s, the header has %zu", c + 1,
                                   c ? "s" : "", t->n_cols);
                break;
            }
            if (r->p >= r->end) { /* "a,b,<EOF>": a last empty field */
                field e = {"", 0, r->line, r->p, r->line_start, 1};
                if (c + 1 >= t->n_cols)
                    return fail_at(r, e.line, fcol(&e), "row has more fields than the header's %zu",
                                   t->n_cols);
                if ((rc = store_cell(ps, c + 1, row, &e, pass)))
                    return rc;
                if (c + 2 < t->n_cols)
                    return fail_at(r, line, 1, "row has %zu fields, the header has %zu", c + 2,
                                   t->n_cols);
                break;
            }
        }
        row++;
    }
    t->n_rows = row;
    return MC_OK;
}

int mc_csv_parse(mc_table **out, const char *name, const char *buf, size_t len,
                 const mc_csv_options *opt)
{
    int rc;
    parse ps = {0};
    ps.opt = opt;
    ps.t = calloc(1, sizeof *ps.t);
    if (!ps.t || !(ps.t->source = strdup(name))) {
        free(ps.t);
        return mc_error_nomem();
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        buf += 3, len -= 3;
    /* One rule for every reader of data (run, validate, predict, privacy scan, reports):
     * the file is UTF-8 text, or it is refused where the first bad byte is. The message
     * names the byte, never the cell it is in (a cell may hold personal data). */
    size_t bad = 0;
    if (!mc_utf8_valid(buf, len, &bad)) {
        int line = 0, col = 0;
        mc_utf8_position(buf, bad, &line, &col);
        reader at = {name, buf, buf + len, ',', 1, buf, NULL, 0};
        rc = fail_at(&at, (size_t)line, (size_t)col,
                     "byte 0x%02X is not valid UTF-8; data must be UTF-8 text (convert it, "
                     "e.g. iconv -f latin1 -t utf-8)", (unsigned)(unsigned char)buf[bad]);
        goto cleanup;
    }
    reader start = {name, buf, buf + len, opt->delimiter ? opt->delimiter : ',', 1, buf, NULL, 0};
    ps.r = start;
    if ((rc = read_header(&ps)) || (rc = setup_columns(&ps)))
        goto cleanup;
    /* Categorical columns known up front get codes in pass 1. */
    for (size_t c = 0; c < ps.t->n_cols; c++)
        ps.cs[c].numeric = ps.cs[c].want != MC_CSV_CATEGORICAL;
    const char *body = ps.r.p;
    size_t body_line = ps.r.line;
    /* Size the columns once: count line breaks (an upper bound on records). */
    size_t lines = 1;
    for (const char *q = body; (q = memchr(q, '\n', (size_t)(ps.r.end - q))) != NULL; q++)
        lines++;
    if ((rc = grow_rows(&ps, lines)))
        goto cleanup;
    const char *body_line_start = ps.r.line_start;
    if ((rc = read_records(&ps, 1)))
        goto cleanup;
    if (ps.t->n_rows == 0) {
        rc = fail_at(&ps.r, ps.r.line, 1, "the file has a header but no data rows");
        goto cleanup;
    }
    ps.t->row_index = malloc(ps.t->n_rows * sizeof *ps.t->row_index);
    if (!ps.t->row_index) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; i < ps.t->n_rows; i++)
        ps.t->row_index[i] = i;
    for (size_t c = 0; c < ps.t->n_cols; c++) {
        const colstate *cs = &ps.cs[c];
        if (cs->numeric && cs->nonfinite_line) {
            rc = fail_at(&ps.r, cs->nonfinite_line, cs->nonfinite_col,
                         "column '%s': '%s' is not a finite number (NaN and infinity are not "
                         "allowed in data; list the text in data.missing_values to treat it as "
                         "missing)",
                         ps.t->cols[c].name, cs->nonfinite_text);
            goto cleanup;
        }
    }
    int need_pass2 = 0;
    for (size_t c = 0; c < ps.t->n_cols; c++) {
        mc_column *col = &ps.t->cols[c];
        if (!ps.cs[c].numeric && ps.cs[c].want != MC_CSV_CATEGORICAL) {
            need_pass2 = 1;
            if (!col->codes)
                col->codes = malloc(ps.cap_rows * sizeof *col->codes);
            if (!col->codes) {
                rc = mc_error_nomem();
                goto cleanup;
            }
        }
    }
    if (need_pass2) {
        ps.r.p = body;
        ps.r.line = body_line;
        ps.r.line_start = body_line_start;
        for (size_t c = 0; c < ps.t->n_cols; c++)
            if (!ps.cs[c].numeric)
                ps.cs[c].want = MC_CSV_CATEGORICAL; /* pass 2 fills exactly these */
        if ((rc = read_records(&ps, 2)))
            goto cleanup;
    }
cleanup:
    if (ps.dicts)
        for (size_t c = 0; c < ps.t->n_cols; c++)
            free(ps.dicts[c].slots);
    free(ps.dicts);
    free(ps.cs);
    free(ps.r.scratch);
    if (rc) {
        mc_table_free(ps.t);
        return rc;
    }
    *out = ps.t;
    return MC_OK;
}

int mc_csv_read(mc_table **out, const char *path, const mc_csv_options *opt)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = mc_file_read_text(&buf, &len, path, mc_file_input_limit());
    if (rc)
        return rc;
    rc = mc_csv_parse(out, path, buf, len, opt);
    free(buf);
    return rc;
}
