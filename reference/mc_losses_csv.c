/* The LOSSES.csv reader: each row's loss under a model trained elsewhere, for the
 * membership-inference attack of a gate on predictions (mc_preds.h,
 * docs/predictions.md). A row of the spec's training part is a member, a row
 * of its validation or test part a non-member; everything else is refused
 * with the file and line. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mc_csv.h"
#include "mc_error.h"
#include "mc_preds.h"
#include "mc_table.h"

/* Where a data row went in the split. */
enum { ROW_ELSEWHERE = 0, ROW_MEMBER = 1, ROW_NONMEMBER = 2 };

static int line_error(const mc_table *t, size_t r, const char *fmt, ...) MC_PRINTF(3, 4);
static int line_error(const mc_table *t, size_t r, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 1, "%s", msg);
}

/* One line: its data row (0-based) into *row, its loss into *loss. */
static int read_line(size_t *row, double *loss, const mc_table *t, size_t r, long c_row,
                     long c_loss, const unsigned char *role, const size_t *line_seen,
                     const mc_losses_csv_expect *e)
{
    double id = t->cols[c_row].num[r], v = t->cols[c_loss].num[r];
    if (isnan(id))
        return line_error(t, r, "column 'row' is empty: every loss needs its row id");
    if (id != floor(id) || id < 1 || id > (double)e->n_data_rows)
        return line_error(t, r, "row id %.17g is not a data row of %s (whole numbers 1 to %zu)",
                          id, e->data_name, e->n_data_rows);
    size_t i = (size_t)id - 1;
    if (role[i] == ROW_ELSEWHERE)
        return line_error(t, r, "row %zu of %s is in no part of the spec's split (a "
                          "preprocessing step removes it)", i + 1, e->data_name);
    if (line_seen[i])
        return line_error(t, r, "row %zu appears twice (first on line %zu)", i + 1, line_seen[i]);
    if (isnan(v))
        return line_error(t, r, "column 'loss' is empty");
    if (!isfinite(v) || v < 0)
        return line_error(t, r, "loss %g is not a finite number >= 0", v);
    *row = i;
    *loss = v;
    return MC_OK;
}

static int split_losses(mc_membership_losses *out, const mc_table *t,
                        const mc_losses_csv_expect *e)
{
    long c_row = mc_table_find(t, "row"), c_loss = mc_table_find(t, "loss");
    unsigned char *role = calloc(e->n_data_rows + 1, 1);
    size_t *line_seen = calloc(e->n_data_rows + 1, sizeof *line_seen);
    out->member = malloc((t->n_rows + 1) * sizeof *out->member);
    out->nonmember = malloc((t->n_rows + 1) * sizeof *out->nonmember);
    int rc = role && line_seen && out->member && out->nonmember ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < e->n_member_rows; i++)
        role[e->member_rows[i]] = ROW_MEMBER;
    for (size_t i = 0; rc == MC_OK && i < e->n_nonmember_rows; i++)
        role[e->nonmember_rows[i]] = ROW_NONMEMBER;
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++) {
        size_t row = 0;
        double loss = 0;
        if ((rc = read_line(&row, &loss, t, r, c_row, c_loss, role, line_seen, e)))
            break;
        line_seen[row] = t->line_of_row[r];
        if (role[row] == ROW_MEMBER)
            out->member[out->n_member++] = loss;
        else
            out->nonmember[out->n_nonmember++] = loss;
    }
    if (rc == MC_OK && (!out->n_member || !out->n_nonmember))
        rc = mc_error_set(MC_EINPUT, "%s: %zu training rows and %zu held-out rows: the attack "
                          "needs losses of both", t->source, out->n_member, out->n_nonmember);
    free(role);
    free(line_seen);
    return rc;
}

int mc_losses_csv_parse(mc_membership_losses *out, const char *name, const char *buf,
                        size_t len, const mc_losses_csv_expect *e)
{
    static const char *const missing[] = {""};
    static const char *const needed[] = {"row", "loss"};
    const mc_csv_override ov[] = {{"row", MC_CSV_NUMERIC}, {"loss", MC_CSV_NUMERIC}};
    mc_csv_options o = {',', missing, 1, ov, 2, needed, 2, 1};
    mc_membership_losses l = {0};
    mc_table *t = NULL;
    int rc = mc_csv_parse(&t, name, buf, len, &o);
    if (rc == MC_OK)
        rc = split_losses(&l, t, e);
    mc_table_free(t);
    if (rc) {
        free(l.member);
        free(l.nonmember);
        return rc;
    }
    *out = l;
    return MC_OK;
}
