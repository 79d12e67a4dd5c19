/* Small string helpers. */
#ifndef MC_STR_H
#define MC_STR_H

#include <stddef.h>

/* The candidate closest to `word` when it is close enough to be a likely typo
 * (distance at most 2, and at most a third of the word), else NULL. */
const char *mc_str_suggest(const char *word, const char *const *candidates, size_t n);
/* Appends "a, b, c" (the candidates) to buf; for "expected one of ..." messages. */
void mc_str_join(char *buf, size_t size, const char *const *items, size_t n, const char *sep);

/* qsort/bsearch comparator for an array of char pointers, by strcmp. */
int mc_str_cmp_ptr(const void *a, const void *b);

/* Data values quoted in terminal output and messages are limited to this
 * many bytes of the value. */
#define MC_STR_QUOTE_MAX 64
/* Room for mc_str_printable of up to `max` source bytes: 4 bytes per source
 * byte (\xNN), the ellipsis and the NUL. */
#define MC_STR_PRINTABLE_CAP(max) ((max) * 4 + 8)

/* Renders src for a terminal into dst (cap bytes, always NUL-terminated when
 * cap > 0) and returns dst: at most `max` bytes of src (never splitting a
 * UTF-8 sequence), then "…" when src is longer. Bytes below 0x20, 0x7f, the
 * C1 controls (U+0080..U+009F, and any byte of malformed UTF-8) are written
 * as \xNN, so no escape sequence from data reaches a terminal; other UTF-8
 * (the backslash included, so rendering twice changes nothing) is copied. A dst
 * too small for the rendering ends early with "…". src NULL renders as "". */
char *mc_str_printable(char *dst, size_t cap, const char *src, size_t max);

#endif
