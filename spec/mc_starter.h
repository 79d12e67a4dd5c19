/* What `modelcert init` writes: a commented starter spec and a small,
 * deterministic example data set it runs on. */
#ifndef MC_STARTER_H
#define MC_STARTER_H

#include <stddef.h>

#define MC_STARTER_SPEC_NAME "modelcert.yaml"
#define MC_STARTER_DATA_NAME "churn.csv"
#define MC_STARTER_ROWS 800

/* The starter spec text (static storage; do not free). */
const char *mc_starter_spec(void);
/* The example CSV (MC_STARTER_ROWS rows, seeded, identical on every run). Caller frees. */
int mc_starter_data(char **out, size_t *len);

#endif
