/* The ML-BOM of a certified run (docs/signing.md, "The ML-BOM"): a CycloneDX 1.6 JSON
 * document that `certify` writes into the run directory as bom.cdx.json, before it signs the
 * run, and lists in the release certificate's subject; `report --format cyclonedx` renders
 * it again, byte for byte. It is built only from what a release has checked (mc_release.h's
 * facts): the model's and the data's sha256, the normalised spec, run.json, and
 * validation.json, whose results the audit trail's validate event vouches for. Nothing in it
 * depends on the time, the machine or the modelcert that renders it: the timestamp is the
 * run's, the tool the modelcert that made the run, the serial number derived from the rest. */
#ifndef MC_BOM_H
#define MC_BOM_H

#include <stddef.h>

#include "mc_release.h"

#define MC_BOM_FILE MC_RELEASE_BOM_NAME
#define MC_BOM_SPEC_VERSION "1.6"
#define MC_BOM_MEDIA_TYPE "application/vnd.cyclonedx+json"

/* The BOM of the run whose facts are f, as indented JSON (keys sorted, a trailing newline).
 * Caller frees *out. MC_EINPUT when a fact it needs is missing or malformed (naming it),
 * MC_ENOMEM. */
int mc_bom_build(char **out, size_t *len, const mc_release_facts *f);

/* certify: the BOM of f written atomically to RUN_DIR/bom.cdx.json (replacing one an earlier
 * certify wrote), and f->has_bom and f->bom set to it. Errors as mc_bom_build, MC_EIO. */
int mc_bom_write(mc_release_facts *f, const char *run_dir);

/* `report --format cyclonedx`: the run directory's facts read as `verify` reads them (every
 * recorded digest checked against its file, the validation passed), then mc_bom_build.
 * Errors as mc_release_facts_read and mc_bom_build. */
int mc_bom_render_run(char **out, size_t *len, const char *run_dir);

#endif
