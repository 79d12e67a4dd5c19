/* A protected run's model writer (the spec's `protection` section, docs/encryption.md
 * "Encrypted runs"): the recipients the spec names loaded before any work, then the model,
 * which the engine holds in memory, encrypted to them in the age format as it is written
 * (reference/mc_run_dir.h's writer hook), so that no clear byte of it reaches the disk. */
#ifndef MC_PROTECT_H
#define MC_PROTECT_H

#include "mc_hash.h"
#include "mc_run_dir.h"
#include "mc_spec.h"

typedef struct mc_protect mc_protect;

/* *out gets the writer of spec's protection, or NULL when the spec has none. A recipient
 * that is not an age1 key is MC_EINPUT at its place in the spec; a recipients file that
 * cannot be read or holds a bad line is MC_EINPUT or MC_ENOTFOUND naming it (file:line);
 * MC_ENOMEM. */
int mc_protect_open(mc_protect **out, const mc_spec *spec);
/* The writer to give mc_run_write_model; NULL when p is NULL (the model in clear). */
const mc_run_model_writer *mc_protect_writer(const mc_protect *p);
/* After the run was written: the SHA-256 of the age file written (empty before). */
const char *mc_protect_file_digest(const mc_protect *p);
void mc_protect_free(mc_protect *p);

#endif
