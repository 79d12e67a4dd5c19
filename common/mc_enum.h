/* One source per enum and its names: an X-macro list names every value once,
 * in order, with the word that stands for it in specs, artifacts and reports,
 * and both the enum and its name table are generated from that list, so the
 * two cannot drift apart.
 *
 *   #define MC_FRUIT_LIST(X) X(MC_FRUIT_APPLE, "apple") X(MC_FRUIT_PEAR, "pear")
 *   MC_ENUM(mc_fruit, MC_FRUIT_LIST, MC_FRUIT_COUNT, mc_names_fruit);  (header)
 *   MC_ENUM_NAMES(MC_FRUIT_LIST, mc_names_fruit);                      (one .c file)
 *
 * gives `typedef enum mc_fruit { MC_FRUIT_APPLE, MC_FRUIT_PEAR } mc_fruit;`,
 * the constant MC_FRUIT_COUNT (2) and `mc_names_fruit`, {"apple", "pear",
 * NULL}. Values count from 0 in list order: append new values at the end
 * when the numbers are stored anywhere. The count is a separate constant, not
 * a member of the enum, so -Wswitch still reports a switch that misses a
 * value. The table is declared with its size (count + 1, for the NULL), so a
 * definition of another length does not compile. */
#ifndef MC_ENUM_H
#define MC_ENUM_H

#include <stddef.h>

/* Per-value expansions of a list: the enumerator, its name, one per value. */
#define MC_ENUM_ID(id, name) id,
#define MC_ENUM_NAME(id, name) name,
#define MC_ENUM_ONE(id, name) 1 +

/* Declares the enum `type` (with the same tag), its value count `count` and
 * its NULL-terminated name table `names` (defined by MC_ENUM_NAMES). */
#define MC_ENUM(type, LIST, count, names)               \
    typedef enum type { LIST(MC_ENUM_ID) } type;         \
    enum { count = LIST(MC_ENUM_ONE) 0 };                \
    extern const char *const names[count + 1]

/* Defines the name table MC_ENUM declared: one name per value, then NULL. */
#define MC_ENUM_NAMES(LIST, names) const char *const names[] = {LIST(MC_ENUM_NAME) NULL}

#endif
