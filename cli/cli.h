/* The `modelcert` command: each verb is a function taking its own argv
 * (argv[0] is the verb) and returning the process exit status
 * (docs/exit-codes.md). A verb parses its options, calls one library
 * function, renders the result through reports/ and maps the error code to
 * an exit status; the helpers below are what verbs share for that. */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <getopt.h>
#include <stdio.h>

enum {
    MC_EXIT_OK = 0,       /* everything passed */
    MC_EXIT_FAILED = 1,   /* a check or gate failed */
    MC_EXIT_USAGE = 2,    /* bad input or usage */
    MC_EXIT_INTERNAL = 3  /* internal or environment error */
};

/* The verbs, one per cmd_*.c: argv[0] is the verb; the return is the exit
 * status. main dispatches to them by name. */
int mc_cmd_check(int argc, char **argv);
int mc_cmd_init(int argc, char **argv);
int mc_cmd_run(int argc, char **argv);
int mc_cmd_predict(int argc, char **argv);

int mc_cmd_validate(int argc, char **argv);
int mc_cmd_reproduce(int argc, char **argv);
int mc_cmd_audit(int argc, char **argv);
/* audit checkpoint (cmd_audit_checkpoint.c), and audit verify there too: the chain, ending at
 * head when given, or the head a checkpoint signed (with key; not both). */
int mc_cmd_audit_checkpoint(int argc, char **argv);
int mc_cli_audit_verify(const char *db, const char *head, const char *checkpoint, const char *key,
                        int json, int quiet);
/* audit checkpoint, prove and verify-proof: the subcommands that sign or check a signed
 * checkpoint (cmd_audit_prove.c; checkpoint itself in cmd_audit_checkpoint.c). */
int mc_cmd_audit_signed(int argc, char **argv);
struct mc_audit_verify_result;
/* A chain verified (audit verify, migrate): text or JSON on stdout (quiet: nothing when
 * intact); returns 0 intact, 1 broken, or mc_cli_fail's status. */
int mc_cli_audit_verified(const struct mc_audit_verify_result *r, int json, int quiet);
/* privacy: a subcommand table (cmd_privacy.c); each subcommand gets the whole
 * argv ("privacy", its name, ...) and parses with mc_cli_verb.first = 2. */
int mc_cmd_privacy(int argc, char **argv);
int mc_cmd_privacy_scan(int argc, char **argv);
int mc_cmd_export(int argc, char **argv);
int mc_cmd_keygen(int argc, char **argv);
int mc_cmd_report(int argc, char **argv);
int mc_cmd_sign(int argc, char **argv);
int mc_cmd_verify(int argc, char **argv);
int mc_cmd_digest(int argc, char **argv);
int mc_cmd_certify(int argc, char **argv);
int mc_cmd_encrypt(int argc, char **argv);
int mc_cmd_decrypt(int argc, char **argv);
int mc_cmd_privacy_epsilon(int argc, char **argv);
int mc_cmd_sigstore(int argc, char **argv);
int mc_cmd_explain(int argc, char **argv);

/* ---- options every verb shares ---------------------------------------------------
 *
 * A verb describes itself in an mc_cli_verb: its name and help, which shared
 * options it takes (MC_CLI_* flags below; -h/--help always), and its own
 * getopt_long table with a callback for them. mc_cli_parse merges the two
 * tables, stores the shared options in an mc_cli_common (checking --threads)
 * and reports unknown options and missing values, all with the messages
 * every verb prints. To adopt it (run, predict), a verb moves its own cases
 * into the callback and drops its getopt loop:
 *
 *     static const struct option own[] = {{"numerics", required_argument, NULL, 'n'}, {0}};
 *     mc_cli_verb v = {"run", help, MC_CLI_OUTPUT | MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_QUIET,
 *                      own, "", on_option, &opts, 1};
 *     mc_cli_common common;
 *     int first, status = mc_cli_parse(&v, argc, argv, &common, &first);
 *     if (status != MC_CLI_GO)
 *         return status;          (help printed: 0; usage error printed: 2)
 *     ... argv[first] is the first operand ...
 *
 * A verb's own options must not use the codes of the shared ones: 'o', 'q',
 * 'h', 'v' and MC_CLI_OPT_THREADS, MC_CLI_OPT_AUDIT. */
enum {
    MC_CLI_OUTPUT = 1 << 0,  /* -o, --output VALUE: the verb's output (a directory or file) */
    MC_CLI_THREADS = 1 << 1, /* --threads N: BLAS threads, 1 to 1024 */
    MC_CLI_AUDIT = 1 << 2,   /* --audit DB: the audit database */
    MC_CLI_QUIET = 1 << 3,   /* -q, --quiet */
    MC_CLI_CONFINE = 1 << 4, /* --allow-path DIR, --allow-env NAME (repeatable): widen what an
                                untrusted spec may name (mc_confinement) */
    MC_CLI_VERBOSE = 1 << 5  /* -v, --verbose: also where the audit event went */
};
enum { MC_CLI_OPT_THREADS = 0x1001, MC_CLI_OPT_AUDIT = 0x1002, MC_CLI_OPT_ALLOW_PATH = 0x1003,
       MC_CLI_OPT_ALLOW_ENV = 0x1004 };
#define MC_CLI_MAX_ALLOW 64 /* --allow-path and --allow-env values, each */

#define MC_CLI_GO (-1) /* mc_cli_parse: go on and run the verb */

typedef struct mc_cli_common {
    const char *output; /* NULL when not given */
    const char *audit;  /* NULL when not given */
    int threads;        /* 0 when not given */
    int quiet;
    int verbose;        /* -v: the "audit: event N in DB" line on standard error */
    /* MC_CLI_CONFINE: the values given, pointing into argv; confine points at them */
    const char *allow_paths[MC_CLI_MAX_ALLOW], *allow_envs[MC_CLI_MAX_ALLOW];
    size_t n_allow_paths, n_allow_envs;
} mc_cli_common;

typedef struct mc_cli_verb {
    const char *name;           /* for messages: "modelcert <name>: ..." */
    const char *help;           /* printed for -h or --help */
    unsigned common;            /* the shared options it takes: MC_CLI_* flags */
    const struct option *own;   /* its own long options, ending with {0}; NULL: none */
    const char *own_short;      /* its own short options, getopt style; NULL: none */
    /* Called for each own option with getopt's code and value (NULL for a
     * flag); returns MC_EXIT_OK, or an exit status after printing why. */
    int (*option)(void *ctx, int code, const char *value);
    void *ctx;
    int first;                  /* argv index where options start: 1, or 2 after a subcommand */
} mc_cli_verb;

/* Parses argv for verb v; *common is cleared, then filled. Returns MC_CLI_GO
 * with *operand the index of the first operand, or the exit status to
 * return at once: MC_EXIT_OK after printing the help (-h or --help before
 * any "--"), MC_EXIT_USAGE after printing a usage error, MC_EXIT_INTERNAL
 * when v's table is too long. */
int mc_cli_parse(const mc_cli_verb *v, int argc, char **argv, mc_cli_common *common, int *operand);

/* `modelcert --options VERB [SUBCOMMAND]` (main.c, cli_describe.c): after
 * mc_cli_describe_options, the next mc_cli_parse prints the verb's whole option table instead
 * of parsing, one option a line, "--NAME<TAB>none|required|optional<TAB>LETTER" (LETTER: its
 * short option, or '-'), with mc_cli_describe, and returns its status; mc_cli_options_described
 * then says 1. The man pages' test and the bash completion read it (docs/packaging.md). */
void mc_cli_describe_options(void);
int mc_cli_describing(void);
int mc_cli_describe(const struct option *longs, const char *shorts);
int mc_cli_options_described(void);

struct mc_confinement;
/* Fills *out from the --allow-path and --allow-env values in *c (which it
 * points into; root NULL). */
void mc_cli_confinement(struct mc_confinement *out, const mc_cli_common *c);

/* ---- audit trail, spec, run directory ------------------------------------------- */

/* Saves the process's command line, shell-quoted, for audit events (main calls
 * it first; MC_ENOMEM). */
int mc_cli_set_command_line(int argc, char **argv);
/* That command line (mc_verb_command_line); owned by the CLI. */
const char *mc_cli_command_line(void);

struct mc_outcome;
/* The exit status of a validate or reproduce call that returned rc with
 * outcome o: on error, prints it (mc_cli_fail); else prints where the
 * audit event went (only when verbose) and maps the verdict: pass 0, else 1. */
int mc_cli_outcome_status(int rc, const struct mc_outcome *o, int verbose);

struct mc_spec;
/* Loads a spec, printing its diagnostics; returns an exit status. */
int mc_cli_load_spec(struct mc_spec **out, const char *path);

/* ---- errors --------------------------------------------------------------------- */

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
