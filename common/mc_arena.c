/* The bump allocator (mc_arena.h): blocks of at least 16 KiB, zeroed,
 * max-aligned memory, freed all at once, and wiped before it is freed (an ONNX
 * graph built from a decrypted model holds its weights here). Like malloc,
 * mc_arena_alloc and the strdup-likes return NULL when memory runs out; the
 * caller records it. */
#include "mc_arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mc_error.h"

typedef struct block {
    struct block *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
} block;

struct mc_arena {
    block *head;
};

int mc_arena_create(mc_arena **out)
{
    mc_arena *a = calloc(1, sizeof *a);
    if (!a)
        return mc_error_nomem();
    *out = a;
    return MC_OK;
}

void mc_arena_free(mc_arena *a)
{
    if (!a)
        return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        OPENSSL_cleanse(b->data, b->used);
        free(b);
    }
    free(a);
}

void *mc_arena_alloc(mc_arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > 16384 ? size : 16384;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->size = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *mc_arena_strndup(mc_arena *a, const char *s, size_t n)
{
    char *p = mc_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *mc_arena_strdup(mc_arena *a, const char *s)
{
    return mc_arena_strndup(a, s, strlen(s));
}
