/* Reports of a validation (modelcert validate and reproduce): a line per
 * check and a verdict line for people, validation.json for machines.
 *
 * The text renderer knows nothing of check categories: a result is a status,
 * an id and a message, whatever produced it, so a new category (privacy,
 * signing) shows up without a change here. Renderers read results only. */
#ifndef MC_REPORT_VALIDATION_H
#define MC_REPORT_VALIDATION_H

#include <stdio.h>

#include "mc_outcome.h"
#include "mc_validation.h"

/* How a validation reads as text. */
typedef struct mc_report_style {
    const char *verb, *subject;  /* heading "<verb> <subject>"; verb NULL: no heading */
    int ids;                     /* 1: print each result's id in a column */
    int counts;                  /* 1: counts per status after the verdict */
    const char *verdicts[3];     /* words for the verdicts, indexed by mc_verdict;
                                    NULL: PASS, FAIL, ERROR */
    int quiet;                   /* 1: only the verdict line */
} mc_report_style;

/* The results of any validation, styled (validate, reproduce and privacy scan
 * each use it with their own style). Writes, in this order: the heading, one
 * line per result ("  PASS  <id>  <message>", the status as PASS, FAIL, WARN,
 * ERROR or SKIP), then "verdict: <word>" with, when asked, "(N passed, N
 * failed, N errors, N warnings, N skipped)". Output errors are the caller's to
 * check (ferror). */
void mc_report_results_text(FILE *f, const mc_validation *v, const mc_report_style *style);

/* validation.json's text (mc_validation_pretty) on f. MC_ENOMEM, MC_EINPUT
 * when a measured value is not a finite number. */
int mc_report_validation_json(FILE *f, const mc_validation *v);

/* The summary of the validate verb (modelcert validate SPEC): its results in
 * validate's style (mc_report_results_text: heading "validate <spec_path>",
 * each check with its id, the verdict with counts), then "run: <dir>" and
 * "validation: <path>", and "audit: event N in <trail>" when an event was
 * appended. quiet: only the verdict line. */
void mc_report_validate_text(FILE *f, const mc_outcome *o, const char *spec_path, int quiet);

/* The summary of the reproduce verb (modelcert reproduce), for an auditor:
 * heading "reproduce <run_dir>", each check, then "verdict: REPRODUCED" or
 * "verdict: NOT REPRODUCED". quiet: only the verdict line. */
void mc_report_reproduce_text(FILE *f, const mc_outcome *o, int quiet);

#endif
