/* Verification of a release certificate (mc_release_verify, mc_release.h): each JSON Lines
 * line a DSSE envelope signed by the key, over an in-toto statement whose subject is the
 * run's model (and model.onnx and bom.cdx.json exactly when the run holds them) and whose
 * predicate is the SLSA provenance or the test result, each digest it states the one on disk.
 * `verify
 * --certificate` calls it (mc_sign.c). */
#include "mc_release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_oms.h"
#include "mc_run_dir.h"

#define LINES_MAX 8

/* One optional subject entry, `name` (model.onnx, bom.cdx.json): certified exactly when the
 * run holds the file (has), with the digest of the file on disk (hex). */
static int check_optional(const json_t *entry, const char *name, int has, const char *hex,
                          const char *added_why)
{
    const char *d = mc_release_str(entry, "digest", "sha256");
    if (entry && !has)
        return mc_error_set(MC_EINPUT, "release certificate: it certifies %s (sha256 %.12s...), "
                            "which is not in the run directory", name, d ? d : "?");
    if (!entry && has)
        return mc_error_set(MC_EINPUT, "release certificate: %s (sha256 %.12s...) is in the run "
                            "directory but not certified (%s? certify the run again)", name, hex,
                            added_why);
    if (entry && (!d || strcmp(d, hex) != 0))
        return mc_error_set(MC_EINPUT, "release certificate: %s on disk (sha256 %.12s...) is not "
                            "the certified one (%.12s...)", name, hex, d ? d : "?");
    return MC_OK;
}

/* The subject: model.mcm (or model.mcm.age with the clear model's digest; model.onnx for an
 * ONNX model the spec's model: gated) as on disk first, then model.onnx and bom.cdx.json (the
 * ML-BOM), each exactly when the run holds it, at most once, with the digest of the file on
 * disk. */
static int check_subject(const mc_release_facts *f, const json_t *subj, const char *clear)
{
    const json_t *s0 = json_array_get(subj, 0), *onnx = NULL, *bom = NULL;
    const char *name0 = mc_release_str(s0, "name", NULL);
    const char *d0 = mc_release_str(s0, "digest", "sha256");
    const char *dec = mc_release_str(json_object_get(json_object_get(s0, "annotations"),
                                                     "decrypted"), "sha256", NULL);
    int rc;
    if (json_array_size(subj) < 1 || json_array_size(subj) > 3 ||
        !d0 || strcmp(d0, f->file_digest) || !name0 || strcmp(name0, f->model_file))
        return mc_error_set(MC_EINPUT, "release certificate: its subject is not the model on "
                            "disk (%s, sha256 %.12s...)", f->model_file, f->file_digest);
    if (f->encrypted && (!dec || strcmp(dec, f->model) != 0))
        return mc_error_set(MC_EINPUT, "release certificate: the clear model it certifies "
                            "(sha256 %.12s...) is not the one run.json records (%.12s...)",
                            dec ? dec : "(none)", f->model);
    if (clear && strcmp(clear, f->model) != 0)
        return mc_error_set(MC_EINPUT, "release certificate: %s decrypts to a model with sha256 "
                            "%.12s..., not the certified clear model (%.12s...)", f->model_file,
                            clear, f->model);
    for (size_t i = 1; i < json_array_size(subj); i++) {
        const json_t *s = json_array_get(subj, i);
        const char *name = mc_release_str(s, "name", NULL);
        const json_t **slot = !name ? NULL : strcmp(name, MC_RUN_FILE_ONNX) == 0 ? &onnx
                            : strcmp(name, MC_RELEASE_BOM_NAME) == 0 ? &bom : NULL;
        if (!slot || *slot)
            return mc_error_set(MC_EINPUT, "release certificate: unexpected subject '%.100s'",
                                name ? name : "(no name)");
        *slot = s;
    }
    if ((rc = check_optional(onnx, MC_RUN_FILE_ONNX, f->has_onnx, f->onnx, "exported after "
                             "certify")))
        return rc;
    return check_optional(bom, MC_RELEASE_BOM_NAME, f->has_bom, f->bom, "added after certify");
}

static int check_line(const mc_release_facts *f, const json_t *st, int *seen, const char *clear)
{
    const char *pt = mc_release_str(st, "predicateType", NULL);
    const json_t *pred = json_object_get(st, "predicate");
    const char *type = mc_release_str(st, "_type", NULL);
    int rc;
    if (!type || strcmp(type, MC_OMS_STATEMENT_TYPE) != 0)
        return mc_error_set(MC_EINPUT, "release certificate: _type is not %s",
                            MC_OMS_STATEMENT_TYPE);
    if ((rc = check_subject(f, json_object_get(st, "subject"), clear)))
        return rc;
    if (pt && strcmp(pt, MC_RELEASE_PT_PROVENANCE) == 0) {
        const json_t *bd = json_object_get(pred, "buildDefinition");
        const json_t *ep = json_object_get(bd, "externalParameters");
        const json_t *dep = json_array_get(json_object_get(bd, "resolvedDependencies"), 0);
        const char *sd = mc_release_str(json_object_get(ep, "spec_digest"), "sha256", NULL);
        const char *dd = mc_release_str(dep, "digest", "sha256");
        if (!sd || strcmp(sd, f->spec_digest) != 0)
            return mc_error_set(MC_EINPUT, "release certificate: the provenance's spec digest "
                                "does not match spec.json");
        if (!dd || strcmp(dd, f->data_digest) != 0)
            return mc_error_set(MC_EINPUT, "release certificate: the provenance's data digest "
                                "does not match run.json");
        seen[0]++;
    } else if (pt && strcmp(pt, MC_RELEASE_PT_TEST_RESULT) == 0) {
        const char *res = mc_release_str(pred, "result", NULL);
        const json_t *c0 = json_array_get(json_object_get(pred, "configuration"), 0);
        if (!mc_release_str(c0, "digest", "sha256") ||
            strcmp(mc_release_str(c0, "digest", "sha256"), f->validation_digest) != 0)
            return mc_error_set(MC_EINPUT, "release certificate: the test result's "
                                "validation.json digest does not match the file");
        if (!res || (strcmp(res, "PASSED") != 0 && strcmp(res, "WARNED") != 0))
            return mc_error_set(MC_EINPUT, "release certificate: the validation it records did "
                                "not pass (%s)", res ? res : "no result");
        seen[1]++;
    } else {
        return mc_error_set(MC_EINPUT, "release certificate: unexpected predicateType '%.100s'",
                            pt ? pt : "(missing)");
    }
    return MC_OK;
}

int mc_release_verify(const char *run_dir, const char *cert_path, EVP_PKEY *key,
                      const char *clear)
{
    mc_release_facts f = {0};
    char *text = NULL;
    size_t len = 0;
    int seen[2] = {0, 0}, lines = 0;
    int rc = mc_file_read_text(&text, &len, cert_path, MC_RELEASE_MAX);
    if (rc == MC_ENOTFOUND)
        rc = mc_error_set(MC_EINPUT, "no release certificate at %s", cert_path);
    if (rc || (rc = mc_release_facts_read(&f, run_dir, NULL, 0)))
        goto cleanup;
    if (clear && !f.encrypted) {
        rc = mc_error_set(MC_EINPUT, "%s: its model is not encrypted: --identity has nothing "
                          "to decrypt", run_dir);
        goto cleanup;
    }
    for (char *line = text, *next; line && *line && !rc; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!*line)
            continue;
        if (++lines > LINES_MAX) {
            rc = mc_error_set(MC_EINPUT, "release certificate: over %d lines", LINES_MAX);
            break;
        }
        json_t *env = NULL, *st = NULL;
        unsigned char *payload = NULL;
        size_t plen = 0;
        char *ptype = NULL, why[sizeof mc_error_last()->message];
        if ((rc = mc_dsse_json_read(&env, line, strlen(line)))) {
            if (rc != MC_ENOMEM) {
                snprintf(why, sizeof why, "%s", mc_error_last()->message);
                rc = mc_error_set(MC_EINPUT, "release certificate line %d: not JSON (%s)", lines,
                                  why);
            }
        } else if ((rc = mc_dsse_verify(&payload, &plen, &ptype, env, key))) {
            snprintf(why, sizeof why, "%s", mc_error_last()->message);
            rc = mc_error_set(rc, "release certificate line %d: %s", lines, why);
        } else if (strcmp(ptype, MC_OMS_PAYLOAD_TYPE) != 0 ||
                   (rc = mc_dsse_json_read(&st, (char *)payload, plen))) {
            if (rc != MC_ENOMEM)
                rc = mc_error_set(MC_EINPUT, "release certificate line %d: not an in-toto "
                                  "statement", lines);
        } else {
            rc = check_line(&f, st, seen, clear);
        }
        json_decref(env);
        json_decref(st);
        free(payload);
        free(ptype);
    }
    if (!rc && (seen[0] != 1 || seen[1] != 1))
        rc = mc_error_set(MC_EINPUT, "release certificate: needs exactly one provenance and one "
                          "test-result statement (found %d and %d)", seen[0], seen[1]);
cleanup:
    mc_release_facts_free(&f);
    free(text);
    return rc;
}

