/* Reports of `modelcert check`: per spec, its diagnostics and digest, for
 * people (compiler-style lines) and machines (JSON). */
#ifndef MC_REPORT_CHECK_H
#define MC_REPORT_CHECK_H

#include <jansson.h>
#include <stdio.h>

#include "mc_diag.h"

typedef struct mc_check_result {
    const char *path;
    const mc_diags *diags;
    const char *digest; /* NULL when the spec is invalid */
} mc_check_result;

/* {"valid": bool, "specs": [{"path", "valid", "digest", "errors", "warnings",
 *   "diagnostics": [{"severity", "file", "line", "column", "message"}]}]} */
int mc_report_check_json(json_t **out, const mc_check_result *results, size_t n);
/* "file:line:col: error: message" lines, as compilers print them. */
void mc_report_diags_text(FILE *f, const mc_diags *diags);

#endif
