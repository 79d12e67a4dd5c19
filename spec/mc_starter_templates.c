/* The starter projects `modelcert init --template NAME` writes (mc_starter.h), as data: one
 * table row per template with its name, its one-line summary for `init --list`, the data set
 * written beside it and the commented spec. Each spec passes `check` and its own `validate`
 * on its data (tests/transcripts/starter.t loops over `init --list`), and its comments say
 * how to see the gate fail. "@SHA256@" in a spec becomes the data's digest at write time,
 * so the data is pinned from the start. mc_starter.c writes them and generates the data. */
#include "mc_starter.h"

#include <stddef.h>

/* What every spec starts with: where the data is, pinned. */
#define HEAD(name, descr)                                                                     \
    "# modelcert pipeline spec, written by `modelcert init` (reference: docs/spec.md).\n"     \
    "# Check it:     modelcert check modelcert.yaml\n"                                        \
    "# Gate it:      modelcert validate modelcert.yaml   (every check passes: exit 0)\n"     \
    "apiVersion: modelcert/v1\n"                                                              \
    "kind: Pipeline\n"                                                                        \
    "\n"                                                                                      \
    "metadata:\n"                                                                             \
    "  name: " name "       # required; names the model in reports and the audit trail\n"   \
    "  version: \"0.1.0\"\n"                                                                  \
    "  owner: ml-team@example.com\n"                                                          \
    "  description: " descr "\n"                                                              \
    "\n"

#define PIN                                                                                   \
    "  sha256: @SHA256@   # the exact bytes; other data stops the run\n"

static const char binary_spec[] =
    HEAD("churn-starter", "Churn (0/1) from age, income, tenure, charges, calls and region.")
    "data:\n"
    "  source: churn.csv              # CSV, relative to this file (written by init)\n"
    "  target: churned                # the column to predict\n"
    PIN
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
    "  numerics: reference            # bit-identical on every machine; fast: OpenBLAS\n"
    "\n"
    "metrics:\n"
    "  compute: [accuracy, precision, recall, f1, roc_auc, confusion_matrix]\n"
    "  positive_label: \"1\"\n"
    "  slices:\n"
    "    - {column: region, min_size: 20}\n"
    "    - {column: age, bins: [30, 45, 60], min_size: 20, feature: true}\n"
    "      # age bands <30, [30,45), [45,60), >=60; feature: true keeps age a model input\n"
    "\n"
    "thresholds:                      # to see the gate fail: accuracy {min: 0.95}\n"
    "  metrics:\n"
    "    accuracy: {min: 0.70}\n"
    "    roc_auc: {min: 0.75}\n"
    "  slices:\n"
    "    - {slice: region, metric: accuracy, max_gap: 0.30}   # or 0.10 to see it fail\n"
    "    - {slice: age, metric: accuracy, min: 0.70}\n"
    "\n"
    "reproducibility:\n"
    "  runs: 1                        # re-run once and compare\n"
    "  mode: bitwise\n";

static const char multiclass_spec[] =
    HEAD("plan-starter", "Plan (basic, standard, premium) from the same customer columns.")
    "data:\n"
    "  source: plans.csv              # written by init\n"
    "  target: plan                   # three classes\n"
    PIN
    "  columns: {region: categorical, plan: categorical}\n"
    "  split: {test_fraction: 0.2, validation_fraction: 0.1, shuffle: true, stratify: true, "
    "seed: 7}\n"
    "\n"
    "preprocessing:\n"
    "  - dropna\n"
    "  - {type: one_hot, columns: [region], handle_unknown: ignore}\n"
    "  - standardize\n"
    "\n"
    "architecture:\n"
    "  layers:\n"
    "    - {type: dense, units: 16, activation: relu}\n"
    "    - {type: dense, units: 3, activation: softmax}   # one unit per class\n"
    "\n"
    "training:\n"
    "  optimizer: {type: adam, learning_rate: 0.01}\n"
    "  loss: sparse_categorical_crossentropy\n"
    "  epochs: 40\n"
    "  batch_size: 32\n"
    "  seed: 3\n"
    "  early_stopping: {monitor: val_loss, patience: 8, restore_best: true}\n"
    "  numerics: reference\n"
    "\n"
    "metrics:\n"
    "  compute: [accuracy, f1, log_loss, confusion_matrix]\n"
    "  average: macro                 # F1 per class, then the unweighted mean\n"
    "\n"
    "thresholds:                      # to see the gate fail: accuracy {min: 0.99}\n"
    "  metrics:\n"
    "    accuracy: {min: 0.65}\n"
    "    f1: {min: 0.60}\n"
    "\n"
    "reproducibility: {runs: 1, mode: bitwise}\n";

static const char regression_spec[] =
    HEAD("spend-starter", "Monthly spend (a number) from the same customer columns.")
    "data:\n"
    "  source: spend.csv              # written by init\n"
    "  target: monthly_spend\n"
    PIN
    "  columns: {region: categorical}\n"
    "  split: {test_fraction: 0.2, validation_fraction: 0.1, shuffle: true, seed: 7}\n"
    "\n"
    "preprocessing:\n"
    "  - dropna\n"
    "  - {type: one_hot, columns: [region], handle_unknown: ignore}\n"
    "  - standardize\n"
    "\n"
    "architecture:\n"
    "  layers:\n"
    "    - {type: dense, units: 16, activation: relu}\n"
    "    - {type: dense, units: 1, activation: linear}   # unbounded: any number\n"
    "\n"
    "training:\n"
    "  optimizer: {type: adam, learning_rate: 0.01}\n"
    "  loss: mse\n"
    "  epochs: 60\n"
    "  batch_size: 32\n"
    "  seed: 1\n"
    "  early_stopping: {monitor: val_loss, patience: 10, restore_best: true}\n"
    "  numerics: reference\n"
    "\n"
    "metrics:\n"
    "  compute: [mse, rmse, mae, r2]\n"
    "\n"
    "thresholds:                      # to see the gate fail: r2 {min: 0.999}\n"
    "  metrics:\n"
    "    r2: {min: 0.80}\n"
    "\n"
    "reproducibility: {runs: 1, mode: bitwise}\n";

static const char dp_spec[] =
    "# Differentially private training (docs/privacy-training.md). Before `validate`:\n"
    "#   export MODELCERT_DP_SECRET=$(openssl rand -hex 32)   # keep it: a re-run needs it\n"
    HEAD("churn-dp-starter", "Churn (0/1) trained with DP-SGD, its privacy budget checked.")
    "data:\n"
    "  source: churn.csv              # written by init\n"
    "  target: churned\n"
    PIN
    "  columns: {region: categorical}\n"
    "  split: {test_fraction: 0.2, shuffle: true, stratify: true, seed: 7}\n"
    "\n"
    "preprocessing:\n"
    "  - dropna\n"
    "  - {type: one_hot, columns: [region], handle_unknown: ignore}\n"
    "  - standardize\n"
    "\n"
    "architecture:\n"
    "  layers:\n"
    "    - {type: dense, units: 16, activation: relu}\n"
    "    - {type: dense, units: 1, activation: sigmoid}\n"
    "\n"
    "training:\n"
    "  optimizer: {type: adam, learning_rate: 0.01}\n"
    "  loss: binary_crossentropy\n"
    "  epochs: 20\n"
    "  batch_size: 32\n"
    "  seed: 5\n"
    "  numerics: reference\n"
    "  differential_privacy:\n"
    "    noise_multiplier: 1.1        # noise standard deviation: 1.1 x max_grad_norm\n"
    "    max_grad_norm: 1.0           # each row's gradient is clipped to this L2 norm\n"
    "    delta: 1.0e-5\n"
    "    secret_env: MODELCERT_DP_SECRET   # keys the noise (never in the spec)\n"
    "\n"
    "metrics:\n"
    "  compute: [accuracy, roc_auc]\n"
    "  positive_label: \"1\"\n"
    "\n"
    "thresholds:\n"
    "  metrics:\n"
    "    accuracy: {min: 0.65}\n"
    "\n"
    "privacy:                         # to see the gate fail: max_epsilon: 1.0\n"
    "  differential_privacy: {max_epsilon: 8.0, delta: 1.0e-5}\n"
    "  membership_inference: {max_auc: 0.6, sample_rows: 200}\n";

static const char privacy_spec[] =
    HEAD("customers-private-starter", "Churn (0/1) from customer records with personal data.")
    "data:\n"
    "  source: customers.csv          # written by init: names, e-mails, postcodes\n"
    "  target: churned\n"
    PIN
    "  columns: {region: categorical, postcode: text}\n"
    "  split: {test_fraction: 0.2, shuffle: true, stratify: true, seed: 7}\n"
    "\n"
    "preprocessing:\n"
    "  - dropna\n"
    "  - {type: drop_columns, columns: [name, email]}   # never features\n"
    "  - {type: generalize, columns: [postcode], prefix_length: 3}   # 94107 -> 941\n"
    "  - {type: generalize, columns: [age], bin_width: 10}            # 37 -> 30\n"
    "  - {type: one_hot, columns: [region, postcode], handle_unknown: ignore}\n"
    "  - standardize\n"
    "\n"
    "architecture:\n"
    "  layers:\n"
    "    - {type: dense, units: 16, activation: relu}\n"
    "    - {type: dense, units: 1, activation: sigmoid}\n"
    "\n"
    "training:\n"
    "  optimizer: {type: adam, learning_rate: 0.01}\n"
    "  loss: binary_crossentropy\n"
    "  epochs: 30\n"
    "  batch_size: 32\n"
    "  seed: 1\n"
    "  numerics: reference\n"
    "\n"
    "metrics:\n"
    "  compute: [accuracy, roc_auc]\n"
    "  positive_label: \"1\"\n"
    "\n"
    "thresholds:\n"
    "  metrics:\n"
    "    accuracy: {min: 0.65}\n"
    "\n"
    "privacy:                         # to see the gate fail: k: 50, or remove a pii_columns line\n"
    "  pii_columns:\n"
    "    - {column: name, transform: drop}\n"
    "    - {column: email, transform: drop}\n"
    "    - {column: postcode, transform: generalize}\n"
    "    - {column: age, transform: generalize}\n"
    "  pii_scan: {detectors: [email, phone, credit_card, iban, column_name], sample_rows: 200, "
    "seed: 4}\n"
    "  quasi_identifiers:\n"
    "    columns: [age, postcode]\n"
    "    k: 5\n"
    "    max_suppression: 0.05        # up to 5% of records in classes under k may be left out\n"
    "    risk_threshold: 0.2\n"
    "    max_records_at_risk: 0.05\n"
    "  forbidden_features: [name, email]\n";

static const mc_starter_template templates[] = {
    {"binary", "two classes (churn), slices by region and by age band", "churn.csv",
     MC_STARTER_BINARY, binary_spec},
    {"multiclass", "three classes (a plan), softmax, macro F1", "plans.csv",
     MC_STARTER_MULTICLASS, multiclass_spec},
    {"regression", "a number (monthly spend), r2", "spend.csv", MC_STARTER_REGRESSION,
     regression_spec},
    {"dp", "DP-SGD training, its epsilon and a membership-inference attack checked "
           "(needs MODELCERT_DP_SECRET)", "churn.csv", MC_STARTER_BINARY, dp_spec},
    {"privacy", "personal data dropped and generalised, k-anonymity and a scan checked",
     "customers.csv", MC_STARTER_PERSONAL, privacy_spec},
};

size_t mc_starter_template_count(void)
{
    return sizeof templates / sizeof templates[0];
}

const mc_starter_template *mc_starter_template_at(size_t i)
{
    return i < mc_starter_template_count() ? &templates[i] : NULL;
}
