/* Escaping for the reports (mc_report_esc.h): text from specs, data and file
 * names made safe for XML/HTML, Markdown and YAML (ill-formed UTF-8 as
 * U+FFFD, control characters as \xNN), and numbers and JSON values written
 * the same way in every format. */
#include "mc_report_esc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_str.h"

/* The next code point of s (at most 4 bytes); *n is its length. Ill-formed
 * UTF-8 (a stray byte, an overlong form, a surrogate, past U+10FFFF) is
 * returned as -1 with *n = 1, to be replaced by U+FFFD. */
static long next_cp(const unsigned char *s, size_t *n)
{
    unsigned c = s[0];
    *n = 1;
    if (c < 0x80)
        return (long)c;
    int len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
    if (!len || (len == 3 && c > 0xef))
        return -1;
    long cp = c & (0x3f >> (len - 1));
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return -1;
    *n = (size_t)len;
    return cp;
}

/* Control characters: C0 (but tab and LF where kept), DEL, C1; and for XML the
 * non-characters U+FFFE and U+FFFF, which XML 1.0 forbids. */
static int is_control(long cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff;
}

enum mode { XML_TEXT, XML_ATTR, MD, YAML };

static void escape(mc_buf *b, const char *str, enum mode m)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        size_t n;
        long cp = next_cp(s, &n);
        const char *rep = NULL;
        char tmp[16];
        if (cp < 0) {
            rep = m == YAML ? "\\uFFFD" : "\xef\xbf\xbd";
        } else if (m == XML_TEXT || m == XML_ATTR) {
            switch (cp) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&#39;"; break;
            case '\n': rep = m == XML_ATTR ? "&#10;" : "\n"; break;
            case '\t': rep = m == XML_ATTR ? "&#9;" : "\t"; break;
            default: break;
            }
        } else if (m == MD) {
            if (cp == '\n' || cp == '\r' || cp == '\t')
                rep = " ";
            else if (cp == '&')
                rep = "&amp;";
            else if (cp == '<')
                rep = "&lt;";
            else if (cp == '>')
                rep = "&gt;";
            else if (cp < 0x80 && strchr("\\`*_[]|~$", (int)cp)) {
                snprintf(tmp, sizeof tmp, "\\%c", (int)cp);
                rep = tmp;
            }
        } else { /* YAML */
            if (cp == '"')
                rep = "\\\"";
            else if (cp == '\\')
                rep = "\\\\";
            else if (cp == '\n')
                rep = "\\n";
            else if (cp == '\t')
                rep = "\\t";
        }
        if (!rep && cp >= 0 && is_control(cp)) {
            if (m == YAML)
                snprintf(tmp, sizeof tmp, cp > 0xff ? "\\u%04lX" : "\\x%02lX", cp);
            else
                snprintf(tmp, sizeof tmp, "\\x%02lX", cp & 0xffff);
            rep = tmp;
        }
        if (rep)
            mc_buf_puts(b, rep);
        else
            mc_buf_put(b, (const char *)s, n);
        s += n;
    }
}

void mc_esc_xml(mc_buf *b, const char *s)
{
    escape(b, s, XML_TEXT);
}

void mc_esc_xml_attr(mc_buf *b, const char *s)
{
    escape(b, s, XML_ATTR);
}

void mc_esc_md(mc_buf *b, const char *s)
{
    escape(b, s, MD);
}

void mc_esc_yaml(mc_buf *b, const char *s)
{
    mc_buf_put(b, "\"", 1);
    escape(b, s, YAML);
    mc_buf_put(b, "\"", 1);
}

void mc_report_num(mc_buf *b, double x)
{
    if (!isfinite(x)) {
        mc_buf_puts(b, isnan(x) ? "NaN" : x > 0 ? "inf" : "-inf");
        return;
    }
    if (x == 0)
        x = 0; /* no "-0" */
    mc_buf_printf(b, "%.4g", x);
}

static void value(mc_buf *b, const json_t *v, int depth)
{
    if (depth > 8) {
        mc_buf_puts(b, "…");
        return;
    }
    switch (json_typeof(v)) {
    case JSON_NULL: mc_buf_puts(b, depth ? "null" : "—"); break;
    case JSON_TRUE: mc_buf_puts(b, "true"); break;
    case JSON_FALSE: mc_buf_puts(b, "false"); break;
    case JSON_INTEGER: mc_buf_printf(b, "%lld", (long long)json_integer_value(v)); break;
    case JSON_REAL: mc_report_num(b, json_real_value(v)); break;
    case JSON_STRING: mc_buf_puts(b, json_string_value(v)); break;
    case JSON_ARRAY: {
        mc_buf_puts(b, "[");
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                mc_buf_puts(b, ", ");
            value(b, json_array_get(v, i), depth + 1);
        }
        mc_buf_puts(b, "]");
        break;
    }
    case JSON_OBJECT: {
        /* Keys sorted, so the text does not depend on how the object was built. */
        size_t n = json_object_size(v), k = 0;
        const char **keys = n ? malloc(n * sizeof *keys) : NULL;
        if (n && !keys) {
            b->failed = 1;
            return;
        }
        const char *key;
        json_t *item;
        json_object_foreach((json_t *)v, key, item) keys[k++] = key;
        if (n) /* keys is NULL for {}: qsort of a null array is undefined */
            qsort(keys, n, sizeof *keys, mc_str_cmp_ptr);
        if (depth)
            mc_buf_puts(b, "{");
        for (size_t i = 0; i < n; i++) {
            mc_buf_printf(b, "%s%s ", i ? ", " : "", keys[i]);
            value(b, json_object_get(v, keys[i]), depth + 1);
        }
        if (depth)
            mc_buf_puts(b, "}");
        free(keys);
        break;
    }
    }
}

void mc_report_value(mc_buf *b, const json_t *v)
{
    if (!v)
        mc_buf_puts(b, "—");
    else
        value(b, v, 0);
}
