/* The split of the rows into training, validation and test (mc_partition.h):
 * the seeded shuffle, and stratification by exact largest remainders so each
 * class gives each partition its share. */
#include "mc_partition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_rng.h"

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Rows a fraction of n asks for, rounded up (a tiny tolerance keeps 0.2 * 10 at 2). */
static size_t fraction_count(double f, size_t n)
{
    return f > 0 ? (size_t)ceil(f * (double)n - 1e-9) : 0;
}

/* out[c]: how many of `total` rows group c gives, in proportion to sizes[c]
 * (n rows in all): the floor of each exact share, then one more row to the
 * groups with the largest remainders, ties to the earlier group. Shares are
 * compared exactly, as integers (total * sizes[c] mod n): the rows are at most
 * 2^32, so the products fit in 64 bits. */
static int allocate(size_t *out, const size_t *sizes, int k, size_t total, size_t n)
{
    uint64_t *rem = malloc((size_t)k * sizeof *rem);
    if (!rem)
        return mc_error_nomem();
    size_t given = 0;
    for (int c = 0; c < k; c++) {
        uint64_t exact = (uint64_t)total * (uint64_t)sizes[c];
        out[c] = n ? (size_t)(exact / n) : 0;
        rem[c] = n ? exact % n : 0;
        if (out[c] > sizes[c])
            out[c] = sizes[c];
        given += out[c];
    }
    while (given < total) {
        int best = -1;
        for (int c = 0; c < k; c++)
            if (out[c] < sizes[c] && (best < 0 || rem[c] > rem[best]))
                best = c;
        if (best < 0)
            break;
        out[best]++;
        rem[best] = 0; /* one extra row per group at most */
        given++;
    }
    free(rem);
    return MC_OK;
}

/* Group sizes, test and validation counts per group (k groups; k == 1 unstratified). */
typedef struct quotas {
    size_t *sizes, *test, *val, *left, *seen;
} quotas;

static void quotas_free(quotas *q)
{
    free(q->sizes), free(q->test), free(q->val), free(q->left), free(q->seen);
}

static int quotas_make(quotas *q, const uint32_t *order, size_t n, const mc_split *sp,
                       const float *y, int k)
{
    size_t kk = (size_t)k;
    q->sizes = calloc(kk, sizeof *q->sizes), q->test = calloc(kk, sizeof *q->test);
    q->val = calloc(kk, sizeof *q->val), q->left = calloc(kk, sizeof *q->left);
    q->seen = calloc(kk, sizeof *q->seen);
    if (!q->sizes || !q->test || !q->val || !q->left || !q->seen)
        return mc_error_nomem();
    for (size_t i = 0; i < n; i++)
        q->sizes[k > 1 ? (int)y[order[i]] : 0]++;
    size_t n_test = fraction_count(sp->test_fraction, n);
    size_t n_val = fraction_count(sp->validation_fraction, n);
    int rc = allocate(q->test, q->sizes, k, n_test, n);
    for (int c = 0; rc == MC_OK && c < k; c++)
        q->left[c] = q->sizes[c] - q->test[c];
    if (rc == MC_OK)
        rc = allocate(q->val, q->left, k, n_val, n - n_test);
    return rc;
}

int mc_partition_make(mc_partition *out, const uint32_t *rows, size_t n, const mc_split *sp,
                      const float *y, int n_classes)
{
    int k = sp->stratify && n_classes > 0 ? n_classes : 1;
    quotas q = {0};
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    int rc = order ? MC_OK : mc_error_nomem();
    memset(out, 0, sizeof *out);
    for (int i = 0; rc == MC_OK && i < MC_PART_COUNT; i++)
        if (!(out->idx[i] = malloc((n ? n : 1) * sizeof *out->idx[i])))
            rc = mc_error_nomem();
    if (rc)
        goto cleanup;
    memcpy(order, rows, n * sizeof *order);
    if (sp->shuffle) {
        mc_rng rng;
        mc_rng_init(&rng, (uint64_t)sp->seed, MC_STREAM_SPLIT, 0);
        mc_rng_shuffle(&rng, order, (uint32_t)n);
    }
    if ((rc = quotas_make(&q, order, n, sp, y, k)))
        goto cleanup;
    /* Within each group, in order: training rows first, then validation, then test. */
    for (size_t i = 0; i < n; i++) {
        int c = k > 1 ? (int)y[order[i]] : 0;
        size_t pos = q.seen[c]++, train_end = q.sizes[c] - q.test[c] - q.val[c];
        int part = pos >= q.sizes[c] - q.test[c] ? MC_PART_TEST
                   : pos >= train_end            ? MC_PART_VALIDATION
                                                 : MC_PART_TRAIN;
        out->idx[part][out->n[part]++] = order[i];
    }
    for (int i = 0; i < MC_PART_COUNT; i++)
        qsort(out->idx[i], out->n[i], sizeof *out->idx[i], cmp_u32);
cleanup:
    quotas_free(&q);
    free(order);
    if (rc)
        mc_partition_clear(out);
    return rc;
}

void mc_partition_clear(mc_partition *p)
{
    for (int i = 0; i < MC_PART_COUNT; i++)
        free(p->idx[i]);
    memset(p, 0, sizeof *p);
}
