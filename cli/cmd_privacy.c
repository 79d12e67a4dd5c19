/* modelcert privacy SUBCOMMAND: a dispatcher over the privacy subcommands,
 * each in its own cmd_privacy_*.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} subcommand;

static const subcommand subcommands[] = {
    {"epsilon", mc_cmd_privacy_epsilon, "the (epsilon, delta) DP-SGD spends, or the noise for a budget"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: modelcert privacy <subcommand> [options]\n\nsubcommands:\n");
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(f, "\nRun 'modelcert privacy <subcommand> --help' for its options.\n");
}

int mc_cmd_privacy(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return MC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return MC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc, argv);
    return mc_cli_usage_error("privacy", "unknown subcommand '%s'", argv[1]);
}
