/* Prediction: a model applied to raw rows. One path serves `modelcert
 * predict` and the test predictions a run reports, so the two cannot drift. */
#ifndef MC_PREDICT_H
#define MC_PREDICT_H

#include <stddef.h>

#include "mc_artifact.h"
#include "mc_table.h"

/* Applies m to the raw rows of t, in place: the fitted preprocessing, then
 * the network with the row-independent kernels (mc_nn_predict), so a row's
 * prediction never depends on the rows around it. Rows a dropna step removes
 * leave t (t->row_index names the survivors). *pred gets
 * [t->n_rows][m->nn->out] floats; the caller frees it. `what` names the rows
 * in messages ("test", a file name). */
int mc_predict_table(float **pred, const mc_model *m, mc_table *t, const char *what);

/* The predictions CSV (docs/formats.md): row,[actual,]prediction,p_<class>...
 * row_index[r] is row r's 0-based data row; `actual` (NULL: no column) holds
 * the targets as mc_labels does. The caller frees *out. */
int mc_predictions_csv(char **out, const mc_model *m, const size_t *row_index, const float *pred,
                       size_t n, const float *actual);

typedef struct mc_prediction {
    char *csv;       /* the predictions CSV */
    size_t rows;     /* data rows read */
    size_t dropped;  /* rows the model's dropna step removed: no prediction */
} mc_prediction;

/* `modelcert predict`: loads the model at model_path, reads data_path (a CSV
 * file, or "-" for stdin) as the model's training data was read (delimiter, missing-value markers, the
 * column kinds its inputs had), predicts every row and renders the CSV.
 * Extra columns are ignored; a missing input column is MC_EINPUT. Free
 * out->csv with mc_prediction_clear. */
int mc_predict(mc_prediction *out, const char *model_path, const char *data_path);
/* The same with the model's bytes in memory (a model decrypted in memory, never written in
 * clear); name appears in messages. */
int mc_predict_bytes(mc_prediction *out, const unsigned char *model, size_t len,
                     const char *name, const char *data_path);
/* Frees out->csv and zeroes *out; safe on a zeroed struct. */
void mc_prediction_clear(mc_prediction *out);

#endif
