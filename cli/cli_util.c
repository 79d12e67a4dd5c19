#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "mc_error.h"
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
