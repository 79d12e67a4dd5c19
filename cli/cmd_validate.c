/* modelcert validate SPEC [--baseline RUN] [-o DIR] [--audit DB] [--runs N] [--json] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_repro.h"
#include "mc_run.h"
#include "mc_spec.h"
#include "mc_thresholds.h"
#include "mc_validation.h"

static const char help[] =
    "usage: modelcert validate [options] SPEC\n"
    "\n"
    "The CI gate. Runs the pipeline, then checks everything the spec demands:\n"
    "  data             the data matches its pinned sha256 (a warning when not pinned)\n"
    "  reproducibility  reproducibility.runs re-runs, compared bit for bit or within\n"
    "                   the spec's tolerances\n"
    "  thresholds       value thresholds, change thresholds against --baseline, per\n"
    "                   slice thresholds and the largest gap between slices\n"
    "Prints one line per check and a verdict, writes the run directory with\n"
    "validation.json in it, and appends the outcome to the audit trail.\n"
    "\n"
    "options:\n"
    "  --baseline PATH     the baseline: a run directory, or a metrics.json, or a\n"
    "                      model.mcm with metrics.json beside it\n"
    "  -o, --output DIR    run directory (default: runs/<name>-<UTC time> beside SPEC)\n"
    "  --runs N            re-runs for the reproducibility check (overrides the spec)\n"
    "  --threads N         threads for BLAS (the model does not depend on it)\n"
    "  --audit DB          audit database (default: $MODELCERT_AUDIT, else\n"
    "                      .modelcert/audit.db beside SPEC)\n"
    "  --json              print validation.json on stdout instead of the summary\n"
    "  -q, --quiet         only the verdict line\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 every check passed, 1 a check failed or could not be evaluated,\n"
    "2 bad spec, data, baseline or usage, 3 internal or environment error.\n";

static json_t *load_baseline(const char *path, const char **name)
{
    char *file = NULL;
    size_t n = strlen(path);
    if (n >= 10 && strcmp(path + n - 10, "/model.mcm") == 0) {
        char *dir = mc_path_dirname(path);
        file = dir ? mc_path_join(dir, "metrics.json") : NULL;
        free(dir);
    } else if (n >= 5 && strcmp(path + n - 5, ".json") == 0) {
        file = strdup(path);
    } else {
        file = mc_path_join(path, "metrics.json");
    }
    if (!file) {
        mc_error_nomem();
        return NULL;
    }
    json_error_t err;
    json_t *j = json_load_file(file, JSON_REJECT_DUPLICATES, &err);
    if (!j || !json_is_object(json_object_get(j, "metrics"))) {
        mc_error_set(MC_EINPUT, "baseline %s: %s", file, j ? "no \"metrics\" object" : err.text);
        json_decref(j);
        j = NULL;
    }
    *name = path;
    free(file);
    return j;
}

static int data_checks(mc_validation *v, const mc_spec *spec, const mc_run *run)
{
    const mc_data *d = &mc_spec_doc_get(spec)->data;
    if (d->sha256)
        return mc_validation_add(v, "data", "data.pinned", "data pinned", MC_STATUS_PASS,
                                 json_string(run->data_digest), json_string(d->sha256),
                                 "%s matches its pinned sha256", d->source);
    return mc_validation_add(v, "data", "data.pinned", "data pinned", MC_STATUS_WARN,
                             json_string(run->data_digest), NULL,
                             "%s is not pinned: add data.sha256: %s so the gate runs on exactly "
                             "these bytes",
                             d->source, run->data_digest);
}

static void print_results(const mc_validation *v, FILE *f)
{
    static const char *const label[] = {[MC_STATUS_PASS] = "PASS", [MC_STATUS_FAIL] = "FAIL",
                                        [MC_STATUS_WARN] = "WARN", [MC_STATUS_ERROR] = "ERROR",
                                        [MC_STATUS_SKIPPED] = "SKIP"};
    _Static_assert(sizeof label / sizeof *label == MC_STATUS_COUNT, "a label for every status");
    for (size_t i = 0; i < mc_validation_count(v); i++) {
        const mc_result *r = mc_validation_get(v, i);
        fprintf(f, "  %-5s %-44s %s\n", label[r->status], r->id, r->message);
    }
}


typedef struct opts {
    const char *baseline, *out, *audit;
    long long runs;
    int threads, json, quiet;
} opts;

static int parse(opts *o, int argc, char **argv)
{
    static const struct option longs[] = {
        {"baseline", required_argument, NULL, 'b'}, {"output", required_argument, NULL, 'o'},
        {"runs", required_argument, NULL, 'r'},     {"threads", required_argument, NULL, 't'},
        {"audit", required_argument, NULL, 'a'},    {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longs, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'b': o->baseline = optarg; break;
        case 'o': o->out = optarg; break;
        case 'a': o->audit = optarg; break;
        case 'j': o->json = 1; break;
        case 'q': o->quiet = 1; break;
        case 'r':
            o->runs = strtoll(optarg, &end, 10);
            if (*end || o->runs < 1 || o->runs > 20)
                return mc_cli_usage_error("validate", "--runs needs a number from 1 to 20");
            break;
        case 't':
            o->threads = (int)strtol(optarg, &end, 10);
            if (*end || o->threads < 1 || o->threads > 1024)
                return mc_cli_usage_error("validate", "--threads needs a number from 1 to 1024");
            break;
        default:
            return mc_cli_usage_error("validate", "unknown option or missing value: '%s'",
                                      argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return mc_cli_usage_error("validate", "expected one spec");
    return MC_EXIT_OK;
}

int mc_cmd_validate(int argc, char **argv)
{
    opts o = {0};
    if (mc_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return MC_EXIT_OK;
    }
    int status = parse(&o, argc, argv);
    if (status)
        return status;
    mc_spec *spec = NULL;
    mc_run *run = NULL;
    mc_validation *v = NULL;
    json_t *baseline = NULL, *vjson = NULL;
    char *dir = NULL, *audit = NULL, *text = NULL, *vpath = NULL;
    const char *baseline_name = NULL;
    if ((status = mc_cli_load_spec(&spec, argv[optind])))
        return status;
    if (o.baseline && !(baseline = load_baseline(o.baseline, &baseline_name))) {
        status = mc_cli_fail();
        goto cleanup;
    }
    if ((status = mc_cli_output_dir(&dir, o.out, spec)))
        goto cleanup;
    audit = mc_cli_audit_path(o.audit, mc_spec_dir(spec));
    if (!audit || mc_validation_create(&v) != MC_OK) {
        status = mc_cli_fail();
        goto cleanup;
    }
    mc_run_options ro = {.threads = o.threads, .numerics = -1};
    if (mc_run_execute(&run, spec, &ro) != MC_OK || mc_run_write(run, dir) != MC_OK) {
        status = mc_cli_fail();
        goto cleanup;
    }
    mc_validation_set_run(v, run->record, dir);
    if (data_checks(v, spec, run) != MC_OK || mc_repro_check(v, spec, run, &ro, o.runs) != MC_OK ||
        mc_thresholds_check(v, spec, run->metrics, baseline, baseline_name) != MC_OK ||
        mc_validation_to_json(&vjson, v) != MC_OK || mc_json_pretty(&text, NULL, vjson, 2) != MC_OK ||
        !(vpath = mc_path_join(dir, "validation.json")) ||
        mc_file_write_atomic(vpath, text, strlen(text)) != MC_OK) {
        status = mc_cli_fail();
        goto cleanup;
    }
    mc_verdict verdict = mc_validation_verdict(v);
    if (o.json) {
        fputs(text, stdout);
    } else {
        if (!o.quiet) {
            printf("validate %s\n", argv[optind]);
            print_results(v, stdout);
        }
        json_t *counts = json_object_get(vjson, "counts");
        printf("verdict: %s (%lld passed, %lld failed, %lld errors, %lld warnings, %lld skipped)\n",
               verdict == MC_VERDICT_PASS ? "PASS" : verdict == MC_VERDICT_FAIL ? "FAIL" : "ERROR",
               (long long)json_integer_value(json_object_get(counts, "pass")),
               (long long)json_integer_value(json_object_get(counts, "fail")),
               (long long)json_integer_value(json_object_get(counts, "error")),
               (long long)json_integer_value(json_object_get(counts, "warn")),
               (long long)json_integer_value(json_object_get(counts, "skipped")));
        if (!o.quiet)
            printf("run: %s\nvalidation: %s\n", dir, vpath);
    }
    json_t *details = json_pack("{s:s, s:s, s:O}", "run_dir", dir, "validation", vpath, "counts",
                                json_object_get(vjson, "counts"));
    if (o.baseline)
        json_object_set_new(details, "baseline", json_string(o.baseline));
    status = mc_cli_audit_record(audit, "validate", run->spec_digest, run->data_digest,
                                 run->model_digest, mc_verdict_name(verdict), details, o.quiet || o.json);
    json_decref(details);
    if (status == MC_EXIT_OK)
        status = verdict == MC_VERDICT_PASS ? MC_EXIT_OK : MC_EXIT_FAILED;
cleanup:
    free(dir);
    free(audit);
    free(text);
    free(vpath);
    json_decref(vjson);
    json_decref(baseline);
    mc_validation_free(v);
    mc_run_free(run);
    mc_spec_free(spec);
    return status;
}
