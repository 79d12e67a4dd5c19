/* JSON encodings (mc_json.h): the canonical form (RFC 8785: keys sorted by
 * UTF-16 code units, numbers in ECMAScript's shortest form) for digests and
 * signatures, the same indented for people, the streamed canonical writer,
 * insertions that turn jansson's failures into MC_ENOMEM, and wiping a document
 * that held secrets. Parsing is jansson's, never ours. */
#include "mc_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mc_buf.h"
#include "mc_error.h"

int mc_json_format_number(char buf[32], double x)
{
    if (!isfinite(x))
        return mc_error_set(MC_EINPUT, "JSON cannot represent %s", isnan(x) ? "NaN" : "infinity");
    if (x == 0) {
        strcpy(buf, "0"); /* -0 too, as ECMAScript */
        return MC_OK;
    }
    /* Shortest precision whose %e form reads back to the same double. */
    char e[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, x);
        if (strtod(e, NULL) == x)
            break;
    }
    /* e is "[-]d[.ddd]e[+-]XX": split digits and exponent. */
    const char *p = e;
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    char digits[20];
    int k = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[k++] = *p;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    int n = atoi(p + 1) + 1; /* value = 0.digits * 10^n */

    char *o = buf;
    if (neg)
        *o++ = '-';
    if (k <= n && n <= 21) {
        memcpy(o, digits, (size_t)k);
        o += k;
        for (int i = 0; i < n - k; i++)
            *o++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(o, digits, (size_t)n);
        o += n;
        *o++ = '.';
        memcpy(o, digits + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -n; i++)
            *o++ = '0';
        memcpy(o, digits, (size_t)k);
        o += k;
    } else {
        *o++ = digits[0];
        if (k > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(k - 1));
            o += k - 1;
        }
        o += sprintf(o, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
    *o = '\0';
    return MC_OK;
}

/* Bytes a canonical JSON string escapes: '"', '\\' and the control characters. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1};

/* Appends s[0..len) as a JSON string in canonical form (quotes, and escapes
 * only for '"', '\\' and control characters; \b \f \n \r \t by name). */
static void put_string(mc_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    mc_buf_put(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!needs_escape[c])
            continue;
        const char *esc;
        char u[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            memcpy(u, "\\u00", 4);
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = '\0';
            esc = u;
        }
        mc_buf_put(b, s + start, i - start);
        mc_buf_puts(b, esc);
        start = i + 1;
    }
    mc_buf_put(b, s + start, len - start);
    mc_buf_put(b, "\"", 1);
}

/* Next UTF-16 code unit sequence of a UTF-8 string (jansson guarantees validity). */
static unsigned next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned c = *s++;
    int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    c &= n == 0 ? 0x7F : n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07;
    while (n--)
        c = (c << 6) | (*s++ & 0x3F);
    *p = s;
    return c;
}

/* Compare keys by UTF-16 code units, as RFC 8785 requires. */
static int cmp_utf16(const void *pa, const void *pb)
{
    const unsigned char *a = *(const unsigned char *const *)pa;
    const unsigned char *b = *(const unsigned char *const *)pb;
    unsigned pend_a = 0, pend_b = 0; /* pending low surrogates */
    for (;;) {
        unsigned ua, ub;
        if (pend_a) {
            ua = pend_a;
            pend_a = 0;
        } else if (!*a) {
            ua = 0x110000; /* end marker */
        } else {
            unsigned cp = next_cp(&a);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                ua = 0xD800 + (cp >> 10);
                pend_a = 0xDC00 + (cp & 0x3FF);
            } else {
                ua = cp;
            }
        }
        if (pend_b) {
            ub = pend_b;
            pend_b = 0;
        } else if (!*b) {
            ub = 0x110000;
        } else {
            unsigned cp = next_cp(&b);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                ub = 0xD800 + (cp >> 10);
                pend_b = 0xDC00 + (cp & 0x3FF);
            } else {
                ub = cp;
            }
        }
        if (ua == 0x110000 && ub == 0x110000)
            return 0;
        if (ua == 0x110000)
            return -1;
        if (ub == 0x110000)
            return 1;
        if (ua != ub)
            return ua < ub ? -1 : 1;
    }
}

/* Keys in RFC 8785 order. UTF-8 byte order is code point order, and code
 * point order is UTF-16 code unit order except between a character above
 * U+FFFF (lead byte F0-F4) and one from U+E000 to U+FFFF (lead byte EE-EF):
 * only then is the full UTF-16 comparison needed. */
static int cmp_keys(const void *pa, const void *pb)
{
    const unsigned char *a = *(const unsigned char *const *)pa;
    const unsigned char *b = *(const unsigned char *const *)pb;
    while (*a && *a == *b)
        a++, b++;
    if ((*a >= 0xF0 && (*b == 0xEE || *b == 0xEF)) || (*b >= 0xF0 && (*a == 0xEE || *a == 0xEF)))
        return cmp_utf16(pa, pb);
    return (*a > *b) - (*a < *b);
}

/* An integer in decimal, without printf. */
static void put_integer(mc_buf *b, json_int_t v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    mc_buf_put(b, p, (size_t)(tmp + sizeof tmp - p));
}

static void newline(mc_buf *b, int indent, int depth)
{
    if (indent <= 0)
        return;
    mc_buf_put(b, "\n", 1);
    for (int i = 0; i < indent * depth; i++)
        mc_buf_put(b, " ", 1);
}

static int encode(mc_buf *b, const json_t *v, int indent, int depth)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_NULL: mc_buf_puts(b, "null"); return MC_OK;
    case JSON_TRUE: mc_buf_puts(b, "true"); return MC_OK;
    case JSON_FALSE: mc_buf_puts(b, "false"); return MC_OK;
    case JSON_STRING: put_string(b, json_string_value(v), json_string_length(v)); return MC_OK;
    case JSON_INTEGER: put_integer(b, json_integer_value(v)); return MC_OK;
    case JSON_REAL: {
        int rc = mc_json_format_number(num, json_real_value(v));
        if (rc)
            return rc;
        mc_buf_puts(b, num);
        return MC_OK;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        mc_buf_put(b, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                mc_buf_put(b, ",", 1);
            newline(b, indent, depth + 1);
            int rc = encode(b, json_array_get(v, i), indent, depth + 1);
            if (rc)
                return rc;
        }
        if (n)
            newline(b, indent, depth);
        mc_buf_put(b, "]", 1);
        return MC_OK;
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        const char **keys = malloc((n ? n : 1) * sizeof *keys);
        if (!keys)
            return mc_error_nomem();
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)v, key, val) keys[i++] = key;
        qsort(keys, n, sizeof *keys, cmp_keys);
        mc_buf_put(b, "{", 1);
        int rc = MC_OK;
        for (i = 0; i < n && rc == MC_OK; i++) {
            if (i)
                mc_buf_put(b, ",", 1);
            newline(b, indent, depth + 1);
            put_string(b, keys[i], strlen(keys[i]));
            mc_buf_puts(b, indent > 0 ? ": " : ":");
            rc = encode(b, json_object_get(v, keys[i]), indent, depth + 1);
        }
        free(keys);
        if (rc)
            return rc;
        if (n)
            newline(b, indent, depth);
        mc_buf_put(b, "}", 1);
        return MC_OK;
    }
    }
    return mc_error_set(MC_EINTERNAL, "unknown JSON type");
}

static int encode_to(char **out, size_t *len, const json_t *v, int indent)
{
    mc_buf b = {0};
    int rc = encode(&b, v, indent, 0);
    if (rc == MC_OK && indent > 0)
        mc_buf_put(&b, "\n", 1);
    if (rc) {
        mc_buf_free(&b);
        return rc;
    }
    return mc_buf_take(&b, out, len);
}

int mc_json_canonical(char **out, size_t *len, const json_t *v)
{
    return encode_to(out, len, v, 0);
}

int mc_json_pretty(char **out, size_t *len, const json_t *v, int indent)
{
    return encode_to(out, len, v, indent > 0 ? indent : 2);
}

int mc_json_set(json_t *obj, const char *key, json_t *v)
{
    return json_object_set_new(obj, key, v) == 0 ? MC_OK : mc_error_nomem();
}

int mc_json_append(json_t *arr, json_t *v)
{
    return json_array_append_new(arr, v) == 0 ? MC_OK : mc_error_nomem();
}

/* ---- the streamed encoder ---------------------------------------------------------- */

/* The separator before a member or element at this depth. */
static void writer_separate(mc_json_writer *w)
{
    if (!w->first[w->depth])
        mc_buf_put(&w->buf, ",", 1);
    w->first[w->depth] = 0;
}

void mc_json_writer_begin_object(mc_json_writer *w)
{
    if (w->depth + 1 >= MC_JSON_WRITER_DEPTH) {
        w->error = w->error ? w->error : mc_error_set(MC_EINTERNAL, "JSON writer: too deep");
        return;
    }
    mc_buf_put(&w->buf, "{", 1);
    w->depth++;
    w->first[w->depth] = 1;
    w->last[w->depth] = NULL;
}

void mc_json_writer_end_object(mc_json_writer *w)
{
    mc_buf_put(&w->buf, "}", 1);
    if (w->depth > 0)
        w->depth--;
}

void mc_json_writer_key(mc_json_writer *w, const char *key)
{
    const char *prev = w->last[w->depth];
    if (prev && cmp_keys(&prev, &key) >= 0 && !w->error)
        w->error = mc_error_set(MC_EINTERNAL, "JSON writer: key '%s' out of canonical order", key);
    w->last[w->depth] = key;
    writer_separate(w);
    put_string(&w->buf, key, strlen(key));
    mc_buf_put(&w->buf, ":", 1);
}

void mc_json_writer_string(mc_json_writer *w, const char *s)
{
    if (s)
        put_string(&w->buf, s, strlen(s));
    else
        mc_buf_put(&w->buf, "null", 4);
}

void mc_json_writer_integer(mc_json_writer *w, long long v)
{
    put_integer(&w->buf, (json_int_t)v);
}

void mc_json_writer_value(mc_json_writer *w, const json_t *v)
{
    int rc = encode(&w->buf, v, 0, 0);
    if (rc && !w->error)
        w->error = rc;
}

void mc_json_writer_raw(mc_json_writer *w, const char *canonical_text)
{
    mc_buf_puts(&w->buf, canonical_text);
}

int mc_json_writer_finish(mc_json_writer *w, char **out, size_t *len)
{
    int rc = w->error;
    if (rc == MC_OK && w->depth != 0)
        rc = mc_error_set(MC_EINTERNAL, "JSON writer: an object was left open");
    if (rc) {
        mc_buf_free(&w->buf);
        memset(w, 0, sizeof *w);
        return rc;
    }
    rc = mc_buf_take(&w->buf, out, len);
    memset(w, 0, sizeof *w);
    return rc;
}

void mc_json_wipe(json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;
    if (!v || v->refcount > 1)
        return;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        json_object_foreach(v, key, item)
            mc_json_wipe(item);
        break;
    case JSON_ARRAY:
        json_array_foreach(v, i, item)
            mc_json_wipe(item);
        break;
    case JSON_STRING: /* jansson owns a mutable copy: wiped in place, length kept */
        OPENSSL_cleanse((char *)json_string_value(v), json_string_length(v));
        break;
    case JSON_REAL:
        json_real_set(v, 0.0);
        break;
    case JSON_INTEGER:
        json_integer_set(v, 0);
        break;
    default:
        break;
    }
}
