/* The `modelcert` command: each verb is a function taking its own argv
 * (argv[0] is the verb) and returning the process exit status
 * (docs/exit-codes.md). */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <jansson.h>
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

int mc_cmd_validate(int argc, char **argv);
int mc_cmd_reproduce(int argc, char **argv);
int mc_cmd_audit(int argc, char **argv);

/* The audit database: --audit's value, else $MODELCERT_AUDIT, else
 * .modelcert/audit.db in `dir` (the spec's directory, or "."). Caller frees. */
char *mc_cli_audit_path(const char *flag, const char *dir);
/* Appends one event for this command (with the whole command line).
 * Prints "audit: event N in PATH" unless quiet. Returns an exit status. */
int mc_cli_audit_record(const char *path, const char *kind,
                        const char *spec_digest, const char *data_digest,
                        const char *model_digest, const char *verdict, const json_t *details,
                        int quiet);
/* The process's whole command line, for audit events. */
void mc_cli_set_command_line(int argc, char **argv);

struct mc_spec;
/* The run directory: `flag`, else runs/<metadata.name>-<UTC time> in the
 * spec's directory. It must not exist yet. Returns an exit status. */
int mc_cli_output_dir(char **out, const char *flag, const struct mc_spec *spec);
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
