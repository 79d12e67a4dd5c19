/* A bump allocator: many small allocations freed together (parse trees, a
 * loaded spec). Memory is zeroed. */
#ifndef MC_ARENA_H
#define MC_ARENA_H

#include <stddef.h>

typedef struct mc_arena mc_arena;

/* A new, empty arena (MC_ENOMEM); free it, and everything allocated from it,
 * with mc_arena_free (NULL is fine), which wipes what was allocated first. */
int mc_arena_create(mc_arena **out);
void mc_arena_free(mc_arena *a);
/* Zeroed, max-aligned memory, or NULL when out of memory. */
void *mc_arena_alloc(mc_arena *a, size_t size);
char *mc_arena_strndup(mc_arena *a, const char *s, size_t n);
char *mc_arena_strdup(mc_arena *a, const char *s);

#endif
