/* The target column as training sees it (mc_labels.h): a classification's
 * classes in a fixed order (numbers numerically, text bytewise; binary: the
 * positive label second) and each row's class index or value. */
#include "mc_labels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_json.h"
#include "mc_str.h"

typedef struct classval {
    char *text;
    double num;
} classval;

static int cmp_classval_num(const void *a, const void *b)
{
    double x = ((const classval *)a)->num, y = ((const classval *)b)->num;
    return (x > y) - (x < y);
}

static int cmp_classval_text(const void *a, const void *b)
{
    return strcmp(((const classval *)a)->text, ((const classval *)b)->text);
}


static int build(mc_labels *l, const mc_spec *spec, const mc_table *t, long tc)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    const mc_column *col = &t->cols[tc];
    mc_task task = mc_spec_task(spec);
    l->y = malloc(t->n_rows * sizeof *l->y);
    if (!l->y)
        return mc_error_nomem();
    if (task == MC_TASK_REGRESSION) {
        if (col->kind != MC_COLKIND_NUMERIC)
            return mc_spec_error(spec, &d->data.target,
                              "data.target: '%s' is not numeric, but the loss %s makes this a "
                              "regression",
                              col->name, mc_loss_name(d->training.loss));
        for (size_t r = 0; r < t->n_rows; r++)
            l->y[r] = (float)col->num[r];
        return MC_OK;
    }
    size_t cap = 8, n = 0;
    classval *cv = calloc(cap, sizeof *cv);
    int rc = cv ? MC_OK : mc_error_nomem();
    /* distinct values */
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++) {
        char buf[32];
        const char *text;
        if (col->kind == MC_COLKIND_NUMERIC) {
            if (isnan(col->num[r]))
                continue;
            if ((rc = mc_json_format_number(buf, col->num[r])))
                break;
            text = buf;
        } else {
            if (col->codes[r] == MC_CODE_MISSING)
                continue;
            text = col->levels[col->codes[r]];
        }
        size_t k = 0;
        while (k < n && strcmp(cv[k].text, text) != 0)
            k++;
        if (k < n)
            continue;
        if (n == 65536) {
            rc = mc_spec_error(spec, &d->data.target, "data.target: '%s' has more than 65536 classes",
                            col->name);
            break;
        }
        if (n == cap) {
            classval *g = realloc(cv, (cap *= 2) * sizeof *cv);
            if (!g) {
                rc = mc_error_nomem();
                break;
            }
            cv = g;
        }
        cv[n].text = strdup(text);
        cv[n].num = col->kind == MC_COLKIND_NUMERIC ? col->num[r] : 0;
        if (!cv[n++].text)
            rc = mc_error_nomem();
    }
    if (rc == MC_OK)
        qsort(cv, n, sizeof *cv, col->kind == MC_COLKIND_NUMERIC ? cmp_classval_num : cmp_classval_text);
    if (rc == MC_OK && task == MC_TASK_BINARY) {
        if (n != 2) {
            rc = mc_spec_error(spec, &d->training.loss,
                            "training.loss: binary_crossentropy needs exactly two classes; target "
                            "'%s' has %zu",
                            col->name, n);
        } else {
            int pos = strcmp(cv[0].text, d->metrics.positive_label) == 0 ? 0
                      : strcmp(cv[1].text, d->metrics.positive_label) == 0 ? 1 : -1;
            if (pos < 0) {
                /* class names are data values: limited and escaped */
                char c0[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)], c1[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)];
                rc = mc_spec_error(spec, &d->metrics.positive_label,
                                "metrics.positive_label: '%s' is not a class of '%s' (classes: %s, %s)",
                                d->metrics.positive_label, col->name,
                                mc_str_printable(c0, sizeof c0, cv[0].text, MC_STR_QUOTE_MAX),
                                mc_str_printable(c1, sizeof c1, cv[1].text, MC_STR_QUOTE_MAX));
            }
            else if (pos == 0) {
                classval tmp = cv[0];
                cv[0] = cv[1];
                cv[1] = tmp;
            }
        }
    }
    if (rc == MC_OK && task == MC_TASK_MULTICLASS && n < 2)
        rc = mc_spec_error(spec, &d->data.target, "data.target: '%s' has fewer than two classes",
                        col->name);
    if (rc == MC_OK) {
        l->classes = malloc(n * sizeof *l->classes);
        if (!l->classes)
            rc = mc_error_nomem();
    }
    for (size_t k = 0; k < n; k++) {
        if (rc == MC_OK)
            l->classes[k] = cv[k].text;
        else
            free(cv[k].text);
    }
    if (rc == MC_OK)
        l->n_classes = (int)n;
    free(cv);
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++) {
        char buf[32];
        const char *text = NULL;
        if (col->kind == MC_COLKIND_NUMERIC && !isnan(col->num[r])) {
            if ((rc = mc_json_format_number(buf, col->num[r])))
                break;
            text = buf;
        } else if (col->kind == MC_COLKIND_CATEGORICAL && col->codes[r] != MC_CODE_MISSING) {
            text = col->levels[col->codes[r]];
        }
        l->y[r] = NAN;
        for (int k = 0; text && k < l->n_classes; k++)
            if (strcmp(l->classes[k], text) == 0)
                l->y[r] = (float)k;
    }
    return rc;
}

int mc_labels_build(mc_labels *l, const mc_spec *spec, const mc_table *t, long target_col)
{
    memset(l, 0, sizeof *l);
    int rc = build(l, spec, t, target_col);
    if (rc)
        mc_labels_clear(l);
    return rc;
}

void mc_labels_clear(mc_labels *l)
{
    for (int i = 0; l->classes && i < l->n_classes; i++)
        free(l->classes[i]);
    free(l->classes);
    free(l->y);
    memset(l, 0, sizeof *l);
}
