/* `check` (docs/spec.md, "Checking a spec"): every spec loaded and checked,
 * confined (mc_spec_check_paths), and, when its data file can be read, checked
 * against the head of that file too: the header and the column types of a
 * bounded sample of rows, followed through the preprocessing steps. Every
 * problem is a diagnostic with the spec's file:line:col and the fix, all of
 * them in one pass. Nothing is trained and nothing is recorded. */
#ifndef MC_CHECK_H
#define MC_CHECK_H

#include <stddef.h>

#include "mc_spec.h"

/* The data pass reads at most this many data rows ... */
#define MC_CHECK_SAMPLE_ROWS 1000
/* ... from at most this many bytes of the head of the file. */
#define MC_CHECK_SAMPLE_BYTES ((size_t)8 << 20)

typedef struct mc_check_options {
    const mc_confinement *confine; /* what a spec may name (NULL: the defaults) */
    int no_data;                   /* 1: the spec alone, as before the data pass */
} mc_check_options;

/* Checks paths[0..n) (mc_spec_check_files), confines each valid one
 * (mc_check_results_confine), then runs the data pass on each spec still
 * valid whose data can be read (a missing file is the spec check's warning;
 * one that cannot be read a warning: checked without it). A spec the data
 * pass finds errors in becomes invalid (digest and spec cleared). *out gets n
 * results (mc_check_results_free). Errors: MC_ENOTFOUND, MC_EIO, MC_ENOMEM. */
int mc_check_specs(mc_check_result **out, const char *const *paths, size_t n,
                   const mc_check_options *o);

/* The data pass over csv[0..len), a head of the spec's data file (`name` in
 * messages; `whole`: it is all of the file, else a sample and the messages say
 * so): cut to MC_CHECK_SAMPLE_ROWS rows, parsed, and every problem added to
 * diags at the place in the spec at fault: declared columns not in the header,
 * steps naming a column not present at that step (with the step that dropped
 * or replaced it, or the closest name), kinds a step cannot take, categorical
 * columns reaching the model, slice columns reaching it (a warning), the
 * target's cardinality against the task, a bounded output activation of a
 * regression against the target's range. *errors: how many errors it added.
 * MC_ENOMEM only (a file the CSV reader refuses is a diagnostic). */
int mc_check_data(size_t *errors, mc_diags *diags, const mc_spec *spec, const char *name,
                  const char *csv, size_t len, int whole);

#endif
