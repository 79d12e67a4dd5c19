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

#endif
