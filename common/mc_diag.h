/* A list of diagnostics: what a compiler-like pass found, all of it, not just
 * the first problem. Each diagnostic names file:line:col of the input at fault. */
#ifndef MC_DIAG_H
#define MC_DIAG_H

#include <stddef.h>

#include "mc_enum.h"
#include "mc_error.h"

/* How bad a diagnostic is (see mc_enum.h); its name is what `check` prints
 * and its JSON report's "severity". */
#define MC_SEVERITY_LIST(X)       \
    X(MC_SEV_ERROR, "error")      \
    X(MC_SEV_WARNING, "warning")
MC_ENUM(mc_severity, MC_SEVERITY_LIST, MC_SEV_COUNT, mc_names_severity);

typedef struct mc_diag {
    mc_severity severity;
    const char *file;
    int line; /* 1-based, 0 when the problem has no single place */
    int col;
    const char *message;
} mc_diag;

typedef struct mc_diags mc_diags;

/* An empty list (MC_ENOMEM); free it with mc_diags_free (NULL is fine). */
int mc_diags_create(mc_diags **out);
void mc_diags_free(mc_diags *d);
/* Adds one diagnostic; returns MC_OK or MC_ENOMEM. Identical repeats are dropped. */
int mc_diags_add(mc_diags *d, mc_severity sev, const char *file, int line, int col,
                 const char *fmt, ...) MC_PRINTF(6, 7);
/* mc_names_severity[sev]: "error" or "warning". */
const char *mc_severity_name(mc_severity sev);
size_t mc_diags_count(const mc_diags *d);
size_t mc_diags_error_count(const mc_diags *d);
const mc_diag *mc_diags_get(const mc_diags *d, size_t i);
/* Sort by file, line, column (stable), so output reads top to bottom. */
void mc_diags_sort(mc_diags *d);

#endif
