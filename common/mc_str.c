/* Small string helpers (mc_str.h): typo suggestions by edit distance, lists
 * for messages, and data values rendered safely for a terminal. */
#include "mc_str.h"

#include <stdio.h>
#include <string.h>

/* Optimal string alignment distance: insertions, deletions, substitutions and
 * swaps of two adjacent letters ("emial" is one edit from "email"), capped:
 * anything above `cap` is returned as `cap` + 1. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return strcmp(a, b) == 0 ? 0 : cap + 1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb] > cap ? cap + 1 : d[la][lb];
}

const char *mc_str_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t limit = strlen(word) / 3;
    if (limit > 2)
        limit = 2;
    if (limit < 1)
        limit = 1;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, candidates[i], limit);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

void mc_str_join(char *buf, size_t size, const char *const *items, size_t n, const char *sep)
{
    size_t used = strlen(buf);
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? sep : "", items[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int mc_str_cmp_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    if (len == 2 && cp <= 0x9f) /* C1 controls */
        return 0;
    return len;
}

char *mc_str_printable(char *dst, size_t cap, const char *src, size_t max)
{
    static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    size_t n = strlen((const char *)s), i = 0, o = 0;
    if (cap == 0)
        return dst;
    while (i < n) {
        size_t len = utf8_seq(s + i, n - i);
        int esc = len == 0 || s[i] < 0x20 || s[i] == 0x7f;
        size_t take = esc ? 1 : len, out = esc ? 4 : len;
        if (i + take > max || o + out + sizeof ellipsis > cap)
            break;
        if (esc) {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[s[i] >> 4];
            dst[o++] = hex[s[i] & 15];
        } else {
            memcpy(dst + o, s + i, len);
            o += len;
        }
        i += take;
    }
    if (i < n && o + sizeof ellipsis <= cap) {
        memcpy(dst + o, ellipsis, sizeof ellipsis - 1);
        o += sizeof ellipsis - 1;
    }
    dst[o] = '\0';
    return dst;
}
