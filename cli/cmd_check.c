/* modelcert check SPEC... [--json] [--digest] [--print-normalized] [-q] */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "mc_report_check.h"
#include "mc_spec.h"

static const char help[] =
    "usage: modelcert check [options] SPEC...\n"
    "\n"
    "Check pipeline specs (use - for stdin). Every problem is reported as\n"
    "file:line:col, all of them, not just the first.\n"
    "\n"
    "options:\n"
    "  --json               one JSON document on stdout: diagnostics and digests\n"
    "  --digest             print '<sha256>  <spec>' for each valid spec\n"
    "  --print-normalized   print the spec with every default filled in, as JSON\n"
    "                       (exactly what the digest covers; one spec only)\n"
    "  -q, --quiet          no output for valid specs\n"
    "  -h, --help           this help\n"
    "\n"
    "exit status: 0 all specs valid, 2 a spec is invalid or usage is wrong,\n"
    "3 internal or environment error.\n";

typedef struct opts {
    int json, digest, normalized, quiet;
} opts;

static int parse(opts *o, int argc, char **argv)
{
    static const struct option longs[] = {
        {"json", no_argument, NULL, 'j'},        {"digest", no_argument, NULL, 'd'},
        {"print-normalized", no_argument, NULL, 'n'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longs, NULL)) != -1) {
        switch (c) {
        case 'j': o->json = 1; break;
        case 'd': o->digest = 1; break;
        case 'n': o->normalized = 1; break;
        case 'q': o->quiet = 1; break;
        default:
            mc_cli_usage_error("check", "unknown option '%s'", argv[optind - 1]);
            return -1;
        }
    }
    return 0;
}

int mc_cmd_check(int argc, char **argv)
{
    opts o = {0};
    if (mc_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return MC_EXIT_OK;
    }
    if (parse(&o, argc, argv) != 0)
        return MC_EXIT_USAGE;
    int n = argc - optind;
    if (n < 1)
        return mc_cli_usage_error("check", "no spec given");
    if (o.normalized && (n != 1 || o.json || o.digest))
        return mc_cli_usage_error("check", "--print-normalized takes exactly one spec and no "
                                  "--json or --digest");

    int status = MC_EXIT_OK;
    mc_check_result *results = calloc((size_t)n, sizeof *results);
    mc_diags **diags = calloc((size_t)n, sizeof *diags);
    char (*digests)[MC_SHA256_HEX_LEN + 1] = calloc((size_t)n, sizeof *digests);
    if (!results || !diags || !digests) {
        fprintf(stderr, "modelcert: out of memory\n");
        status = MC_EXIT_INTERNAL;
        goto cleanup;
    }
    for (int i = 0; i < n; i++) {
        const char *path = argv[optind + i];
        mc_spec *spec = NULL;
        results[i].path = path;
        if (mc_diags_create(&diags[i]) != MC_OK) {
            status = mc_cli_fail();
            goto cleanup;
        }
        results[i].diags = diags[i];
        int rc = mc_spec_load(&spec, diags[i], path);
        if (rc == MC_OK)
            rc = mc_spec_digest(digests[i], spec);
        if (rc == MC_OK)
            results[i].digest = digests[i];
        else if (rc != MC_EINPUT) {
            mc_spec_free(spec);
            status = mc_cli_fail();
            goto cleanup;
        } else if (status == MC_EXIT_OK) {
            status = MC_EXIT_USAGE;
        }
        if (!o.json)
            mc_report_diags_text(stderr, diags[i]);
        if (rc == MC_OK && o.normalized && mc_report_spec_normalized(stdout, spec) != MC_OK) {
            mc_spec_free(spec);
            status = mc_cli_fail();
            goto cleanup;
        }
        mc_spec_free(spec);
        if (o.json || o.normalized)
            continue;
        if (rc == MC_OK && o.digest)
            printf("%s  %s\n", digests[i], path);
        else if (rc == MC_OK && !o.quiet)
            printf("%s: ok (spec digest sha256:%s)\n", path, digests[i]);
        else if (rc != MC_OK)
            fprintf(stderr, "%s: %zu error%s\n", path, mc_diags_error_count(diags[i]),
                    mc_diags_error_count(diags[i]) == 1 ? "" : "s");
    }
    if (o.json && mc_report_check_print_json(stdout, results, (size_t)n) != MC_OK)
        status = mc_cli_fail();
cleanup:
    for (int i = 0; diags && i < n; i++)
        mc_diags_free(diags[i]);
    free(diags);
    free(results);
    free(digests);
    return status;
}
