/* Privacy checks (docs/privacy.md): scanning data for personal data, and
 * what `validate` checks of the spec's privacy section. Every result is in
 * category "privacy" and names columns, detectors, counts and shares, never
 * a value (at most a masked example such as j***@e***.com). */
#ifndef MC_PRIVACY_H
#define MC_PRIVACY_H

#include <stddef.h>

#include "mc_run.h"
#include "mc_spec.h"
#include "mc_table.h"
#include "mc_validation.h"

/* What a scan looks for and how it judges. */
typedef struct mc_pii_scan_config {
    const int *detectors;          /* mc_pii_detector values; NULL: every detector */
    size_t n_detectors;
    long long sample_rows;         /* rows scanned at most */
    unsigned long long seed;       /* which rows, when there are more */
    double min_share;              /* validated share of a column's sampled cells that flags it;
                                      half of it when the column's name supports the detector */
    const char *const *columns;    /* the columns to scan; NULL: every column */
    size_t n_columns;
    int action;                    /* mc_action: status of undeclared findings */
    const mc_pii_column *declared; /* privacy.pii_columns: findings there pass */
    size_t n_declared;
} mc_pii_scan_config;

/* The defaults of `privacy scan` without a spec: every detector, 1000 rows,
 * seed 0, min_share 0.5, action fail. With a spec that has pii_scan, its
 * values, and its pii_columns as the declared ones. */
void mc_pii_scan_config_from_spec(mc_pii_scan_config *c, const mc_spec *spec);

/* Scans t (read as text: every column categorical) and adds a result per
 * flagged column ("privacy.pii_scan.<column>") and one summary result
 * ("privacy.pii_scan"). MC_EINPUT for a listed column not in t, MC_ENOMEM. */
int mc_pii_scan_table(mc_validation *v, const mc_table *t, const mc_pii_scan_config *c);

/* `modelcert privacy scan DATA [--spec SPEC]`: reads data_path ("-": stdin)
 * with every column as text (the spec's delimiter and missing values when
 * spec is not NULL) and scans it. *out is the caller's (mc_validation_free).
 * MC_ENOTFOUND, MC_EINPUT (bad data, a scan column not in the data), MC_EIO,
 * MC_ENOMEM. */
int mc_privacy_scan(mc_validation **out, const char *data_path, const mc_spec *spec);

/* ---- in validate ------------------------------------------------------------------- */

typedef struct mc_privacy_view mc_privacy_view;

/* What validate gathers during the run for the re-identification checks:
 * create it, pass mc_privacy_view_hook and the view as the run's
 * training_view callback and context, and free it after. NULL spec sections
 * make it do nothing. MC_ENOMEM. */
int mc_privacy_view_create(mc_privacy_view **out, const mc_spec *spec);
void mc_privacy_view_free(mc_privacy_view *pv);
/* The run's callback: measures k-anonymity, l-diversity and risk on the
 * training rows as the network sees them (the first call only: re-runs of
 * the reproducibility check see the same rows). */
int mc_privacy_view_hook(void *ctx, const mc_table *train, const mc_table *raw);

/* Adds the privacy results of validate: the data scanned for undeclared
 * personal data (read again from the spec's data source), pii_columns and
 * forbidden_features against the model artifact's inputs and features, and
 * the measures the view took. Nothing without a privacy section. MC_EINPUT
 * for unreadable data, MC_ENOMEM. */
int mc_privacy_check(mc_validation *v, const mc_spec *spec, const mc_run *run,
                     const mc_privacy_view *pv);

#endif
