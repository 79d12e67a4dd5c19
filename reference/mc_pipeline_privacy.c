/* The privacy transforms, fitted and applied (docs/engine.md, docs/privacy.md):
 *   hash        keyed pseudonymisation: HMAC-SHA256 under a key read from the
 *               environment variable the spec names; the value becomes the 64
 *               lowercase hex digits of the MAC. The key is never stored: the
 *               artifact keeps the variable's name and a short key check.
 *   mask        all but the last keep_last characters become mask_char.
 *   generalize  numbers to the lower edge of their bin of bin_width; text to
 *               its first prefix_length characters (postcodes); calendar
 *               dates (mc_date.h) to their year (a number) or YYYY-MM (text);
 *               a cell that is not a valid date is an input error naming the
 *               file, line and column, never the value.
 * Characters are UTF-8 code points. Missing cells stay missing. A numeric
 * column that is hashed, masked, cut to a prefix or read as dates becomes
 * text (its values in their shortest form) first; the engine reads such
 * columns as text to begin with (mc_step_reads_text). */
#include "mc_pipeline.h"

#include <math.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_date.h"
#include "mc_env.h"
#include "mc_error.h"

int mc_step_reads_text(const mc_step *s)
{
    return s->type == MC_STEP_HASH || s->type == MC_STEP_MASK ||
           (s->type == MC_STEP_GENERALIZE && (s->has_prefix_length || s->has_date));
}

/* The key, from the environment: MC_EINPUT when unset or empty. */
static int hash_key(const char **key, const mc_fitted_step *f)
{
    const char *k = mc_env_named(f->key_env);
    if (!k || !*k)
        return mc_error_set(MC_EINPUT,
                            "the hash step needs its key in the environment variable %s, which "
                            "is %s; set it to the key the model is (or was) trained with",
                            f->key_env, k ? "empty" : "not set");
    *key = k;
    return MC_OK;
}

/* hex = HMAC-SHA256(key, data) in lowercase hex (65 bytes with the NUL). */
static int hmac_hex(char hex[65], const char *key, const char *data, size_t len)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)data, len, mac, &n) ||
        n != 32)
        return mc_error_nomem(); /* OpenSSL fails here only when it cannot allocate */
    for (unsigned i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    return MC_OK;
}

static int key_check(char out[17], const char *key)
{
    char hex[65];
    int rc = hmac_hex(hex, key, MC_HASH_KEY_CHECK, strlen(MC_HASH_KEY_CHECK));
    if (rc == MC_OK) {
        memcpy(out, hex, 16);
        out[16] = '\0';
    }
    return rc;
}

int mc_pipeline_fit_privacy(mc_fitted_step *f, const mc_step *s, const mc_table *train)
{
    const char *key = NULL;
    int rc = MC_OK;
    switch (s->type) {
    case MC_STEP_HASH:
        if (!s->salt_env)
            return mc_error_set(MC_EINPUT, "a hash step needs salt_env: the name of the "
                                "environment variable that holds its key");
        if (!(f->key_env = strdup(s->salt_env)))
            return mc_error_nomem();
        rc = hash_key(&key, f);
        return rc ? rc : key_check(f->key_check, key);
    case MC_STEP_MASK:
        f->keep_last = s->keep_last;
        f->mask_char = s->mask_char[0];
        return MC_OK;
    default: /* generalize */
        f->bin_width = s->has_bin_width ? s->bin_width : 0;
        f->prefix_length = s->has_prefix_length ? s->prefix_length : 0;
        f->has_date = s->has_date;
        f->date_part = s->has_date ? s->date_part : 0;
        for (size_t i = 0; f->bin_width > 0 && i < f->n_cols; i++) {
            long c = mc_table_find(train, f->cols[i].name);
            if (c >= 0 && train->cols[c].kind != MC_COLKIND_NUMERIC)
                return mc_error_set(MC_EINPUT, "column '%s' is text; bin_width needs a numeric "
                                    "column (prefix_length cuts text)", f->cols[i].name);
        }
        return MC_OK;
    }
}

/* Bytes of the first `chars` UTF-8 characters of s (all of s when shorter). */
static size_t utf8_prefix_bytes(const char *s, size_t chars)
{
    size_t i = 0, k = 0;
    while (s[i] && k < chars) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        k++;
    }
    return i;
}

static size_t utf8_length(const char *s)
{
    size_t k = 0;
    for (; *s; s++)
        k += (*s & 0xC0) != 0x80;
    return k;
}

/* *out: the transformed text of one value (the caller frees it). */
static int transform_text(char **out, const mc_fitted_step *f, const char *key, const char *v)
{
    size_t len = strlen(v);
    if (f->type == MC_STEP_HASH) {
        char hex[65];
        int rc = hmac_hex(hex, key, v, len);
        if (rc)
            return rc;
        return (*out = strdup(hex)) ? MC_OK : mc_error_nomem();
    }
    if (f->type == MC_STEP_GENERALIZE && f->has_date) { /* YYYY-MM of a validated date */
        mc_date d;
        char buf[32];
        if (mc_date_parse(&d, v) != MC_DATE_OK)
            return mc_error_set(MC_EINTERNAL, "a date changed between checking and use");
        snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
        return (*out = strdup(buf)) ? MC_OK : mc_error_nomem();
    }
    if (f->type == MC_STEP_GENERALIZE) { /* a prefix */
        size_t n = utf8_prefix_bytes(v, (size_t)f->prefix_length);
        if (!(*out = malloc(n + 1)))
            return mc_error_nomem();
        memcpy(*out, v, n);
        (*out)[n] = '\0';
        return MC_OK;
    }
    /* mask: one mask_char per hidden character, the last keep_last kept */
    size_t chars = utf8_length(v);
    size_t hidden = chars > (size_t)f->keep_last ? chars - (size_t)f->keep_last : 0;
    size_t from = utf8_prefix_bytes(v, hidden);
    if (!(*out = malloc(hidden + (len - from) + 1)))
        return mc_error_nomem();
    memset(*out, f->mask_char, hidden);
    memcpy(*out + hidden, v + from, len - from + 1);
    return MC_OK;
}

typedef struct level { char *text; size_t old; } level;

static int cmp_level(const void *a, const void *b)
{
    const level *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->old > y->old) - (x->old < y->old);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* A numeric column becomes categorical: each row's value its own level
 * (deduplicated by map_levels). */
static int to_text_column(mc_column *col, size_t n_rows)
{
    uint32_t *codes = malloc((n_rows ? n_rows : 1) * sizeof *codes);
    char **levels = calloc(n_rows ? n_rows : 1, sizeof *levels);
    int rc = codes && levels ? MC_OK : mc_error_nomem();
    size_t n_levels = 0;
    for (size_t r = 0; rc == MC_OK && r < n_rows; r++) {
        char buf[32];
        const char *text = mc_column_cell_text(col, r, buf);
        codes[r] = MC_CODE_MISSING;
        if (!text)
            continue;
        if (!(levels[n_levels] = strdup(text)))
            rc = mc_error_nomem();
        else
            codes[r] = (uint32_t)n_levels++;
    }
    if (rc) {
        for (size_t i = 0; i < n_levels; i++)
            free(levels[i]);
        free(levels);
        free(codes);
        return rc;
    }
    free(col->num);
    col->num = NULL;
    col->kind = MC_COLKIND_CATEGORICAL;
    col->codes = codes;
    col->levels = levels;
    col->n_levels = n_levels;
    return MC_OK;
}

/* Transforms a categorical column's levels, merging the ones that become
 * equal; the new levels keep first-seen order. */
static int map_levels(mc_column *col, size_t n_rows, const mc_fitted_step *f, const char *key)
{
    size_t n = col->n_levels;
    level *lv = calloc(n ? n : 1, sizeof *lv);
    size_t *group = malloc((n ? n : 1) * sizeof *group), *rep = malloc((n ? n : 1) * sizeof *rep);
    size_t *order = malloc((n ? n : 1) * sizeof *order), *code = malloc((n ? n : 1) * sizeof *code);
    char **levels = calloc(n ? n : 1, sizeof *levels);
    int rc = lv && group && rep && order && code && levels ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        lv[i].old = i;
        rc = transform_text(&lv[i].text, f, key, col->levels[i]);
    }
    size_t groups = 0;
    if (rc == MC_OK) {
        qsort(lv, n, sizeof *lv, cmp_level);
        for (size_t i = 0; i < n; i++) {
            if (groups == 0 || strcmp(lv[i].text, levels[groups - 1]) != 0) {
                rep[groups] = lv[i].old; /* the first-seen old level of the group */
                levels[groups] = lv[i].text;
                lv[i].text = NULL;
                groups++;
            }
            group[lv[i].old] = groups - 1;
        }
        /* new codes in first-seen order: groups sorted by their first old level */
        for (size_t g = 0; g < groups; g++)
            order[g] = rep[g] * n + g; /* n <= 2^32: fits a size_t on 64-bit */
        qsort(order, groups, sizeof *order, cmp_size);
        char **sorted = calloc(groups ? groups : 1, sizeof *sorted);
        if (!sorted) {
            rc = mc_error_nomem();
        } else {
            for (size_t k = 0; k < groups; k++) {
                size_t g = order[k] % n;
                code[g] = k;
                sorted[k] = levels[g];
                levels[g] = NULL;
            }
            for (size_t r = 0; r < n_rows; r++)
                if (col->codes[r] != MC_CODE_MISSING)
                    col->codes[r] = (uint32_t)code[group[col->codes[r]]];
            for (size_t i = 0; i < n; i++)
                free(col->levels[i]);
            free(col->levels);
            col->levels = sorted;
            col->n_levels = groups;
        }
    }
    for (size_t i = 0; lv && i < n; i++)
        free(lv[i].text);
    for (size_t g = 0; levels && g < n; g++)
        free(levels[g]);
    free(lv), free(group), free(rep), free(order), free(code), free(levels);
    return rc;
}

/* Checks that every non-missing cell of categorical column `col` is a valid
 * date: the first one that is not is an input error at its file, line and
 * column, with the reason but never the value (the column may hold personal
 * data). *years (n_levels entries, the caller frees it) gets each level's year. */
static int check_dates(int **years, const mc_table *t, const mc_column *col)
{
    int *y = malloc((col->n_levels ? col->n_levels : 1) * sizeof *y);
    signed char *st = malloc(col->n_levels ? col->n_levels : 1);
    int rc = y && st ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < col->n_levels; i++) {
        mc_date d = {0, 0, 0};
        st[i] = (signed char)mc_date_parse(&d, col->levels[i]);
        y[i] = d.year;
    }
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++) {
        uint32_t code = col->codes[r];
        if (code != MC_CODE_MISSING && st[code] != MC_DATE_OK)
            rc = mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 1,
                                 "column '%s' (generalize date): the value is %s (not shown)",
                                 col->name, mc_date_status_text((mc_date_status)st[code]));
    }
    free(st);
    if (rc)
        free(y);
    else
        *years = y;
    return rc;
}

/* generalize date: year: the column becomes numeric, each row its date's year. */
static int dates_to_years(mc_column *col, size_t n_rows, const int *years)
{
    double *num = malloc((n_rows ? n_rows : 1) * sizeof *num);
    if (!num)
        return mc_error_nomem();
    for (size_t r = 0; r < n_rows; r++)
        num[r] = col->codes[r] == MC_CODE_MISSING ? NAN : (double)years[col->codes[r]];
    for (size_t i = 0; i < col->n_levels; i++)
        free(col->levels[i]);
    free(col->levels);
    free(col->codes);
    col->levels = NULL;
    col->codes = NULL;
    col->n_levels = 0;
    col->kind = MC_COLKIND_NUMERIC;
    col->num = num;
    return MC_OK;
}

static int apply_dates(const mc_fitted_step *f, mc_table *t, mc_column *col)
{
    int *years = NULL;
    int rc = col->kind == MC_COLKIND_NUMERIC ? to_text_column(col, t->n_rows) : MC_OK;
    rc = rc ? rc : check_dates(&years, t, col);
    if (rc == MC_OK)
        rc = f->date_part == MC_DATE_YEAR ? dates_to_years(col, t->n_rows, years)
                                          : map_levels(col, t->n_rows, f, NULL);
    free(years);
    return rc;
}

int mc_pipeline_apply_privacy(const mc_fitted_step *f, mc_table *t)
{
    const char *key = NULL;
    char check[17];
    int rc = f->type == MC_STEP_HASH ? hash_key(&key, f) : MC_OK;
    if (rc == MC_OK && key && (rc = key_check(check, key)) == MC_OK &&
        strcmp(check, f->key_check) != 0)
        rc = mc_error_set(MC_EINPUT, "the key in the environment variable %s is not the key this "
                          "model's hash step was fitted with (its key check differs)", f->key_env);
    for (size_t i = 0; rc == MC_OK && i < f->n_cols; i++) {
        long c = mc_table_find(t, f->cols[i].name);
        if (c < 0)
            return mc_error_set(MC_EINPUT, "%s: column '%s' is missing", t->source,
                                f->cols[i].name);
        mc_column *col = &t->cols[c];
        if (f->type == MC_STEP_GENERALIZE && f->bin_width > 0) {
            if (col->kind != MC_COLKIND_NUMERIC)
                return mc_error_set(MC_EINPUT, "%s: column '%s' is not numeric", t->source,
                                    f->cols[i].name);
            for (size_t r = 0; r < t->n_rows; r++) {
                double g = floor(col->num[r] / f->bin_width) * f->bin_width;
                if (isinf(g)) /* a table holds finite numbers only (NaN: missing) */
                    return mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 1,
                                           "column '%s': bin_width %g is too small for this "
                                           "cell: its bin overflows", f->cols[i].name,
                                           f->bin_width);
                col->num[r] = g;
            }
            continue;
        }
        if (f->type == MC_STEP_GENERALIZE && f->has_date) {
            rc = apply_dates(f, t, col);
            continue;
        }
        if (col->kind == MC_COLKIND_NUMERIC)
            rc = to_text_column(col, t->n_rows);
        if (rc == MC_OK)
            rc = map_levels(col, t->n_rows, f, key);
    }
    return rc;
}
