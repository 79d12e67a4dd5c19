/* The `modelcert` command: each verb is a function taking its own argv
 * (argv[0] is the verb) and returning the process exit status
 * (docs/exit-codes.md). */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <stdio.h>

enum {
    MC_EXIT_OK = 0,       /* everything passed */
    MC_EXIT_FAILED = 1,   /* a check or gate failed */
    MC_EXIT_USAGE = 2,    /* bad input or usage */
    MC_EXIT_INTERNAL = 3  /* internal or environment error */
};

int mc_cmd_check(int argc, char **argv);
int mc_cmd_init(int argc, char **argv);
int mc_cmd_run(int argc, char **argv);
int mc_cmd_predict(int argc, char **argv);

struct mc_spec;
/* Loads a spec, printing its diagnostics; returns an exit status. */
int mc_cli_load_spec(struct mc_spec **out, const char *path);

/* Prints "modelcert: <last error>" and returns its exit status. */
int mc_cli_fail(void);
/* Prints "modelcert <verb>: <message>" and a hint, returns MC_EXIT_USAGE. */
int mc_cli_usage_error(const char *verb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* 1 when argv has --help or -h before any "--". */
int mc_cli_wants_help(int argc, char **argv);

#endif
