/* The validate event of a run, as evidence (docs/audit.md, "Which run an event records";
 * docs/security.md, "What certify trusts"). validate records in its event's details the
 * sha256 of every file of the run directory it wrote, validation.json included
 * ("files": {name: hex}); certify believes that event, not the files: it finds the run's
 * validate event in the audit trail by run.json's run_id and requires its verdict (pass),
 * its digests (model, spec, data) and every file it recorded to be what is on disk now. */
#ifndef MC_VALIDATED_H
#define MC_VALIDATED_H

#include <jansson.h>

#include "mc_release.h"

/* The key of the validate event's details that holds the files' digests. */
#define MC_VALIDATED_FILES "files"

/* The sha256 of each file of the run directory `dir` that validate writes and that exists
 * (model.mcm, metrics.json, spec.json, history.csv, test_predictions.csv, validation.json,
 * run.json), as a JSON object {name: hex} for the validate event's details. Caller owns
 * *out. MC_EINPUT for a file that is not regular, MC_EIO, MC_ENOMEM. */
int mc_validated_files(json_t **out, const char *dir);

/* Requires the trail at `trail` (a path or URI) to hold exactly one validate event of the
 * run whose facts f were read from `dir` (same run_id as its run.json, same model), with
 * verdict pass, f's model, spec and data digests, and for every file it recorded
 * (validation.json at least) the same sha256 as the file in dir now. *event: its id.
 * MC_EINPUT naming the first thing that differs; MC_EIO, MC_ENOMEM. */
int mc_validated_check(long long *event, const char *trail, const char *dir,
                       const mc_release_facts *f);

#endif
