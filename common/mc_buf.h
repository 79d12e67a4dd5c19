/* A growable byte buffer for building text. Appends never fail loudly: after
 * an allocation failure `failed` is set and later appends do nothing, so a
 * builder checks once at the end. data is always NUL-terminated (once non-empty). */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stddef.h>
#include <string.h>

#include "mc_error.h"

typedef struct mc_buf {
    char *data;
    size_t len, cap;
    int failed;
} mc_buf;

/* Appends n bytes of s, a string, or printf-formatted text (a zeroed mc_buf
 * is an empty buffer). */
/* The slow path of mc_buf_put: grows the buffer first. */
void mc_buf_put_grow(mc_buf *b, const char *s, size_t n);
static inline void mc_buf_put(mc_buf *b, const char *s, size_t n)
{
    if (b->failed || b->len + n + 1 > b->cap) {
        mc_buf_put_grow(b, s, n);
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}
void mc_buf_puts(mc_buf *b, const char *s);
void mc_buf_printf(mc_buf *b, const char *fmt, ...) MC_PRINTF(2, 3);
/* Appends s as one CSV field (RFC 4180): as it is, or quoted, with quotes
 * doubled, when it holds a comma, quote, CR or LF. */
void mc_buf_put_csv_field(mc_buf *b, const char *s);
/* The same, always quoted (so that "" stands apart from an empty field). */
void mc_buf_put_csv_quoted(mc_buf *b, const char *s);
/* Hands the text over (caller frees) or fails with MC_ENOMEM; the buffer is emptied. */
int mc_buf_take(mc_buf *b, char **out, size_t *len);
void mc_buf_free(mc_buf *b);

#endif
