/* The `init` verb: a starter project (a spec and its example data) from a template, in a
 * directory, never over existing files unless forced; --list names the templates.
 *
 *   modelcert init [DIR] [--template NAME] [--force] [-q]
 *   modelcert init --list */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_starter.h"

static const char help[] =
    "usage: modelcert init [--template NAME] [--force] [-q] [DIR]\n"
    "       modelcert init --list\n"
    "\n"
    "Write a starter project: a commented spec (DIR/" MC_STARTER_SPEC_NAME ") and the small,\n"
    "synthetic data set it runs on (800 rows, the same bytes everywhere, pinned by\n"
    "the spec's data.sha256). Its gate is green: 'modelcert validate' passes every\n"
    "check, and the spec's comments say which threshold to change to see it fail.\n"
    "DIR defaults to the current directory and is created if needed. Existing files\n"
    "are kept unless --force is given.\n"
    "\n"
    "options:\n"
    "  --template NAME  binary (the default), multiclass, regression, dp or privacy\n"
    "  --list           the templates, one a line, with what each shows\n"
    "  -f, --force      overwrite existing files\n"
    "  -q, --quiet      print nothing on success\n"
    "  -h, --help       this help\n"
    "\n"
    "exit status: 0 written, 2 a file exists, an unknown template or usage is wrong,\n"
    "3 cannot write.\n";

typedef struct opts {
    int force, list;
    const char *template_name;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    if (code == 'f')
        o->force = 1;
    else if (code == 'l')
        o->list = 1;
    else
        o->template_name = value;
    return MC_EXIT_OK;
}

int mc_cmd_init(int argc, char **argv)
{
    static const struct option own[] = {{"force", no_argument, NULL, 'f'},
                                        {"list", no_argument, NULL, 'l'},
                                        {"template", required_argument, NULL, 't'},
                                        {NULL, 0, NULL, 0}};
    opts o = {0};
    mc_cli_verb verb = {"init", help, MC_CLI_QUIET, own, "f", on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (o.list) {
        if (argc > first || o.template_name || o.force)
            return mc_cli_usage_error("init", "--list takes nothing else");
        for (size_t i = 0; i < mc_starter_template_count(); i++)
            printf("%-11s %s\n", mc_starter_template_at(i)->name,
                   mc_starter_template_at(i)->summary);
        return MC_EXIT_OK;
    }
    if (argc - first > 1)
        return mc_cli_usage_error("init", "expected at most one directory");
    const char *dir = first < argc ? argv[first] : ".";
    char *paths[2] = {NULL, NULL};
    if (mc_starter_write(paths, dir, o.template_name, o.force) != MC_OK)
        return mc_cli_fail();
    if (!common.quiet)
        printf("wrote %s\nwrote %s\nnext: modelcert validate %s\n", paths[0], paths[1],
               paths[1]);
    free(paths[0]), free(paths[1]);
    return MC_EXIT_OK;
}
