/* The run directory (docs/formats.md): the names of its files, in one place
 * for every part that reads or writes them. */
#ifndef MC_RUN_DIR_H
#define MC_RUN_DIR_H

#include <stddef.h>

#define MC_RUN_FILE_MODEL "model.mcm"
#define MC_RUN_FILE_METRICS "metrics.json"
#define MC_RUN_FILE_HISTORY "history.csv"
#define MC_RUN_FILE_PREDICTIONS "test_predictions.csv"
#define MC_RUN_FILE_SPEC "spec.json"
#define MC_RUN_FILE_RECORD "run.json"          /* written last: its presence marks a complete run */
#define MC_RUN_FILE_VALIDATION "validation.json" /* added by `validate` */
#define MC_RUN_FILE_ONNX "model.onnx"           /* added by `export --format onnx` */

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

#endif
