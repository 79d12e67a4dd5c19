/* Reports of `modelcert check`: per spec, its diagnostics and digest, for
 * people (compiler-style lines) and machines (JSON). */
#ifndef MC_REPORT_CHECK_H
#define MC_REPORT_CHECK_H

#include <jansson.h>
#include <stdio.h>

#include "mc_diag.h"
#include "mc_spec.h"

/* That document on f, indented. MC_ENOMEM. */
int mc_report_check_print_json(FILE *f, const mc_check_result *results, size_t n);
/* For people: each spec's diagnostics on err, then "PATH: ok (spec digest
 * sha256:...)" on out (nothing when quiet; "<sha256>  PATH" lines, as
 * sha256sum prints them, with digest_lines) or "PATH: N errors" on err. */
void mc_report_check_text(FILE *out, FILE *err, const mc_check_result *r, size_t n,
                          int digest_lines, int quiet);
/* "file:line:col: error: message" lines, as compilers print them. */
void mc_report_diags_text(FILE *f, const mc_diags *diags);
/* The spec with every default filled in (what its digest covers), as
 * indented JSON on f. MC_ENOMEM. */
int mc_report_spec_normalized(FILE *f, const mc_spec *spec);

#endif
