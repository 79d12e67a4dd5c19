/* Reproducibility: re-run a pipeline and compare, bit for bit or within the
 * spec's tolerances; and `reproduce`, an auditor re-running a recorded run. */
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
 * has no such section and runs is 0. Errors: MC_ENOMEM, and a re-run's
 * MC_EIO or MC_EINTERNAL. */
int mc_repro_check(mc_validation *v, const mc_spec *spec, const mc_run *first,
                   const mc_run_options *opt, long long runs);

/* `modelcert reproduce`: re-runs the normalised spec recorded in run_dir on
 * its data (whose digest must match), with its numerics, and compares the
 * model and metrics with the recorded ones. data_path overrides the recorded
 * location of the data. On MC_OK, *run_record is the recorded run.json
 * (caller owns it). An altered run directory, different or missing data and
 * a different model are results; errors: MC_EINPUT when run_dir is not a run
 * directory (or its spec.json is not a valid spec), MC_ENOTFOUND, MC_EIO,
 * MC_ENOMEM. Before any data is read, spec.json's paths and environment
 * variables are confined (mc_spec_check_paths) with run_dir as the root
 * unless confine->root is set: a refusal is MC_EINPUT. data_path, given by
 * the trusted user, is not confined. mc_reproduce_run (mc_validate.h) adds
 * the audit event. */
int mc_reproduce(mc_validation *v, json_t **run_record, const char *run_dir,
                 const char *data_path, int threads, const mc_confinement *confine);

/* After a re-run that reproduced the model: compares the recorded outputs
 * that a re-run recomputes (metrics.json, run.json's deterministic fields,
 * test_predictions.csv, history.csv without its seconds), one result each,
 * naming the first difference. A missing or unreadable file is an error
 * (MC_EINPUT/MC_ENOTFOUND), not a pass. */
int mc_repro_outputs(mc_validation *v, const char *run_dir, const json_t *record,
                     const json_t *metrics, const mc_run *again);

#endif
