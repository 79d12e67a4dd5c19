/* `modelcert init` (mc_starter.h): the commented starter spec and its
 * seeded example data set, both checked before either is written. */
#include "mc_starter.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_file.h"

static const char starter_spec[] =
    "# modelcert pipeline spec (reference: docs/spec.md).\n"
    "# Check it:     modelcert check modelcert.yaml\n"
    "apiVersion: modelcert/v1\n"
    "kind: Pipeline\n"
    "\n"
    "metadata:\n"
    "  name: churn-starter            # required; names the model in reports and the audit trail\n"
    "  version: \"0.1.0\"\n"
    "  owner: ml-team@example.com\n"
    "  description: Starter pipeline written by `modelcert init`.\n"
    "  labels: {team: growth}\n"
    "\n"
    "data:\n"
    "  source: " MC_STARTER_DATA_NAME "          # CSV, relative to this file\n"
    "  target: churned                # the column to predict\n"
    "  # sha256: <64 hex digits>      # pin the exact bytes; a mismatch stops the run\n"
    "  columns: {region: categorical}  # types are inferred; override here\n"
    "  split:\n"
    "    test_fraction: 0.2           # without shuffle: the last 20% of rows are the test set\n"
    "    validation_fraction: 0.1\n"
    "    shuffle: true\n"
    "    stratify: true\n"
    "    seed: 7\n"
    "\n"
    "preprocessing:                   # applied in order; statistics come from training rows only\n"
    "  - dropna                       # drop rows with a missing cell\n"
    "  - type: one_hot\n"
    "    columns: [region]\n"
    "    handle_unknown: ignore       # an unseen region at predict time becomes all zeros\n"
    "  - type: standardize            # z-score every numeric column\n"
    "\n"
    "architecture:\n"
    "  input: auto                    # the width preprocessing produces\n"
    "  layers:\n"
    "    - {type: dense, units: 16, activation: relu}\n"
    "    - {type: dropout, rate: 0.1}\n"
    "    - {type: dense, units: 1, activation: sigmoid}\n"
    "\n"
    "training:\n"
    "  optimizer: {type: adam, learning_rate: 0.001}   # Keras defaults otherwise\n"
    "  loss: binary_crossentropy\n"
    "  epochs: 30\n"
    "  batch_size: 32\n"
    "  seed: 42\n"
    "  early_stopping: {monitor: val_loss, patience: 5}\n"
    "  numerics: fast                 # or reference: bit-identical across compilers and machines\n"
    "\n"
    "metrics:\n"
    "  compute: [accuracy, precision, recall, f1, roc_auc, confusion_matrix]\n"
    "  positive_label: \"1\"\n"
    "  slices:\n"
    "    - {column: region, min_size: 20}\n"
    "\n"
    "thresholds:\n"
    "  metrics:\n"
    "    accuracy: {min: 0.70}\n"
    "    roc_auc: {min: 0.75}\n"
    "  slices:\n"
    "    - {slice: region, metric: accuracy, max_gap: 0.15}\n"
    "\n"
    "reproducibility:\n"
    "  runs: 1                        # re-run once and compare\n"
    "  mode: bitwise\n";

/* The starter spec text (static storage; do not free). */
static const char *mc_starter_spec(void)
{
    return starter_spec;
}

/* splitmix64: a tiny seeded generator, so the data set is the same everywhere. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
    return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
}

static double normal(uint64_t *s)
{
    double u = uniform(s), v = uniform(s);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

/* The example CSV (MC_STARTER_ROWS rows, seeded, identical on every run). Caller frees. */
static int mc_starter_data(char **out, size_t *len)
{
    static const char *const regions[] = {"north", "south", "east", "west"};
    size_t cap = 96 + (size_t)MC_STARTER_ROWS * 64, used = 0;
    char *buf = malloc(cap);
    if (!buf)
        return mc_error_nomem();
    uint64_t s = 20261128;
    used += (size_t)snprintf(buf, cap,
                             "age,income,tenure_months,monthly_charges,support_calls,region,churned\n");
    for (int i = 0; i < MC_STARTER_ROWS; i++) {
        double age = 18 + floor(uniform(&s) * 60);
        double income = round(exp(10.4 + 0.45 * normal(&s)));
        double tenure = floor(uniform(&s) * 72);
        double charges = round((20 + uniform(&s) * 100) * 100) / 100;
        int calls = (int)floor(-log(uniform(&s) + 1e-12) * 1.5);
        int region = (int)(next_u64(&s) % 4);
        double z = -0.2 + 0.9 * calls / 1.5 - 0.045 * tenure + 0.022 * (charges - 70) -
                   0.012 * (age - 45) + (region == 1 ? 0.6 : 0) + 0.5 * normal(&s);
        int churned = z > 0;
        char agebuf[16], incbuf[24];
        /* A few missing cells, for the dropna step. */
        if (uniform(&s) < 0.02)
            agebuf[0] = '\0';
        else
            snprintf(agebuf, sizeof agebuf, "%.0f", age);
        if (uniform(&s) < 0.02)
            snprintf(incbuf, sizeof incbuf, "NA");
        else
            snprintf(incbuf, sizeof incbuf, "%.0f", income);
        used += (size_t)snprintf(buf + used, cap - used, "%s,%s,%.0f,%.2f,%d,%s,%d\n", agebuf,
                                 incbuf, tenure, charges, calls, regions[region], churned);
    }
    *out = buf;
    *len = used;
    return MC_OK;
}

/* A target init may write: a regular file or nothing, and nothing unless forced. */
static int check_target(const char *path, int force)
{
    int rc = mc_file_check_output(path);
    if (rc == MC_OK && !force && mc_file_exists(path))
        rc = mc_error_set(MC_EINPUT, "%s exists; use --force to overwrite it", path);
    return rc;
}

int mc_starter_write(char *paths[2], const char *dir, int force)
{
    char *csv = NULL;
    size_t csv_len = 0;
    const char *spec = mc_starter_spec();
    paths[0] = mc_path_join(dir, MC_STARTER_DATA_NAME);
    paths[1] = mc_path_join(dir, MC_STARTER_SPEC_NAME);
    int rc = paths[0] && paths[1] ? mc_dir_create_all(dir) : mc_error_nomem();
    for (int i = 0; i < 2 && rc == MC_OK; i++)
        rc = check_target(paths[i], force);
    if (rc == MC_OK)
        rc = mc_starter_data(&csv, &csv_len);
    if (rc == MC_OK)
        rc = mc_file_write_atomic(paths[0], csv, csv_len);
    if (rc == MC_OK)
        rc = mc_file_write_atomic(paths[1], spec, strlen(spec));
    free(csv);
    if (rc) {
        free(paths[0]), free(paths[1]);
        paths[0] = paths[1] = NULL;
    }
    return rc;
}
