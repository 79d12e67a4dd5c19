/* `modelcert predict MODEL.onnx DATA.csv`: an ONNX model run by modelcert's interpreter on the
 * rows of a CSV (docs/onnx.md "predict with an ONNX model"). */
#ifndef MC_ONNX_PREDICT_H
#define MC_ONNX_PREDICT_H

#include <stddef.h>

#include "mc_predict.h"

#define MC_ONNX_CHUNK_ROWS 1024 /* rows per run of the graph */

/* Reads the model (bounded) and the CSV, binds the graph's inputs and runs the graph over
 * the rows, in chunks. The inputs are either the raw columns by name (every graph input is a
 * column: string inputs get the cell's text, numeric ones its number, NaN for a missing-value
 * marker), or one [N, F] float or double tensor whose F columns are `columns` (comma
 * separated) or, when columns is NULL, the file's numeric columns in file order (there must
 * be F of them). out->csv: `row` (1-based data row), then each output's values, a column per
 * value (its name, or name_j for a width over 1). MC_EINPUT naming what is wrong (the model,
 * a node, a column, a cell), MC_ENOTFOUND, MC_EIO, MC_ENOMEM. */
int mc_onnx_predict(mc_prediction *out, const char *model_path, const char *data_path,
                    const char *columns);
/* The same on bytes in memory (the fuzz target); the names appear in messages. */
int mc_onnx_predict_bytes(mc_prediction *out, const unsigned char *model, size_t len,
                          const char *model_name, const char *csv, size_t csv_len,
                          const char *csv_name, const char *columns);

/* A loaded model (mc_onnx_rt.h) on the rows of a table (the spec's model:, docs/onnx.md
 * "Gating an ONNX model"), its inputs bound as mc_onnx_predict binds a CSV's: *out gets the
 * graph output `output` (NULL: the first) as [t->n_rows][*width] doubles (free it). The
 * output must be float or double with one row per input row. Errors as mc_onnx_predict's. */
typedef struct mc_onnx_model mc_onnx_model;
int mc_onnx_score_table(double **out, size_t *width, const mc_onnx_model *m, const char *name,
                        const mc_table *t, const char *columns, const char *output);

#endif
