/* Where a run directory goes: one rule for `modelcert run` and `validate`.
 * (It belongs in reference/, beside mc_run_write; it lives here until that
 * part can take it.) */
#ifndef MC_OUTPUT_DIR_H
#define MC_OUTPUT_DIR_H

#include "mc_spec.h"

/* The run directory for `spec`: `requested` (the -o value) when given, else
 * runs/<metadata.name>-<UTC time, to the millisecond> in the spec's directory
 * ('/' and ' ' in the name become '_'; -2, -3, ... is appended while a name is
 * taken). It must not exist yet: MC_EINPUT "<dir> exists; choose another
 * output directory with -o". Caller frees *out. MC_EIO when no free name is
 * left, MC_ENOMEM. */
int mc_run_dir_choose(char **out, const char *requested, const mc_spec *spec);

#endif
