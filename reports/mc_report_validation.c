/* Text and JSON of a validation (mc_report_validation.h): the results of any
 * validation in a caller's style (mc_report_results_text), validation.json,
 * and the summaries of the validate and reproduce verbs. Ids and messages
 * are made safe for a terminal without allocating. */
#include "mc_report_validation.h"

#include <stdlib.h>
#include <string.h>

#include "mc_report_audit.h"
#include "mc_str.h"

static const char *const status_label[] = {[MC_STATUS_PASS] = "PASS", [MC_STATUS_FAIL] = "FAIL",
                                           [MC_STATUS_WARN] = "WARN", [MC_STATUS_ERROR] = "ERROR",
                                           [MC_STATUS_SKIPPED] = "SKIP"};
_Static_assert(sizeof status_label / sizeof *status_label == MC_STATUS_COUNT, "a label per status");

/* Ids and messages are rendered for a terminal (mc_str_printable): control
 * characters from data or a spec as \xNN; no allocation, so printing cannot
 * fail differently. */
#define ID_MAX 1024
#define MESSAGE_MAX 4096

void mc_report_results_text(FILE *f, const mc_validation *v, const mc_report_style *style)
{
    static const char *const plain[] = {[MC_VERDICT_PASS] = "PASS", [MC_VERDICT_FAIL] = "FAIL",
                                        [MC_VERDICT_ERROR] = "ERROR"};
    mc_verdict verdict = mc_validation_verdict(v);
    const char *word = style->verdicts[verdict] ? style->verdicts[verdict] : plain[verdict];
    if (!style->quiet) {
        if (style->verb)
            fprintf(f, "%s %s\n", style->verb, style->subject);
        for (size_t i = 0; i < mc_validation_count(v); i++) {
            const mc_result *r = mc_validation_get(v, i);
            char id[MC_STR_PRINTABLE_CAP(ID_MAX)], msg[MC_STR_PRINTABLE_CAP(MESSAGE_MAX)];
            mc_str_printable(msg, sizeof msg, r->message, MESSAGE_MAX);
            if (style->ids)
                fprintf(f, "  %-5s %-44s %s\n", status_label[r->status],
                        mc_str_printable(id, sizeof id, r->id, ID_MAX), msg);
            else
                fprintf(f, "  %-5s %s\n", status_label[r->status], msg);
        }
    }
    fprintf(f, "verdict: %s", word);
    if (style->counts) {
        size_t n[MC_STATUS_COUNT];
        mc_validation_counts(v, n);
        fprintf(f, " (%zu passed, %zu failed, %zu errors, %zu warnings, %zu skipped)",
                n[MC_STATUS_PASS], n[MC_STATUS_FAIL], n[MC_STATUS_ERROR], n[MC_STATUS_WARN],
                n[MC_STATUS_SKIPPED]);
    }
    fputc('\n', f);
}

int mc_report_validation_json(FILE *f, const mc_validation *v)
{
    char *text = NULL;
    int rc = mc_validation_pretty(&text, NULL, v);
    if (rc == MC_OK)
        fputs(text, f);
    free(text);
    return rc;
}

void mc_report_validate_text(FILE *f, const mc_outcome *o, const char *spec_path, int quiet)
{
    mc_report_style style = {.verb = "validate", .subject = spec_path, .ids = 1, .counts = 1,
                             .quiet = quiet};
    mc_report_results_text(f, o->validation, &style);
    if (!quiet) {
        fprintf(f, "run: %s\nvalidation: %s\n", o->run_dir, o->validation_path);
        mc_report_audit_recorded(f, o->audit_path, o->audit_event);
    }
}

void mc_report_reproduce_text(FILE *f, const mc_outcome *o, int quiet)
{
    mc_report_style style = {.verb = "reproduce", .subject = o->run_dir, .quiet = quiet,
                             .verdicts = {[MC_VERDICT_PASS] = "REPRODUCED",
                                          [MC_VERDICT_FAIL] = "NOT REPRODUCED",
                                          [MC_VERDICT_ERROR] = "NOT REPRODUCED"}};
    mc_report_results_text(f, o->validation, &style);
}
