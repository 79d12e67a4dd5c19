/* modelcert init [DIR] [--force] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_starter.h"

static const char help[] =
    "usage: modelcert init [--force] [DIR]\n"
    "\n"
    "Write a commented starter spec (DIR/" MC_STARTER_SPEC_NAME ") and a small example\n"
    "data set (DIR/" MC_STARTER_DATA_NAME ") that 'modelcert check' accepts. DIR defaults\n"
    "to the current directory and is created if needed. Existing files are kept\n"
    "unless --force is given.\n"
    "\n"
    "exit status: 0 written, 2 a file exists or usage is wrong, 3 cannot write.\n";

static int write_one(const char *dir, const char *name, const char *data, size_t len, int force)
{
    int rc = MC_OK;
    char *path = mc_path_join(dir, name);
    if (!path)
        return mc_error_nomem();
    if (!force && mc_file_exists(path))
        rc = mc_error_set(MC_EINPUT, "%s exists; use --force to overwrite it", path);
    else
        rc = mc_file_write_atomic(path, data, len);
    if (rc == MC_OK)
        printf("wrote %s\n", path);
    free(path);
    return rc;
}

int mc_cmd_init(int argc, char **argv)
{
    static const struct option longs[] = {
        {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int force = 0, c;
    if (mc_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return MC_EXIT_OK;
    }
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "fh", longs, NULL)) != -1) {
        if (c == 'f')
            force = 1;
        else
            return mc_cli_usage_error("init", "unknown option '%s'", argv[optind - 1]);
    }
    if (argc - optind > 1)
        return mc_cli_usage_error("init", "expected at most one directory");
    const char *dir = optind < argc ? argv[optind] : ".";

    char *csv = NULL;
    size_t csv_len = 0;
    const char *spec = mc_starter_spec();
    int rc = mc_dir_create_all(dir);
    /* Check both before writing either, so init never leaves half a project. */
    if (rc == MC_OK && !force) {
        const char *names[] = {MC_STARTER_SPEC_NAME, MC_STARTER_DATA_NAME};
        for (int i = 0; i < 2 && rc == MC_OK; i++) {
            char *p = mc_path_join(dir, names[i]);
            if (!p)
                rc = mc_error_nomem();
            else if (mc_file_exists(p))
                rc = mc_error_set(MC_EINPUT, "%s exists; use --force to overwrite it", p);
            free(p);
        }
    }
    if (rc == MC_OK)
        rc = mc_starter_data(&csv, &csv_len);
    if (rc == MC_OK)
        rc = write_one(dir, MC_STARTER_DATA_NAME, csv, csv_len, 1);
    if (rc == MC_OK)
        rc = write_one(dir, MC_STARTER_SPEC_NAME, spec, strlen(spec), 1);
    free(csv);
    if (rc != MC_OK)
        return mc_cli_fail();
    printf("next: modelcert check %s/%s\n", dir, MC_STARTER_SPEC_NAME);
    return MC_EXIT_OK;
}
