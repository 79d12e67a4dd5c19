/* modelcert privacy <subcommand> ...: a table of subcommands, each in its
 * own cmd_privacy_<name>.c. Add a subcommand with one line in `subs`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct privacy_sub {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is "privacy", argv[1] the subcommand */
    const char *summary;
} privacy_sub;

static const privacy_sub subs[] = {
    {"scan", mc_cmd_privacy_scan, "find personal data in a CSV file (validated detectors)"},
    {"epsilon", mc_cmd_privacy_epsilon, "the (epsilon, delta) DP-SGD spends, or the noise for a budget"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: modelcert privacy <subcommand> [options]\n\nsubcommands:\n");
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        fprintf(f, "  %-8s %s\n", subs[i].name, subs[i].summary);
    fprintf(f, "\nRun 'modelcert privacy <subcommand> --help' for its options "
               "(docs/privacy.md).\n");
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
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc, argv);
    return mc_cli_usage_error("privacy", "unknown subcommand '%s'", argv[1]);
}
