/* `explain` (mc_explain_verb.h): the model loaded from a file or from a run directory
 * (through the run directory's reader), the output opened as an atomic stream, the rows
 * explained by reference/mc_explain_file.c, and the stream committed only when every row
 * was. */
#include "mc_explain_verb.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_run_dir.h"

/* The model at path: a file, or a run directory's model.mcm. */
static int load_model(mc_model **m, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return mc_model_load(m, path);
    char *bytes = NULL;
    size_t len = 0;
    int rc = mc_run_dir_read_bytes(&bytes, &len, path, MC_RUN_FILE_MODEL, 0);
    if (rc == MC_OK)
        rc = mc_artifact_decode(m, (const unsigned char *)bytes, len, path);
    free(bytes);
    return rc;
}

int mc_explain(mc_explain_summary *sum, const mc_explain_request *req)
{
    mc_model *m = NULL;
    mc_file_stream out = {0};
    int open = 0, rc = MC_OK;
    if (!req->background)
        rc = mc_error_set(MC_EINPUT, "explain needs background rows: --background FILE.csv "
                                     "(the training rows, or a sample of them)");
    if (rc == MC_OK)
        rc = load_model(&m, req->model);
    if (rc == MC_OK && (rc = mc_file_stream_open(&out, req->output, 0644)) == MC_OK)
        open = 1;
    if (rc == MC_OK)
        rc = mc_explain_csv(sum, m, req->data, req->background, &req->opt, out.f);
    if (rc == MC_OK)
        rc = mc_file_stream_commit(&out);
    else if (open)
        mc_file_stream_abort(&out);
    mc_model_free(m);
    return rc;
}
