/* check's data pass (verbs/mc_check_data.c, mc_check_columns.c) on small specs
 * and CSV texts: the closest column for a misspelled name, the column set
 * followed through drop_columns, select_columns, one_hot and hash (each step
 * naming a column an earlier one took away is told which), text columns
 * reaching the model, the target's classes against the task, a bounded output
 * activation against the target's range (at the bounds themselves: a target
 * exactly 0 and 1 under sigmoid is fine), and the sample bound: the row
 * MC_CHECK_SAMPLE_ROWS is read, the one after it is not, and a verdict drawn
 * from a sample says so; the head of a file read at its bound
 * (mc_file_read_text_head). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_check.h"
#include "mc_file.h"
#include "mc_spec.h"

typedef struct outcome {
    size_t errors;
    mc_diags *diags;
} outcome;

/* Loads a spec from its data, steps, output layer, loss and extra lines, and runs the data
 * pass on csv. */
static outcome run(const char *data, const char *steps, const char *output, const char *loss,
                   const char *extra, const char *csv, int whole)
{
    char text[4096];
    snprintf(text, sizeof text,
             "apiVersion: modelcert/v1\nkind: Pipeline\nmetadata: {name: t}\n"
             "data: {source: d.csv, target: y%s}\n"
             "preprocessing: %s\n"
             "architecture: {layers: [{type: dense, units: 4, activation: relu}, %s]}\n"
             "training: {loss: %s, epochs: 1}\n"
             "%s\n",
             data, steps, output, loss, extra);
    outcome o = {0, NULL};
    mc_spec *spec = NULL;
    assert_int_equal(mc_diags_create(&o.diags), MC_OK);
    int rc = mc_spec_load_buffer(&spec, o.diags, "t.yaml", text, strlen(text));
    for (size_t i = 0; rc && i < mc_diags_count(o.diags); i++)
        print_message("%s\n", mc_diags_get(o.diags, i)->message);
    assert_int_equal(rc, MC_OK);
    mc_diags_free(o.diags);
    assert_int_equal(mc_diags_create(&o.diags), MC_OK);
    assert_int_equal(mc_check_data(&o.errors, o.diags, spec, "d.csv", csv, strlen(csv), whole),
                     MC_OK);
    mc_spec_free(spec);
    return o;
}

#define BIN "{type: dense, units: 1, activation: sigmoid}"
#define BCE "binary_crossentropy"
#define METRICS_BIN "metrics: {compute: [accuracy]}"
#define METRICS_REG "metrics: {compute: [mse]}"

/* The diagnostics whose message holds every one of the NULL-terminated texts. */
static size_t count_with(const outcome *o, mc_severity sev, ...)
{
    size_t n = 0;
    for (size_t i = 0; i < mc_diags_count(o->diags); i++) {
        const mc_diag *d = mc_diags_get(o->diags, i);
        va_list ap;
        va_start(ap, sev);
        int all = d->severity == sev;
        for (const char *t; all && (t = va_arg(ap, const char *)) != NULL;)
            all = strstr(d->message, t) != NULL;
        va_end(ap);
        n += all;
    }
    return n;
}

static void dump(const outcome *o)
{
    for (size_t i = 0; i < mc_diags_count(o->diags); i++)
        print_message("%d:%d %s\n", mc_diags_get(o->diags, i)->line,
                      mc_diags_get(o->diags, i)->col, mc_diags_get(o->diags, i)->message);
}

static const char csv_basic[] = "age,bmi,site,y\n"
                                "30,20.5,north,0\n"
                                "40,25.1,south,1\n"
                                "50,30.2,east,1\n";

static void test_clean_spec_has_nothing(void **state)
{
    (void)state;
    outcome o = run("", "[{type: one_hot, columns: [site]}, standardize]", BIN, BCE,
                    METRICS_BIN, csv_basic, 1);
    dump(&o);
    assert_int_equal(o.errors, 0);
    assert_int_equal(mc_diags_count(o.diags), 0);
    mc_diags_free(o.diags);
}

static void test_closest_name(void **state)
{
    (void)state;
    outcome o = run(", columns: {Age: numeric}",
                    "[{type: one_hot, columns: [site]}, {type: standardize, columns: [bmj]}]",
                    BIN, BCE, METRICS_BIN, csv_basic, 1);
    dump(&o);
    assert_int_equal(o.errors, 2);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "data.columns: column 'Age' is not in the "
                                "header", "(did you mean 'age'?)", "age, bmi, site, y", NULL),
                     1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "preprocessing[1] (standardize): column 'bmj'",
                                "(did you mean 'bmi'?)", "site=north", NULL),
                     1);
    assert_int_equal(mc_diags_get(o.diags, 0)->line, 4); /* the data line of the spec */
    mc_diags_free(o.diags);
    /* Nothing close: no suggestion, the columns all the same. */
    o = run("", "[{type: drop_columns, columns: [weight]}, {type: one_hot, columns: [site]}]",
            BIN, BCE, METRICS_BIN, csv_basic, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "column 'weight' is not in the header; the "
                                "columns of the data: age, bmi, site, y", NULL),
                     1);
    mc_diags_free(o.diags);
}

static void test_columns_followed_through_steps(void **state)
{
    (void)state;
    outcome o = run("",
                    "[{type: one_hot, columns: [site]}, {type: drop_columns, columns: [age]},"
                    " {type: standardize, columns: [site, age, 'site=east']}]",
                    BIN, BCE, METRICS_BIN, csv_basic, 1);
    dump(&o);
    assert_int_equal(o.errors, 2);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "preprocessing[2] (standardize): column 'site'",
                                "preprocessing[0] (one_hot) replaces it", "'site=<category>'",
                                NULL),
                     1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "preprocessing[2] (standardize): column 'age'",
                                "preprocessing[1] (drop_columns) drops it", NULL),
                     1);
    mc_diags_free(o.diags);
    o = run("", "[{type: select_columns, columns: [bmi]}, {type: standardize, columns: [age]}]",
            BIN, BCE, METRICS_BIN, csv_basic, 1);
    assert_int_equal(o.errors, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "preprocessing[0] (select_columns) does not "
                                "select it", NULL),
                     1);
    mc_diags_free(o.diags);
}

static void test_text_reaching_the_model(void **state)
{
    (void)state;
    outcome o = run("", "[standardize]", BIN, BCE, METRICS_BIN, csv_basic, 1);
    assert_int_equal(o.errors, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "column 'site' is text and would reach the "
                                "model", "one_hot", NULL),
                     1);
    mc_diags_free(o.diags);
    /* hash turns a number into text: standardizing it after is an error, and it reaches the
       model as text. */
    o = run("", "[{type: drop_columns, columns: [site]}, {type: hash, columns: [age], "
                "salt_env: MODELCERT_K}, {type: standardize, columns: [age]}]",
            BIN, BCE, METRICS_BIN, csv_basic, 1);
    dump(&o);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "preprocessing[2] (standardize): column 'age' "
                                "is text", NULL),
                     1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "column 'age' is text and would reach", NULL),
                     1);
    mc_diags_free(o.diags);
}

static void test_target_classes(void **state)
{
    (void)state;
    static const char three[] = "x,y\n1,a\n2,b\n3,c\n";
    outcome o = run("", "[]", BIN, BCE, METRICS_BIN, three, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "binary_crossentropy needs exactly two classes",
                                "has 3 distinct values in d.csv", NULL),
                     1);
    mc_diags_free(o.diags);
    /* 1 and 1.0 are one class; the positive label must be one of them */
    static const char two[] = "x,y\n1,1\n2,1.0\n3,2\n";
    o = run("", "[]", BIN, BCE, METRICS_BIN, two, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "metrics.positive_label: '1' is not", NULL), 0);
    assert_int_equal(o.errors, 0);
    mc_diags_free(o.diags);
    o = run("", "[]", BIN, BCE, "metrics: {compute: [accuracy], positive_label: yes}", two, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "metrics.positive_label: 'yes' is not a class",
                                NULL),
                     1);
    mc_diags_free(o.diags);
    /* multiclass: more classes than output units, and two classes a warning */
    o = run("", "[]", "{type: dense, units: 2, activation: softmax}",
            "sparse_categorical_crossentropy", METRICS_BIN, three, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "the output layer has 2 units", "3 classes",
                                NULL),
                     1);
    mc_diags_free(o.diags);
    static const char ab[] = "x,y\n1,a\n2,b\n";
    o = run("", "[]", "{type: dense, units: 2, activation: softmax}",
            "sparse_categorical_crossentropy", METRICS_BIN, ab, 1);
    assert_int_equal(o.errors, 0);
    assert_int_equal(count_with(&o, MC_SEV_WARNING, "two classes", "binary_crossentropy", NULL),
                     1);
    mc_diags_free(o.diags);
    o = run("", "[]", "{type: dense, units: 1, activation: linear}", "mse", METRICS_REG, three, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "data.target: 'y' is not numeric ('a' in d.csv)",
                                NULL),
                     1);
    mc_diags_free(o.diags);
}

static void test_bounded_output(void **state)
{
    (void)state;
    static const char unit[] = "x,y\n1,0\n2,1\n3,0.5\n";
    static const char over[] = "x,y\n1,0\n2,1.5\n";
    static const char under[] = "x,y\n1,-1\n2,1\n";
    outcome o = run("", "[]", BIN, "mse", METRICS_REG, unit, 1); /* 0 and 1 themselves: fine */
    assert_int_equal(o.errors, 0);
    mc_diags_free(o.diags);
    o = run("", "[]", BIN, "mse", METRICS_REG, over, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "output layer's sigmoid lies between 0 and 1",
                                "ranges from 0 to 1.5 in d.csv", "activation: linear", NULL),
                     1);
    assert_int_equal(mc_diags_get(o.diags, 0)->line, 6);
    mc_diags_free(o.diags);
    o = run("", "[]", "{type: dense, units: 1, activation: tanh}", "mse", METRICS_REG, under, 1);
    assert_int_equal(o.errors, 0); /* -1 and 1: tanh's own bounds */
    mc_diags_free(o.diags);
    o = run("", "[]", "{type: dense, units: 1, activation: tanh}", "mae", METRICS_REG, over, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "tanh lies between -1 and 1", NULL), 1);
    mc_diags_free(o.diags);
}

/* A CSV of header + n rows with target 0, then one row of target `last` at row n + 1. */
static char *rows_then(size_t n, const char *last)
{
    size_t cap = 32 + (n + 1) * 16;
    char *s = malloc(cap), *p = s;
    assert_non_null(s);
    p += sprintf(p, "x,y\n");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%zu,0\n", i);
    sprintf(p, "%zu,%s\n", n, last);
    return s;
}

static void test_sample_bound(void **state)
{
    (void)state;
    /* the target's second class on row MC_CHECK_SAMPLE_ROWS: read */
    char *csv = rows_then(MC_CHECK_SAMPLE_ROWS - 1, "1");
    outcome o = run("", "[]", BIN, BCE, METRICS_BIN, csv, 1);
    dump(&o);
    assert_int_equal(mc_diags_count(o.diags), 0);
    mc_diags_free(o.diags);
    free(csv);
    /* on the row after it: not read; one class in a sample is a warning that says so */
    csv = rows_then(MC_CHECK_SAMPLE_ROWS, "1");
    o = run("", "[]", BIN, BCE, METRICS_BIN, csv, 1);
    dump(&o);
    assert_int_equal(o.errors, 0);
    assert_int_equal(count_with(&o, MC_SEV_WARNING, "has 1 distinct value in the first 1000 rows "
                                "of d.csv (a sample)", NULL),
                     1);
    mc_diags_free(o.diags);
    free(csv);
    /* the whole file with one class: an error */
    o = run("", "[]", BIN, BCE, METRICS_BIN, "x,y\n1,0\n2,0\n", 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "has 1 distinct value in d.csv", NULL), 1);
    mc_diags_free(o.diags);
}

/* A head cut inside the header or the first row (a record longer than the sample) holds no
 * row: an error that names the record, never "empty". At the edge: a head of the header and
 * one whole row is a sample to judge. */
static void test_sample_without_a_row(void **state)
{
    (void)state;
    outcome o = run("", "[]", BIN, BCE, METRICS_BIN, "x,y\n1,0", 0);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "first data row of d.csv is longer than the "
                                "8 MiB that check reads", "--no-data", NULL),
                     1);
    assert_int_equal(o.errors, 1);
    mc_diags_free(o.diags);
    o = run("", "[]", BIN, BCE, METRICS_BIN, "x,y\n1,", 0);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "first data row of d.csv", NULL), 1);
    mc_diags_free(o.diags);
    o = run("", "[]", BIN, BCE, METRICS_BIN, "x,y,zzzzzzzz", 0);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "header line of d.csv is longer than", NULL), 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "empty", NULL), 0);
    mc_diags_free(o.diags);
    o = run("", "[]", BIN, BCE, METRICS_BIN, "x,y\n1,0\n", 0);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "longer than", NULL), 0);
    mc_diags_free(o.diags);
}

static void test_slice_reaching_the_model(void **state)
{
    (void)state;
    static const char csv[] = "sex,bmi,y\n1,20,0\n2,21,1\n";
    outcome o = run("", "[]", BIN, BCE, "metrics: {compute: [accuracy], slices: [{column: sex}]}",
                    csv, 1);
    /* the run's rule (reference/mc_slices.c): refused unless a step names it or the slice
     * says feature: true */
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "metrics.slices[0]: column 'sex' would reach "
                                "the model as a feature", "drop_columns", "feature: true", NULL),
                     1);
    mc_diags_free(o.diags);
    o = run("", "[]", BIN, BCE,
            "metrics: {compute: [accuracy], slices: [{column: sex, feature: true}]}", csv, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "would reach the model", NULL), 0);
    mc_diags_free(o.diags);
    o = run("", "[{type: drop_columns, columns: [sex]}]", BIN, BCE,
            "metrics: {compute: [accuracy], slices: [{column: sex}, {column: Bmi}]}", csv, 1);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "would reach the model", NULL), 0);
    assert_int_equal(count_with(&o, MC_SEV_ERROR, "metrics.slices: column 'Bmi' is not in the "
                                "header", "(did you mean 'bmi'?)", NULL),
                     1);
    mc_diags_free(o.diags);
}

/* The head of a file: all of it at exactly max_bytes, a sample one byte below. */
static void test_file_head_bound(void **state)
{
    (void)state;
    char path[] = "/tmp/mc_head_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "0123456789", 10), 10);
    close(fd);
    char *text = NULL;
    size_t len = 0;
    int whole = -1;
    assert_int_equal(mc_file_read_text_head(&text, &len, &whole, path, 10), MC_OK);
    assert_int_equal(len, 10);
    assert_int_equal(whole, 1);
    assert_string_equal(text, "0123456789");
    free(text);
    assert_int_equal(mc_file_read_text_head(&text, &len, &whole, path, 9), MC_OK);
    assert_int_equal(len, 9);
    assert_int_equal(whole, 0);
    assert_string_equal(text, "012345678");
    free(text);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "ab\0cd", 5), 5);
    close(fd);
    text = NULL;
    assert_int_equal(mc_file_read_text_head(&text, &len, &whole, path, 100), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "NUL byte"));
    assert_null(text);
    unlink(path);
    assert_int_equal(mc_file_read_text_head(&text, &len, &whole, "/tmp", 100), MC_EINPUT);
    assert_int_equal(mc_file_read_text_head(&text, &len, &whole, "-", 100), MC_EINPUT);
    assert_int_equal(mc_file_read_text_head(&text, &len, &whole, path, 100), MC_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_spec_has_nothing),
        cmocka_unit_test(test_closest_name),
        cmocka_unit_test(test_columns_followed_through_steps),
        cmocka_unit_test(test_text_reaching_the_model),
        cmocka_unit_test(test_target_classes),
        cmocka_unit_test(test_bounded_output),
        cmocka_unit_test(test_sample_bound),
        cmocka_unit_test(test_sample_without_a_row),
        cmocka_unit_test(test_slice_reaching_the_model),
        cmocka_unit_test(test_file_head_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
