/* The `init` verb: a starter project (a spec and example data) in a
 * directory, never over existing files unless forced.
 *
 *   modelcert init [DIR] [--force] */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_starter.h"

static const char help[] =
    "usage: modelcert init [--force] [-q] [DIR]\n"
    "\n"
    "Write a commented starter spec (DIR/" MC_STARTER_SPEC_NAME ") and a small example\n"
    "data set (DIR/" MC_STARTER_DATA_NAME ") that 'modelcert check' accepts. DIR defaults\n"
    "to the current directory and is created if needed. Existing files are kept\n"
    "unless --force is given. -q: print nothing on success.\n"
    "\n"
    "exit status: 0 written, 2 a file exists or usage is wrong, 3 cannot write.\n";

static int on_option(void *ctx, int code, const char *value)
{
    (void)code, (void)value; /* -f, --force: the only option of init's own */
    *(int *)ctx = 1;
    return MC_EXIT_OK;
}

int mc_cmd_init(int argc, char **argv)
{
    static const struct option own[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    int force = 0;
    mc_cli_verb verb = {"init", help, MC_CLI_QUIET, own, "f", on_option, &force, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first > 1)
        return mc_cli_usage_error("init", "expected at most one directory");
    const char *dir = first < argc ? argv[first] : ".";
    char *paths[2] = {NULL, NULL};
    if (mc_starter_write(paths, dir, force) != MC_OK)
        return mc_cli_fail();
    if (!common.quiet)
        printf("wrote %s\nwrote %s\nnext: modelcert check %s\n", paths[0], paths[1], paths[1]);
    free(paths[0]), free(paths[1]);
    return MC_EXIT_OK;
}
