/* Re-identification measures over equivalence classes (records that share
 * their quasi-identifier values), with ARX's definitions (docs/privacy.md):
 * k-anonymity with an optional suppression limit, distinct and entropy
 * l-diversity of a sensitive attribute, and prosecutor risk. Only sizes and
 * counts come out, never a value. */
#ifndef MC_ANON_H
#define MC_ANON_H

#include <stddef.h>
#include <stdint.h>

typedef struct mc_anon_input {
    const uint32_t *class_of;  /* [n]: each record's class, 0 .. n_classes-1 */
    const uint32_t *sensitive; /* [n]: each record's sensitive value as a code;
                                  NULL: no l-diversity */
    size_t n, n_classes;
    size_t k;                  /* required class size, >= 1 */
    double max_suppression;    /* share of records in classes under k that may be suppressed */
    size_t l;                  /* required diversity (0: none) */
    double risk_threshold;     /* a record is at risk above this prosecutor risk; 0: none */
} mc_anon_input;

/* Failing classes, by size: `count` classes of `size` records. */
typedef struct mc_anon_size { size_t size, count; } mc_anon_size;

typedef struct mc_anon_result {
    size_t records, classes;          /* all of them */
    size_t smallest;                  /* the smallest class */
    size_t below_k_records, below_k_classes;
    mc_anon_size *below_k;            /* the classes under k by size, ascending (caller frees) */
    size_t n_below_k;
    int suppressed;                   /* 1: the classes under k fit the suppression limit and
                                         are suppressed (removed) for what follows */
    int k_anonymous;                  /* every kept class has at least k records */
    size_t kept_records, kept_classes;
    size_t k_achieved;                /* the smallest kept class (0: none kept) */
    /* prosecutor risk over the kept records: 1/|class| per record */
    double max_risk, avg_risk, records_at_risk; /* records_at_risk: the share above the threshold */
    /* l-diversity over the kept classes */
    size_t distinct_l;                /* the fewest distinct sensitive values in a class */
    double entropy_l;                 /* exp of the lowest class entropy (natural log) */
    size_t below_l_distinct, below_l_entropy; /* classes failing each */
} mc_anon_result;

/* Measures in->class_of (and in->sensitive). MC_EINPUT when a class id is out
 * of range or k is 0, MC_ENOMEM. *out is zeroed first; free out->below_k. */
int mc_anon_measure(mc_anon_result *out, const mc_anon_input *in);

/* Frees what *r holds; the struct itself is the caller's. */
void mc_anon_result_clear(mc_anon_result *r);

#endif
