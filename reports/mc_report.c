/* `modelcert report` and `validate --report-dir` (mc_report.h): one run
 * directory rendered in each format (JSON, JUnit, Markdown, HTML, model card; `report` also
 * the CycloneDX ML-BOM of a certified run, as verbs/mc_bom.c builds it),
 * written atomically, and the Markdown appended to GitHub's job summary when
 * asked. */
#include "mc_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_bom.h"
#include "mc_env.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_report_doc.h"
#include "mc_run_dir.h"

MC_ENUM_NAMES(MC_REPORT_FORMAT_LIST, mc_names_report_format);

const char *const mc_report_file_names[MC_REPORT_FORMAT_COUNT] = {
    [MC_REPORT_JSON] = MC_RUN_FILE_VALIDATION, [MC_REPORT_JUNIT] = "junit.xml",
    [MC_REPORT_MARKDOWN] = "report.md", [MC_REPORT_HTML] = "report.html",
    [MC_REPORT_MODEL_CARD] = "model_card.md", [MC_REPORT_CYCLONEDX] = NULL};

int mc_report_render(char **out, size_t *len, const mc_report_doc *d, mc_report_format f)
{
    mc_buf b = {0};
    switch (f) {
    case MC_REPORT_JSON: return mc_validation_pretty(out, len, d->v);
    case MC_REPORT_JUNIT: mc_report_junit(&b, d); break;
    case MC_REPORT_MARKDOWN: mc_report_markdown(&b, d); break;
    case MC_REPORT_HTML: mc_report_html(&b, d); break;
    case MC_REPORT_MODEL_CARD: mc_report_model_card(&b, d); break;
    case MC_REPORT_CYCLONEDX: return mc_bom_render_run(out, len, d->run_dir);
    }
    if (b.failed) {
        mc_buf_free(&b);
        return mc_error_nomem();
    }
    return mc_buf_take(&b, out, len);
}

static int append(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return mc_error_set(MC_EIO, "%s: %s", path, strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            return mc_error_set(MC_EIO, "%s: %s", path, strerror(e));
        }
        done += (size_t)n;
    }
    if (close(fd) != 0)
        return mc_error_set(MC_EIO, "%s: %s", path, strerror(errno));
    return MC_OK;
}

int mc_report_github_summary(const mc_report_doc *d)
{
    const char *path = mc_env_get(MC_ENV_GITHUB_STEP_SUMMARY);
    if (!path || !*path)
        return MC_OK;
    char *text = NULL;
    size_t len = 0;
    int rc = mc_report_render(&text, &len, d, MC_REPORT_MARKDOWN);
    if (rc == MC_OK)
        rc = append(path, text, len);
    if (rc == MC_OK)
        rc = append(path, "\n", 1);
    free(text);
    return rc;
}

int mc_report_write(const mc_report_options *o)
{
    mc_report_doc *d = NULL;
    char *text = NULL;
    size_t len = 0;
    int f = -1, rc = MC_OK;
    for (int i = 0; i < MC_REPORT_FORMAT_COUNT; i++)
        if (o->format && strcmp(o->format, mc_names_report_format[i]) == 0)
            f = i;
    if (f < 0)
        return mc_error_set(MC_EINPUT, "unknown report format '%s' (json, junit, markdown, html, "
                                       "model-card, cyclonedx)", o->format ? o->format : "");
    const char *output = o->output && strcmp(o->output, "-") != 0 ? o->output : "-";
    if (strcmp(output, "-") != 0 && (rc = mc_file_check_output(output)))
        return rc;
    if ((rc = mc_report_doc_load(&d, o->validation_path, o->audit_path)) ||
        (rc = mc_report_render(&text, &len, d, (mc_report_format)f)) ||
        (rc = mc_file_write_atomic(output, text, len)))
        goto cleanup;
    if (o->github_summary)
        rc = mc_report_github_summary(d);
cleanup:
    free(text);
    mc_report_doc_free(d);
    return rc;
}

int mc_report_write_dir(const char *dir, const char *validation_path, const char *audit_path,
                        int github_summary)
{
    mc_report_doc *d = NULL;
    int rc = dir ? mc_dir_create_all(dir) : MC_OK;
    if (rc == MC_OK)
        rc = mc_report_doc_load(&d, validation_path, audit_path);
    for (int f = 0; rc == MC_OK && dir && f < MC_REPORT_FORMAT_COUNT; f++) {
        if (!mc_report_file_names[f])
            continue;
        char *text = NULL, *path = mc_path_join(dir, mc_report_file_names[f]);
        size_t len = 0;
        rc = path ? mc_report_render(&text, &len, d, (mc_report_format)f) : mc_error_nomem();
        if (rc == MC_OK)
            rc = mc_file_write_atomic(path, text, len);
        free(text);
        free(path);
    }
    if (rc == MC_OK && github_summary)
        rc = mc_report_github_summary(d);
    mc_report_doc_free(d);
    return rc;
}
