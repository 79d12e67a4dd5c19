/* Reports of `modelcert run` for people: training progress on a terminal
 * and the summary of a finished run. They read a run's results (mc_run's
 * records), never a model. */
#ifndef MC_REPORT_RUN_H
#define MC_REPORT_RUN_H

#include <stdio.h>

#include "mc_run.h"

/* State of the progress display. `tty`: f is a terminal, so a bar is redrawn
 * in place; otherwise one line per epoch. `quiet`: nothing at all. `runs` > 0:
 * several trainings report in turn (validate's run and re-runs), each line is
 * labelled "run i/runs"; a training starts when an epoch comes that is not after
 * the last one finished. */
typedef struct mc_progress_view {
    FILE *f;
    int tty, quiet;
    double last; /* when the bar was last drawn (mc_clock_seconds) */
    int runs;    /* 0: one training, no label */
    int run, finished; /* the training shown (1-based), its last finished epoch */
} mc_progress_view;

/* An mc_train_progress_fn: `ctx` is an mc_progress_view. Per epoch: loss,
 * accuracy, validation figures and seconds; on a terminal, a bar with the
 * batch, the running loss and an ETA, redrawn at most ten times a second. */
void mc_report_progress(void *ctx, const mc_train_progress *p);

/* "run: DIR", the model's path and digest, the metrics file, the spec and data
 * digests, then the test metrics on one line ("undefined" for a null one). */
void mc_report_run_text(FILE *f, const mc_run *run, const char *dir);

/* Text from data (predictions CSV) written to a terminal: line breaks and
 * tabs as they are, every other control byte (below 0x20, 0x7f, and the C1
 * controls U+0080..U+009F) as \xNN, so no escape sequence in the data reaches
 * the terminal. Files get the exact bytes; only a terminal gets this. */
void mc_report_terminal_text(FILE *f, const char *s, size_t len);

#endif
