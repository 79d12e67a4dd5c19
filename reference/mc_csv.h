/* CSV reader: RFC 4180 (quoted fields, doubled quotes, delimiters and line
 * breaks inside quotes, CRLF or LF), UTF-8 with or without a BOM, a header
 * row, configurable missing-value markers, and per-column type inference
 * (numeric when every present cell is a finite number, else categorical)
 * that the caller can override. Every error names file:line:col and the
 * column. Blank lines are skipped, as pandas does. */
#ifndef MC_CSV_H
#define MC_CSV_H

#include <stddef.h>

#include "mc_table.h"

typedef enum mc_csv_kind { MC_CSV_AUTO, MC_CSV_NUMERIC, MC_CSV_CATEGORICAL } mc_csv_kind;

typedef struct mc_csv_override {
    const char *column;
    mc_csv_kind kind;
} mc_csv_override;

typedef struct mc_csv_options {
    char delimiter;                /* ',' when 0 */
    const char *const *missing;    /* cell texts meaning "missing" (e.g. "", "NA") */
    size_t n_missing;
    const mc_csv_override *overrides;
    size_t n_overrides;
    /* When set, the reader fails unless these columns exist (in any order). */
    const char *const *required;
    size_t n_required;
    /* Columns without an override are read as text, never parsed as numbers
     * (prediction: columns the model does not use are ignored). */
    int others_categorical;
} mc_csv_options;

/* Reads `path` ("-" for stdin). Fails with MC_EINPUT (bad data, with
 * location), MC_ENOTFOUND, MC_EIO or MC_ENOMEM. */
int mc_csv_read(mc_table **out, const char *path, const mc_csv_options *opt);
/* Parses len bytes of `buf`; `name` appears in messages. */
int mc_csv_parse(mc_table **out, const char *name, const char *buf, size_t len,
                 const mc_csv_options *opt);

/* Parses a whole field as a decimal number (correctly rounded). Returns 1 on
 * success; 0 if it is not a number; -1 if it is NaN or infinite. */
int mc_csv_parse_number(const char *s, size_t n, double *out);

#endif
