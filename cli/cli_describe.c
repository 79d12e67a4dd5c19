/* `modelcert --options VERB [SUBCOMMAND]` (cli.h): main.c turns describing on and runs the verb
 * with --help; the verb's mc_cli_parse then prints its merged option table, the very one it
 * parses with, one option a line, instead of the help. The man pages' test and the bash
 * completion read it (docs/packaging.md). */
#include <string.h>

#include "cli.h"

static int describing, described;

void mc_cli_describe_options(void)
{
    describing = 1;
}

int mc_cli_describing(void)
{
    return describing;
}

int mc_cli_options_described(void)
{
    return described;
}

int mc_cli_describe(const struct option *longs, const char *shorts)
{
    described = 1;
    for (size_t i = 0; longs[i].name; i++) {
        int c = longs[i].val;
        int letter = c > ' ' && c < 127 && c != ':' && strchr(shorts, c);
        const char *arg = longs[i].has_arg == no_argument         ? "none"
                          : longs[i].has_arg == required_argument ? "required"
                                                                  : "optional";
        if (printf("--%s\t%s\t%c\n", longs[i].name, arg, letter ? c : '-') < 0)
            return MC_EXIT_INTERNAL;
    }
    return MC_EXIT_OK;
}
