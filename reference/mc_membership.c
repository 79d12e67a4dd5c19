/* The inputs of privacy.membership_inference (mc_run_ctx.h): each sampled
 * row's loss under the trained model. Half of sample_rows come from the
 * training rows (members), half from the held-out validation and test rows
 * (non-members), each half drawn without replacement from stream MEMBERSHIP
 * of training.seed (0 for an ONNX model the spec's model: gates: it has no training). The
 * predictions are the run's fixed-order ones, so the
 * losses are the same on every machine. The sample is also written out
 * (membership_losses.csv: data row, member or not, loss) so that the attack's
 * AUC can be recomputed by anyone, and fed back with `validate --losses`. */
#include <math.h>
#include <stdlib.h>

#include "mc_buf.h"
#include "mc_error.h"
#include "mc_math.h"
#include "mc_rng.h"
#include "mc_run_ctx.h"

/* The loss the model was trained on, for one row (log losses clipped at 1e-7). */
static double row_loss(const mc_run_ctx *c, const float *p, float y)
{
    if (c->task == MC_TASK_REGRESSION)
        return ((double)p[0] - y) * ((double)p[0] - y);
    double q = c->task == MC_TASK_BINARY ? (y > 0.5f ? p[0] : 1.0 - p[0]) : p[(int)y];
    q = q < 1e-7 ? 1e-7 : q > 1 - 1e-7 ? 1 - 1e-7 : q;
    return -mc_log(q);
}

/* Row r of partition p: its 0-based index in the data file. */
static size_t data_row(const mc_run_ctx *c, int p, size_t r)
{
    return p == MC_PART_TEST ? c->parts[p].tbl->row_index[r] : c->parts[p].rows[r];
}

/* k of the n rows of parts[first..last], without replacement (a partial
 * Fisher-Yates shuffle over their indices), losses into out[k], data rows into rows[k]. */
static int sample_losses(double *out, size_t *rows, size_t k, const mc_run_ctx *c, int first,
                         int last, mc_rng *rng)
{
    size_t n = 0;
    for (int p = first; p <= last; p++)
        n += c->parts[p].n;
    uint32_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return mc_error_nomem();
    for (uint32_t i = 0; i < n; i++)
        idx[i] = i;
    /* no network: an ONNX model gated by the spec's model: (mc_run_execute_scored) */
    int width = c->nn ? c->nn->out : c->task == MC_TASK_MULTICLASS ? c->lab.n_classes : 1;
    for (size_t i = 0; i < k; i++) {
        uint32_t j = (uint32_t)i + mc_rng_below(rng, (uint32_t)(n - i));
        uint32_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        size_t r = idx[i];
        int p = first;
        while (r >= c->parts[p].n) /* the partition the row belongs to */
            r -= c->parts[p++].n;
        out[i] = row_loss(c, c->parts[p].pred + r * (size_t)width, c->parts[p].y[r]);
        rows[i] = data_row(c, p, r);
    }
    free(idx);
    return MC_OK;
}

/* membership_losses.csv: one line per sampled row, members first, in sample order; the
 * row as test_predictions.csv and LOSSES.csv number it (1-based data row), the loss with
 * 17 significant digits (the double itself). */
static int losses_csv(char **out, const double *member, const size_t *mrow, size_t km,
                      const double *nonmember, const size_t *nrow, size_t kn)
{
    mc_buf b = {0};
    mc_buf_puts(&b, "row,member,loss\n");
    for (size_t i = 0; i < km; i++)
        mc_buf_printf(&b, "%zu,1,%.17g\n", mrow[i] + 1, member[i]);
    for (size_t i = 0; i < kn; i++)
        mc_buf_printf(&b, "%zu,0,%.17g\n", nrow[i] + 1, nonmember[i]);
    return mc_buf_take(&b, out, NULL);
}

int mc_run_membership(const mc_run_ctx *c, mc_run *run)
{
    size_t want = (size_t)c->d->privacy.membership_inference.sample_rows;
    size_t n_train = c->parts[MC_PART_TRAIN].n;
    size_t n_held = c->parts[MC_PART_VALIDATION].n + c->parts[MC_PART_TEST].n;
    size_t km = want / 2 < n_train ? want / 2 : n_train;
    size_t kn = want - want / 2 < n_held ? want - want / 2 : n_held;
    mc_membership_losses *m = &run->membership;
    size_t *mrow = malloc((km ? km : 1) * sizeof *mrow);
    size_t *nrow = malloc((kn ? kn : 1) * sizeof *nrow);
    int rc = MC_OK;
    m->member = malloc((km ? km : 1) * sizeof *m->member);
    m->nonmember = malloc((kn ? kn : 1) * sizeof *m->nonmember);
    if (!m->member || !m->nonmember || !mrow || !nrow) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    mc_rng rng;
    mc_rng_init(&rng, (uint64_t)c->d->training.seed, MC_STREAM_MEMBERSHIP, 0);
    rc = sample_losses(m->member, mrow, km, c, MC_PART_TRAIN, MC_PART_TRAIN, &rng);
    mc_rng_init(&rng, (uint64_t)c->d->training.seed, MC_STREAM_MEMBERSHIP, 1);
    if (rc == MC_OK)
        rc = sample_losses(m->nonmember, nrow, kn, c, MC_PART_VALIDATION, MC_PART_TEST, &rng);
    if (rc == MC_OK)
        rc = losses_csv(&run->membership_csv, m->member, mrow, km, m->nonmember, nrow, kn);
    if (rc == MC_OK) {
        m->n_member = km;
        m->n_nonmember = kn;
    }
cleanup:
    free(mrow);
    free(nrow);
    return rc;
}
