/* modelcert reproduce RUN_DIR [--data PATH] [--audit DB] [--json] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_json.h"
#include "mc_repro.h"
#include "mc_validation.h"

static const char help[] =
    "usage: modelcert reproduce [options] RUN_DIR\n"
    "\n"
    "What an auditor does with somebody else's run: re-run the normalised spec the\n"
    "run recorded (RUN_DIR/spec.json) on its data, with its numerics, and compare\n"
    "the model and metrics with the recorded ones, bit for bit. The data must be\n"
    "the same bytes (its sha256 is checked first); the first difference is named.\n"
    "\n"
    "options:\n"
    "  --data PATH       where the data is now (default: the path run.json records)\n"
    "  --threads N       threads for BLAS (the model does not depend on it)\n"
    "  --audit DB        audit database (default: $MODELCERT_AUDIT, else\n"
    "                    .modelcert/audit.db here)\n"
    "  --json            print the results as JSON (validation.json's format)\n"
    "  -h, --help        this help\n"
    "\n"
    "exit status: 0 reproduced, 1 not reproduced (different data, model or\n"
    "metrics), 2 bad run directory or usage, 3 internal or environment error.\n";

int mc_cmd_reproduce(int argc, char **argv)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'}, {"threads", required_argument, NULL, 't'},
        {"audit", required_argument, NULL, 'a'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *data = NULL, *audit_flag = NULL;
    int threads = 0, json = 0, c;
    if (mc_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return MC_EXIT_OK;
    }
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': data = optarg; break;
        case 'a': audit_flag = optarg; break;
        case 'j': json = 1; break;
        case 't':
            threads = (int)strtol(optarg, &end, 10);
            if (*end || threads < 1 || threads > 1024)
                return mc_cli_usage_error("reproduce", "--threads needs a number from 1 to 1024");
            break;
        default:
            return mc_cli_usage_error("reproduce", "unknown option or missing value: '%s'",
                                      argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return mc_cli_usage_error("reproduce", "expected one run directory");
    const char *run_dir = argv[optind];
    mc_validation *v = NULL;
    json_t *record = NULL, *vjson = NULL;
    char *audit = mc_cli_audit_path(audit_flag, ".");
    int status = MC_EXIT_OK;
    if (!audit || mc_validation_create(&v) != MC_OK ||
        mc_reproduce(v, &record, run_dir, data, threads) != MC_OK) {
        status = mc_cli_fail();
        goto cleanup;
    }
    mc_validation_set_run(v, record, run_dir);
    mc_verdict verdict = mc_validation_verdict(v);
    if (mc_validation_to_json(&vjson, v) != MC_OK) {
        status = mc_cli_fail();
        goto cleanup;
    }
    if (json) {
        char *text = NULL;
        if (mc_json_pretty(&text, NULL, vjson, 2) == MC_OK)
            fputs(text, stdout);
        free(text);
    } else {
        printf("reproduce %s\n", run_dir);
        for (size_t i = 0; i < mc_validation_count(v); i++) {
            const mc_result *r = mc_validation_get(v, i);
            printf("  %-5s %s\n", r->status == MC_STATUS_PASS ? "PASS" : r->status == MC_STATUS_FAIL ? "FAIL" : "ERROR",
                   r->message);
        }
        printf("verdict: %s\n", verdict == MC_VERDICT_PASS ? "REPRODUCED" : "NOT REPRODUCED");
    }
    const json_t *rs = json_object_get(record, "spec"), *rd = json_object_get(record, "data");
    const json_t *rm = json_object_get(record, "model");
    json_t *details = json_pack("{s:s, s:O}", "run_dir", run_dir, "counts", json_object_get(vjson, "counts"));
    status = mc_cli_audit_record(audit, "reproduce", json_string_value(json_object_get(rs, "digest")),
                                 json_string_value(json_object_get(rd, "digest")),
                                 json_string_value(json_object_get(rm, "digest")),
                                 mc_verdict_name(verdict), details, json);
    json_decref(details);
    if (status == MC_EXIT_OK)
        status = verdict == MC_VERDICT_PASS ? MC_EXIT_OK : MC_EXIT_FAILED;
cleanup:
    free(audit);
    json_decref(record);
    json_decref(vjson);
    mc_validation_free(v);
    return status;
}
