/* reference/mc_csv: the CSV reader on in-memory buffers (RFC 4180 quoting,
 * line endings, BOM, delimiters, missing markers, type inference and
 * overrides, required columns), every rejection with its message and exact
 * line:col, and mc_csv_parse_number against strtod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_csv.h"
#include "mc_error.h"
#include "mc_table.h"

#define NAME "mem.csv"

/* The markers data.missing_values defaults to (docs/spec.md). */
static const char *const default_missing[] = {"", "NA", "NaN", "null"};

static mc_csv_options defaults(void)
{
    mc_csv_options o = {0};
    o.missing = default_missing;
    o.n_missing = sizeof default_missing / sizeof *default_missing;
    return o;
}

/* ---- helpers ----------------------------------------------------------------------- */

static mc_table *parse_n(const char *text, size_t len, const mc_csv_options *o)
{
    mc_table *t = NULL;
    mc_error_clear();
    int rc = mc_csv_parse(&t, NAME, text, len, o);
    if (rc != MC_OK) {
        const mc_error *e = mc_error_last();
        fail_msg("parse failed (rc %d) at %d:%d: %s", rc, e->line, e->col, e->message);
    }
    assert_non_null(t);
    assert_string_equal(t->source, NAME);
    assert_non_null(t->row_index);
    for (size_t r = 0; r < t->n_rows; r++)
        assert_int_equal(t->row_index[r], r);
    return t;
}
#define PARSE(lit, o) parse_n((lit), sizeof(lit) - 1, (o))

static void expect_error_n(const char *text, size_t len, const mc_csv_options *o,
                           const char *substring, int line, int col)
{
    mc_table *t = (mc_table *)(uintptr_t)0x1;
    mc_error_clear();
    int rc = mc_csv_parse(&t, NAME, text, len, o);
    const mc_error *e = mc_error_last();
    if (rc != MC_EINPUT)
        fail_msg("expected MC_EINPUT ('%s' at %d:%d), got rc %d: %s", substring, line, col, rc,
                 rc ? e->message : "(success)");
    /* On failure the output is left alone. */
    assert_true(t == (mc_table *)(uintptr_t)0x1);
    assert_int_equal(e->code, MC_EINPUT);
    assert_string_equal(e->file, NAME);
    if (!strstr(e->message, substring))
        fail_msg("message '%s' lacks '%s'", e->message, substring);
    if (e->line != line || (col > 0 && e->col != col))
        fail_msg("'%s': at %d:%d, expected %d:%d", e->message, e->line, e->col, line, col);
}
#define EXPECT_ERROR(lit, o, sub, line, col) expect_error_n((lit), sizeof(lit) - 1, (o), (sub), (line), (col))

static const mc_column *column(const mc_table *t, const char *name)
{
    long c = mc_table_find(t, name);
    if (c < 0)
        fail_msg("no column '%s'", name);
    return &t->cols[c];
}

static int same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0; /* exact, including the sign of zero */
}

/* NAN in `want` means a missing cell. */
static void assert_numeric(const mc_table *t, const char *name, const double *want, size_t n)
{
    const mc_column *c = column(t, name);
    if (c->kind != MC_COLKIND_NUMERIC)
        fail_msg("column '%s' is not numeric", name);
    assert_int_equal(t->n_rows, n);
    assert_non_null(c->num);
    assert_int_equal(c->n_levels, 0);
    for (size_t r = 0; r < n; r++)
        if (!same_double(c->num[r], want[r]))
            fail_msg("column '%s' row %zu: %.17g, expected %.17g", name, r, c->num[r], want[r]);
}

/* NULL in `cells` means a missing cell; `levels` in first-seen order. */
static void assert_categorical(const mc_table *t, const char *name, const char *const *levels,
                               size_t n_levels, const char *const *cells, size_t n)
{
    const mc_column *c = column(t, name);
    if (c->kind != MC_COLKIND_CATEGORICAL)
        fail_msg("column '%s' is not categorical", name);
    assert_int_equal(t->n_rows, n);
    if (c->n_levels != n_levels)
        fail_msg("column '%s': %zu levels, expected %zu", name, c->n_levels, n_levels);
    for (size_t i = 0; i < n_levels; i++)
        if (strcmp(c->levels[i], levels[i]) != 0)
            fail_msg("column '%s' level %zu: '%s', expected '%s'", name, i, c->levels[i], levels[i]);
    assert_non_null(c->codes);
    long col = mc_table_find(t, name);
    for (size_t r = 0; r < n; r++) {
        if (!cells[r]) {
            if (c->codes[r] != MC_CODE_MISSING)
                fail_msg("column '%s' row %zu: code %u, expected missing", name, r, c->codes[r]);
            assert_true(mc_table_is_missing(t, (size_t)col, r));
            continue;
        }
        if (c->codes[r] >= c->n_levels)
            fail_msg("column '%s' row %zu: code %u, expected '%s'", name, r, c->codes[r], cells[r]);
        if (strcmp(c->levels[c->codes[r]], cells[r]) != 0)
            fail_msg("column '%s' row %zu: '%s', expected '%s'", name, r, c->levels[c->codes[r]],
                     cells[r]);
        assert_false(mc_table_is_missing(t, (size_t)col, r));
    }
}

static void assert_names(const mc_table *t, const char *const *names, size_t n)
{
    assert_int_equal(t->n_cols, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(t->cols[i].name, names[i]);
}

static void assert_lines(const mc_table *t, const size_t *lines, size_t n)
{
    assert_int_equal(t->n_rows, n);
    for (size_t r = 0; r < n; r++)
        if (t->line_of_row[r] != lines[r])
            fail_msg("row %zu starts at line %zu, expected %zu", r, t->line_of_row[r], lines[r]);
}

#define N(a) (sizeof(a) / sizeof *(a))
#define NUM(t, name, ...)                                                                          \
    do {                                                                                           \
        const double want_[] = {__VA_ARGS__};                                                      \
        assert_numeric((t), (name), want_, N(want_));                                              \
    } while (0)
#define NAMES(t, ...)                                                                              \
    do {                                                                                           \
        const char *const want_[] = {__VA_ARGS__};                                                 \
        assert_names((t), want_, N(want_));                                                        \
    } while (0)
#define LINES(t, ...)                                                                              \
    do {                                                                                           \
        const size_t want_[] = {__VA_ARGS__};                                                      \
        assert_lines((t), want_, N(want_));                                                        \
    } while (0)

/* ---- good files -------------------------------------------------------------------- */

static void test_basic(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("a,b,c\n1,2.5,x\n3,-4,y\n-0,1e3,x\n", &o);
    NAMES(t, "a", "b", "c");
    NUM(t, "a", 1, 3, -0.0);
    NUM(t, "b", 2.5, -4, 1000);
    const char *lv[] = {"x", "y"}, *cells[] = {"x", "y", "x"};
    assert_categorical(t, "c", lv, 2, cells, 3);
    LINES(t, 2, 3, 4);
    assert_int_equal(mc_column_code(column(t, "c"), "y"), 1);
    assert_int_equal(mc_column_code(column(t, "c"), "z"), MC_CODE_MISSING);
    mc_table_free(t);
}

static void test_quoted_fields(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("\"id\",\"full name\",\"n\"\n"
                        "1,\"Smith, John\",\"7\"\n"
                        "2,\"say \"\"hi\"\"\",8\n"
                        "3,\"line1\nline2\",\"9\"\n"
                        "4,\"\",10\n"
                        "5,\"\"\"\",11\n"
                        "6,plain,\"1\"\"\"\n"
                        "7,\"NA\",12\n",
                        &o);
    NAMES(t, "id", "full name", "n");
    NUM(t, "id", 1, 2, 3, 4, 5, 6, 7);
    /* A quoted "NA" or "" is a missing marker too: markers compare the text. */
    const char *lv[] = {"Smith, John", "say \"hi\"", "line1\nline2", "\"", "plain"};
    const char *cells[] = {lv[0], lv[1], lv[2], NULL, lv[3], lv[4], NULL};
    assert_categorical(t, "full name", lv, N(lv), cells, N(cells));
    /* "1\"" is text: n becomes categorical at its 6th row, keeping 7..11 in order. */
    const char *nlv[] = {"7", "8", "9", "10", "11", "1\"", "12"};
    assert_categorical(t, "n", nlv, N(nlv), nlv, N(nlv));
    LINES(t, 2, 3, 4, 6, 7, 8, 9);
    mc_table_free(t);
}

static void test_quoted_header_and_delimiters_in_quotes(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("\"a,b\",\"c\nd\",\"e\"\"f\"\n1,2,3\n", &o);
    NAMES(t, "a,b", "c\nd", "e\"f");
    NUM(t, "a,b", 1);
    NUM(t, "e\"f", 3);
    LINES(t, 3);
    mc_table_free(t);
}

static void test_crlf(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("a,b\r\n1,x\r\n2,\"q\r\nr\"\r\n\r\n3,\"z\"\r\n", &o);
    NAMES(t, "a", "b");
    NUM(t, "a", 1, 2, 3);
    /* Inside quotes a line break is data, kept as written. */
    const char *lv[] = {"x", "q\r\nr", "z"};
    assert_categorical(t, "b", lv, 3, lv, 3);
    LINES(t, 2, 3, 6);
    mc_table_free(t);
    /* CRLF with no final line break, and the last field empty. */
    t = PARSE("a,b\r\n1,\r\n2,3", &o);
    NUM(t, "b", NAN, 3);
    mc_table_free(t);
}

static void test_bom(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("\xEF\xBB\xBF" "a,b\n1,2\n", &o);
    NAMES(t, "a", "b");
    NUM(t, "a", 1);
    LINES(t, 2);
    mc_table_free(t);
    /* Only a leading BOM is special; one in a later cell is text. */
    t = PARSE("\xEF\xBB\xBF\"a\",b\n1,\xEF\xBB\xBF" "2\n", &o);
    NAMES(t, "a", "b");
    const char *lv[] = {"\xEF\xBB\xBF" "2"};
    assert_categorical(t, "b", lv, 1, lv, 1);
    mc_table_free(t);
}

static void test_custom_delimiter(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    o.delimiter = ';';
    mc_table *t = PARSE("x;y;z\n1,5;\"a;b\";3\n2,5;c,d;4\n", &o);
    NAMES(t, "x", "y", "z");
    const char *xl[] = {"1,5", "2,5"}; /* a decimal comma is not a number */
    assert_categorical(t, "x", xl, 2, xl, 2);
    const char *yl[] = {"a;b", "c,d"};
    assert_categorical(t, "y", yl, 2, yl, 2);
    NUM(t, "z", 3, 4);
    mc_table_free(t);
    o.delimiter = '\t';
    t = PARSE("a\tb c\n1\t2\n", &o);
    NAMES(t, "a", "b c");
    NUM(t, "b c", 2);
    mc_table_free(t);
}

static void test_missing_default_markers(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("a,b,c\n1,x,\n,y,\nNA,NA,\nNaN,NaN,\nnull,null,\n2,z,\n", &o);
    NUM(t, "a", 1, NAN, NAN, NAN, NAN, 2);
    const char *lv[] = {"x", "y", "z"};
    const char *cells[] = {"x", "y", NULL, NULL, NULL, "z"};
    assert_categorical(t, "b", lv, 3, cells, 6);
    /* A column with no value at all stays numeric, all missing. */
    NUM(t, "c", NAN, NAN, NAN, NAN, NAN, NAN);
    mc_table_free(t);
    /* Markers are exact text: "na", "N/A" and " NA" are values. */
    t = PARSE("a\nna\nN/A\n NA\nNA\n", &o);
    const char *al[] = {"na", "N/A", " NA"}, *ac[] = {"na", "N/A", " NA", NULL};
    assert_categorical(t, "a", al, 3, ac, 4);
    mc_table_free(t);
}

static void test_missing_numeric_marker(void **state)
{
    (void)state;
    const char *const markers[] = {"-999", "?"};
    mc_csv_options o = {0};
    o.missing = markers;
    o.n_missing = 2;
    mc_table *t = PARSE("a,b,c\n1,x,5\n-999,-999,?\n-999.0,y,6\n?,?,-999\n", &o);
    /* -999 is missing, -999.0 is a value: markers compare the text. */
    NUM(t, "a", 1, NAN, -999.0, NAN);
    const char *lv[] = {"x", "y"}, *cells[] = {"x", NULL, "y", NULL};
    assert_categorical(t, "b", lv, 2, cells, 4);
    NUM(t, "c", 5, NAN, 6, NAN);
    mc_table_free(t);
    /* Without "" among the markers an empty cell is text, not missing. */
    t = PARSE("a,b\n1,2\n,3\n", &o);
    const char *al[] = {"1", ""};
    assert_categorical(t, "a", al, 2, al, 2);
    NUM(t, "b", 2, 3);
    mc_table_free(t);
    /* No markers at all. */
    mc_csv_options none = {0};
    t = PARSE("a\n1\nNA\n", &none);
    const char *nl[] = {"1", "NA"};
    assert_categorical(t, "a", nl, 2, nl, 2);
    mc_table_free(t);
}

/* A column numeric for hundreds of rows that turns categorical late keeps
 * every earlier value as a level, in first-seen order (more levels than the
 * dictionary's first size), with missing cells still missing. */
static void test_late_categorical(void **state)
{
    (void)state;
    enum { ROWS = 400, TEXT_ROW = 350, DISTINCT = 150 };
    char *buf = malloc(ROWS * 32 + 64);
    assert_non_null(buf);
    size_t len = (size_t)sprintf(buf, "k,v\n");
    for (int r = 0; r < ROWS; r++) {
        if (r == TEXT_ROW)
            len += (size_t)sprintf(buf + len, "%d,late text\n", r);
        else if (r % 37 == 5)
            len += (size_t)sprintf(buf + len, "%d,NA\n", r);
        else
            len += (size_t)sprintf(buf + len, "%d,%d\n", r, (r * 7) % DISTINCT);
    }
    mc_csv_options o = defaults();
    mc_table *t = parse_n(buf, len, &o);
    assert_int_equal(t->n_rows, ROWS);
    const mc_column *k = column(t, "k"), *v = column(t, "v");
    assert_int_equal(k->kind, MC_COLKIND_NUMERIC);
    assert_int_equal(v->kind, MC_COLKIND_CATEGORICAL);
    /* The expected levels, in first-seen order. */
    char want[DISTINCT + 1][16];
    size_t n_want = 0;
    for (int r = 0; r < ROWS; r++) {
        char cell[16];
        if (r % 37 == 5 && r != TEXT_ROW)
            continue;
        if (r == TEXT_ROW)
            snprintf(cell, sizeof cell, "late text");
        else
            snprintf(cell, sizeof cell, "%d", (r * 7) % DISTINCT);
        size_t i = 0;
        while (i < n_want && strcmp(want[i], cell) != 0)
            i++;
        if (i == n_want)
            memcpy(want[n_want++], cell, sizeof cell);
        assert_int_equal(v->codes[r], i);
        assert_string_equal(v->levels[v->codes[r]], cell);
        assert_true(k->num[r] == r);
        assert_int_equal(t->line_of_row[r], (size_t)r + 2);
    }
    assert_int_equal(v->n_levels, n_want);
    assert_true(n_want > 64);
    for (size_t i = 0; i < n_want; i++)
        assert_string_equal(v->levels[i], want[i]);
    for (int r = 5; r < ROWS; r += 37)
        if (r != TEXT_ROW)
            assert_int_equal(v->codes[r], MC_CODE_MISSING);
    mc_table_free(t);
    free(buf);
}

static void test_late_categorical_text_at_last_row(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("a,b\n3,1.50\n1,NA\n3,1.5\n2,x", &o);
    NUM(t, "a", 3, 1, 3, 2);
    /* The text as written: "1.50" and "1.5" are distinct levels. */
    const char *lv[] = {"1.50", "1.5", "x"}, *cells[] = {"1.50", NULL, "1.5", "x"};
    assert_categorical(t, "b", lv, 3, cells, 4);
    mc_table_free(t);
}

static void test_overrides(void **state)
{
    (void)state;
    const mc_csv_override ov[] = {{"zip", MC_CSV_CATEGORICAL}, {"n", MC_CSV_NUMERIC},
                                  {"any", MC_CSV_AUTO}};
    mc_csv_options o = defaults();
    o.overrides = ov;
    o.n_overrides = N(ov);
    mc_table *t = PARSE("zip,n,any,late\n02134,1,5,1\n94107,2,6,2\n02134,NA,7,3\n2134,3,8,z\n", &o);
    /* zip is numeric-looking, declared categorical: leading zeros survive. */
    const char *zl[] = {"02134", "94107", "2134"}, *zc[] = {"02134", "94107", "02134", "2134"};
    assert_categorical(t, "zip", zl, 3, zc, 4);
    NUM(t, "n", 1, 2, NAN, 3);
    NUM(t, "any", 5, 6, 7, 8);
    const char *ll[] = {"1", "2", "3", "z"};
    assert_categorical(t, "late", ll, 4, ll, 4);
    mc_table_free(t);
}

static void test_blank_lines_skipped(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("\n\na,b\n\n1,2\n\r\n\n3,4\n\n\n", &o);
    NAMES(t, "a", "b");
    NUM(t, "a", 1, 3);
    NUM(t, "b", 2, 4);
    LINES(t, 5, 8);
    mc_table_free(t);
    /* A line of spaces is not blank: it is a one-field record. */
    t = PARSE("a\n1\n  \n2\n", &o);
    const char *lv[] = {"1", "  ", "2"};
    assert_categorical(t, "a", lv, 3, lv, 3);
    mc_table_free(t);
}

static void test_no_trailing_newline(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("a,b\n1,2", &o);
    NUM(t, "b", 2);
    mc_table_free(t);
    t = PARSE("a,b\n1,\"x\"", &o);
    const char *lv[] = {"x"};
    assert_categorical(t, "b", lv, 1, lv, 1);
    mc_table_free(t);
    t = PARSE("a\n7", &o);
    NUM(t, "a", 7);
    mc_table_free(t);
}

static void test_last_field_empty(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("a,b,c\n1,2,\n4,5,", &o);
    NUM(t, "a", 1, 4);
    NUM(t, "c", NAN, NAN);
    mc_table_free(t);
    t = PARSE("a,b,c\n1,2,x\n,,\n,,", &o);
    NUM(t, "a", 1, NAN, NAN);
    const char *lv[] = {"x"}, *cells[] = {"x", NULL, NULL};
    assert_categorical(t, "c", lv, 1, cells, 3);
    mc_table_free(t);
    /* A quoted field, then the delimiter, then the end. */
    t = PARSE("a,b\n\"1\",", &o);
    NUM(t, "a", 1);
    NUM(t, "b", NAN);
    mc_table_free(t);
    t = PARSE("a,b\n1,\"\"", &o);
    NUM(t, "b", NAN);
    mc_table_free(t);
}

static void test_spaces_are_data(void **state)
{
    (void)state;
    /* RFC 4180: spaces belong to the field. "1, 2" style files keep them. */
    mc_csv_options o = defaults();
    mc_table *t = PARSE("a, b\n1, 2\n3, 4\n", &o);
    NAMES(t, "a", " b");
    NUM(t, "a", 1, 3);
    const char *lv[] = {" 2", " 4"};
    assert_categorical(t, " b", lv, 2, lv, 2);
    mc_table_free(t);
}

static void test_many_columns(void **state)
{
    (void)state;
    char buf[4096];
    size_t len = 0;
    for (int c = 0; c < 40; c++)
        len += (size_t)sprintf(buf + len, "%sc%d", c ? "," : "", c);
    buf[len++] = '\n';
    for (int c = 0; c < 40; c++)
        len += (size_t)sprintf(buf + len, "%s%d", c ? "," : "", c * 10);
    buf[len++] = '\n';
    mc_csv_options o = defaults();
    mc_table *t = parse_n(buf, len, &o);
    assert_int_equal(t->n_cols, 40);
    for (int c = 0; c < 40; c++) {
        char name[16]; /* "c" and any int */
        snprintf(name, sizeof name, "c%d", c);
        assert_int_equal(mc_table_find(t, name), c);
        assert_true(t->cols[c].num[0] == c * 10);
    }
    mc_table_free(t);
}

static void test_long_fields(void **state)
{
    (void)state;
    /* Quoted fields longer than any first buffer, with doubled quotes and
     * line breaks, and a long unquoted one. */
    enum { LEN = 5000 };
    char *buf = malloc(4 * LEN + 64), *want = malloc(LEN + 1), *plain = malloc(LEN + 1);
    assert_non_null(buf);
    assert_non_null(want);
    assert_non_null(plain);
    size_t n = (size_t)sprintf(buf, "a,b\n\"");
    for (int i = 0; i < LEN; i++) {
        char ch = i % 97 == 3 ? '"' : i % 251 == 7 ? '\n' : (char)('a' + i % 26);
        want[i] = ch;
        if (ch == '"')
            buf[n++] = '"';
        buf[n++] = ch;
        plain[i] = (char)('A' + i % 26);
    }
    want[LEN] = plain[LEN] = '\0';
    n += (size_t)sprintf(buf + n, "\",%s\n", plain);
    mc_csv_options o = defaults();
    mc_table *t = parse_n(buf, n, &o);
    const char *al[] = {want}, *bl[] = {plain};
    assert_categorical(t, "a", al, 1, al, 1);
    assert_categorical(t, "b", bl, 1, bl, 1);
    mc_table_free(t);
    free(buf);
    free(want);
    free(plain);
}

static void test_nonfinite_text_in_categorical_column(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    /* In a column that is text anyway, "inf" and "1e999" are just text. */
    mc_table *t = PARSE("a,b\nx,1\ninf,2\n1e999,3\n", &o);
    const char *lv[] = {"x", "inf", "1e999"};
    assert_categorical(t, "a", lv, 3, lv, 3);
    mc_table_free(t);
    const mc_csv_override ov[] = {{"a", MC_CSV_CATEGORICAL}};
    o.overrides = ov;
    o.n_overrides = 1;
    t = PARSE("a\ninf\nNaN\n1e999\n", &o);
    const char *dl[] = {"inf", "1e999"}, *dc[] = {"inf", NULL, "1e999"};
    assert_categorical(t, "a", dl, 2, dc, 3);
    mc_table_free(t);
}

/* Type inference must not depend on the order of the rows: a column whose
 * text comes after an "inf" is as categorical as one whose text comes before. */
static void test_inference_independent_of_row_order(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = PARSE("a\ninf\nx\n", &o);
    const char *lv[] = {"inf", "x"};
    assert_categorical(t, "a", lv, 2, lv, 2);
    mc_table_free(t);
    t = PARSE("a\n1\n1e999\n-Infinity\nlate\n", &o);
    const char *l2[] = {"1", "1e999", "-Infinity", "late"};
    assert_categorical(t, "a", l2, 4, l2, 4);
    mc_table_free(t);
}

static void test_numbers_in_cells(void **state)
{
    (void)state;
    static const char *const cells[] = {
        "0", "42", "-7", "+3", ".5", "5.", "-.25", "+.5e1", "1e3", "1E-2", "2.5e+2", "-0",
        "-0.0", "007", "0.1", "0.30000000000000004", "9007199254740993",
        "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324",
        "2.2250738585072011e-308", "1e-400", "0e999999999", "3.14159265358979323846264338327950288",
    };
    char buf[2048];
    size_t len = (size_t)sprintf(buf, "v\n");
    for (size_t i = 0; i < N(cells); i++)
        len += (size_t)sprintf(buf + len, "%s\n", cells[i]);
    mc_csv_options o = defaults();
    mc_table *t = parse_n(buf, len, &o);
    double want[N(cells)];
    for (size_t i = 0; i < N(cells); i++)
        want[i] = strtod(cells[i], NULL);
    assert_numeric(t, "v", want, N(cells));
    mc_table_free(t);
}

static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/mc_test_csv_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "\xEF\xBB\xBF" "a,b\r\n1,\"x\"\r\n2,y\r\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    mc_csv_options o = defaults();
    mc_table *t = NULL;
    assert_int_equal(mc_csv_read(&t, path, &o), MC_OK);
    assert_string_equal(t->source, path);
    NUM(t, "a", 1, 2);
    const char *lv[] = {"x", "y"};
    assert_categorical(t, "b", lv, 2, lv, 2);
    mc_table_free(t);
    unlink(path);
    t = NULL;
    assert_int_equal(mc_csv_read(&t, path, &o), MC_ENOTFOUND);
    assert_null(t);
}

/* ---- bad files ---------------------------------------------------------------------- */

static void test_bad_empty(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    EXPECT_ERROR("", &o, "the file is empty", 1, 1);
    EXPECT_ERROR("\xEF\xBB\xBF", &o, "the file is empty", 1, 1);
    EXPECT_ERROR("\n\r\n\n", &o, "the file is empty", 1, 1);
}

static void test_bad_header_only(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    EXPECT_ERROR("a,b\n", &o, "the file has a header but no data rows", 2, 1);
    EXPECT_ERROR("a,b", &o, "the file has a header but no data rows", 1, 1);
    EXPECT_ERROR("a,b\r\n\r\n\n", &o, "the file has a header but no data rows", 4, 1);
}

static void test_bad_ragged(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    EXPECT_ERROR("a,b\n1,2\n3,4,5\n", &o, "row has more fields than the header's 2", 3, 5);
    EXPECT_ERROR("a,b,c\n1,2,3\n4,5\n", &o, "row has 2 fields, the header has 3", 3, 1);
    EXPECT_ERROR("a,b,c\n1,2,3\n4\n", &o, "row has 1 field, the header has 3", 3, 1);
    /* A trailing delimiter is one more (empty) field, at the end of a line or the file. */
    EXPECT_ERROR("a,b\n1,2,\n", &o, "row has more fields than the header's 2", 2, 5);
    EXPECT_ERROR("a,b\n1,2,", &o, "row has more fields than the header's 2", 2, 5);
    EXPECT_ERROR("a,b\n\"1\",\"2\",", &o, "row has more fields than the header's 2", 2, 9);
    EXPECT_ERROR("a,b,c,d\n1,2,", &o, "row has 3 fields, the header has 4", 2, 1);
    /* A record spanning lines is reported where it starts. */
    EXPECT_ERROR("a,b,c\n1,\"x\ny\"\n", &o, "row has 2 fields, the header has 3", 2, 1);
}

static void test_bad_quotes(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    EXPECT_ERROR("a,b\n1,\"abc\n2,3\n", &o, "quoted field is not closed before the end of the file", 2, 3);
    EXPECT_ERROR("a,\"b\n", &o, "quoted field is not closed", 1, 3);
    EXPECT_ERROR("a,b\n1,\"abc\"\"", &o, "quoted field is not closed", 2, 3);
    EXPECT_ERROR("a,b\n1,ab\"c\n", &o, "a quote inside an unquoted field", 2, 5);
    EXPECT_ERROR("a,b\"c\n1,2\n", &o, "a quote inside an unquoted field", 1, 4);
    EXPECT_ERROR("a,b\n1,\"ab\"c\n", &o, "unexpected character after a closing quote", 2, 7);
    EXPECT_ERROR("a,b\n1,\"ab\" ,\n", &o, "unexpected character after a closing quote", 2, 7);
    EXPECT_ERROR("a,b\n\"x\"\"y\"z,1\n", &o, "unexpected character after a closing quote", 2, 7);
}

static void test_bad_carriage_return(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    EXPECT_ERROR("a,b\r1,2\n", &o, "a carriage return not followed by a line feed", 1, 4);
    EXPECT_ERROR("a,b\n1,2\r3,4\r", &o, "a carriage return not followed by a line feed", 2, 4);
    EXPECT_ERROR("a,b\n1,2\r", &o, "a carriage return not followed by a line feed", 2, 4);
    EXPECT_ERROR("a,b\n1,2\n\r", &o, "a carriage return not followed by a line feed", 3, 1);
}

static void test_bad_header(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    EXPECT_ERROR("a,b,a\n1,2,3\n", &o, "duplicate column name 'a' (also column 1)", 1, 5);
    EXPECT_ERROR("x,\"a\",\"a\"\n1,2,3\n", &o, "duplicate column name 'a' (also column 2)", 1, 7);
    EXPECT_ERROR("a,,b\n1,2,3\n", &o, "header field 2 is empty", 1, 3);
    EXPECT_ERROR("a,b,\n1,2,3\n", &o, "header field 3 is empty", 1, 5);
    EXPECT_ERROR(",a\n1,2\n", &o, "header field 1 is empty", 1, 1);
    EXPECT_ERROR("a,\"\"\n1,2\n", &o, "header field 2 is empty", 1, 3);
    EXPECT_ERROR("\n\na,b,b\n1,2,3\n", &o, "duplicate column name 'b' (also column 2)", 3, 5);
}

static void test_bad_declared_numeric(void **state)
{
    (void)state;
    const mc_csv_override ov[] = {{"b", MC_CSV_NUMERIC}};
    mc_csv_options o = defaults();
    o.overrides = ov;
    o.n_overrides = 1;
    EXPECT_ERROR("a,b\n1,2\n3,x\n", &o, "column 'b' is declared numeric, but 'x' is not a number", 3, 3);
    EXPECT_ERROR("a,b\n1,2\n3,\"1 000\"\n", &o, "column 'b' is declared numeric, but '1 000' is not a number", 3, 3);
    const char *const markers[] = {"NA"};
    o.missing = markers;
    o.n_missing = 1;
    EXPECT_ERROR("a,b\n1,2\n3,\n", &o, "column 'b' is declared numeric, but '' is not a number", 3, 3);
    o = defaults();
    o.overrides = ov;
    o.n_overrides = 1;
    o.delimiter = ';';
    EXPECT_ERROR("a;b\n1;2\n3;4,5\n", &o, "column 'b' is declared numeric, but '4,5' is not a number", 3, 3);
    /* A long cell is quoted in the message by its first 40 bytes. */
    o.delimiter = 0;
    EXPECT_ERROR("a,b\n1,x123456789012345678901234567890123456789TAIL\n", &o,
                 "but 'x123456789012345678901234567890123456789' is not", 2, 3);
    assert_null(strstr(mc_error_last()->message, "TAIL"));
}

static void test_bad_nonfinite(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    EXPECT_ERROR("a,b\n1,2\n3,inf\n", &o, "column 'b': 'inf' is not a finite number", 3, 3);
    EXPECT_ERROR("a\n1\n-Infinity\n", &o, "'-Infinity' is not a finite number", 3, 1);
    /* "nan" (as numpy writes it) is not the default marker "NaN". */
    EXPECT_ERROR("a\n1\nnan\n", &o, "list the text in data.missing_values", 3, 1);
    EXPECT_ERROR("a\n1\n1e999\n", &o, "column 'a': '1e999' is not a finite number", 3, 1);
    EXPECT_ERROR("a\n1\n-1.8e308\n", &o, "'-1.8e308' is not a finite number", 3, 1);
    const char *const markers[] = {"", "NA"};
    o.missing = markers;
    o.n_missing = 2;
    EXPECT_ERROR("a,b\n1,2\n3,NaN\n", &o, "column 'b': 'NaN' is not a finite number", 3, 3);
    const mc_csv_override ov[] = {{"b", MC_CSV_NUMERIC}};
    o.overrides = ov;
    o.n_overrides = 1;
    EXPECT_ERROR("a,b\nx,1\ny,INF\n", &o, "column 'b': 'INF' is not a finite number", 3, 3);
}

static void test_bad_overrides_and_required(void **state)
{
    (void)state;
    const mc_csv_override ov[] = {{"a", MC_CSV_NUMERIC}, {"zz", MC_CSV_CATEGORICAL}};
    mc_csv_options o = defaults();
    o.overrides = ov;
    o.n_overrides = 2;
    EXPECT_ERROR("a,b\n1,2\n", &o, "column 'zz' (declared in data.columns) is not in the header", 1, 1);
    const char *const req[] = {"b", "target"};
    mc_csv_options r = defaults();
    r.required = req;
    r.n_required = 2;
    EXPECT_ERROR("a,b\n1,2\n", &r, "column 'target' is not in the header", 1, 1);
    /* Names compare exactly: no trimming, no case folding. */
    EXPECT_ERROR("a,b,Target\n1,2,3\n", &r, "column 'target' is not in the header", 1, 1);
    EXPECT_ERROR("a,b, target\n1,2,3\n", &r, "column 'target' is not in the header", 1, 1);
    /* Present in any order: accepted. */
    mc_table *t = PARSE("target,x,b\n1,2,3\n", &r);
    NAMES(t, "target", "x", "b");
    mc_table_free(t);
}

static void test_bad_after_multiline_quotes(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    /* Line numbers count the line breaks inside quoted fields. */
    EXPECT_ERROR("a,b\n1,\"x\ny\nz\"\n2,\"q\"w\n", &o, "unexpected character after a closing quote", 5, 6);
    EXPECT_ERROR("a,b\n1,\"x\ny\nz\"\n2,3,4\n", &o, "row has more fields than the header's 2", 5, 5);
    EXPECT_ERROR("a,b\n1,\"x\ny\"z\n", &o, "unexpected character after a closing quote", 3, 3);
    EXPECT_ERROR("a,b\n\"x\r\ny\",1\n2,a\"b\n", &o, "a quote inside an unquoted field", 4, 4);
    const mc_csv_override ov[] = {{"b", MC_CSV_NUMERIC}};
    o.overrides = ov;
    o.n_overrides = 1;
    EXPECT_ERROR("a,b\n\"x\ny\",1\n\"p\nq\nr\",oops\n", &o, "declared numeric, but 'oops'", 6, 4);
    o.overrides = NULL;
    o.n_overrides = 0;
    EXPECT_ERROR("\"h\n1\",\"h\n2\"\n1,2\n3,4,5\n", &o, "row has more fields than the header's 2", 5, 5);
}

static void test_bad_location_after_bom_and_crlf(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    /* The BOM is not a column. */
    EXPECT_ERROR("\xEF\xBB\xBF" "a,b\"\n1,2\n", &o, "a quote inside an unquoted field", 1, 4);
    EXPECT_ERROR("\xEF\xBB\xBF" "a,a\n1,2\n", &o, "duplicate column name 'a'", 1, 3);
    EXPECT_ERROR("a,b\r\n1,2\r\n3,4,5\r\n", &o, "row has more fields than the header's 2", 3, 5);
    EXPECT_ERROR("a,b\r\n1,2\r\n3,\"x\"y\r\n", &o, "unexpected character after a closing quote", 3, 6);
}

/* Columns count characters (code points), as everywhere else in modelcert
 * (mc_utf8_position), not bytes. */
static void test_bad_location_counts_characters(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    /* "é" is 2 bytes, "€" 3: the "y" is character 7 (byte 10). */
    EXPECT_ERROR("a,b\n\xC3\xA9\xE2\x82\xAC,\"x\"y\n", &o, "unexpected character after a closing quote", 2, 7);
    EXPECT_ERROR("name,b\n\xC3\xA9t\xC3\xA9,a\"b\n", &o, "a quote inside an unquoted field", 2, 6);
}

/* A NUL byte cannot be kept in a level (a C string): reject it where it is
 * rather than silently cutting the text (as the spec loader does). */
static void test_bad_nul_byte(void **state)
{
    (void)state;
    mc_csv_options o = defaults();
    mc_table *t = NULL;
    static const char text[] = "a,b\n1,x\n2,x\0y\n";
    mc_error_clear();
    int rc = mc_csv_parse(&t, NAME, text, sizeof text - 1, &o);
    if (rc == MC_OK) {
        const mc_column *b = column(t, "b");
        int cut = b->n_levels == 2 && strcmp(b->levels[1], "x") == 0;
        mc_table_free(t);
        fail_msg("a NUL byte was accepted%s", cut ? " and the level cut to \"x\" (a second \"x\")" : "");
    }
    assert_int_equal(rc, MC_EINPUT);
    assert_int_equal(mc_error_last()->line, 3);
    assert_int_equal(mc_error_last()->col, 4);
}

/* ---- mc_csv_parse_number ------------------------------------------------------------ */

static void check_number(const char *s, int want_rc)
{
    double v = 12345.0;
    int rc = mc_csv_parse_number(s, strlen(s), &v);
    if (rc != want_rc)
        fail_msg("'%.60s': rc %d, expected %d", s, rc, want_rc);
    if (rc == 1) {
        double w = strtod(s, NULL);
        if (!same_double(v, w))
            fail_msg("'%.60s': %a, strtod %a", s, v, w);
    }
}

static void test_parse_number_values(void **state)
{
    (void)state;
    static const char *const ok[] = {
        /* integers, signs, decimals, exponents */
        "0", "1", "-1", "+1", "42", "-0", "+0", "0000000000000000000000001", "18446744073709551615",
        "18446744073709551616", "99999999999999999999", "1.5", "-2.25", ".5", "5.", "-.5", "+.5",
        "0.0", "-0.0", "1e0", "1E5", "1e+5", "1e-5", "1.5e3", ".5e1", "5.e-1", "0e0", "0e999999999",
        "1e22", "1e23", "9e22", "123e-22", "1e-23", "1e0000000000000000000000000000005",
        /* decimals with no exact binary form */
        "0.1", "0.2", "0.3", "0.30000000000000004", "3.141592653589793", "2.718281828459045",
        "1.1", "123.456", "-98765.4321",
        /* 17 and more significant digits */
        "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
        "18014398509481985", "4503599627370497.5", "1.0000000000000002", "1.00000000000000011",
        "0.12345678901234567890123", "12345678901234567890.123", "3.14159265358979323846264338327950288",
        /* exactly half an ulp above 1 (to even: 1) and a hair more (up) */
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203125000000000000000000001",
        "0.000000000000000000000000000001", "100000000000000000000000000000000000000000000.5",
        /* extremes: largest, smallest normal and subnormal, underflow to zero */
        "1.7976931348623157e308", "1.7976931348623158e308", "-1.7976931348623157e+308",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "2.2250738585072012e-308",
        "4.9406564584124654e-324", "5e-324", "2.4703282292062328e-324", "2.4703282292062327e-324",
        "1e-324", "1e-400", "-1e-400", "1e-99999999999999", "0.0000001e-320",
        "8.98846567431158e307", "1e308", "123456789012345678e-330",
    };
    for (size_t i = 0; i < N(ok); i++)
        check_number(ok[i], 1);
}

/* Two midpoints between adjacent doubles, exactly (python3 fractions): the one below the
 * smallest subnormal, and the longest there is, between the largest subnormal and the
 * smallest normal. */
/* 752 significant digits, times 10^-324 */
static const char mid_min_subnormal[] =
    "2.470328229206232720882843964341106861825299013071623822127928412503377536351043759326"
    "49918180817996189898282347722858865463328355177969898199387398005390939063150356595155"
    "70226392290858392449105184435931802849936536152500319370457678249219365623669863658480"
    "75700158576926990370631192827955855133292783433840935197801553124659726357957462276646"
    "52728272200563740064854999770965994704540208281662262378573934507363390079677619305775"
    "06740176324673600968951340535537458516661134223766678604162159680461914467291840300530"
    "05753084904876539171138659164623952491262365388187963623937328042389101867234849766823"
    "50898633885879256283027559956575244555072551893136908362547791869486679949683240497058"
    "21028513185451396213837722826145437693412532098591327667236328125";

/* 768 significant digits, times 10^-308 */
static const char mid_subnormal_normal[] =
    "2.225073858507201136057409796709131975934819546351645648023426109724822222021076945516"
    "52952390813508791414915891303962110687008643869459464552765720740782062174337998814106"
    "32673292535522868813721490129811224514518898490572223072852551331557550159143974763979"
    "83411801999323962548289017107081850690630666655994938275772572015763062690663332647565"
    "30000924588831643303777979186961204949739037782970490505108060994073026293712895895000"
    "35837999672072543043602840788957717961509455167482434710307026091446215722898802581825"
    "45180325707018860872113128079512233426288368622321503775666622503982534335974568884423"
    "90026549819838548794829220689472168983109969836584681402285424333066033985088644580400"
    "103493397042756718644338377048603786162277173854562306587467901408672332763671875";


/* mantissa, then n_pad times pad, then tail and exponent, as one string (caller frees). */
static char *long_number(const char *mantissa, char pad, size_t n_pad, const char *tail,
                         const char *exponent)
{
    size_t m = strlen(mantissa), t = strlen(tail), e = strlen(exponent);
    char *s = malloc(m + n_pad + t + e + 1);
    assert_non_null(s);
    memcpy(s, mantissa, m);
    memset(s + m, pad, n_pad);
    memcpy(s + m + n_pad, tail, t);
    memcpy(s + m + n_pad + t, exponent, e + 1);
    return s;
}

static void check_long(const char *mantissa, char pad, size_t n_pad, const char *tail,
                       const char *exponent)
{
    char *s = long_number(mantissa, pad, n_pad, tail, exponent);
    check_number(s, 1);
    free(s);
}

/* Numbers longer than strtod is given (the first 780 significant digits and whether any
 * later one is not zero): correctly rounded all the same, at and beside midpoints. */
static void test_parse_number_long(void **state)
{
    (void)state;
    static const struct {
        const char *mid, *exponent;
    } mids[] = {{mid_min_subnormal, "e-324"}, {mid_subnormal_normal, "e-308"}};
    for (size_t i = 0; i < N(mids); i++) {
        const char *mid = mids[i].mid, *x = mids[i].exponent;
        check_long(mid, '0', 0, "", x);     /* the tie: to even */
        check_long(mid, '0', 60, "", x);    /* the tie, with more digits than are kept */
        check_long(mid, '0', 60, "1", x);   /* a hair above: up */
        check_long(mid, '0', 2000, "1", x); /* far beyond */
        char *below = long_number(mid, '9', 0, "", ""); /* a hair below: down */
        size_t k = strlen(below) - 1;
        while (below[k] == '0')
            k--;
        below[k]--;
        char *a = long_number(below, '9', 60, "", x), *b = long_number(mid, '0', 60, "1", x);
        check_number(a, 1);
        double down = 0, up = 0; /* the cases are the two sides of a midpoint */
        assert_int_equal(mc_csv_parse_number(a, strlen(a), &down), 1);
        assert_int_equal(mc_csv_parse_number(b, strlen(b), &up), 1);
        assert_true(up == nextafter(down, 1.0));
        free(below);
        free(a);
        free(b);
    }
    check_long("1", '0', 300, ".33333333333333333333333333333333333333333333333333", "");
    check_long("-7.", '3', 1500, "7", "e-5");
    check_long("", '0', 1000, "1.5", "");              /* leading zeros */
    check_long("0.", '0', 1000, "15", "e1003");         /* 1.5 */
    check_long("0.", '0', 1000, "15", "e-9");           /* underflow to zero */
    check_long("9.", '9', 900, "", "e307");             /* rounds up to 1e308 */
    check_long("1", '0', 50, "", "e-000000000000000000000000000000000000000000000000000000008");
}

static void test_parse_number_rejects(void **state)
{
    (void)state;
    /* not a number: 0 */
    static const char *const no[] = {
        "", "+", "-", ".", "-.", "+.", "e5", ".e5", "1e", "1e+", "1e-", "1.5e", "--1", "+-1", "1-",
        "1..2", "1.2.3", " 1", "1 ", "1,5", "1_000", "0x10", "0x1p3", "0X1P-2", "1e5.5", "1e+-5",
        "abc", "1a", "nanx", "infinit", "infinityy", "nan(1)", "in", "Na", "+-inf", "∞", "1e١",
        "12f", "1d5", "TRUE",
    };
    for (size_t i = 0; i < N(no); i++)
        check_number(no[i], 0);
    /* NaN or infinite: -1 (including overflow) */
    static const char *const nonfinite[] = {
        "nan", "NaN", "NAN", "-nan", "+NaN", "inf", "INF", "-inf", "+Inf", "infinity", "Infinity",
        "-INFINITY", "1e999", "-1e999", "1e99999999999", "1.7976931348623159e308", "2e308",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
    };
    for (size_t i = 0; i < N(nonfinite); i++)
        check_number(nonfinite[i], -1);
}

static void test_parse_number_uses_length(void **state)
{
    (void)state;
    /* The field is s[0..n): what follows does not count. */
    double v = 0;
    assert_int_equal(mc_csv_parse_number("12,34", 2, &v), 1);
    assert_true(v == 12);
    assert_int_equal(mc_csv_parse_number("1e5x", 3, &v), 1);
    assert_true(v == 1e5);
    assert_int_equal(mc_csv_parse_number("0.12345678901234567890123456789", 12, &v), 1);
    assert_true(v == strtod("0.1234567890", NULL));
    assert_int_equal(mc_csv_parse_number("9007199254740993", 16, &v), 1);
    assert_true(v == 9007199254740992.0);
    assert_int_equal(mc_csv_parse_number("infinity", 3, &v), -1);
    assert_int_equal(mc_csv_parse_number("1\0" "5", 3, &v), 0);
}

/* A long but valid decimal (e.g. a double written exactly, up to 767
 * significant digits) is still a number, correctly rounded. */
static void test_parse_number_long_input(void **state)
{
    (void)state;
    char buf[1200];
    size_t n = 0;
    buf[n++] = '1';
    for (int i = 0; i < 300; i++)
        buf[n++] = '0';
    buf[n++] = '.';
    for (int i = 0; i < 300; i++)
        buf[n++] = i == 299 ? '1' : '0';
    buf[n] = '\0';
    check_number(buf, 1);
    /* 2^-1074 written exactly (751 significant digits) with a scientific exponent. */
    n = (size_t)sprintf(buf, "0.");
    for (int i = 0; i < 323; i++)
        buf[n++] = '0';
    n += (size_t)sprintf(buf + n, "4940656458412465441765687928682213723650598026143247644255856825006755072702087518652998363616359923797965646954457177309266567103559397963987747960107818781263007131903114045278458171678489821036887186360569987307230500063874091535649843873124733972731696151400381055");
    check_number(buf, 1);
    n = (size_t)sprintf(buf, "1");
    for (int i = 0; i < 700; i++)
        buf[n++] = '0';
    n += (size_t)sprintf(buf + n, "e-690");
    check_number(buf, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_quoted_header_and_delimiters_in_quotes),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_custom_delimiter),
        cmocka_unit_test(test_missing_default_markers),
        cmocka_unit_test(test_missing_numeric_marker),
        cmocka_unit_test(test_late_categorical),
        cmocka_unit_test(test_late_categorical_text_at_last_row),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_blank_lines_skipped),
        cmocka_unit_test(test_no_trailing_newline),
        cmocka_unit_test(test_last_field_empty),
        cmocka_unit_test(test_spaces_are_data),
        cmocka_unit_test(test_many_columns),
        cmocka_unit_test(test_long_fields),
        cmocka_unit_test(test_nonfinite_text_in_categorical_column),
        cmocka_unit_test(test_inference_independent_of_row_order),
        cmocka_unit_test(test_numbers_in_cells),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_bad_empty),
        cmocka_unit_test(test_bad_header_only),
        cmocka_unit_test(test_bad_ragged),
        cmocka_unit_test(test_bad_quotes),
        cmocka_unit_test(test_bad_carriage_return),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_bad_declared_numeric),
        cmocka_unit_test(test_bad_nonfinite),
        cmocka_unit_test(test_bad_overrides_and_required),
        cmocka_unit_test(test_bad_after_multiline_quotes),
        cmocka_unit_test(test_bad_location_after_bom_and_crlf),
        cmocka_unit_test(test_bad_location_counts_characters),
        cmocka_unit_test(test_bad_nul_byte),
        cmocka_unit_test(test_parse_number_values),
        cmocka_unit_test(test_parse_number_long),
        cmocka_unit_test(test_parse_number_rejects),
        cmocka_unit_test(test_parse_number_uses_length),
        cmocka_unit_test(test_parse_number_long_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
