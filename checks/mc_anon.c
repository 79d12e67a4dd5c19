/* k-anonymity, l-diversity and prosecutor risk (ARX's definitions). */
#include "mc_anon.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"

void mc_anon_result_clear(mc_anon_result *r)
{
    if (!r)
        return;
    free(r->below_k);
    r->below_k = NULL;
    r->n_below_k = 0;
}

typedef struct pair { uint32_t cls, sens; } pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->cls != y->cls)
        return x->cls < y->cls ? -1 : 1;
    return (x->sens > y->sens) - (x->sens < y->sens);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The classes under k grouped by size. */
static int below_k_sizes(mc_anon_result *r, const size_t *size, size_t n_classes, size_t k)
{
    size_t *small = malloc((r->below_k_classes ? r->below_k_classes : 1) * sizeof *small);
    r->below_k = calloc(r->below_k_classes ? r->below_k_classes : 1, sizeof *r->below_k);
    if (!small || !r->below_k) {
        free(small);
        return mc_error_nomem();
    }
    size_t m = 0;
    for (size_t c = 0; c < n_classes; c++)
        if (size[c] > 0 && size[c] < k)
            small[m++] = size[c];
    qsort(small, m, sizeof *small, cmp_size);
    for (size_t i = 0; i < m; i++) {
        if (r->n_below_k == 0 || r->below_k[r->n_below_k - 1].size != small[i])
            r->below_k[r->n_below_k++] = (mc_anon_size){small[i], 0};
        r->below_k[r->n_below_k - 1].count++;
    }
    free(small);
    return MC_OK;
}

/* Distinct and entropy l-diversity of the kept classes. */
static int diversity(mc_anon_result *r, const mc_anon_input *in, const size_t *size,
                     const unsigned char *kept)
{
    pair *p = malloc((in->n ? in->n : 1) * sizeof *p);
    if (!p)
        return mc_error_nomem();
    for (size_t i = 0; i < in->n; i++)
        p[i] = (pair){in->class_of[i], in->sensitive[i]};
    qsort(p, in->n, sizeof *p, cmp_pair);
    double log_l = log((double)in->l);
    r->distinct_l = SIZE_MAX;
    r->entropy_l = INFINITY;
    for (size_t i = 0; i < in->n;) {
        uint32_t cls = p[i].cls;
        size_t distinct = 0;
        double h = 0, total = (double)size[cls];
        while (i < in->n && p[i].cls == cls) {
            size_t j = i;
            while (j < in->n && p[j].cls == cls && p[j].sens == p[i].sens)
                j++;
            double q = (double)(j - i) / total;
            h -= q * log(q);
            distinct++;
            i = j;
        }
        if (!kept[cls])
            continue;
        if (distinct < r->distinct_l)
            r->distinct_l = distinct;
        if (exp(h) < r->entropy_l)
            r->entropy_l = exp(h);
        r->below_l_distinct += distinct < in->l;
        r->below_l_entropy += h < log_l - 1e-12;
    }
    if (r->distinct_l == SIZE_MAX) { /* no kept class */
        r->distinct_l = 0;
        r->entropy_l = 0;
    }
    free(p);
    return MC_OK;
}

int mc_anon_measure(mc_anon_result *out, const mc_anon_input *in)
{
    mc_anon_result r;
    memset(&r, 0, sizeof r);
    memset(out, 0, sizeof *out);
    if (in->k == 0)
        return mc_error_set(MC_EINPUT, "k-anonymity: k must be at least 1");
    size_t *size = calloc(in->n_classes ? in->n_classes : 1, sizeof *size);
    unsigned char *kept = calloc(in->n_classes ? in->n_classes : 1, 1);
    int rc = size && kept ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < in->n; i++) {
        if (in->class_of[i] >= in->n_classes)
            rc = mc_error_set(MC_EINPUT, "k-anonymity: class %u of record %zu is out of range",
                              (unsigned)in->class_of[i], i);
        else
            size[in->class_of[i]]++;
    }
    if (rc)
        goto cleanup;
    r.records = in->n;
    r.smallest = SIZE_MAX;
    for (size_t c = 0; c < in->n_classes; c++) {
        if (size[c] == 0)
            continue;
        r.classes++;
        r.smallest = size[c] < r.smallest ? size[c] : r.smallest;
        if (size[c] < in->k) {
            r.below_k_classes++;
            r.below_k_records += size[c];
        }
    }
    if (r.classes == 0)
        r.smallest = 0;
    if ((rc = below_k_sizes(&r, size, in->n_classes, in->k)))
        goto cleanup;
    /* ARX: the records of classes under k are suppressed when they fit the limit;
     * otherwise nothing is, and the data is not k-anonymous. */
    r.suppressed = r.below_k_records > 0 && in->n > 0 &&
                   (double)r.below_k_records <= in->max_suppression * (double)in->n;
    r.k_anonymous = r.below_k_records == 0 || r.suppressed;
    for (size_t c = 0; c < in->n_classes; c++) {
        kept[c] = size[c] > 0 && !(r.suppressed && size[c] < in->k);
        if (!kept[c])
            continue;
        r.kept_classes++;
        r.kept_records += size[c];
        if (r.k_achieved == 0 || size[c] < r.k_achieved)
            r.k_achieved = size[c];
    }
    /* Prosecutor risk: a record's risk is 1/|its class|. Highest: 1/smallest;
     * average: classes/records; at risk: records whose risk exceeds the threshold. */
    if (r.kept_records > 0) {
        r.max_risk = 1.0 / (double)r.k_achieved;
        r.avg_risk = (double)r.kept_classes / (double)r.kept_records;
        size_t at_risk = 0;
        for (size_t c = 0; c < in->n_classes; c++)
            if (kept[c] && in->risk_threshold > 0 && 1.0 / (double)size[c] > in->risk_threshold)
                at_risk += size[c];
        r.records_at_risk = (double)at_risk / (double)r.kept_records;
    }
    if (in->sensitive && in->l > 0)
        rc = diversity(&r, in, size, kept);
cleanup:
    free(size);
    free(kept);
    if (rc) {
        mc_anon_result_clear(&r);
        return rc;
    }
    *out = r;
    return MC_OK;
}
