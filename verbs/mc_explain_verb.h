/* The `explain` verb as a library call: a model (a model file, or a run directory's
 * model.mcm) explains every row of a CSV file (reference/mc_explain_file.h), the CSV written
 * atomically as a stream, all or nothing. Nothing is printed; reports/ renders the summary. */
#ifndef MC_EXPLAIN_VERB_H
#define MC_EXPLAIN_VERB_H

#include "mc_explain_file.h"

typedef struct mc_explain_request {
    const char *model;       /* a model file or a run directory */
    const char *data;        /* the rows to explain ("-": standard input) */
    const char *background;  /* background rows (the training rows, or a sample of them);
                                NULL: a run directory's own training rows */
    const char *output;      /* where the CSV goes ("-": standard output) */
    mc_explain_options opt;
} mc_explain_request;

/* Explains req->data into req->output; *sum says what was done. Without req->background,
 * req->model must be a run directory: its training rows are rebuilt from its recorded spec
 * (confined to the directory) and data (whose digest must be the recorded one). MC_EINPUT
 * for a bad model,
 * data or background (with file:line where a row is at fault), MC_ENOTFOUND, MC_EIO,
 * MC_ENOMEM; on any error nothing is left at req->output (a file that was there stays). */
int mc_explain(mc_explain_summary *sum, const mc_explain_request *req);

#endif
