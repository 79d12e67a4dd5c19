/* The loaded spec (mc_spec.h): reading a file, parsing (mc_yaml.c), binding
 * (mc_schema.c) and the cross-field checks (mc_spec_check.c) in order, with
 * every problem in one diagnostics list; the accessors, errors located in
 * the spec, the normalised form and its digest, and `check` over several
 * files. Confinement of untrusted specs is mc_spec_confine.c's. */
#include "mc_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_arena.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_spec_check.h"
#include "mc_spec_schema.h"
#include "mc_yaml.h"

struct mc_spec {
    mc_arena *arena;
    mc_locmap *locs;
    char *path;
    char *dir;
    mc_spec_doc doc;
};

void mc_spec_free(mc_spec *spec)
{
    if (!spec)
        return;
    mc_arena_free(spec->arena);
    mc_locmap_free(spec->locs);
    free(spec->path);
    free(spec->dir);
    free(spec);
}

/* Loads a spec from text. keep_bound: when only the cross-field rules failed, *out gets the
 * bound spec all the same (with MC_EINPUT), for check's data pass. */
static int load_buffer(mc_spec **out, mc_diags *diags, const char *name, const char *text,
                       size_t len, int keep_bound)
{
    int rc, bound = 0;
    mc_ynode *root = NULL;
    mc_spec *spec = calloc(1, sizeof *spec);
    *out = NULL;
    if (!spec)
        return mc_error_nomem();
    spec->path = strdup(name);
    spec->dir = strcmp(name, "-") == 0 ? strdup(".") : mc_path_dirname(name);
    if (!spec->path || !spec->dir) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = mc_arena_create(&spec->arena)) || (rc = mc_locmap_create(&spec->locs)))
        goto cleanup;
    if ((rc = mc_yaml_parse(&root, spec->arena, diags, spec->path, text, len)))
        goto cleanup;
    mc_bind_ctx ctx = {spec->arena, diags, spec->path, spec->locs};
    if (root->kind != MC_YMAP) {
        rc = mc_diags_add(diags, MC_SEV_ERROR, spec->path, root->line, root->col,
                          "a spec is a YAML mapping (apiVersion, kind, metadata, ...), not %s",
                          mc_ynode_kind_name(root));
        if (rc == MC_OK)
            rc = MC_EINPUT; /* what is wrong is in diags */
        goto cleanup;
    }
    rc = mc_schema_bind(&ctx, &mc_spec_doc_schema, &spec->doc, root);
    if (rc == MC_ENOMEM)
        goto cleanup;
    /* architecture and training are required unless model: names an ONNX model */
    int mrc = mc_spec_model_required(&spec->doc, spec->locs, diags, spec->path, root->line,
                                     root->col);
    if (mrc == MC_ENOMEM || (mrc && rc == MC_OK))
        rc = mrc;
    if (rc == MC_ENOMEM)
        goto cleanup;
    /* Cross-field rules need well-typed values: after binding errors they are
     * skipped (as a compiler skips type checks after syntax errors). */
    int crc = mc_spec_check(&spec->doc, spec->locs, diags, spec->path, spec->dir, rc == MC_OK);
    if (crc == MC_ENOMEM) {
        rc = crc;
        goto cleanup;
    }
    bound = rc == MC_OK && crc == MC_EINPUT;
    if (rc == MC_OK)
        rc = crc;
cleanup:
    mc_diags_sort(diags);
    if (rc == MC_OK || (keep_bound && bound))
        *out = spec;
    else
        mc_spec_free(spec);
    return rc;
}

int mc_spec_load_buffer(mc_spec **out, mc_diags *diags, const char *name, const char *text,
                        size_t len)
{
    return load_buffer(out, diags, name, text, len, 0);
}

static int load_file(mc_spec **out, mc_diags *diags, const char *path, int keep_bound)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = mc_file_read_all(&text, &len, path, MC_YAML_MAX_BYTES);
    if (rc == MC_EINPUT || rc == MC_ENOTFOUND) {
        /* The file itself is the problem: report it like any other. */
        rc = mc_diags_add(diags, MC_SEV_ERROR, path, 0, 0, "%s", mc_error_last()->message);
        return rc ? rc : MC_EINPUT;
    }
    if (rc)
        return rc;
    rc = load_buffer(out, diags, path, text, len, keep_bound);
    free(text);
    return rc;
}

int mc_spec_load(mc_spec **out, mc_diags *diags, const char *path)
{
    return load_file(out, diags, path, 0);
}

const mc_spec_doc *mc_spec_doc_get(const mc_spec *spec)
{
    return &spec->doc;
}

const char *mc_spec_path(const mc_spec *spec)
{
    return spec->path;
}

const char *mc_spec_dir(const mc_spec *spec)
{
    return spec->dir;
}

int mc_spec_error(const mc_spec *spec, const void *addr, const char *fmt, ...)
{
    char msg[900];
    int line = 0, col = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mc_locmap_find(spec->locs, addr, &line, &col);
    return mc_error_set_at(MC_EINPUT, spec->path, line, col, "%s", msg);
}

int mc_spec_diag(const mc_spec *spec, mc_diags *diags, mc_severity sev, const void *addr,
                 const void *container, const char *fmt, ...)
{
    char msg[1536];
    int line = 0, col = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if ((!addr || !mc_locmap_find(spec->locs, addr, &line, &col)) && container)
        mc_locmap_find_container(spec->locs, container, &line, &col);
    return mc_diags_add(diags, sev, spec->path, line, col, "%s", msg);
}

mc_task mc_spec_task(const mc_spec *spec)
{
    return mc_spec_doc_task(&spec->doc);
}

int mc_spec_normalized(json_t **out, const mc_spec *spec)
{
    return mc_schema_to_json(out, &mc_spec_doc_schema, &spec->doc);
}

int mc_spec_digest(char hex[MC_SHA256_HEX_LEN + 1], const mc_spec *spec)
{
    json_t *norm = NULL;
    char *canon = NULL;
    size_t len = 0;
    int rc = mc_spec_normalized(&norm, spec);
    if (rc == MC_OK)
        rc = mc_json_canonical(&canon, &len, norm);
    if (rc == MC_OK)
        rc = mc_sha256_hex(hex, canon, len);
    free(canon);
    json_decref(norm);
    return rc;
}

int mc_spec_check_files(mc_check_result **out, const char *const *paths, size_t n)
{
    mc_check_result *r = calloc(n + 1, sizeof *r);
    int rc = r ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        r[i].path = paths[i];
        if ((rc = mc_diags_create(&r[i].diags)))
            break;
        mc_spec *spec = NULL;
        rc = load_file(&spec, r[i].diags, paths[i], 1);
        if (rc == MC_EINPUT)
            r[i].bound = spec; /* only cross-field rules failed: the data pass may read it */
        else if (rc == MC_OK)
            r[i].spec = spec;
        if (rc == MC_OK && (rc = mc_spec_digest(r[i].digest_hex, r[i].spec)) == MC_OK)
            r[i].digest = r[i].digest_hex;
        if (rc == MC_EINPUT) /* an invalid spec: its diagnostics say why */
            rc = MC_OK;
    }
    if (rc) {
        mc_check_results_free(r, n);
        return rc;
    }
    *out = r;
    return MC_OK;
}

void mc_check_results_free(mc_check_result *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        mc_diags_free(r[i].diags);
        mc_spec_free(r[i].spec);
        mc_spec_free(r[i].bound);
    }
    free(r);
}
