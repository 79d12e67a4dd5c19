/* `check` (mc_check.h): the specs loaded and checked (spec/), confined, and
 * each one still valid checked against the head of its data file
 * (mc_check_data.c) when that file can be read: the whole `check` behind one
 * call, so that cli/cmd_check.c parses, calls, renders. Nothing is recorded:
 * check changes nothing. */
#include "mc_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_file.h"

/* The data pass on one result's spec: the valid one, or the one whose cross-field rules
 * failed (confined here first, since mc_check_results_confine looks only at valid ones). */
static int check_one(mc_check_result *r, const mc_confinement *confine)
{
    const mc_spec *spec = r->spec ? r->spec : r->bound;
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    char *path = NULL, *text = NULL;
    size_t len = 0, errors = 0;
    int whole = 0, rc = MC_OK;
    if (!d->data.source)
        return MC_OK;
    if (!r->spec && (rc = mc_spec_check_paths(spec, confine))) {
        if (rc != MC_EINPUT && rc != MC_ENOTFOUND)
            return rc;
        const mc_error *e = mc_error_last();
        rc = mc_diags_add(r->diags, MC_SEV_ERROR, e->file[0] ? e->file : r->path, e->line,
                          e->col, "%s", e->message);
        mc_diags_sort(r->diags);
        return rc;
    }
    if (!(path = mc_path_join(mc_spec_dir(spec), d->data.source)))
        return mc_error_nomem();
    if (!mc_file_exists(path)) /* the spec check warned: "does not exist (yet)" */
        goto cleanup;
    rc = mc_file_read_text_head(&text, &len, &whole, path, MC_CHECK_SAMPLE_BYTES);
    if (rc == MC_EINPUT || rc == MC_ENOTFOUND || rc == MC_EIO) {
        char msg[sizeof mc_error_last()->message];
        snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
        rc = mc_spec_diag(spec, r->diags, MC_SEV_WARNING, &d->data.source, &d->data,
                          "data.source: %s; checked without the data", msg);
        goto cleanup;
    }
    if (rc == MC_OK)
        rc = mc_check_data(&errors, r->diags, spec, path, text, len, whole);
    if (rc == MC_OK && errors && r->spec) {
        r->digest = NULL;
        mc_spec_free(r->spec);
        r->spec = NULL;
    }
cleanup:
    mc_diags_sort(r->diags);
    free(path);
    free(text);
    return rc;
}

int mc_check_specs(mc_check_result **out, const char *const *paths, size_t n,
                   const mc_check_options *o)
{
    mc_check_result *r = NULL;
    int rc = mc_spec_check_files(&r, paths, n);
    if (rc)
        return rc;
    rc = mc_check_results_confine(r, n, o ? o->confine : NULL);
    for (size_t i = 0; rc == MC_OK && !(o && o->no_data) && i < n; i++)
        if ((r[i].spec && r[i].digest) || r[i].bound)
            rc = check_one(&r[i], o ? o->confine : NULL);
    if (rc) {
        mc_check_results_free(r, n);
        return rc;
    }
    *out = r;
    return MC_OK;
}
