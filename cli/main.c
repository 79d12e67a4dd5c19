/* The `modelcert` command's entry point: picks OpenBLAS's fast kernels (which
 * may re-execute the process once), then dispatches argv[1] to its verb, each
 * in its own cmd_*.c, by the table below; --version, --help and --options (a verb's option
 * table, for the man pages and the shell completion) here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_blas.h"
#include "mc_build_info.h"
#include "mc_error.h"

typedef struct verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} verb;

static const verb verbs[] = {
    {"init", mc_cmd_init, "write a starter spec and example data"},
    {"check", mc_cmd_check, "check specs: errors with file:line:col, or the spec digest"},
    {"run", mc_cmd_run, "run a spec with the reference engine; write a run directory"},
    {"predict", mc_cmd_predict, "apply a model artifact to raw rows"},
    {"explain", mc_cmd_explain, "per-row attributions to each raw column (IG, Shapley values)"},
    {"validate", mc_cmd_validate, "the CI gate: run, check reproducibility and thresholds, audit"},
    {"reproduce", mc_cmd_reproduce, "re-run a recorded run and compare it bit for bit"},
    {"audit", mc_cmd_audit, "the audit trail: verify its chain, list, show, export events"},
    {"privacy", mc_cmd_privacy, "privacy: scan data for personal data, the epsilon of DP-SGD"},
    {"export", mc_cmd_export, "export a run's model for serving: ONNX (--format onnx)"},
    {"report", mc_cmd_report, "render a validation as JSON, JUnit, Markdown, HTML or a model card"},
    {"keygen", mc_cmd_keygen, "generate a signing key pair (or export a PKCS #11 public key)"},
    {"sign", mc_cmd_sign, "sign a model directory or file (OpenSSF Model Signing bundle)"},
    {"verify", mc_cmd_verify, "verify a model against its signature bundle"},
    {"digest", mc_cmd_digest, "print a model's signing digest without signing"},
    {"encrypt", mc_cmd_encrypt, "encrypt a file in the age format to recipients or a passphrase"},
    {"decrypt", mc_cmd_decrypt, "decrypt an age file with identities or a passphrase"},
    {"certify", mc_cmd_certify, "sign a validated run and write its release certificate"},
    {"sigstore", mc_cmd_sigstore, "verify-bundle: one Sigstore bundle over one artifact, offline"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: modelcert <verb> [options]\n"
            "       modelcert --version | --help\n"
            "       modelcert --options <verb> [<subcommand>]\n"
            "\n"
            "modelcert checks, runs, validates and certifies ML pipelines declared in a YAML\n"
            "spec (docs/spec.md).\n"
            "\n"
            "verbs:\n");
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(f,
            "\n"
            "Run 'modelcert <verb> --help' for a verb's options; --options lists them for\n"
            "tools, one a line: --NAME, none|required|optional, its short letter or '-'.\n"
            "Exit status: 0 passed, 1 a check failed, 2 bad input or usage, 3 internal or\n"
            "environment error (docs/exit-codes.md).\n");
}

static const verb *find_verb(const char *name)
{
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(name, verbs[i].name) == 0)
            return &verbs[i];
    return NULL;
}

/* modelcert --options VERB [SUBCOMMAND]: the verb's option table (cli.h), printed by its own
 * mc_cli_parse, so that it is the very table the verb parses with. */
static int describe_options(int argc, char **argv)
{
    const verb *v = argc == 3 || argc == 4 ? find_verb(argv[2]) : NULL;
    if (!v) {
        fprintf(stderr, "modelcert: --options needs a verb (and its subcommand, if any)\n"
                        "Run 'modelcert --help' for the list.\n");
        return MC_EXIT_USAGE;
    }
    char *args[] = {argv[2], argc == 4 ? argv[3] : "--help", "--help", NULL};
    mc_cli_describe_options();
    int status = v->run(argc == 4 ? 3 : 2, args);
    if (status == MC_EXIT_OK && !mc_cli_options_described()) {
        fprintf(stderr, "modelcert: --options %s needs one of its subcommands\n", argv[2]);
        return MC_EXIT_USAGE;
    }
    return status;
}

int main(int argc, char **argv)
{
    mc_blas_prefer_fast_kernels(argv);
    if (mc_cli_set_command_line(argc, argv) != MC_OK)
        return mc_cli_fail();
    if (argc < 2) {
        usage(stderr);
        return MC_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return MC_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        /* The commit and the libraries are CMake's, at configure time (mc_build_info.h.in). */
        printf("modelcert %s (spec modelcert/v1)\ncommit: %s\nbuilt with: %s\n", MC_VERSION,
               MC_GIT_COMMIT, MC_BUILT_WITH);
        return MC_EXIT_OK;
    }
    if (strcmp(name, "--options") == 0)
        return describe_options(argc, argv);
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(name, verbs[i].name) == 0) {
            int status = verbs[i].run(argc - 1, argv + 1);
            /* Output that did not reach its destination is an environment error. */
            if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "modelcert: cannot write to standard output\n");
                return MC_EXIT_INTERNAL;
            }
            return status;
        }
    }
    fprintf(stderr, "modelcert: unknown verb '%s'\nRun 'modelcert --help' for the list.\n", name);
    return MC_EXIT_USAGE;
}
