/* What the verbs share (cli.h): reporting a failed call (its message, its exit status),
 * usage errors, the one parser of the options every verb takes (mc_cli_parse), untrusted
 * specs' confinement, the command line an audit event records, the exit status of a
 * validation's outcome, and loading a spec with its diagnostics printed. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_report_audit.h"
#include "mc_report_check.h"
#include "mc_spec.h"
#include "mc_str.h"
#include "mc_outcome.h"
#include "mc_verb_audit.h"

int mc_cli_fail(void)
{
    char buf[2048];
    const mc_error *e = mc_error_last();
    mc_error_format(e, buf, sizeof buf);
    char shown[MC_STR_PRINTABLE_CAP(sizeof buf)]; /* messages quote data: no escapes through */
    fprintf(stderr, "modelcert: %s\n", mc_str_printable(shown, sizeof shown, buf, strlen(buf)));
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

/* ---- options every verb shares ---------------------------------------------------- */

static const struct {
    unsigned flag;
    struct option opt;
    const char *short_opt;
} shared[] = {
    {MC_CLI_OUTPUT, {"output", required_argument, NULL, 'o'}, "o:"},
    {MC_CLI_THREADS, {"threads", required_argument, NULL, MC_CLI_OPT_THREADS}, ""},
    {MC_CLI_AUDIT, {"audit", required_argument, NULL, MC_CLI_OPT_AUDIT}, ""},
    {MC_CLI_QUIET, {"quiet", no_argument, NULL, 'q'}, "q"},
    {MC_CLI_VERBOSE, {"verbose", no_argument, NULL, 'v'}, "v"},
    {MC_CLI_CONFINE, {"allow-path", required_argument, NULL, MC_CLI_OPT_ALLOW_PATH}, ""},
    {MC_CLI_CONFINE, {"allow-env", required_argument, NULL, MC_CLI_OPT_ALLOW_ENV}, ""},
    {0, {"help", no_argument, NULL, 'h'}, "h"}, /* 0: every verb */
};
#define N_SHARED (sizeof shared / sizeof shared[0])

static int shared_option(const mc_cli_verb *v, mc_cli_common *common, int code, const char *value)
{
    char *end;
    switch (code) {
    case 'o': common->output = value; return MC_EXIT_OK;
    case 'q': common->quiet = 1; return MC_EXIT_OK;
    case 'v': common->verbose = 1; return MC_EXIT_OK;
    case MC_CLI_OPT_AUDIT: common->audit = value; return MC_EXIT_OK;
    case MC_CLI_OPT_ALLOW_PATH:
        if (!*value)
            return mc_cli_usage_error(v->name, "--allow-path needs a directory");
        if (common->n_allow_paths == MC_CLI_MAX_ALLOW)
            return mc_cli_usage_error(v->name, "at most %d --allow-path options", MC_CLI_MAX_ALLOW);
        common->allow_paths[common->n_allow_paths++] = value;
        return MC_EXIT_OK;
    case MC_CLI_OPT_ALLOW_ENV:
        if (!*value)
            return mc_cli_usage_error(v->name, "--allow-env needs a variable name");
        if (common->n_allow_envs == MC_CLI_MAX_ALLOW)
            return mc_cli_usage_error(v->name, "at most %d --allow-env options", MC_CLI_MAX_ALLOW);
        common->allow_envs[common->n_allow_envs++] = value;
        return MC_EXIT_OK;
    default: { /* MC_CLI_OPT_THREADS */
        long n = strtol(value, &end, 10);
        if (*end || n < 1 || n > 1024)
            return mc_cli_usage_error(v->name, "--threads needs a number from 1 to 1024");
        common->threads = (int)n;
        return MC_EXIT_OK;
    }
    }
}

int mc_cli_parse(const mc_cli_verb *v, int argc, char **argv, mc_cli_common *common, int *operand)
{
    struct option longs[48];
    char shorts[96] = "";
    size_t n = 0, own = 0;
    memset(common, 0, sizeof *common);
    while (v->own && v->own[own].name)
        own++;
    if (own + N_SHARED + 1 > sizeof longs / sizeof longs[0] ||
        (v->own_short && strlen(v->own_short) + 8 >= sizeof shorts)) {
        fprintf(stderr, "modelcert %s: too many options for the parser\n", v->name);
        return MC_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < own; i++)
        longs[n++] = v->own[i];
    for (size_t i = 0; i < N_SHARED; i++) {
        if (shared[i].flag && !(shared[i].flag & v->common))
            continue;
        longs[n++] = shared[i].opt;
        strcat(shorts, shared[i].short_opt);
    }
    memset(&longs[n], 0, sizeof longs[n]);
    if (v->own_short)
        strcat(shorts, v->own_short);
    if (mc_cli_describing()) /* modelcert --options VERB */
        return mc_cli_describe(longs, shorts);
    if (mc_cli_wants_help(argc, argv))
        return fputs(v->help, stdout) < 0 ? MC_EXIT_INTERNAL : MC_EXIT_OK;
    /* Options start at argv[first]: getopt sees argv from there on, with the
     * word before as its argv[0]; optind 0 resets it fully between parses. */
    char **args = argv + v->first - 1;
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc - v->first + 1, args, shorts, longs, NULL)) != -1) {
        int status;
        if (c == '?' || c == ':')
            return mc_cli_usage_error(v->name, "unknown option or missing value: '%s'",
                                      args[optind - 1]);
        if (c == 'h') /* inside a group of short options, as in -qh */
            return fputs(v->help, stdout) < 0 ? MC_EXIT_INTERNAL : MC_EXIT_OK;
        if (c == 'o' || c == 'q' || c == 'v' || c == MC_CLI_OPT_THREADS || c == MC_CLI_OPT_AUDIT ||
            c == MC_CLI_OPT_ALLOW_PATH || c == MC_CLI_OPT_ALLOW_ENV)
            status = shared_option(v, common, c, optarg);
        else
            status = v->option ? v->option(v->ctx, c, optarg) : MC_EXIT_INTERNAL;
        if (status != MC_EXIT_OK)
            return status;
    }
    *operand = optind + v->first - 1;
    return MC_CLI_GO;
}

void mc_cli_confinement(mc_confinement *out, const mc_cli_common *c)
{
    memset(out, 0, sizeof *out);
    out->allow_paths = c->allow_paths;
    out->n_allow_paths = c->n_allow_paths;
    out->allow_envs = c->allow_envs;
    out->n_allow_envs = c->n_allow_envs;
}

/* ---- audit trail, spec, run directory ---------------------------------------------- */

static char *command_line;

int mc_cli_set_command_line(int argc, char **argv)
{
    /* Quoted now, before getopt_long reorders argv as it parses. */
    return mc_verb_command_line(&command_line, argc, argv);
}

const char *mc_cli_command_line(void)
{
    return command_line;
}

int mc_cli_outcome_status(int rc, const mc_outcome *o, int verbose)
{
    if (rc)
        return mc_cli_fail();
    if (verbose)
        mc_report_audit_recorded(stderr, o->audit_path, o->audit_event);
    return o->verdict == MC_VERDICT_PASS ? MC_EXIT_OK : MC_EXIT_FAILED;
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
