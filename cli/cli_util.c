#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "cli.h"
#include "mc_audit.h"
#include "mc_buf.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_report_check.h"
#include "mc_spec.h"

int mc_cli_fail(void)
{
    char buf[2048];
    const mc_error *e = mc_error_last();
    mc_error_format(e, buf, sizeof buf);
    fprintf(stderr, "modelcert: %s\n", buf);
    return mc_code_exit_status(e->code);
}

int mc_cli_usage_error(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "modelcert %s: ", verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'modelcert %s --help' for usage.\n", verb);
    return MC_EXIT_USAGE;
}

int mc_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

int mc_cli_load_spec(mc_spec **out, const char *path)
{
    mc_diags *diags = NULL;
    if (mc_diags_create(&diags) != MC_OK)
        return mc_cli_fail();
    int rc = mc_spec_load(out, diags, path);
    mc_report_diags_text(stderr, diags);
    size_t errors = mc_diags_error_count(diags);
    mc_diags_free(diags);
    if (rc == MC_EINPUT) {
        fprintf(stderr, "%s: %zu error%s\n", path, errors, errors == 1 ? "" : "s");
        return MC_EXIT_USAGE;
    }
    return rc == MC_OK ? MC_EXIT_OK : mc_cli_fail();
}

static int saved_argc;
static char **saved_argv;

void mc_cli_set_command_line(int argc, char **argv)
{
    /* A copy of the pointers: getopt_long reorders argv as it parses. */
    saved_argv = malloc(((size_t)argc + 1) * sizeof *saved_argv);
    if (!saved_argv)
        return;
    memcpy(saved_argv, argv, ((size_t)argc + 1) * sizeof *saved_argv);
    saved_argc = argc;
}

char *mc_cli_audit_path(const char *flag, const char *dir)
{
    const char *env = getenv("MODELCERT_AUDIT");
    if (flag)
        return strdup(flag);
    if (env && *env)
        return strdup(env);
    return mc_path_join(dir ? dir : ".", ".modelcert/audit.db");
}

/* The command line, shell-quoted where it needs to be. */
static char *command_line(void)
{
    mc_buf b = {0};
    for (int i = 0; i < saved_argc; i++) {
        const char *a = saved_argv[i];
        if (i)
            mc_buf_put(&b, " ", 1);
        if (*a && !strpbrk(a, " \t\n'\"\\$`*?[]{}()<>|&;#~")) {
            mc_buf_puts(&b, a);
            continue;
        }
        mc_buf_put(&b, "'", 1);
        for (; *a; a++)
            *a == '\'' ? mc_buf_puts(&b, "'\\''") : mc_buf_put(&b, a, 1);
        mc_buf_put(&b, "'", 1);
    }
    char *out = NULL;
    return mc_buf_take(&b, &out, NULL) == MC_OK ? out : NULL;
}

int mc_cli_audit_record(const char *path, const char *kind,
                        const char *spec_digest, const char *data_digest,
                        const char *model_digest, const char *verdict, const json_t *details_json,
                        int quiet)
{
    mc_audit *a = NULL;
    char *cmd = command_line(), *details = NULL;
    if (details_json && mc_json_canonical(&details, NULL, details_json) != MC_OK) {
        free(cmd);
        return mc_cli_fail();
    }
    mc_audit_event ev = {.tool_version = MC_VERSION, .command = cmd ? cmd : "modelcert",
                         .kind = kind, .spec_digest = spec_digest, .data_digest = data_digest,
                         .model_digest = model_digest, .verdict = verdict, .details = details};
    int rc = mc_audit_open(&a, path);
    if (rc == MC_OK)
        rc = mc_audit_append(a, &ev);
    mc_audit_close(a);
    free(cmd);
    free(details);
    if (rc) {
        char msg[1600];
        mc_error_format(mc_error_last(), msg, sizeof msg);
        fprintf(stderr, "modelcert: the audit trail could not be written: %s\n", msg);
        return mc_code_exit_status(mc_error_last()->code);
    }
    if (!quiet)
        fprintf(stderr, "audit: event %lld in %s\n", ev.id, path);
    return MC_EXIT_OK;
}

static char *default_run_dir(const mc_spec *spec)
{
    char when[32], stamp[40], name[200];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y%m%dT%H%M%S", &tm);
    snprintf(stamp, sizeof stamp, "%.20s.%03dZ", when, (int)(ts.tv_nsec / 1000000) % 1000);
    for (int k = 1; k < 1000; k++) {
        if (k == 1)
            snprintf(name, sizeof name, "runs/%.100s-%s", mc_spec_doc_get(spec)->metadata.name, stamp);
        else
            snprintf(name, sizeof name, "runs/%.100s-%s-%d", mc_spec_doc_get(spec)->metadata.name,
                     stamp, k);
        for (char *p = name + 5; *p; p++)
            if (*p == '/' || *p == ' ')
                *p = '_';
        char *path = mc_path_join(mc_spec_dir(spec), name);
        if (!path)
            mc_error_nomem();
        if (!path || !mc_file_exists(path))
            return path;
        free(path);
    }
    mc_error_set(MC_EIO, "no free run directory name under %s/runs", mc_spec_dir(spec));
    return NULL;
}

int mc_cli_output_dir(char **out, const char *flag, const mc_spec *spec)
{
    *out = flag ? strdup(flag) : default_run_dir(spec);
    if (!*out) {
        if (flag)
            mc_error_nomem();
        return mc_cli_fail();
    }
    if (mc_file_exists(*out)) {
        fprintf(stderr, "modelcert: %s exists; choose another output directory with -o\n", *out);
        free(*out);
        *out = NULL;
        return MC_EXIT_USAGE;
    }
    return MC_EXIT_OK;
}
