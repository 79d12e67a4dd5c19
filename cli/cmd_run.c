/* modelcert run SPEC [-o DIR] [--threads N] [--numerics fast|reference] [-q] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mc_file.h"
#include "mc_run.h"
#include "mc_spec.h"

static const char help[] =
    "usage: modelcert run [options] SPEC\n"
    "\n"
    "Run the pipeline SPEC declares with the reference engine: load and check the\n"
    "data, split, fit preprocessing on the training rows, train, evaluate on the\n"
    "test rows. Writes a run directory, atomically:\n"
    "  model.mcm             the model artifact (docs/formats.md)\n"
    "  metrics.json          test metrics, per slice, permutation importance\n"
    "  history.csv           loss and accuracy per epoch\n"
    "  test_predictions.csv  the test rows' predictions\n"
    "  spec.json             the normalised spec\n"
    "  run.json              the run record: digests, numerics, seed, timings\n"
    "\n"
    "options:\n"
    "  -o, --output DIR        run directory (default: runs/<name>-<UTC time> beside SPEC)\n"
    "  --threads N             threads for BLAS (default: every core); the model does not\n"
    "                          depend on it\n"
    "  --numerics MODE         fast (OpenBLAS) or reference (bit-identical on every\n"
    "                          compiler and machine); default: the spec's training.numerics\n"
    "  --audit DB              audit database (default: $MODELCERT_AUDIT, else\n"
    "                          .modelcert/audit.db beside SPEC)\n"
    "  -q, --quiet             no progress; print only the run directory\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 the run completed, 2 bad spec, data or usage, 3 internal or\n"
    "environment error. Thresholds are judged by 'modelcert validate', not here.\n";

typedef struct progress_state {
    int tty, quiet;
    double last;
} progress_state;

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_progress(void *arg, const mc_train_progress *p)
{
    progress_state *st = arg;
    if (st->quiet)
        return;
    if (p->done) {
        const mc_epoch_stats *s = p->done;
        if (st->tty)
            fprintf(stderr, "\r\033[K");
        fprintf(stderr, "epoch %d/%d  loss %.4f", p->epoch, p->epochs, s->loss);
        if (s->accuracy == s->accuracy)
            fprintf(stderr, "  accuracy %.4f", s->accuracy);
        if (s->val_loss == s->val_loss)
            fprintf(stderr, "  val_loss %.4f", s->val_loss);
        if (s->val_accuracy == s->val_accuracy)
            fprintf(stderr, "  val_accuracy %.4f", s->val_accuracy);
        fprintf(stderr, "  (%.2fs)\n", s->seconds);
        return;
    }
    if (!st->tty)
        return;
    double now = wall();
    if (now - st->last < 0.1 && p->batch != p->batches)
        return;
    st->last = now;
    double frac = ((double)(p->epoch - 1) + (double)p->batch / (double)p->batches) / p->epochs;
    double eta = frac > 0 ? p->elapsed * (1 - frac) / frac : 0;
    int filled = (int)(frac * 30);
    char bar[31];
    for (int i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r\033[Kepoch %d/%d [%s] batch %zu/%zu loss %.4f ETA %.0fs", p->epoch,
            p->epochs, bar, p->batch, p->batches, p->loss, eta);
}


static void print_summary(const mc_run *run, const char *dir)
{
    printf("run: %s\n", dir);
    printf("  model    %s/model.mcm  sha256:%s\n", dir, run->model_digest);
    printf("  metrics  %s/metrics.json\n", dir);
    printf("  spec     sha256:%s\n  data     sha256:%s\n", run->spec_digest, run->data_digest);
    json_t *m = json_object_get(run->metrics, "metrics");
    const char *key;
    json_t *v;
    printf("  test:");
    json_object_foreach(m, key, v)
    {
        if (json_is_number(v))
            printf(" %s %.4f", key, json_number_value(v));
        else
            printf(" %s undefined", key);
    }
    printf("\n");
}

int mc_cmd_run(int argc, char **argv)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
        {"numerics", required_argument, NULL, 'n'}, {"quiet", no_argument, NULL, 'q'},
        {"audit", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *out_dir = NULL, *audit_flag = NULL;
    mc_run_options ro = {.threads = 0, .numerics = -1, .progress = on_progress};
    progress_state ps = {isatty(STDERR_FILENO), 0, 0};
    int c;
    if (mc_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return MC_EXIT_OK;
    }
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 't': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1024)
                return mc_cli_usage_error("run", "--threads needs a number from 1 to 1024");
            ro.threads = (int)n;
            break;
        }
        case 'n':
            if ((ro.numerics = mc_enum_from_name(mc_names_numerics, optarg)) < 0)
                return mc_cli_usage_error("run", "--numerics is fast or reference, not '%s'", optarg);
            break;
        case 'q': ps.quiet = 1; break;
        case 'a': audit_flag = optarg; break;
        default: return mc_cli_usage_error("run", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return mc_cli_usage_error("run", "expected one spec");
    ro.progress_ctx = &ps;

    mc_spec *spec = NULL;
    mc_run *run = NULL;
    char *dir = NULL, *audit = NULL;
    int status = MC_EXIT_OK;
    int rc = mc_cli_load_spec(&spec, argv[optind]);
    if (rc != MC_EXIT_OK)
        return rc;
    if ((status = mc_cli_output_dir(&dir, out_dir, spec)))
        goto cleanup;
    if (mc_run_execute(&run, spec, &ro) != MC_OK || mc_run_write(run, dir) != MC_OK) {
        status = mc_cli_fail();
        goto cleanup;
    }
    if (!ps.quiet)
        print_summary(run, dir);
    else
        printf("%s\n", dir); /* where the run went, for scripts */
    audit = mc_cli_audit_path(audit_flag, mc_spec_dir(spec));
    json_t *details = json_pack("{s:s, s:s}", "run_dir", dir, "numerics",
                                json_string_value(json_object_get(run->record, "numerics")));
    status = audit ? mc_cli_audit_record(audit, "run", run->spec_digest, run->data_digest,
                                         run->model_digest, "completed", details, ps.quiet)
                   : mc_cli_fail();
    json_decref(details);
cleanup:
    free(audit);
    free(dir);
    mc_run_free(run);
    mc_spec_free(spec);
    return status;
}
