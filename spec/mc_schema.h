/* The spec's schema as data. One table per object describes each key: its
 * type, where it lives in the typed C struct, its default, its range, its
 * allowed names. The same tables drive loading (strict, with every error
 * collected), default filling, normalisation to JSON (the digest) and the
 * reference documentation, so the four can never disagree. */
#ifndef MC_SCHEMA_H
#define MC_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mc_arena.h"
#include "mc_diag.h"
#include "mc_yaml.h"

typedef enum mc_ftype {
    MC_FT_STRING,  /* char *; any non-null scalar, taken as text */
    MC_FT_INT,     /* long long */
    MC_FT_NUMBER,  /* double; finite */
    MC_FT_BOOL,    /* bool; true/false only (YAML 1.2 core schema) */
    MC_FT_ENUM,    /* int: index into `names` */
    MC_FT_OBJECT,  /* embedded struct described by `sub` */
    MC_FT_LIST,    /* mc_list of elements of `elem_size`, each bound by `elem` */
    MC_FT_MAP      /* mc_list of elements whose first member is `char *key`; value bound by `elem` */
} mc_ftype;

enum {
    MC_FF_REQUIRED = 1 << 0,
    MC_FF_MIN = 1 << 1,      /* value >= min (list: count >= min) */
    MC_FF_MAX = 1 << 2,      /* value <= max (list: count <= max) */
    MC_FF_MIN_OPEN = 1 << 3, /* value > min */
    MC_FF_MAX_OPEN = 1 << 4, /* value < max */
    MC_FF_AUTO = 1 << 5,     /* INT: the word "auto" is accepted and stored as 0 */
    MC_FF_NONEMPTY = 1 << 6, /* STRING: not "" */
    MC_FF_UNIQUE = 1 << 7,   /* LIST of scalars: no repeats (a set: normalised sorted) */
    MC_FF_ORDERED = 1 << 8   /* with UNIQUE: the order means something (normalised as given) */
};

/* Every list in a spec has this layout: items then count. */
typedef struct mc_list {
    void *items;
    size_t count;
} mc_list;

typedef struct mc_schema mc_schema;
typedef struct mc_field mc_field;

struct mc_field {
    const char *key;
    mc_ftype type;
    size_t off;               /* offset of the value in the parent struct */
    unsigned flags;
    const char *def;          /* default, written as YAML would write it; NULL: none */
    double min, max;
    const char *const *names; /* ENUM: the allowed words, NULL-terminated; MAP: allowed keys */
    const mc_schema *sub;     /* OBJECT */
    const mc_field *elem;     /* LIST/MAP: binds one element (its off is within the element) */
    size_t elem_size;         /* LIST/MAP */
    ptrdiff_t present_off;    /* >= 0: offset of a bool set when the key was written; no
                                 defaults are emitted for an absent key that has one */
    /* When set, the key has meaning only if applies(parent object) is true:
     * writing it otherwise is an error (`applies_msg`), and the normalised
     * form leaves it out. */
    int (*applies)(const void *obj);
    const char *applies_msg;
};

typedef struct mc_variant {
    const char *name;
    const mc_field *fields;
    size_t n_fields;
} mc_variant;

struct mc_schema {
    const char *name;         /* for messages: "training.optimizer" */
    size_t size;
    const mc_field *fields;   /* keys common to all variants */
    size_t n_fields;
    /* A tagged union: `tag` names the variant (`type: adam`); a bare scalar
     * (`adam`) is the tag alone. */
    const char *tag;
    size_t tag_off;           /* int */
    const mc_variant *variants;
    size_t n_variants;
};

#define MC_NO_PRESENCE ((ptrdiff_t)-1)

/* Location of each bound value, by address, for later semantic checks. */
typedef struct mc_locmap mc_locmap;

typedef struct mc_bind_ctx {
    mc_arena *arena;
    mc_diags *diags;
    const char *file;
    mc_locmap *locs;
} mc_bind_ctx;

/* An empty location map (MC_ENOMEM); free with mc_locmap_free (NULL is fine). */
int mc_locmap_create(mc_locmap **out);
void mc_locmap_free(mc_locmap *m);
/* Records that the value at addr was written at line:col (container: addr
 * is an object's, not its first member's). A NULL map records nothing.
 * MC_ENOMEM. */
int mc_locmap_put(mc_locmap *m, const void *addr, int line, int col, int container);
/* Where the value at `addr` was written (its key's line/col), 0 when it was
 * not. An object and its first member share an address: mc_locmap_find
 * prefers the member (a scalar), mc_locmap_find_container the object. */
int mc_locmap_find(const mc_locmap *m, const void *addr, int *line, int *col);
int mc_locmap_find_container(const mc_locmap *m, const void *addr, int *line, int *col);

/* Fills `obj` (a struct of schema->size bytes, zeroed) from `node`, with
 * defaults for what is absent. Problems become diagnostics; returns MC_OK,
 * MC_EINPUT when diagnostics were added, or MC_ENOMEM. */
int mc_schema_bind(const mc_bind_ctx *ctx, const mc_schema *schema, void *obj,
                   const mc_ynode *node);
/* The normalised JSON form of a bound object: every key with its value,
 * defaults included; absent optional keys omitted. */
int mc_schema_to_json(json_t **out, const mc_schema *schema, const void *obj);


#endif
