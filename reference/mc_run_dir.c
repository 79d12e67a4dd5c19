#include "mc_run_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_run.h"

static const char *const run_files[] = {MC_RUN_FILE_MODEL,       MC_RUN_FILE_METRICS,
                                        MC_RUN_FILE_SPEC,        MC_RUN_FILE_HISTORY,
                                        MC_RUN_FILE_PREDICTIONS, MC_RUN_FILE_RECORD};

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = mc_path_join(dir, name);
    if (!path)
        return mc_error_nomem();
    int rc = mc_file_write_atomic(path, data, len);
    free(path);
    return rc;
}

static int write_json(const char *dir, const char *name, const json_t *j)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mc_json_pretty(&text, &len, j, 2);
    if (rc == MC_OK)
        rc = write_file(dir, name, text, len);
    free(text);
    return rc;
}

/* Removes the files a run writes, then the directory (left alone if it holds others). */
static void remove_run_files(const char *dir)
{
    for (size_t i = 0; i < sizeof run_files / sizeof run_files[0]; i++) {
        char *p = mc_path_join(dir, run_files[i]);
        if (p)
            unlink(p);
        free(p);
    }
    rmdir(dir);
}

/* A new private directory beside `dir`: "DIR.tmp-XXXXXX". */
static int make_temp_sibling(char **out, const char *dir)
{
    char *parent = mc_path_dirname(dir);
    if (!parent)
        return mc_error_nomem();
    int rc = mc_dir_create_all(parent);
    free(parent);
    if (rc)
        return rc;
    size_t n = strlen(dir) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return mc_error_nomem();
    snprintf(tmp, n, "%s.tmp-XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        rc = mc_error_set(MC_EIO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    chmod(tmp, 0755); /* mkdtemp makes it private; a run is as readable as its files */
    *out = tmp;
    return MC_OK;
}

int mc_run_write(const mc_run *run, const char *dir)
{
    char *tmp = NULL;
    if (mc_file_exists(dir))
        return mc_error_set(MC_EINPUT, "%s exists; choose another output directory", dir);
    int rc = make_temp_sibling(&tmp, dir);
    if (rc)
        return rc;
    rc = write_file(tmp, MC_RUN_FILE_MODEL, run->model, run->model_len);
    if (rc == MC_OK)
        rc = write_json(tmp, MC_RUN_FILE_METRICS, run->metrics);
    if (rc == MC_OK)
        rc = write_json(tmp, MC_RUN_FILE_SPEC, run->normalized);
    if (rc == MC_OK)
        rc = write_file(tmp, MC_RUN_FILE_HISTORY, run->history_csv, strlen(run->history_csv));
    if (rc == MC_OK)
        rc = write_file(tmp, MC_RUN_FILE_PREDICTIONS, run->predictions_csv,
                        strlen(run->predictions_csv));
    if (rc == MC_OK)
        rc = write_json(tmp, MC_RUN_FILE_RECORD, run->record);
    if (rc == MC_OK && rename(tmp, dir) != 0)
        rc = mc_error_set(MC_EIO, "cannot rename %s to %s: %s", tmp, dir, strerror(errno));
    if (rc == MC_OK)
        mc_file_sync_parent(dir);
    if (rc)
        remove_run_files(tmp);
    free(tmp);
    return rc;
}
