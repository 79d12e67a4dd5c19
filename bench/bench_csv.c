/* CSV parsing throughput on one core: parses a file held in memory several
 * times and reports MB/s (best and median of the repeats).
 * usage: bench_csv FILE.csv [REPEATS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mc_csv.h"
#include "mc_clock.h"
#include "mc_error.h"
#include "mc_file.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_csv FILE.csv [REPEATS]\n");
        return 2;
    }
    int reps = argc > 2 ? atoi(argv[2]) : 7;
    if (reps < 1 || reps > 1000)
        reps = 7;
    char *buf = NULL;
    size_t len = 0;
    if (mc_file_read_all(&buf, &len, argv[1], (size_t)1 << 36) != MC_OK) {
        fprintf(stderr, "%s\n", mc_error_last()->message);
        return 2;
    }
    static const char *const missing[] = {"", "NA", "NaN", "null"};
    mc_csv_options o = {.delimiter = ',', .missing = missing, .n_missing = 4};
    double *t = malloc((size_t)reps * sizeof *t);
    size_t rows = 0, cols = 0;
    for (int i = 0; i < reps; i++) {
        mc_table *tab = NULL;
        double t0 = mc_clock_seconds();
        if (mc_csv_parse(&tab, argv[1], buf, len, &o) != MC_OK) {
            fprintf(stderr, "%s\n", mc_error_last()->message);
            return 2;
        }
        t[i] = mc_clock_seconds() - t0;
        rows = tab->n_rows;
        cols = tab->n_cols;
        mc_table_free(tab);
    }
    qsort(t, (size_t)reps, sizeof *t, cmp);
    double mb = (double)len / 1e6;
    printf("file=%s bytes=%zu rows=%zu cols=%zu repeats=%d best_s=%.4f median_s=%.4f "
           "best_mb_s=%.0f median_mb_s=%.0f\n",
           argv[1], len, rows, cols, reps, t[0], t[reps / 2], mb / t[0], mb / t[reps / 2]);
    free(t);
    free(buf);
    return 0;
}
