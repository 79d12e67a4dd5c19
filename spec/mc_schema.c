/* Binding a YAML tree to the spec's typed structs by the schema tables
 * (mc_schema.h): scalars parsed as the YAML 1.2 core schema says, ranges,
 * names and tagged unions checked, defaults bound by the same code as user
 * input, and every problem collected as a diagnostic with its line and
 * column (the binder counts errors and returns MC_EINPUT once, at the end).
 * The reverse direction, a bound spec as JSON, is mc_schema_json.c's. */
#include "mc_schema.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_str.h"

/* ---- binding ------------------------------------------------------------ */

typedef struct binder {
    const mc_bind_ctx *ctx;
    int errors;
    int nomem;
} binder;

static void report(binder *b, const mc_ynode *at, const char *path, const char *fmt, ...)
    MC_PRINTF(4, 5);

static void report(binder *b, const mc_ynode *at, const char *path, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    b->errors++;
    if (mc_diags_add(b->ctx->diags, MC_SEV_ERROR, b->ctx->file, at ? at->line : 0,
                     at ? at->col : 0, "%s%s%s", path && path[0] ? path : "",
                     path && path[0] ? ": " : "", msg) != MC_OK)
        b->nomem = 1;
}

static int is_null(const mc_ynode *n)
{
    if (n->kind != MC_YSCALAR || !n->plain)
        return 0;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

static const char *describe(const mc_ynode *n)
{
    if (is_null(n))
        return "null";
    return n->kind == MC_YSEQ ? "a list" : n->kind == MC_YMAP ? "a mapping" : NULL;
}

/* Quotes a scalar for a message, shortened. */
static const char *show(const mc_ynode *n, char *buf, size_t size)
{
    const char *d = describe(n);
    if (d)
        return d;
    if (n->len > 40)
        snprintf(buf, size, "'%.37s...'", n->text);
    else
        snprintf(buf, size, "'%s'", n->text);
    return buf;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const t[] = {"true", "True", "TRUE"};
    static const char *const f[] = {"false", "False", "FALSE"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, t[i]) == 0)
            return *out = true, 1;
        if (strcmp(s, f[i]) == 0)
            return *out = false, 1;
    }
    return 0;
}

static int all_digits(const char *s, int (*ok)(int))
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!ok((unsigned char)*s))
            return 0;
    return 1;
}

static int is_dec(int c) { return c >= '0' && c <= '9'; }
static int is_oct(int c) { return c >= '0' && c <= '7'; }
static int is_hex(int c) { return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* YAML 1.2 core schema integers: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+. 
 * Returns 1 on a well-formed integer, with *overflow set when out of range. */
static int parse_int(const char *s, long long *out, int *overflow)
{
    int base = 10;
    const char *digits = s;
    *overflow = 0;
    if (s[0] == '0' && s[1] == 'o')
        base = 8, digits = s + 2;
    else if (s[0] == '0' && s[1] == 'x')
        base = 16, digits = s + 2;
    else if (s[0] == '-' || s[0] == '+')
        digits = s + 1;
    if (!all_digits(digits, base == 8 ? is_oct : base == 16 ? is_hex : is_dec))
        return 0;
    errno = 0;
    *out = strtoll(base == 10 ? s : digits, NULL, base);
    *overflow = errno == ERANGE;
    return 1;
}

/* YAML 1.2 core schema floats (ints included). Returns 1 when well-formed. */
static int parse_number(const char *s, double *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 || strcmp(p, ".INF") == 0) {
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return 1;
    }
    if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0) {
        *out = NAN;
        return 1;
    }
    long long i;
    int overflow;
    if (parse_int(s, &i, &overflow) && !overflow && (s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))) {
        *out = (double)i;
        return 1;
    }
    int mant = 0;
    while (is_dec((unsigned char)*p))
        p++, mant++;
    if (*p == '.') {
        p++;
        while (is_dec((unsigned char)*p))
            p++, mant++;
    }
    if (!mant)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (!is_dec((unsigned char)*p))
            return 0;
        while (is_dec((unsigned char)*p))
            p++;
    }
    if (*p)
        return 0;
    *out = strtod(s, NULL);
    return 1;
}

static size_t count_names(const char *const *names)
{
    size_t n = 0;
    while (names && names[n])
        n++;
    return n;
}


static int lookup_name(const char *const *names, const char *s)
{
    for (int i = 0; names && names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* "expected one of a, b, c (did you mean 'b'?)" */
static void report_bad_word(binder *b, const mc_ynode *at, const char *path, const char *what,
                            const char *word, const char *const *names)
{
    char list[1024] = "";
    size_t n = count_names(names);
    mc_str_join(list, sizeof list, names, n, ", ");
    const char *sug = mc_str_suggest(word, names, n);
    if (sug)
        report(b, at, path, "unknown %s '%s' (did you mean '%s'?); expected one of: %s", what, word,
               sug, list);
    else
        report(b, at, path, "unknown %s '%s'; expected one of: %s", what, word, list);
}

static int check_range(binder *b, const mc_field *f, const mc_ynode *at, const char *path,
                       double v, const char *shown)
{
    char bound[32];
    if ((f->flags & MC_FF_MIN) && v < f->min) {
        snprintf(bound, sizeof bound, "%.15g", f->min);
        report(b, at, path, "%s is out of range: must be at least %s", shown, bound);
        return 0;
    }
    if ((f->flags & MC_FF_MIN_OPEN) && v <= f->min) {
        snprintf(bound, sizeof bound, "%.15g", f->min);
        report(b, at, path, "%s is out of range: must be greater than %s", shown, bound);
        return 0;
    }
    if ((f->flags & MC_FF_MAX) && v > f->max) {
        snprintf(bound, sizeof bound, "%.15g", f->max);
        report(b, at, path, "%s is out of range: must be at most %s", shown, bound);
        return 0;
    }
    if ((f->flags & MC_FF_MAX_OPEN) && v >= f->max) {
        snprintf(bound, sizeof bound, "%.15g", f->max);
        report(b, at, path, "%s is out of range: must be less than %s", shown, bound);
        return 0;
    }
    return 1;
}

static void bind_object(binder *b, const mc_schema *s, void *obj, const mc_ynode *node,
                        const char *path);
static void bind_field(binder *b, const mc_field *f, void *base, const mc_ynode *key,
                       const mc_ynode *value, const char *path);

/* An explicit tag must name the type the key takes (!!float also fits an integer-valued number). */
static int tag_fits(const mc_field *f, const char *tag)
{
    if (!tag)
        return 1;
    switch (f->type) {
    case MC_FT_STRING:
    case MC_FT_ENUM: return strcmp(tag, "str") == 0;
    case MC_FT_INT: return strcmp(tag, "int") == 0 || ((f->flags & MC_FF_AUTO) && strcmp(tag, "str") == 0);
    case MC_FT_NUMBER: return strcmp(tag, "int") == 0 || strcmp(tag, "float") == 0;
    case MC_FT_BOOL: return strcmp(tag, "bool") == 0;
    default: return 0;
    }
}

/* What a field of each scalar type expects, for messages. */
static const char *const scalar_what[] = {[MC_FT_STRING] = "a string", [MC_FT_INT] = "an integer",
                                          [MC_FT_NUMBER] = "a number", [MC_FT_BOOL] = "a boolean",
                                          [MC_FT_ENUM] = "a name"};

static void bind_scalar(binder *b, const mc_field *f, void *addr, const mc_ynode *v,
                        const char *path)
{
    char shown[64];
    if (v->kind == MC_YSCALAR && !tag_fits(f, v->tag) && strcmp(v->tag, "null") != 0) {
        report(b, v, path, "expected %s, but the value is tagged !!%s", scalar_what[f->type],
               v->tag);
        return;
    }
    if (v->kind != MC_YSCALAR || is_null(v)) {
        report(b, v, path, "expected %s, got %s", scalar_what[f->type],
               show(v, shown, sizeof shown));
        return;
    }
    switch (f->type) {
    case MC_FT_STRING: {
        if ((f->flags & MC_FF_NONEMPTY) && v->len == 0) {
            report(b, v, path, "must not be empty");
            return;
        }
        char *s = mc_arena_strndup(b->ctx->arena, v->text, v->len);
        if (!s)
            b->nomem = 1;
        *(char **)addr = s;
        return;
    }
    case MC_FT_INT: {
        long long i;
        int overflow;
        if ((f->flags & MC_FF_AUTO) && strcmp(v->text, "auto") == 0) {
            *(long long *)addr = 0;
            return;
        }
        if (!v->plain || !parse_int(v->text, &i, &overflow)) {
            int quoted = !v->plain && !v->tag && parse_int(v->text, &i, &overflow);
            report(b, v, path, "expected an integer%s, got %s%s",
                   f->flags & MC_FF_AUTO ? " or 'auto'" : "", show(v, shown, sizeof shown),
                   quoted ? " (a quoted string: remove the quotes for a number)" : "");
            return;
        }
        /* Beyond 2^53 an integer has no exact JSON number (RFC 8785), so no digest. */
        if (overflow || i > 9007199254740992LL || i < -9007199254740992LL) {
            report(b, v, path, "%s is out of range: integers in a spec are at most 2^53",
                   show(v, shown, sizeof shown));
            return;
        }
        if (check_range(b, f, v, path, (double)i, show(v, shown, sizeof shown)))
            *(long long *)addr = i;
        return;
    }
    case MC_FT_NUMBER: {
        double d;
        if (!v->plain || !parse_number(v->text, &d)) {
            int quoted = !v->plain && !v->tag && parse_number(v->text, &d);
            report(b, v, path, "expected a number, got %s%s", show(v, shown, sizeof shown),
                   quoted ? " (a quoted string: remove the quotes for a number)" : "");
            return;
        }
        if (!isfinite(d)) {
            report(b, v, path, "must be a finite number, got %s", show(v, shown, sizeof shown));
            return;
        }
        if (check_range(b, f, v, path, d, show(v, shown, sizeof shown)))
            *(double *)addr = d;
        return;
    }
    case MC_FT_BOOL: {
        bool x;
        if (!v->plain || !parse_bool(v->text, &x)) {
            int quoted = !v->plain && !v->tag && parse_bool(v->text, &x);
            report(b, v, path, "expected a boolean (true or false), got %s%s",
                   show(v, shown, sizeof shown),
                   quoted ? " (a quoted string: remove the quotes for a boolean)" : "");
            return;
        }
        *(bool *)addr = x;
        return;
    }
    case MC_FT_ENUM: {
        int idx = lookup_name(f->names, v->text);
        if (idx < 0) {
            report_bad_word(b, v, path, "value", v->text, f->names);
            return;
        }
        *(int *)addr = idx;
        return;
    }
    default: return;
    }
}

static int scalar_equal(const mc_field *elem, const void *a, const void *b)
{
    switch (elem->type) {
    case MC_FT_STRING: /* NULL: an item that failed to bind, reported already */
        return *(char *const *)a && *(char *const *)b && strcmp(*(char *const *)a, *(char *const *)b) == 0;
    case MC_FT_ENUM: return *(const int *)a == *(const int *)b;
    case MC_FT_INT: return *(const long long *)a == *(const long long *)b;
    case MC_FT_NUMBER: return *(const double *)a == *(const double *)b;
    default: return 0;
    }
}

static void bind_list(binder *b, const mc_field *f, void *addr, const mc_ynode *v,
                      const char *path)
{
    char shown[64];
    mc_list *list = addr;
    if (v->kind != MC_YSEQ) {
        report(b, v, path, "expected a list, got %s", show(v, shown, sizeof shown));
        return;
    }
    if ((f->flags & MC_FF_MIN) && (double)v->n_items < f->min) {
        report(b, v, path, "needs at least %.15g item%s", f->min, f->min == 1 ? "" : "s");
        return;
    }
    if ((f->flags & MC_FF_MAX) && (double)v->n_items > f->max) {
        report(b, v, path, "has %zu items, more than the limit of %.15g", v->n_items, f->max);
        return;
    }
    unsigned char *items = mc_arena_alloc(b->ctx->arena, f->elem_size * (v->n_items + 1));
    if (!items) {
        b->nomem = 1;
        return;
    }
    list->items = items;
    list->count = v->n_items;
    size_t plen = strlen(path) + 24;
    char *ipath = malloc(plen);
    if (!ipath) {
        b->nomem = 1;
        return;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        snprintf(ipath, plen, "%s[%zu]", path, i);
        int before = b->errors;
        bind_field(b, f->elem, items + i * f->elem_size, NULL, v->items[i], ipath);
        if (b->errors != before || !(f->flags & MC_FF_UNIQUE))
            continue;
        for (size_t j = 0; j < i; j++) {
            if (scalar_equal(f->elem, items + i * f->elem_size + f->elem->off,
                             items + j * f->elem_size + f->elem->off)) {
                report(b, v->items[i], path, "%s is listed twice",
                       show(v->items[i], shown, sizeof shown));
                break;
            }
        }
    }
    free(ipath);
}

static void bind_map(binder *b, const mc_field *f, void *addr, const mc_ynode *v,
                     const char *path)
{
    char shown[64];
    mc_list *list = addr;
    if (v->kind != MC_YMAP) {
        report(b, v, path, "expected a mapping, got %s", show(v, shown, sizeof shown));
        return;
    }
    unsigned char *items = mc_arena_alloc(b->ctx->arena, f->elem_size * (v->n_pairs + 1));
    size_t plen = strlen(path) + 96;
    char *kpath = malloc(plen);
    if (!items || !kpath) {
        free(kpath);
        b->nomem = 1;
        return;
    }
    list->items = items;
    list->count = 0;
    for (size_t i = 0; i < v->n_pairs; i++) {
        const mc_ypair *p = &v->pairs[i];
        if (f->names && lookup_name(f->names, p->key->text) < 0) {
            report_bad_word(b, p->key, path, "name", p->key->text, f->names);
            continue;
        }
        unsigned char *elem = items + list->count++ * f->elem_size;
        *(char **)elem = mc_arena_strndup(b->ctx->arena, p->key->text, p->key->len);
        if (!*(char **)elem)
            b->nomem = 1;
        snprintf(kpath, plen, "%s.%.64s", path, p->key->text);
        bind_field(b, f->elem, elem, p->key, p->value, kpath);
    }
    free(kpath);
}

static void bind_field(binder *b, const mc_field *f, void *base, const mc_ynode *key,
                       const mc_ynode *value, const char *path)
{
    void *addr = (unsigned char *)base + f->off;
    const mc_ynode *at = key ? key : value;
    int container = f->type == MC_FT_OBJECT || f->type == MC_FT_LIST || f->type == MC_FT_MAP;
    if (at && at->line > 0 && mc_locmap_put(b->ctx->locs, addr, at->line, at->col, container) != MC_OK)
        b->nomem = 1;
    if (key && f->present_off >= 0)
        *(bool *)((unsigned char *)base + f->present_off) = true;
    switch (f->type) {
    case MC_FT_OBJECT: bind_object(b, f->sub, addr, value, path); break;
    case MC_FT_LIST: bind_list(b, f, addr, value, path); break;
    case MC_FT_MAP: bind_map(b, f, addr, value, path); break;
    default: bind_scalar(b, f, addr, value, path); break;
    }
}

static const mc_ypair *find_pair(const mc_ynode *map, const char *key)
{
    for (size_t i = 0; map && i < map->n_pairs; i++)
        if (strcmp(map->pairs[i].key->text, key) == 0)
            return &map->pairs[i];
    return NULL;
}

static const mc_field *find_field(const mc_field *fields, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i].key, key) == 0)
            return &fields[i];
    return NULL;
}

static void bind_default(binder *b, const mc_field *f, void *base, const char *path)
{
    /* Defaults are YAML text, bound by the same code as user input. */
    mc_ynode *node = NULL;
    mc_diags *tmp = NULL;
    if (mc_diags_create(&tmp) != MC_OK) {
        b->nomem = 1;
        return;
    }
    int rc = mc_yaml_parse(&node, b->ctx->arena, tmp, "<default>", f->def, strlen(f->def));
    if (rc == MC_ENOMEM) {
        b->nomem = 1;
    } else if (rc != MC_OK) {
        report(b, NULL, path, "internal error: bad default '%s'", f->def);
    } else {
        mc_bind_ctx quiet = *b->ctx;
        quiet.locs = NULL; /* defaults have no place in the file */
        const mc_bind_ctx *outer = b->ctx;
        b->ctx = &quiet;
        if (node->kind == MC_YMAP && node->n_pairs == 0 && f->type != MC_FT_OBJECT &&
            f->type != MC_FT_MAP)
            ; /* an empty default: leave zero */
        else
            bind_field(b, f, base, NULL, node, path);
        b->ctx = outer;
    }
    mc_diags_free(tmp);
}

/* Binds each field from mapping `node` (NULL: all absent); `at` locates
 * errors about absent keys. */
static void bind_fields(binder *b, const mc_field *fields, size_t n, void *obj,
                        const mc_ynode *node, const mc_ynode *at, const char *path)
{
    static const mc_ynode empty = {.kind = MC_YMAP};
    size_t plen = strlen(path) + 80;
    char *fpath = malloc(plen);
    if (!fpath) {
        b->nomem = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const mc_field *f = &fields[i];
        const mc_ypair *p = find_pair(node, f->key);
        snprintf(fpath, plen, "%s%s%s", path, path[0] ? "." : "", f->key);
        if (p)
            bind_field(b, f, obj, p->key, p->value, fpath);
        else if (f->flags & MC_FF_REQUIRED)
            report(b, at, path, "missing required key '%s'", f->key);
        else if (f->def)
            bind_default(b, f, obj, fpath);
        else if (f->type == MC_FT_OBJECT && f->present_off < 0)
            bind_field(b, f, obj, NULL, &empty, fpath);
    }
    free(fpath);
}

static void check_applies(binder *b, const mc_field *fields, size_t n, const void *obj,
                          const mc_ynode *map, const char *path)
{
    for (size_t i = 0; i < n; i++) {
        const mc_ypair *p = fields[i].applies ? find_pair(map, fields[i].key) : NULL;
        if (p && !fields[i].applies(obj))
            report(b, p->key, NULL, "%s%s%s: %s", path, path[0] ? "." : "", fields[i].key,
                   fields[i].applies_msg);
    }
}

static void report_unknown_key(binder *b, const mc_schema *s, const mc_variant *var,
                               const mc_ypair *p, const char *path)
{
    const char *names[128];
    size_t n = 0;
    for (size_t i = 0; i < s->n_fields && n < 127; i++)
        names[n++] = s->fields[i].key;
    for (size_t i = 0; var && i < var->n_fields && n < 127; i++)
        names[n++] = var->fields[i].key;
    if (s->tag)
        names[n++] = s->tag;
    const char *key = p->key->text;
    const char *where = path[0] ? path : "the spec";
    /* A key of another variant: say which type it belongs to. */
    for (size_t v = 0; var && v < s->n_variants; v++) {
        if (&s->variants[v] != var && find_field(s->variants[v].fields, s->variants[v].n_fields, key)) {
            report(b, p->key, NULL, "key '%s' does not apply to %s type '%s' (it belongs to type '%s')",
                   key, s->name, var->name, s->variants[v].name);
            return;
        }
    }
    const char *sug = mc_str_suggest(key, names, n);
    char list[1024] = "";
    mc_str_join(list, sizeof list, names, n, ", ");
    if (sug)
        report(b, p->key, NULL, "unknown key '%s' in %s (did you mean '%s'?)", key, where, sug);
    else
        report(b, p->key, NULL, "unknown key '%s' in %s; expected one of: %s", key, where, list);
}

static const mc_variant *select_variant(binder *b, const mc_schema *s, void *obj,
                                        const mc_ynode *node, const char *path)
{
    const mc_ynode *tagnode = node;
    if (node->kind == MC_YMAP) {
        const mc_ypair *p = find_pair(node, s->tag);
        if (!p) {
            const char *names[64];
            char list[512] = "";
            for (size_t i = 0; i < s->n_variants && i < 64; i++)
                names[i] = s->variants[i].name;
            mc_str_join(list, sizeof list, names, s->n_variants, ", ");
            report(b, node, path, "missing required key '%s' (one of: %s)", s->tag, list);
            return NULL;
        }
        tagnode = p->value;
    }
    char shown[64];
    if (tagnode->kind != MC_YSCALAR || is_null(tagnode)) {
        report(b, tagnode, path, "expected a %s type name, got %s", s->name,
               show(tagnode, shown, sizeof shown));
        return NULL;
    }
    for (size_t i = 0; i < s->n_variants; i++) {
        if (strcmp(s->variants[i].name, tagnode->text) == 0) {
            *(int *)((unsigned char *)obj + s->tag_off) = (int)i;
            if (mc_locmap_put(b->ctx->locs, (unsigned char *)obj + s->tag_off, tagnode->line,
                           tagnode->col, 0) != MC_OK)
                b->nomem = 1;
            return &s->variants[i];
        }
    }
    const char *names[64];
    for (size_t i = 0; i < s->n_variants && i < 63; i++)
        names[i] = s->variants[i].name;
    names[s->n_variants < 63 ? s->n_variants : 63] = NULL;
    char what[96];
    snprintf(what, sizeof what, "%s type", s->name);
    report_bad_word(b, tagnode, path, what, tagnode->text, names);
    return NULL;
}

static void bind_object(binder *b, const mc_schema *s, void *obj, const mc_ynode *node,
                        const char *path)
{
    char shown[64];
    const mc_variant *var = NULL;
    if (s->tag) {
        if (node->kind == MC_YSEQ || is_null(node)) {
            report(b, node, path, "expected a %s (a type name or a mapping), got %s", s->name,
                   show(node, shown, sizeof shown));
            return;
        }
        var = select_variant(b, s, obj, node, path);
        if (!var)
            return;
    } else if (node->kind != MC_YMAP) {
        report(b, node, path, "expected a mapping, got %s", show(node, shown, sizeof shown));
        return;
    }
    const mc_ynode *map = node->kind == MC_YMAP ? node : NULL;
    bind_fields(b, s->fields, s->n_fields, obj, map, node, path);
    if (var)
        bind_fields(b, var->fields, var->n_fields, obj, map, node, path);
    check_applies(b, s->fields, s->n_fields, obj, map, path);
    if (var)
        check_applies(b, var->fields, var->n_fields, obj, map, path);
    for (size_t i = 0; map && i < map->n_pairs; i++) {
        const char *key = map->pairs[i].key->text;
        if (find_field(s->fields, s->n_fields, key) ||
            (var && find_field(var->fields, var->n_fields, key)) || (s->tag && strcmp(key, s->tag) == 0))
            continue;
        report_unknown_key(b, s, var, &map->pairs[i], path);
    }
}

int mc_schema_bind(const mc_bind_ctx *ctx, const mc_schema *schema, void *obj,
                   const mc_ynode *node)
{
    binder b = {ctx, 0, 0};
    bind_object(&b, schema, obj, node, "");
    if (b.nomem)
        return mc_error_nomem();
    return b.errors ? MC_EINPUT : MC_OK;
}
