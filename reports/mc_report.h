/* Reports of a validation for CI systems, auditors and machines, all rendered
 * from one run directory: validation.json (the results model) and the run's
 * own files beside it (run.json, metrics.json, spec.json, history.csv,
 * test_predictions.csv), plus the run's event in the audit trail. Never a
 * model. docs/reports.md describes each format.
 *
 * Results are rendered by category, whatever the category: a new kind of
 * check (privacy, signing, ...) shows up in every format with no change here.
 * The same input gives the same bytes: nothing depends on the time, the
 * machine or the order of a hash table. */
#ifndef MC_REPORT_H
#define MC_REPORT_H

#include <stddef.h>

#include "mc_enum.h"

/* The formats; the names are `modelcert report --format` values. */
#define MC_REPORT_FORMAT_LIST(X)              \
    X(MC_REPORT_JSON, "json")                 \
    X(MC_REPORT_JUNIT, "junit")               \
    X(MC_REPORT_MARKDOWN, "markdown")         \
    X(MC_REPORT_HTML, "html")                 \
    X(MC_REPORT_MODEL_CARD, "model-card")    \
    X(MC_REPORT_CYCLONEDX, "cyclonedx")
MC_ENUM(mc_report_format, MC_REPORT_FORMAT_LIST, MC_REPORT_FORMAT_COUNT, mc_names_report_format);

/* The file each format is written to by mc_report_write_dir; NULL: not written there (the
 * CycloneDX ML-BOM, of a certified run: certify writes it, verbs/mc_bom.h). */
extern const char *const mc_report_file_names[MC_REPORT_FORMAT_COUNT];

/* A validation and the run it judged, loaded for rendering. */
typedef struct mc_report_doc mc_report_doc;

/* Loads validation.json at `validation_path` (a file in a run directory; the
 * other files are read from the same directory, each optional) and finds the
 * run's "validate" event in the audit trail at `audit_path` (NULL: the trail
 * run.json names; a missing or unreadable trail is shown as such, not an
 * error). Every field of every file is type-checked. Free with
 * mc_report_doc_free. MC_EINPUT (file:line:col or the field at fault),
 * MC_ENOTFOUND (no validation.json), MC_EIO, MC_ENOMEM. */
int mc_report_doc_load(mc_report_doc **out, const char *validation_path, const char *audit_path);
/* Frees d; NULL is fine. */
void mc_report_doc_free(mc_report_doc *d);

/* The report in format f. Caller frees *out; len may be NULL. MC_ENOMEM;
 * MC_EINPUT when a measured value is not a finite number (json); cyclonedx: the run's
 * ML-BOM as certify writes it, with its errors (mc_bom_render_run: a run whose validation
 * did not pass, or whose recorded digests do not match its files, has none). */
int mc_report_render(char **out, size_t *len, const mc_report_doc *d, mc_report_format f);

/* `modelcert report`: what to render and where. */
typedef struct mc_report_options {
    const char *validation_path; /* validation.json in a run directory (required) */
    const char *format;          /* a format name (required); MC_EINPUT for an unknown one */
    const char *output;          /* the file to write atomically; NULL or "-": standard output */
    const char *audit_path;      /* NULL: the trail run.json names */
    int github_summary;          /* 1: also append the Markdown report to $GITHUB_STEP_SUMMARY
                                    when that is set */
} mc_report_options;

/* Loads, renders and writes one report. Errors as mc_report_doc_load, and
 * MC_EIO when the output or the summary cannot be written. */
int mc_report_write(const mc_report_options *o);

/* `modelcert validate --report-dir DIR`: every format, each in its file
 * (mc_report_file_names) in `dir` (created with its parents when missing;
 * NULL: none), from the validation.json just written; github_summary as
 * above. Errors as mc_report_write. */
int mc_report_write_dir(const char *dir, const char *validation_path, const char *audit_path,
                        int github_summary);

/* Appends the Markdown report to the file $GITHUB_STEP_SUMMARY names, when it
 * is set and not empty (GitHub Actions' job summary); does nothing otherwise.
 * MC_EIO when it cannot be written. */
int mc_report_github_summary(const mc_report_doc *d);

#endif
