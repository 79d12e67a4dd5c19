/* Reports of `modelcert check` (mc_report_check.h): each spec's diagnostics
 * (file:line:col) and digest as text, the same as JSON, and a spec's
 * normalised form. */
#include "mc_report_check.h"

#include <stdlib.h>
#include <string.h>

#include "mc_str.h"

#include "mc_json.h"

/* One diagnostic as JSON, like a jansson constructor: NULL when out of memory, for
 * mc_json_append to report. */
static json_t *diag_json(const mc_diag *d)
{
    return json_pack("{s:s, s:s, s:i, s:i, s:s}", "severity",
                     mc_severity_name(d->severity), "file", d->file, "line",
                     d->line, "column", d->col, "message", d->message);
}

/* One spec's entry into *out. MC_ENOMEM. */
static int spec_json(json_t **out, const mc_check_result *r)
{
    json_t *diags = json_array(), *spec = NULL;
    int rc = diags ? MC_OK : mc_error_nomem();
    for (size_t k = 0; rc == MC_OK && k < mc_diags_count(r->diags); k++)
        rc = mc_json_append(diags, diag_json(mc_diags_get(r->diags, k)));
    size_t errors = mc_diags_error_count(r->diags);
    size_t warnings = mc_diags_count(r->diags) - errors;
    if (rc == MC_OK &&
        !(spec = json_pack("{s:s, s:b, s:I, s:I, s:O}", "path", r->path, "valid",
                           r->digest != NULL, "errors", (json_int_t)errors, "warnings",
                           (json_int_t)warnings, "diagnostics", diags)))
        rc = mc_error_nomem();
    if (rc == MC_OK && r->digest)
        rc = mc_json_set(spec, "digest", json_string(r->digest));
    json_decref(diags);
    if (rc) {
        json_decref(spec);
        return rc;
    }
    *out = spec;
    return MC_OK;
}

/* {"valid": bool, "specs": [{"path", "valid", "digest", "errors", "warnings",
 *   "diagnostics": [{"severity", "file", "line", "column", "message"}]}]}.
 * Caller owns *out. MC_ENOMEM. */
static int mc_report_check_json(json_t **out, const mc_check_result *results, size_t n)
{
    json_t *specs = json_array(), *doc = NULL, *spec = NULL;
    int all_valid = 1, rc = specs ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        all_valid &= results[i].digest != NULL;
        if ((rc = spec_json(&spec, &results[i])) == MC_OK)
            rc = mc_json_append(specs, spec);
    }
    if (rc == MC_OK && !(doc = json_pack("{s:b, s:O}", "valid", all_valid, "specs", specs)))
        rc = mc_error_nomem();
    json_decref(specs);
    if (rc == MC_OK)
        *out = doc;
    return rc;
}

void mc_report_diags_text(FILE *f, const mc_diags *diags)
{
    for (size_t i = 0; i < mc_diags_count(diags); i++) {
        const mc_diag *d = mc_diags_get(diags, i);
        const char *sev = mc_severity_name(d->severity);
        char msg[MC_STR_PRINTABLE_CAP(1024)]; /* a diagnostic quotes spec values: no escapes through */
        mc_str_printable(msg, sizeof msg, d->message, strlen(d->message));
        if (d->line > 0)
            fprintf(f, "%s:%d:%d: %s: %s\n", d->file, d->line, d->col, sev, msg);
        else
            fprintf(f, "%s: %s: %s\n", d->file, sev, msg);
    }
}

void mc_report_check_text(FILE *out, FILE *err, const mc_check_result *r, size_t n,
                          int digest_lines, int quiet)
{
    for (size_t i = 0; i < n; i++) {
        size_t errors = mc_diags_error_count(r[i].diags);
        mc_report_diags_text(err, r[i].diags);
        if (r[i].digest && digest_lines)
            fprintf(out, "%s  %s\n", r[i].digest, r[i].path);
        else if (r[i].digest && !quiet)
            fprintf(out, "%s: ok (spec digest sha256:%s)\n", r[i].path, r[i].digest);
        else if (!r[i].digest)
            fprintf(err, "%s: %zu error%s\n", r[i].path, errors, errors == 1 ? "" : "s");
    }
}

/* Pretty JSON of a document the caller hands over (NULL: out of memory). */
static int print_owned(FILE *f, json_t *doc)
{
    char *text = NULL;
    int rc = doc ? mc_json_pretty(&text, NULL, doc, 2) : mc_error_nomem();
    if (rc == MC_OK)
        fputs(text, f);
    free(text);
    json_decref(doc);
    return rc;
}

int mc_report_check_print_json(FILE *f, const mc_check_result *results, size_t n)
{
    json_t *doc = NULL;
    int rc = mc_report_check_json(&doc, results, n);
    return rc ? rc : print_owned(f, doc);
}

int mc_report_spec_normalized(FILE *f, const mc_spec *spec)
{
    json_t *norm = NULL;
    int rc = mc_spec_normalized(&norm, spec);
    return rc ? rc : print_owned(f, norm);
}
