/* A tolerance check never turns FAIL into PASS when memory runs out.
 *
 * One tolerance-mode reproducibility comparison (mc_repro_compare: what `validate` runs for
 * each re-run of a spec with `reproducibility: {mode: tolerance}`) whose verdict is FAIL,
 * rendered as validation.json, with allocation k of the comparison and its rendering made
 * to fail, for every k from the first to the last. Linked with tests/support/failalloc.c
 * and malloc wrapped (tests/CMakeLists.txt), like modelcert_failalloc. The two sides (model
 * artifacts and metrics) are built once; each trial is a forked child that arms the
 * harness (mc_failalloc_arm), compares and renders. Each must end in one of two ways:
 *   - exit 3 with "out of memory" and no validation.json;
 *   - exit 0 with the unfailed validation.json, byte for byte (verdict fail, same results).
 * A PASS verdict is reported as such; any other outcome, a crash included, is a defect.
 *
 * The cases, each a way the re-run differs from the run:
 *   metric     a metric beyond the metrics tolerance (the weights within theirs)
 *   undefined  a metric that is a number in the run and null (undefined) in the re-run
 *   missing    a metric the re-run does not have
 *   tensor     a weight beyond the weights tolerance (the metrics equal)
 *
 * usage: failalloc_repro              every case, every k; exit 0 when no defect
 *        failalloc_repro CASE K       one trial in this process, its output on stdout and
 *                                     its error on stderr (K 0: nothing fails); with
 *                                     MC_FAIL_ALLOC_VERBOSE=1, where allocation K is made */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mc_artifact.h"
#include "mc_error.h"
#include "mc_repro.h"

void mc_failalloc_arm(unsigned long long n);
unsigned long long mc_failalloc_failures(void);

static const char *const cases[] = {"metric", "undefined", "missing", "tensor"};
enum { METRIC, UNDEFINED, MISSING, TENSOR, N_CASES };

typedef struct sides {
    unsigned char *a, *b;
    size_t la, lb;
    json_t *ma, *mb;
} sides;

/* A small binary model whose weights are i * 0.01, weight 5 moved by `perturb`. */
static int model_bytes(unsigned char **out, size_t *len, float perturb)
{
    mc_nn_layer layers[2] = {{.kind = MC_LAYER_DENSE, .out = 4, .act = MC_ACT_RELU},
                             {.kind = MC_LAYER_DENSE, .out = 1, .act = MC_ACT_SIGMOID}};
    mc_nn *nn = NULL;
    json_t *h = NULL;
    int rc = mc_nn_create(&nn, 3, layers, 2);
    if (rc)
        return rc;
    for (size_t i = 0; i < nn->n_params; i++)
        nn->params[i] = (float)i * 0.01f;
    nn->params[5] += perturb; /* in layers.0.kernel */
    json_t *arch = NULL;
    if (mc_artifact_architecture_json(&arch, nn) != MC_OK)
        arch = NULL;
    json_t *pre = json_pack("{s:s, s:[], s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}], s:[s, s, s]}",
                            "target", "y", "steps", "inputs", "name", "a", "type", "numeric",
                            "name", "b", "type", "numeric", "name", "c", "type", "numeric",
                            "features", "a", "b", "c");
    if (arch && pre)
        h = json_pack("{s:s, s:s, s:[s, s], s:f, s:s, s:O, s:O}", "format", "modelcert-model",
                      "task", "binary", "classes", "0", "1", "decision_threshold", 0.5,
                      "numerics", "fast", "architecture", arch, "preprocessing", pre);
    rc = h ? mc_artifact_encode(out, len, h, nn) : mc_error_nomem();
    json_decref(arch);
    json_decref(pre);
    json_decref(h);
    mc_nn_free(nn);
    return rc;
}

/* {"metrics": {"accuracy": accuracy, "auc": 0.8}}, auc null or absent when asked. */
static int metrics_json(json_t **out, double accuracy, int auc_null, int auc_absent)
{
    json_t *m = json_pack("{s:f}", "accuracy", accuracy);
    int rc = m ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && !auc_absent &&
        json_object_set_new(m, "auc", auc_null ? json_null() : json_real(0.8)) != 0)
        rc = mc_error_nomem();
    if (rc == MC_OK && !(*out = json_pack("{s:O}", "metrics", m)))
        rc = mc_error_nomem();
    json_decref(m);
    return rc;
}

/* The run and a re-run that differs as case c says: weights 1e-6 apart (within the weights
 * tolerance of 1e-5) unless the tensor case moves one by 0.5. */
static int sides_make(sides *s, int c)
{
    memset(s, 0, sizeof *s);
    int rc = model_bytes(&s->a, &s->la, 0);
    if (rc == MC_OK)
        rc = model_bytes(&s->b, &s->lb, c == TENSOR ? 0.5f : 1e-6f);
    if (rc == MC_OK)
        rc = metrics_json(&s->ma, 0.9, 0, 0);
    if (rc == MC_OK)
        rc = metrics_json(&s->mb, c == METRIC ? 0.91 : 0.9, c == UNDEFINED, c == MISSING);
    return rc;
}

static void sides_free(sides *s)
{
    free(s->a);
    free(s->b);
    json_decref(s->ma);
    json_decref(s->mb);
}

/* One comparison, rendered: validation.json to out, or the error to err. Returns the exit
 * status (0, or that of the error's code). */
static int trial(const sides *s, FILE *out, FILE *err)
{
    mc_reproducibility cfg = {.runs = 1, .mode = MC_REPRO_TOLERANCE,
                              .tolerance = {{1e-5, 0}, {1e-3, 0}}};
    mc_repro_side a = {s->a, s->la, s->ma, "the run"}, b = {s->b, s->lb, s->mb, "re-run 1"};
    mc_validation *v = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = mc_validation_create(&v);
    if (rc == MC_OK)
        rc = mc_repro_compare(v, "reproducibility.run1", &a, &b, &cfg);
    if (rc == MC_OK)
        rc = mc_validation_pretty(&text, &len, v);
    if (rc == MC_OK) {
        fwrite(text, 1, len, out);
    } else {
        char msg[1200];
        mc_error_format(mc_error_last(), msg, sizeof msg);
        fprintf(err, "error: %s\n", msg);
    }
    free(text);
    mc_validation_free(v);
    return rc ? mc_code_exit_status(rc) : 0;
}

/* Runs trial k (0: nothing fails) in a child: its output (validation.json or the error) in
 * *text, its exit status in *status (-1: killed by a signal); *failed: allocation k was
 * reached. */
static int forked_trial(char **text, int *status, int *failed, const sides *s,
                        unsigned long long k)
{
    int fds[2];
    fflush(NULL);
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fds[0]);
        FILE *out = fdopen(fds[1], "w");
        if (!out)
            _exit(99);
        mc_failalloc_arm(k);
        int rc = trial(s, out, out);
        fclose(out);
        _exit(rc + (mc_failalloc_failures() ? 0 : 64));
    }
    close(fds[1]);
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t got;
    while (buf && (got = read(fds[0], buf + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (cap - len < 2) {
            char *more = realloc(buf, cap *= 2);
            if (!more)
                free(buf);
            buf = more;
        }
    }
    close(fds[0]);
    int ws = 0;
    waitpid(pid, &ws, 0);
    if (!buf)
        return -1;
    buf[len] = '\0';
    *text = buf;
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) % 64 : -1;
    *failed = WIFEXITED(ws) && WEXITSTATUS(ws) < 64;
    return 0;
}

/* Every k of case c; the number of defects. */
static int run_case(int c)
{
    sides s;
    char *ref = NULL;
    int status = 0, failed = 0, defects = 0, passes = 0, nomem = 0;
    unsigned long long k = 0;
    if (sides_make(&s, c) != MC_OK || forked_trial(&ref, &status, &failed, &s, 0) != 0 ||
        status != 0 || !strstr(ref, "\"verdict\": \"fail\"")) {
        printf("FAIL: %s: the unfailed comparison: exit %d, want 0 and verdict fail\n%s\n",
               cases[c], status, ref ? ref : mc_error_last()->message);
        sides_free(&s);
        free(ref);
        return 1;
    }
    for (k = 1;; k++) {
        char *text = NULL;
        if (forked_trial(&text, &status, &failed, &s, k) != 0) {
            printf("FAIL: %s k=%llu: cannot run the trial\n", cases[c], k);
            defects++;
            break;
        }
        int same = status == 0 && strcmp(text, ref) == 0;
        int oom = status == 3 && strstr(text, "out of memory") && !strstr(text, "\"verdict\"");
        if (oom)
            nomem++;
        if (!same && !oom) {
            const char *v = strstr(text, "\"verdict\": \"");
            int vlen = v ? (int)strcspn(v + 12, "\"") : 0;
            int pass = v && strncmp(v + 12, "pass\"", 5) == 0;
            defects++;
            passes += pass;
            if (pass || defects - passes <= 5) /* every PASS, and the first other defects */
                printf("  %s k=%llu: %s (exit %d, verdict %.*s)\n", cases[c], k,
                       pass ? "FAIL turned into PASS" : "neither out of memory nor the same FAIL",
                       status, v ? vlen : 4, v ? v + 12 : "none");
        }
        free(text);
        if (!failed)
            break; /* k is past the last allocation: that trial was the unfailed one */
    }
    if (defects == 0)
        printf("ok: %s: %llu trials (%d out of memory, the rest the same FAIL), no defect\n",
               cases[c], k, nomem);
    else
        printf("FAIL: %s: %d defect(s) in %llu trials, %d of them a PASS (one trial: "
               "failalloc_repro %s K)\n", cases[c], defects, k, passes, cases[c]);
    sides_free(&s);
    free(ref);
    return defects;
}

int main(int argc, char **argv)
{
    if (argc == 1) {
        int defects = 0;
        for (int c = 0; c < N_CASES; c++)
            defects += run_case(c) != 0;
        printf("%d case(s) with defects\n", defects);
        return defects ? 1 : 0;
    }
    int c = 0;
    while (argc == 3 && c < N_CASES && strcmp(argv[1], cases[c]) != 0)
        c++;
    if (argc != 3 || c == N_CASES) {
        fprintf(stderr, "usage: failalloc_repro [metric|undefined|missing|tensor K]\n");
        return 2;
    }
    sides s;
    int rc = sides_make(&s, c);
    if (rc == MC_OK) {
        mc_failalloc_arm(strtoull(argv[2], NULL, 10));
        rc = trial(&s, stdout, stderr);
    } else {
        fprintf(stderr, "error: %s\n", mc_error_last()->message);
        rc = mc_code_exit_status(rc);
    }
    sides_free(&s);
    return rc;
}
