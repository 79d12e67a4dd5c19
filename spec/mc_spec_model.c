/* The spec's `model:` section (docs/onnx.md "Gating an ONNX model"): an ONNX model trained
 * elsewhere stands in place of `architecture` and `training`. Here: the rule that a spec has
 * either a model or both of those (checked while binding, as a missing required key is), and
 * the model's own rules (its pinned digest, what its scores are for the task). */
#include "mc_spec_check.h"

#include <string.h>

#include "mc_hash.h"
#include "mc_spec_enums.h"

static int add(mc_diags *diags, const mc_locmap *locs, const char *file, const void *addr,
               const void *container, int line, int col, const char *msg)
{
    if (addr && !mc_locmap_find(locs, addr, &line, &col) && container)
        mc_locmap_find_container(locs, container, &line, &col);
    int rc = mc_diags_add(diags, MC_SEV_ERROR, file, line, col, "%s", msg);
    return rc ? rc : MC_EINPUT;
}

int mc_spec_model_required(const mc_spec_doc *d, const mc_locmap *locs, mc_diags *diags,
                           const char *file, int line, int col)
{
    int rc = MC_OK;
    if (!d->has_model) {
        if (!d->has_architecture)
            rc = add(diags, locs, file, NULL, NULL, line, col,
                     "missing required key 'architecture' (or model: an ONNX model trained "
                     "elsewhere)");
        if (rc != MC_ENOMEM && !d->has_training)
            rc = add(diags, locs, file, NULL, NULL, line, col,
                     "missing required key 'training' (or model: an ONNX model trained "
                     "elsewhere)");
        return rc;
    }
    if (d->has_architecture)
        rc = add(diags, locs, file, &d->architecture, &d->architecture, line, col,
                 "architecture: the spec gates the ONNX model of model.source, which replaces "
                 "architecture and training: remove architecture");
    if (rc != MC_ENOMEM && d->has_training)
        rc = add(diags, locs, file, &d->training, &d->training, line, col,
                 "training: the spec gates the ONNX model of model.source, which replaces "
                 "architecture and training: remove training");
    return rc;
}

int mc_spec_check_model(const mc_spec_doc *d, const mc_locmap *locs, mc_diags *diags,
                        const char *file)
{
    const mc_model_ref *m = &d->model;
    char msg[512];
    int rc = MC_OK;
    if (!d->has_model)
        return MC_OK;
    if (!mc_sha256_hex_valid(m->sha256)) {
        snprintf(msg, sizeof msg, "model.sha256: expected 64 hexadecimal digits, got '%.80s'",
                 m->sha256);
        rc = add(diags, locs, file, &m->sha256, m, 0, 0, msg);
    }
    int line, col;
    if (rc != MC_ENOMEM && m->task == MC_TASK_REGRESSION && m->scores != MC_SCORES_PROBABILITY &&
        mc_locmap_find(locs, &m->scores, &line, &col))
        rc = add(diags, locs, file, &m->scores, m, 0, 0,
                 "model.scores: applies only to classification; a regression's output is its "
                 "prediction: remove it");
    for (size_t i = 0; rc != MC_ENOMEM && i < m->inputs.count; i++)
        if (!m->inputs.items[i][0] || strchr(m->inputs.items[i], ',')) {
            snprintf(msg, sizeof msg, "model.inputs[%zu]: a column name, not '%.80s'", i,
                     m->inputs.items[i]);
            rc = add(diags, locs, file, &m->inputs.items[i], &m->inputs, 0, 0, msg);
        }
    /* protection applies as to a native run: the run directory gets the model only as
       model.onnx.age, encrypted to the recipients (docs/encryption.md, "An encrypted ONNX
       model"). */
    /* robustness and explainability differentiate modelcert's own network; an ONNX model is
       judged on its outputs only (docs/onnx.md). */
    if (rc != MC_ENOMEM && d->has_robustness)
        rc = add(diags, locs, file, &d->robustness, &d->robustness, 0, 0,
                 "robustness: needs a network modelcert trains (its gradients), not the ONNX "
                 "model of model.source: remove robustness");
    if (rc != MC_ENOMEM && d->has_explainability)
        rc = add(diags, locs, file, &d->explainability, &d->explainability, 0, 0,
                 "explainability: needs a network modelcert trains (its gradients), not the ONNX "
                 "model of model.source: remove explainability");
    return rc;
}
