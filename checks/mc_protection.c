/* protection.encryption (mc_protection.h): a protected spec's run must leave no clear model:
 * its own model (model.mcm.age, or model.onnx.age for the ONNX model of a spec's model:) is
 * written only encrypted (the writer verbs/ gives the run directory's writer), and no run
 * directory the gate reads beside it (a baseline) holds model.mcm or model.onnx in clear. require_encryption makes a clear model a failure, else a warning. */
#include "mc_protection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_run_dir.h"

/* 1 when dir/name is there (anything: a clear model is not to be left as anything). */
static int present(const char *dir, const char *name, int *nomem)
{
    struct stat st;
    char *path = mc_path_join(dir, name);
    if (!path) {
        *nomem = 1;
        return 0;
    }
    int there = lstat(path, &st) == 0;
    free(path);
    return there;
}

int mc_protection_check(mc_validation *v, const mc_spec *spec, const mc_run *run, int encrypted,
                        const char *const *dirs, size_t n)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    char clear[1024] = "";
    int nomem = 0;
    if (!d->has_protection)
        return MC_OK;
    if (run->model && (!encrypted || !run->model_file ||
                       (strcmp(run->model_file, MC_RUN_FILE_MODEL_AGE) != 0 &&
                        strcmp(run->model_file, MC_RUN_FILE_ONNX_AGE) != 0)))
        snprintf(clear, sizeof clear, "this run's model would be written in clear");
    static const char *const names[] = {MC_RUN_FILE_MODEL, MC_RUN_FILE_ONNX};
    for (size_t i = 0; !clear[0] && i < n; i++)
        for (size_t k = 0; !clear[0] && k < 2; k++)
            if (present(dirs[i], names[k], &nomem))
                snprintf(clear, sizeof clear, "%.900s/%s is a clear model", dirs[i], names[k]);
    if (nomem)
        return mc_error_nomem();
    mc_status st = !clear[0] ? MC_STATUS_PASS
                   : d->protection.require_encryption ? MC_STATUS_FAIL : MC_STATUS_WARN;
    if (!clear[0])
        return mc_validation_add(v, "protection", "protection.encryption", "model encrypted",
                                 st, json_string("encrypted"), json_string("encrypted"),
                                 "the model is written only as %s (age), never in clear",
                                 run->model_file ? run->model_file : MC_RUN_FILE_MODEL_AGE);
    return mc_validation_add(v, "protection", "protection.encryption", "model encrypted", st,
                             json_string("clear"), json_string("encrypted"), "%s%s", clear,
                             d->protection.require_encryption
                                 ? " (protection.require_encryption)" : "");
}
