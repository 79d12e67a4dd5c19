/* The rows behind metrics.json's FGSM and PGD figures, for a check against PyTorch autograd
 * (tests/e2e/robust_rows.py): runs a spec with a robustness section through the engine
 * (mc_run_execute, reference numerics, as `modelcert run --numerics reference` does) with
 * the run's perturbed_rows hook, and writes each attack's perturbed test rows as
 * OUT_DIR/ATTACK-STRENGTH.csv: the 1-based data row, then every numeric column of the data,
 * each value printed with 17 significant digits (exact). Prints the model's sha256, which
 * equals that of `modelcert run --numerics reference` on the spec (the same weights).
 *
 * usage: robust_rows SPEC OUT_DIR    exit 0 when the run and every file were written */
#include <stdio.h>
#include <stdlib.h>

#include "mc_error.h"
#include "mc_run.h"
#include "mc_spec.h"
#include "mc_table.h"

static int write_rows(void *ctx, const char *attack, double strength, const mc_table *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-%g.csv", (const char *)ctx, attack, strength);
    FILE *f = fopen(path, "w");
    if (!f)
        return mc_error_set(MC_EIO, "%s: cannot write", path);
    fputs("row", f);
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].kind == MC_COLKIND_NUMERIC)
            fprintf(f, ",%s", t->cols[c].name);
    fputc('\n', f);
    for (size_t r = 0; r < t->n_rows; r++) {
        fprintf(f, "%zu", t->row_index[r] + 1);
        for (size_t c = 0; c < t->n_cols; c++)
            if (t->cols[c].kind == MC_COLKIND_NUMERIC)
                fprintf(f, ",%.17g", t->cols[c].num[r]);
        fputc('\n', f);
    }
    return fclose(f) == 0 ? MC_OK : mc_error_set(MC_EIO, "%s: cannot write", path);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: robust_rows SPEC OUT_DIR\n");
        return 2;
    }
    mc_diags *diags = NULL;
    mc_spec *spec = NULL;
    mc_run *run = NULL;
    mc_run_options o = {.threads = 1, .numerics = MC_NUMERICS_REFERENCE,
                        .perturbed_rows = write_rows, .perturbed_rows_ctx = argv[2]};
    int rc = mc_diags_create(&diags);
    if (rc == MC_OK)
        rc = mc_spec_load(&spec, diags, argv[1]);
    if (rc == MC_OK)
        rc = mc_run_execute(&run, spec, &o);
    if (rc)
        fprintf(stderr, "robust_rows: %s\n", mc_error_last()->message);
    else
        printf("%s\n", run->model_digest);
    mc_run_free(run);
    mc_spec_free(spec);
    mc_diags_free(diags);
    return rc ? 1 : 0;
}
