/* A small YAML document tree built with libyaml's event parser, hardened
 * against hostile input: size, nesting depth, alias count and expanded size
 * are bounded, bytes must be UTF-8, keys must be unique scalars, one document
 * per file, no custom tags. Every node keeps its 1-based line and column. */
#ifndef MC_YAML_H
#define MC_YAML_H

#include <stddef.h>

#include "mc_arena.h"
#include "mc_diag.h"

#define MC_YAML_MAX_BYTES (1u << 20) /* 1 MiB: a spec is a page or two */
#define MC_YAML_MAX_DEPTH 32
#define MC_YAML_MAX_ALIASES 16
#define MC_YAML_MAX_NODES 100000 /* counted with aliases expanded */

typedef enum mc_ynode_kind { MC_YSCALAR, MC_YSEQ, MC_YMAP } mc_ynode_kind;

typedef struct mc_ynode mc_ynode;
typedef struct mc_ypair {
    mc_ynode *key; /* always a scalar */
    mc_ynode *value;
} mc_ypair;

struct mc_ynode {
    mc_ynode_kind kind;
    int line, col;
    /* scalar */
    const char *text;
    size_t len;
    int plain; /* 1 for a plain (unquoted, non-block) scalar: only those can be numbers, booleans, null */
    const char *tag; /* an explicit standard tag ("int", "float", "bool", "str", "null"), or NULL */
    /* sequence */
    mc_ynode **items;
    size_t n_items;
    /* mapping, in document order */
    mc_ypair *pairs;
    size_t n_pairs;
    size_t weight; /* nodes in this subtree, aliases expanded */
};

/* Parses `text` (len bytes) into a tree allocated in `arena`. Problems go to
 * `diags` as errors naming `file`; returns MC_EINPUT when there were any (and
 * *root is NULL), MC_ENOMEM when out of memory. An empty document gives an
 * empty mapping. */
int mc_yaml_parse(mc_ynode **root, mc_arena *arena, mc_diags *diags, const char *file,
                  const char *text, size_t len);

/* "a scalar" ("null" for an empty plain one), "a list", "a mapping": for
 * messages (static strings). */
const char *mc_ynode_kind_name(const mc_ynode *n);

#endif
