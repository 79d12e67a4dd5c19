/* modelcert's ONNX interpreter, inference only, on one core: the first F numeric columns of a
 * CSV (a missing cell NaN) as the model's one [N, F] float input, run in chunks of CHUNK rows
 * (`predict MODEL.onnx` runs 1,024), REPEATS times; prints the best and median seconds of a
 * pass over all rows, wall clock and CPU time (the process's: on a loaded machine the wall
 * clock also counts the time other processes had the core), and a checksum of the outputs
 * (bench/onnx_vs_ort.sh compares it with ONNX Runtime's).
 * usage: bench_onnx MODEL.onnx DATA.csv F [CHUNK] [REPEATS] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mc_clock.h"
#include "mc_csv.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_onnx_rt.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fail(void)
{
    fprintf(stderr, "bench_onnx: %s\n", mc_error_last()->message);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_onnx MODEL.onnx DATA.csv F [CHUNK] [REPEATS]\n");
        return 2;
    }
    size_t f = (size_t)atoi(argv[3]), chunk = argc > 4 ? (size_t)atoi(argv[4]) : 1024;
    int reps = argc > 5 ? atoi(argv[5]) : 5;
    if (f < 1 || chunk < 1 || reps < 1 || reps > 100)
        return fprintf(stderr, "bench_onnx: bad F, CHUNK or REPEATS\n"), 2;
    char *model = NULL;
    size_t len = 0;
    mc_onnx_model *m = NULL;
    mc_table *t = NULL;
    static const char *const missing[] = {"", "NA", "NaN", "null"};
    mc_csv_options o = {.delimiter = ',', .missing = missing, .n_missing = 4};
    if (mc_file_read_all(&model, &len, argv[1], MC_ONNX_MAX_FILE) ||
        mc_onnx_model_load(&m, (unsigned char *)model, len, argv[1]) ||
        mc_csv_read(&t, argv[2], &o))
        return fail();
    if (t->n_cols < f)
        return fprintf(stderr, "bench_onnx: %zu columns, F is %zu\n", t->n_cols, f), 2;
    size_t n = t->n_rows;
    float *x = malloc(n * f * sizeof *x);
    double *secs = malloc((size_t)reps * sizeof *secs), sum = 0.0;
    double *cpu = malloc((size_t)reps * sizeof *cpu);
    if (!x || !secs || !cpu)
        return fprintf(stderr, "bench_onnx: out of memory\n"), 3;
    for (size_t r = 0; r < n; r++)
        for (size_t j = 0; j < f; j++)
            x[r * f + j] = (float)t->cols[j].num[r];
    for (int rep = 0; rep < reps; rep++) {
        double t0 = mc_clock_seconds(), c0 = cpu_seconds();
        sum = 0.0;
        for (size_t r0 = 0; r0 < n; r0 += chunk) {
            size_t rows = n - r0 < chunk ? n - r0 : chunk;
            mc_onnx_tensor in = {MC_OT_FLOAT, 2, {(int64_t)rows, (int64_t)f}, rows * f,
                                 x + r0 * f, 1};
            mc_onnx_tensor out = {0};
            if (mc_onnx_model_run(&out, m, &in))
                return fail();
            for (size_t i = 0; i < out.n; i++)
                if (!isnan(mc_onnx_get(&out, i)))
                    sum += mc_onnx_get(&out, i);
            mc_onnx_tensor_release(&out);
        }
        secs[rep] = mc_clock_seconds() - t0;
        cpu[rep] = cpu_seconds() - c0;
    }
    qsort(secs, (size_t)reps, sizeof *secs, cmp);
    qsort(cpu, (size_t)reps, sizeof *cpu, cmp);
    printf("modelcert: %zu rows, chunks of %zu: best %.4f s, median %.4f s, cpu best %.4f s, "
           "cpu median %.4f s, checksum %.6f\n", n, chunk, secs[0], secs[reps / 2], cpu[0],
           cpu[reps / 2], sum);
    free(x);
    free(secs);
    free(cpu);
    free(model);
    mc_table_free(t);
    mc_onnx_model_free(m);
    return 0;
}
