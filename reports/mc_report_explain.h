/* The report of `modelcert explain` for people: what was explained, the largest
 * completeness gap and the rows that never met the tolerance. */
#ifndef MC_REPORT_EXPLAIN_H
#define MC_REPORT_EXPLAIN_H

#include <stdio.h>

#include "mc_explain_verb.h"

/* A few lines: rows explained (and dropped), the background, the method's figures. */
void mc_report_explain_text(FILE *f, const mc_explain_summary *s, const mc_explain_request *req);

#endif
