/* UTF-8 checks for input that must be text (specs): validity and positions. */
#ifndef MC_UTF8_H
#define MC_UTF8_H

#include <stddef.h>

/* Returns 1 when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF); else 0 and the offset of the first bad byte. */
int mc_utf8_valid(const char *s, size_t len, size_t *bad_offset);
/* Line and column (1-based, column counted in code points) of a byte offset. */
void mc_utf8_position(const char *s, size_t offset, int *line, int *col);

#endif
