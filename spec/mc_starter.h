/* What `modelcert init` writes: a commented starter spec and a small,
 * deterministic example data set it runs on. */
#ifndef MC_STARTER_H
#define MC_STARTER_H

#include <stddef.h>

#define MC_STARTER_SPEC_NAME "modelcert.yaml"
#define MC_STARTER_DATA_NAME "churn.csv"
#define MC_STARTER_ROWS 800


/* `modelcert init`: writes the starter data and spec into dir (created when
 * needed). Both targets are checked before either is written, so init never
 * leaves half a project: an existing file is MC_EINPUT unless `force`, and
 * something other than a regular file there (a symlink, a directory) is
 * always MC_EINPUT. On MC_OK, paths[0] and paths[1] are the data and spec
 * files written (caller frees both). */
int mc_starter_write(char *paths[2], const char *dir, int force);

#endif
