/* The spec's `protection` section judged (docs/encryption.md "Encrypted runs"): whether the
 * run leaves a clear model behind. */
#ifndef MC_PROTECTION_H
#define MC_PROTECTION_H

#include "mc_run.h"
#include "mc_spec.h"
#include "mc_validation.h"

/* Adds protection.encryption (category "protection") when spec has a protection section:
 * pass when run's model is to be written only encrypted (run->model_file is
 * MC_RUN_FILE_MODEL_AGE and encrypted is set: the caller has a writer that encrypts) and no
 * clear model (model.mcm or model.onnx) is in any of dirs[0..n) (the run directories the gate
 * also reads, such as its baseline's); otherwise fail when require_encryption is set, else
 * warn, naming what is in clear. MC_ENOMEM. */
int mc_protection_check(mc_validation *v, const mc_spec *spec, const mc_run *run, int encrypted,
                        const char *const *dirs, size_t n);

#endif
