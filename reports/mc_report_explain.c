/* The summary of `modelcert explain` (mc_report_explain.h), written to standard error by the
 * CLI while the explanations themselves go to the output CSV. */
#include "mc_report_explain.h"

void mc_report_explain_text(FILE *f, const mc_explain_summary *s, const mc_explain_request *req)
{
    const mc_explain_options *o = &req->opt;
    fprintf(f, "explain: %zu row%s explained (%s)", s->explained, s->explained == 1 ? "" : "s",
            mc_names_explain_method[o->method]);
    if (s->dropped)
        fprintf(f, ", %zu dropped by the model's dropna step", s->dropped);
    if (req->background)
        fprintf(f, "\n  background: %zu row%s of %s", s->background,
                s->background == 1 ? "" : "s", req->background);
    else
        fprintf(f, "\n  background: the %zu training row%s of %s", s->background,
                s->background == 1 ? "" : "s", req->model);
    if (o->method == MC_EXPLAIN_IG && o->baseline_row)
        fprintf(f, "; baseline: its data row %zu\n", o->baseline_row);
    else if (o->method == MC_EXPLAIN_IG)
        fprintf(f, "; baseline: their mean features\n");
    else
        fprintf(f, "; %zu in the sample\n", s->sample);
    if (s->explained)
        fprintf(f, "  largest completeness gap: %.3g (data row %zu)\n", s->max_gap,
                s->max_gap_row);
    if (o->method == MC_EXPLAIN_IG && s->explained)
        fprintf(f, "  grid: at most %d steps; tolerance %g relative\n", s->max_steps_used,
                o->tolerance);
    if (s->unmet)
        fprintf(f, "  %zu row%s never met the tolerance within %d steps (first: data row %zu; "
                   "column converged = 0)\n",
                s->unmet, s->unmet == 1 ? "" : "s", o->max_steps, s->first_unmet);
}
