/* The growable text buffer (mc_buf.h). Its failure is sticky: an append that
 * cannot grow the buffer marks it failed and later appends do nothing, so a
 * builder checks once, at mc_buf_take, which reports MC_ENOMEM. */
#include "mc_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(mc_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        b->failed = 1;
        return 0;
    }
    b->data = d;
    b->cap = cap;
    return 1;
}

void mc_buf_put_grow(mc_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mc_buf_puts(mc_buf *b, const char *s)
{
    mc_buf_put(b, s, strlen(s));
}

void mc_buf_printf(mc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

int mc_buf_take(mc_buf *b, char **out, size_t *len)
{
    if (!b->failed && !b->data)
        reserve(b, 0);
    if (b->failed) {
        mc_buf_free(b);
        return mc_error_nomem();
    }
    b->data[b->len] = '\0';
    *out = b->data;
    if (len)
        *len = b->len;
    memset(b, 0, sizeof *b);
    return MC_OK;
}

void mc_buf_free(mc_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void mc_buf_put_csv_field(mc_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n"))
        mc_buf_put_csv_quoted(b, s);
    else
        mc_buf_puts(b, s);
}

void mc_buf_put_csv_quoted(mc_buf *b, const char *s)
{
    mc_buf_put(b, "\"", 1);
    for (; *s; s++) {
        mc_buf_put(b, s, 1);
        if (*s == '"') /* a quote inside a quoted field is doubled */
            mc_buf_put(b, s, 1);
    }
    mc_buf_put(b, "\"", 1);
}
