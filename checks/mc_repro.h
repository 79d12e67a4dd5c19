/* Reproducibility, judged: two runs compared, bit for bit or within the
 * spec's tolerances; the spec's re-runs inside validate; the recorded outputs
 * a re-run recomputes. The `reproduce` verb that re-runs a recorded run
 * directory with these is verbs/mc_reproduce.h. */
#ifndef MC_REPRO_H
#define MC_REPRO_H

#include <jansson.h>
#include <stddef.h>

#include "mc_run.h"
#include "mc_spec.h"
#include "mc_validation.h"

/* One side of a comparison: a model artifact's bytes and its metrics.json. */
typedef struct mc_repro_side {
    const unsigned char *model;
    size_t model_len;
    const json_t *metrics;
    const char *name;
} mc_repro_side;

/* Compares b against a and adds one result `id`. cfg NULL or mode bitwise:
 * identical model bytes; tolerance: every weight and metric within bounds.
 * The message names the first difference: which tensor or metric, by how much.
 * A difference, or a model that cannot be decoded, is a result (fail,
 * error), not an error; errors: MC_ENOMEM (never a shorter list of
 * differences, so never a pass that should have failed). */
int mc_repro_compare(mc_validation *v, const char *id, const mc_repro_side *a,
                     const mc_repro_side *b, const mc_reproducibility *cfg);

/* The spec's reproducibility section: `runs` re-runs (0: as the spec says),
 * each compared with `first`, one result each (a re-run that fails on its
 * input, MC_EINPUT or MC_ENOTFOUND, is an error result). Nothing when the spec
 * has no such section and runs is 0. Each re-run reports its progress through
 * opt->progress, as the first run did. When `reruns` is not NULL (a JSON array), each
 * completed re-run's metrics.json is appended to it, for the checks that compare more than
 * the model (explainability.stability). Errors: MC_ENOMEM, and a re-run's
 * MC_EIO or MC_EINTERNAL. */
int mc_repro_check(mc_validation *v, const mc_spec *spec, const mc_run *first,
                   const mc_run_options *opt, long long runs, json_t *reruns);

/* The recorded outputs a re-run recomputes, as the caller read them from the run directory
 * (reproduce --key checks these very bytes against the run's signature before it re-runs):
 * NUL-terminated texts; membership NULL when the run recorded no membership_losses.csv. */
typedef struct mc_repro_recorded {
    const char *predictions; /* test_predictions.csv */
    const char *history;     /* history.csv, or NULL (an ONNX model's run trains nothing) */
    const char *membership;  /* membership_losses.csv, or NULL */
} mc_repro_recorded;

/* After a re-run that reproduced the model: compares the recorded outputs
 * that a re-run recomputes (metrics.json, run.json's deterministic fields,
 * test_predictions.csv, history.csv without its seconds when either side has one, the
 * membership sample when the
 * re-run draws one and one was recorded), one result each, naming the first difference.
 * Errors: MC_ENOMEM. */
int mc_repro_outputs(mc_validation *v, const mc_repro_recorded *rec, const json_t *record,
                     const json_t *metrics, const mc_run *again);

#endif
