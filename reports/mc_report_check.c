#include "mc_report_check.h"

static json_t *diag_json(const mc_diag *d)
{
    return json_pack("{s:s, s:s, s:i, s:i, s:s}", "severity",
                     mc_severity_name(d->severity), "file", d->file, "line",
                     d->line, "column", d->col, "message", d->message);
}

int mc_report_check_json(json_t **out, const mc_check_result *results, size_t n)
{
    json_t *specs = json_array();
    int all_valid = 1;
    for (size_t i = 0; specs && i < n; i++) {
        const mc_check_result *r = &results[i];
        json_t *diags = json_array();
        for (size_t k = 0; diags && k < mc_diags_count(r->diags); k++)
            json_array_append_new(diags, diag_json(mc_diags_get(r->diags, k)));
        size_t errors = mc_diags_error_count(r->diags);
        size_t warnings = mc_diags_count(r->diags) - errors;
        int valid = r->digest != NULL;
        all_valid &= valid;
        json_t *spec = json_pack("{s:s, s:b, s:I, s:I, s:o}", "path", r->path, "valid", valid,
                                 "errors", (json_int_t)errors, "warnings", (json_int_t)warnings,
                                 "diagnostics", diags);
        if (!spec) {
            json_decref(specs);
            return mc_error_nomem();
        }
        if (valid)
            json_object_set_new(spec, "digest", json_string(r->digest));
        json_array_append_new(specs, spec);
    }
    *out = specs ? json_pack("{s:b, s:o}", "valid", all_valid, "specs", specs) : NULL;
    return *out ? MC_OK : mc_error_nomem();
}

void mc_report_diags_text(FILE *f, const mc_diags *diags)
{
    for (size_t i = 0; i < mc_diags_count(diags); i++) {
        const mc_diag *d = mc_diags_get(diags, i);
        const char *sev = mc_severity_name(d->severity);
        if (d->line > 0)
            fprintf(f, "%s:%d:%d: %s: %s\n", d->file, d->line, d->col, sev, d->message);
        else
            fprintf(f, "%s: %s: %s\n", d->file, sev, d->message);
    }
}
