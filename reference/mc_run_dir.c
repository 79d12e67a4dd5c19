/* The run directory (mc_run_dir.h): where it goes (mc_run_dir_choose), its one writer
 * (mc_run_write: built aside, every file fsynced, run.json last, renamed into place; a
 * protected run's model through the writer verbs/ gives, never in clear) and its
 * one reader (mc_run_dir_read_*: regular files only, bounded, JSON read twice so that an
 * allocation failure inside jansson is never a different value), which every part that
 * reads a run's files uses: validate, reproduce, certify, verify and the reports. */
#include "mc_run_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_clock.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_run.h"
#include "mc_spec.h"

static const char *const run_files[] = {MC_RUN_FILE_MODEL,       MC_RUN_FILE_MODEL_AGE,
                                        MC_RUN_FILE_METRICS,     MC_RUN_FILE_SPEC,
                                        MC_RUN_FILE_HISTORY,     MC_RUN_FILE_PREDICTIONS,
                                        MC_RUN_FILE_MEMBERSHIP,  MC_RUN_FILE_RECORD};

/* 1 when anything is at path, a dangling symlink included. */
static int path_taken(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

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

/* Cleaning up must work when memory has run out: no allocation here. */
static void remove_file(const char *dir, const char *name)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s/%s", dir, name) < (int)sizeof p)
        unlink(p);
}

/* Removes the files a run writes, then the directory (left alone if it holds others). */
static void remove_run_files(const char *dir, const mc_run_extra *extra, size_t n_extra)
{
    for (size_t i = 0; i < sizeof run_files / sizeof run_files[0]; i++)
        remove_file(dir, run_files[i]);
    for (size_t i = 0; i < n_extra; i++)
        remove_file(dir, extra[i].name);
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

static int stream_put(void *ctx, const unsigned char *data, size_t n)
{
    if (fwrite(data, 1, n, ctx) != n)
        return mc_error_set(MC_EIO, "cannot write the model file: %s", strerror(errno));
    return MC_OK;
}

/* The model's file: in clear, or what the writer makes of the bytes in memory. */
static int write_model(const mc_run *run, const char *dir, const mc_run_model_writer *w)
{
    const char *name = run->model_file ? run->model_file : MC_RUN_FILE_MODEL;
    if (!w)
        return strcmp(name, MC_RUN_FILE_MODEL_AGE) != 0
                   ? write_file(dir, name, run->model, run->model_len)
                   : mc_error_set(MC_EINTERNAL, "the run's model is to be written as %s, and "
                                  "no writer was given: refusing to write it in clear", name);
    char *path = mc_path_join(dir, name);
    mc_file_stream s;
    int rc = path ? mc_file_stream_open(&s, path, 0644) : mc_error_nomem();
    free(path);
    if (rc)
        return rc;
    if ((rc = w->write(w->ctx, run->model, run->model_len, stream_put, s.f)) == MC_OK)
        return mc_file_stream_commit(&s);
    mc_file_stream_abort(&s);
    return rc;
}

int mc_run_write(const mc_run *run, const char *dir, const mc_run_extra *extra, size_t n_extra)
{
    return mc_run_write_model(run, dir, extra, n_extra, NULL);
}

int mc_run_write_model(const mc_run *run, const char *dir, const mc_run_extra *extra,
                       size_t n_extra, const mc_run_model_writer *writer)
{
    char *tmp = NULL;
    if (path_taken(dir))
        return mc_error_set(MC_EINPUT, "%s exists; choose another output directory", dir);
    int rc = make_temp_sibling(&tmp, dir);
    if (rc)
        return rc;
    /* A gate on predictions made elsewhere has no model, history or predictions of its own. */
    rc = run->model ? write_model(run, tmp, writer) : MC_OK;
    if (rc == MC_OK)
        rc = write_json(tmp, MC_RUN_FILE_METRICS, run->metrics);
    if (rc == MC_OK)
        rc = write_json(tmp, MC_RUN_FILE_SPEC, run->normalized);
    if (rc == MC_OK && run->history_csv)
        rc = write_file(tmp, MC_RUN_FILE_HISTORY, run->history_csv, strlen(run->history_csv));
    if (rc == MC_OK && run->predictions_csv)
        rc = write_file(tmp, MC_RUN_FILE_PREDICTIONS, run->predictions_csv,
                        strlen(run->predictions_csv));
    if (rc == MC_OK && run->membership_csv)
        rc = write_file(tmp, MC_RUN_FILE_MEMBERSHIP, run->membership_csv,
                        strlen(run->membership_csv));
    for (size_t i = 0; rc == MC_OK && i < n_extra; i++)
        rc = write_file(tmp, extra[i].name, extra[i].text, extra[i].len);
    if (rc == MC_OK)
        rc = write_json(tmp, MC_RUN_FILE_RECORD, run->record);
    if (rc == MC_OK && rename(tmp, dir) != 0)
        rc = mc_error_set(MC_EIO, "cannot rename %s to %s: %s", tmp, dir, strerror(errno));
    if (rc == MC_OK)
        mc_file_sync_parent(dir);
    if (rc)
        remove_run_files(tmp, extra, n_extra);
    free(tmp);
    return rc;
}

static int default_run_dir(char **out, const mc_spec *spec)
{
    char stamp[32], name[200];
    mc_clock_utc_compact(stamp);
    const char *base = mc_spec_doc_get(spec)->metadata.name;
    for (int k = 1; k < 1000; k++) {
        if (k == 1)
            snprintf(name, sizeof name, "runs/%.100s-%s", base, stamp);
        else
            snprintf(name, sizeof name, "runs/%.100s-%s-%d", base, stamp, k);
        for (char *p = name + 5; *p; p++)
            if (*p == '/' || *p == ' ')
                *p = '_';
        char *path = mc_path_join(mc_spec_dir(spec), name);
        if (!path)
            return mc_error_nomem();
        if (!path_taken(path)) {
            *out = path;
            return MC_OK;
        }
        free(path);
    }
    return mc_error_set(MC_EIO, "no free run directory name under %s/runs", mc_spec_dir(spec));
}

/* The nearest existing ancestor of dir must be a directory we can write in:
 * mc_run_write creates the missing ones and a temporary sibling there. */
static int check_parent(const char *dir)
{
    char *p = mc_path_dirname(dir);
    int rc = p ? MC_OK : mc_error_nomem();
    while (rc == MC_OK) {
        struct stat st;
        if (stat(p, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                rc = mc_error_set(MC_EINPUT, "cannot create %s: %s is not a directory", dir, p);
            else if (access(p, W_OK | X_OK) != 0)
                rc = mc_error_set(MC_EINPUT, "cannot create %s: %s is not writable", dir, p);
            else
                rc = mc_dir_check_writable(p, dir);
            break;
        }
        if (strcmp(p, ".") == 0 || strcmp(p, "/") == 0)
            break;
        char *up = mc_path_dirname(p);
        free(p);
        p = up;
        if (!p)
            rc = mc_error_nomem();
    }
    free(p);
    return rc;
}

int mc_run_dir_choose(char **out, const char *requested, const mc_spec *spec)
{
    char *dir = NULL;
    int rc = MC_OK;
    if (requested) {
        size_t n = strlen(requested);
        while (n > 1 && requested[n - 1] == '/')
            n--; /* "newdir/" names newdir */
        if (n == 0)
            return mc_error_set(MC_EINPUT, "the output directory is an empty string");
        rc = (dir = strndup(requested, n)) ? MC_OK : mc_error_nomem();
    } else {
        rc = default_run_dir(&dir, spec);
    }
    if (rc == MC_OK && path_taken(dir))
        rc = mc_error_set(MC_EINPUT, "%s exists; choose another output directory with -o", dir);
    if (rc == MC_OK && strcmp(dir, "/") == 0)
        rc = mc_error_set(MC_EINPUT, "/ cannot be a run directory");
    if (rc == MC_OK)
        rc = check_parent(dir);
    if (rc) {
        free(dir);
        return rc;
    }
    *out = dir;
    return MC_OK;
}

/* ---- reading ----------------------------------------------------------------------------- */

int mc_run_file_read_json(json_t **out, const char *path)
{
    return mc_run_file_read_json_bytes(out, NULL, NULL, path);
}

int mc_run_file_read_json_bytes(json_t **out, char **bytes, size_t *blen, const char *path)
{
    char *text = NULL;
    size_t len = 0, max = mc_file_input_limit();
    json_t *j = NULL, *again = NULL;
    json_error_t je, je2;
    int rc = mc_file_read_text(&text, &len, path,
                               max < MC_RUN_FILE_JSON_MAX ? max : MC_RUN_FILE_JSON_MAX);
    if (rc)
        goto cleanup;
    /* Read twice: jansson's lexer can report a syntax error, or a wrong value, when an
       allocation fails inside it (as mc_artifact.c's read_header explains); readings that
       disagree are an allocation failure, never a different value. jansson sets the error
       record only on failure: its code is read only then. */
    j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    again = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je2);
    if ((!j && json_error_code(&je) == json_error_out_of_memory) ||
        (!again && json_error_code(&je2) == json_error_out_of_memory) || !j != !again ||
        (j && !json_equal(j, again)) ||
        (!j && (je.line != je2.line || je.column != je2.column || strcmp(je.text, je2.text) != 0)))
        rc = mc_error_nomem();
    else if (!j)
        rc = mc_error_set_at(MC_EINPUT, path, je.line, je.column, "%s", je.text);
    else if (!json_is_object(j))
        rc = mc_error_set(MC_EINPUT, "%s: not a JSON object", path);
    if (rc)
        goto cleanup;
    *out = j;
    j = NULL;
    if (bytes) {
        *bytes = text;
        *blen = len;
        text = NULL;
    }
cleanup:
    json_decref(j);
    json_decref(again);
    free(text);
    return rc;
}

int mc_run_dir_read_json(json_t **out, const char *run_dir, const char *name)
{
    char *path = mc_path_join(run_dir, name);
    int rc = path ? mc_run_file_read_json(out, path) : mc_error_nomem();
    free(path);
    return rc;
}

int mc_run_dir_read_text(char **out, size_t *len, const char *run_dir, const char *name,
                         size_t max)
{
    char *path = mc_path_join(run_dir, name);
    int rc = path ? mc_file_read_text(out, len, path, max ? max : mc_file_input_limit())
                  : mc_error_nomem();
    free(path);
    return rc;
}

int mc_run_dir_read_bytes(char **out, size_t *len, const char *run_dir, const char *name,
                          size_t max)
{
    char *path = mc_path_join(run_dir, name);
    int rc = path ? mc_file_read_all(out, len, path, max ? max : mc_file_input_limit())
                  : mc_error_nomem();
    free(path);
    return rc;
}
