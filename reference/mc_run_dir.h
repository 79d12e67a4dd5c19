/* The run directory (docs/formats.md): the names of its files, in one place
 * for every part that reads or writes them; its one writer and its one reader. */
#ifndef MC_RUN_DIR_H
#define MC_RUN_DIR_H

#include <jansson.h>
#include <stddef.h>

#define MC_RUN_FILE_MODEL "model.mcm"
#define MC_RUN_FILE_MODEL_AGE "model.mcm.age"    /* the model encrypted (spec protection) */
#define MC_RUN_FILE_METRICS "metrics.json"
#define MC_RUN_FILE_HISTORY "history.csv"
#define MC_RUN_FILE_PREDICTIONS "test_predictions.csv"
#define MC_RUN_FILE_SPEC "spec.json"
#define MC_RUN_FILE_RECORD "run.json"          /* written last: its presence marks a complete run */
#define MC_RUN_FILE_VALIDATION "validation.json" /* added by `validate` */
#define MC_RUN_FILE_ONNX "model.onnx"           /* added by `export --format onnx` */
#define MC_RUN_FILE_ONNX_AGE "model.onnx.age"   /* the same, encrypted (spec protection) */
#define MC_RUN_FILE_MEMBERSHIP "membership_losses.csv" /* privacy.membership_inference's sample */

struct mc_run;
struct mc_spec;

/* Where a run directory goes: one rule for `run` and `validate`, applied
 * before any work so that a bad -o costs nothing. `requested` (the -o value;
 * trailing slashes are dropped) when given, else runs/<metadata.name>-<UTC
 * time to the millisecond> in the spec's directory ('/' and ' ' in the name
 * become '_'; -2, -3, ... while a name is taken). MC_EINPUT when it is empty,
 * already exists (even as a dangling symlink), or its parent cannot hold it
 * (a file, or a directory we cannot write). Caller frees *out. */
int mc_run_dir_choose(char **out, const char *requested, const struct mc_spec *spec);

/* A file written into a run directory beside the run's own (validate's
 * validation.json). */
typedef struct mc_run_extra {
    const char *name;
    const char *text;
    size_t len;
} mc_run_extra;

/* Writes the run, and n_extra more files, into `dir`, which must not exist
 * (MC_EINPUT): built in a temporary sibling directory, every file fsynced,
 * run.json last, then renamed into place, so a directory at `dir` is always
 * complete, extras included. On error the temporary directory is removed. */
int mc_run_write(const struct mc_run *run, const char *dir, const mc_run_extra *extra,
                 size_t n_extra);

/* Hands n bytes of a file being written to its file; returns MC_OK or an mc_code. */
typedef int (*mc_run_put)(void *put_ctx, const unsigned char *data, size_t n);

/* How a protected run's model file is written (the engine knows no cryptography): write
 * turns the model's bytes in memory into the file's bytes, handed to put as they are made
 * (verbs/ encrypts them in the age format, chunk by chunk), so that the clear model is
 * never on disk, not even in a temporary file. */
typedef struct mc_run_model_writer {
    int (*write)(void *ctx, const unsigned char *model, size_t len, mc_run_put put,
                 void *put_ctx);
    void *ctx;
} mc_run_model_writer;

/* mc_run_write with the model file (run->model_file) written through writer when it is
 * not NULL. A run whose model_file is not MC_RUN_FILE_MODEL (a protected run) needs a
 * writer: without one it is MC_EINTERNAL, nothing written (never a clear model). */
int mc_run_write_model(const struct mc_run *run, const char *dir, const mc_run_extra *extra,
                       size_t n_extra, const mc_run_model_writer *writer);

/* The largest JSON file of a run directory that is read (validation.json, metrics.json,
 * spec.json, run.json), unless the input limit (mc_file_input_limit) is lower. */
#define MC_RUN_FILE_JSON_MAX ((size_t)256 << 20)

/* Reads a run directory's JSON file at `path` (or a copy of one, such as a baseline's
 * metrics.json) as an object: a regular file only, at most MC_RUN_FILE_JSON_MAX bytes (and
 * the input limit), duplicate keys refused. MC_ENOTFOUND when it does not exist ("cannot
 * open PATH: ..."); MC_EINPUT "PATH:LINE:COL: <why>" when it is not JSON and "PATH: not a
 * JSON object" when it is other JSON, or as mc_file_read_text for a file that is not
 * regular, holds a NUL byte or is over the limit; MC_ENOMEM. Caller owns *out. */
int mc_run_file_read_json(json_t **out, const char *path);
/* mc_run_file_read_json, and the very bytes it was parsed from (*bytes, *blen; caller
 * frees; bytes NULL: not wanted), so that what is checked (a signature) is what is read. */
int mc_run_file_read_json_bytes(json_t **out, char **bytes, size_t *blen, const char *path);
/* mc_run_file_read_json of run_dir/name (name: one of the MC_RUN_FILE_ names). */
int mc_run_dir_read_json(json_t **out, const char *run_dir, const char *name);
/* The text of run_dir/name (a NUL byte is refused), at most max bytes (0: the input
 * limit). Errors as mc_file_read_text. Caller frees *out. */
int mc_run_dir_read_text(char **out, size_t *len, const char *run_dir, const char *name,
                         size_t max);
/* The bytes of run_dir/name (model.mcm, model.onnx), at most max bytes (0: the input
 * limit). Errors as mc_file_read_all. Caller frees *out. */
int mc_run_dir_read_bytes(char **out, size_t *len, const char *run_dir, const char *name,
                          size_t max);

#endif
