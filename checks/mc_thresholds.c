/* Threshold checks (mc_thresholds.h, docs/thresholds.md): each metric's value
 * against its min and max, its change against a baseline run, and each slice
 * group's value and the gap between groups; one result per bound, a metric
 * that was not computed a failure, an undefined one an error. */
#include "mc_thresholds.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mc_str.h"

#define CAT "thresholds"

/* The value of metric `name` in a metrics.json; returns 1 found (with *undefined
 * set when it is null, and *why the engine's reason), 0 not computed. */
static int lookup(const json_t *metrics, const char *name, double *value, int *undefined,
                  const char **why)
{
    const json_t *m = json_object_get(json_object_get(metrics, "metrics"), name);
    *undefined = 0;
    *why = NULL;
    if (!m)
        return 0;
    if (json_is_number(m)) {
        *value = json_number_value(m);
        return 1;
    }
    *undefined = 1;
    *why = json_string_value(json_object_get(json_object_get(metrics, "undefined"), name));
    return 1;
}

static int value_checks(mc_validation *v, const mc_metric_threshold *t, const json_t *metrics)
{
    char id[160];
    double x;
    int undefined;
    const char *why;
    if (!lookup(metrics, t->key, &x, &undefined, &why)) {
        snprintf(id, sizeof id, "thresholds.metrics.%s", t->key);
        return mc_validation_add(v, CAT, id, t->key, MC_STATUS_FAIL, json_null(), json_null(),
                                 "metric not found: %s was not computed for this run", t->key);
    }
    if (undefined) {
        snprintf(id, sizeof id, "thresholds.metrics.%s", t->key);
        return mc_validation_add(v, CAT, id, t->key, MC_STATUS_ERROR, json_null(), json_null(),
                                 "%s is undefined on the test rows: %s", t->key, why ? why : "no value");
    }
    int rc = MC_OK;
    if (t->has_min) {
        snprintf(id, sizeof id, "thresholds.metrics.%s.min", t->key);
        int ok = x >= t->min;
        rc = mc_validation_add(v, CAT, id, t->key, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                               json_real(x), json_pack("{s:f}", "min", t->min), "%s %.4f %s min %.4g",
                               t->key, x, ok ? ">=" : "is below", t->min);
    }
    if (rc == MC_OK && t->has_max) {
        snprintf(id, sizeof id, "thresholds.metrics.%s.max", t->key);
        int ok = x <= t->max;
        rc = mc_validation_add(v, CAT, id, t->key, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                               json_real(x), json_pack("{s:f}", "max", t->max), "%s %.4f %s max %.4g",
                               t->key, x, ok ? "<=" : "is above", t->max);
    }
    return rc;
}

static int change_checks(mc_validation *v, const mc_thresholds *th, const mc_metric_threshold *t,
                         const json_t *metrics, const json_t *baseline, const char *bname)
{
    char id[160];
    const mc_change_threshold *ch = &t->change;
    snprintf(id, sizeof id, "thresholds.metrics.%s.change", t->key);
    if (!baseline) {
        if (th->allow_first_release)
            return mc_validation_add(v, CAT, id, t->key, MC_STATUS_SKIPPED, json_null(), json_null(),
                                     "no baseline given: a first release is allowed "
                                     "(thresholds.allow_first_release)");
        return mc_validation_add(v, CAT, id, t->key, MC_STATUS_FAIL, json_null(), json_null(),
                                 "no baseline given for the change threshold on %s: pass --baseline "
                                 "RUN, or set thresholds.allow_first_release for a first release",
                                 t->key);
    }
    double cur, base;
    int und_c, und_b;
    const char *why;
    if (!lookup(metrics, t->key, &cur, &und_c, &why) || und_c)
        return MC_OK; /* the value check above already reported it */
    if (!lookup(baseline, t->key, &base, &und_b, &why) || und_b)
        return mc_validation_add(v, CAT, id, t->key, MC_STATUS_ERROR, json_null(), json_null(),
                                 "the baseline %s has no value for %s", bname, t->key);
    int higher = ch->direction == MC_DIR_HIGHER;
    double regression = higher ? base - cur : cur - base; /* > 0: worse than the baseline */
    json_t *measured = json_pack("{s:f, s:f, s:f}", "current", cur, "baseline", base, "regression",
                                 regression);
    int rc = MC_OK;
    if (ch->has_max_absolute_regression) {
        char aid[192];
        snprintf(aid, sizeof aid, "%s.absolute", id);
        int ok = regression <= ch->max_absolute_regression;
        rc = mc_validation_add(v, CAT, aid, t->key, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                               json_incref(measured),
                               json_pack("{s:s, s:f}", "direction",
                                         higher ? "higher_is_better" : "lower_is_better",
                                         "max_absolute_regression", ch->max_absolute_regression),
                               "%s %.4f against baseline %.4f: %s %.4g %s the allowed %.4g", t->key, cur,
                               base, regression > 0 ? "regression" : "improvement",
                               fabs(regression), ok ? "within" : "exceeds", ch->max_absolute_regression);
    }
    if (rc == MC_OK && ch->has_max_relative_regression) {
        char rid[192];
        snprintf(rid, sizeof rid, "%s.relative", id);
        json_t *expected = json_pack("{s:s, s:f}", "direction",
                                     higher ? "higher_is_better" : "lower_is_better",
                                     "max_relative_regression", ch->max_relative_regression);
        if (base == 0) {
            /* Relative to nothing: any regression is unbounded, none is fine. */
            int ok = regression <= 0;
            rc = mc_validation_add(v, CAT, rid, t->key, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                                   json_incref(measured), expected,
                                   ok ? "%s %.4f against a baseline of 0: no regression"
                                      : "%s %.4f against a baseline of 0: a relative regression "
                                        "from 0 is unbounded",
                                   t->key, cur);
        } else {
            double rel = regression / fabs(base);
            int ok = rel <= ch->max_relative_regression;
            rc = mc_validation_add(v, CAT, rid, t->key, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                                   json_incref(measured), expected,
                                   "%s %.4f against baseline %.4f: relative %s %.2f%% %s the allowed "
                                   "%.2f%%",
                                   t->key, cur, base, rel > 0 ? "regression" : "improvement",
                                   fabs(rel) * 100, ok ? "within" : "exceeds",
                                   ch->max_relative_regression * 100);
        }
    }
    json_decref(measured);
    return rc;
}

/* The groups a slice rule left out (fewer test rows than min_size): an error when that is
 * every group (the rule judged nothing, which must not look like a pass), else a warning that
 * says how many. `names`: the first of them with their row counts. */
static int skipped_result(mc_validation *v, const mc_slice_threshold *st, const json_t *metrics,
                          size_t groups, size_t skipped, const char *names)
{
    const char *metric = mc_metric_name(st->metric);
    const json_t *min_size = json_object_get(
        json_object_get(json_object_get(metrics, "slices"), st->slice), "min_size");
    long long ms = json_is_integer(min_size) ? (long long)json_integer_value(min_size) : -1;
    char id[300], name[300];
    snprintf(id, sizeof id, "thresholds.slices.%s.%s.min_size", st->slice, metric);
    snprintf(name, sizeof name, "%s on %s: groups judged", metric, st->slice);
    if (skipped == groups)
        return mc_validation_add(v, CAT, id, name, MC_STATUS_ERROR,
                                 json_integer((json_int_t)skipped),
                                 json_pack("{s:I}", "min_size", (json_int_t)ms),
                                 "the rule judged nothing: all %zu groups of %s have fewer test "
                                 "rows than min_size %lld: %s%s (lower metrics.slices min_size, "
                                 "or give the test split more rows)", groups, st->slice, ms, names,
                                 skipped > 8 ? ", ..." : "");
    return mc_validation_add(v, CAT, id, name, MC_STATUS_WARN, json_integer((json_int_t)skipped),
                             json_pack("{s:I}", "min_size", (json_int_t)ms),
                             "%zu of %zu groups of %s not judged: fewer test rows than min_size "
                             "%lld: %s%s", skipped, groups, st->slice, ms, names,
                             skipped > 8 ? ", ..." : "");
}

/* One slice threshold: every group's bounds, then the gap between groups. */
static int slice_checks(mc_validation *v, const mc_slice_threshold *st, size_t index,
                        const json_t *metrics)
{
    const char *metric = mc_metric_name(st->metric);
    char id[640];
    const json_t *groups = json_object_get(json_object_get(json_object_get(metrics, "slices"), st->slice),
                                           "groups");
    if (!json_is_array(groups)) {
        snprintf(id, sizeof id, "thresholds.slices[%zu]", index);
        return mc_validation_add(v, CAT, id, st->slice, MC_STATUS_ERROR, json_null(), json_null(),
                                 "slice '%s' has no groups in the run's metrics", st->slice);
    }
    if (json_array_size(groups) == 0) {
        snprintf(id, sizeof id, "thresholds.slices[%zu]", index);
        return mc_validation_add(v, CAT, id, st->slice, MC_STATUS_ERROR, json_null(), json_null(),
                                 "the rule judged nothing: slice '%s' has no groups in the test "
                                 "rows", st->slice);
    }
    int rc = MC_OK;
    const char *best_name = NULL, *worst_name = NULL;
    double best = -INFINITY, worst = INFINITY;
    size_t evaluated = 0, skipped = 0;
    char skipped_names[700] = "";
    for (size_t g = 0; rc == MC_OK && g < json_array_size(groups); g++) {
        const json_t *jg = json_array_get(groups, g);
        const char *val = json_string_value(json_object_get(jg, "value"));
        json_int_t count = json_integer_value(json_object_get(jg, "count"));
        /* The id, name and messages quote the group (a data value) limited and
         * escaped; metrics.json and the gap result's groups keep it exact. */
        char shown[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)];
        mc_str_printable(shown, sizeof shown, val, MC_STR_QUOTE_MAX);
        snprintf(id, sizeof id, "thresholds.slices.%s=%s.%s", st->slice, shown, metric);
        char name[400];
        snprintf(name, sizeof name, "%s on %s=%s", metric, st->slice, shown);
        if (json_is_true(json_object_get(jg, "skipped"))) { /* summed up below */
            if (skipped++ < 8)
                snprintf(skipped_names + strlen(skipped_names),
                         sizeof skipped_names - strlen(skipped_names), "%s%s (%lld)",
                         skipped > 1 ? ", " : "", shown, (long long)count);
            continue;
        }
        const json_t *jv = json_object_get(json_object_get(jg, "metrics"), metric);
        if (!json_is_number(jv)) {
            rc = mc_validation_add(v, CAT, id, name, MC_STATUS_ERROR, json_null(), json_null(),
                                   "%s is undefined on %s=%s (%lld rows)", metric, st->slice, shown,
                                   (long long)count);
            continue;
        }
        double x = json_number_value(jv);
        evaluated++;
        if (x > best)
            best = x, best_name = val;
        if (x < worst)
            worst = x, worst_name = val;
        if (st->has_min && rc == MC_OK) {
            int ok = x >= st->min;
            rc = mc_validation_add(v, CAT, id, name, ok ? MC_STATUS_PASS : MC_STATUS_FAIL, json_real(x),
                                   json_pack("{s:f}", "min", st->min), "%s %.4f on %s=%s (%lld rows) %s min %.4g",
                                   metric, x, st->slice, shown, (long long)count, ok ? ">=" : "is below",
                                   st->min);
        }
        if (st->has_max && rc == MC_OK) {
            int ok = x <= st->max;
            rc = mc_validation_add(v, CAT, id, name, ok ? MC_STATUS_PASS : MC_STATUS_FAIL, json_real(x),
                                   json_pack("{s:f}", "max", st->max), "%s %.4f on %s=%s (%lld rows) %s max %.4g",
                                   metric, x, st->slice, shown, (long long)count, ok ? "<=" : "is above",
                                   st->max);
        }
    }
    if (rc == MC_OK && skipped)
        rc = skipped_result(v, st, metrics, json_array_size(groups), skipped, skipped_names);
    if (rc || !st->has_max_gap || (skipped && skipped == json_array_size(groups)))
        return rc;
    snprintf(id, sizeof id, "thresholds.slices.%s.%s.max_gap", st->slice, metric);
    char name[200];
    snprintf(name, sizeof name, "%s gap across %s", metric, st->slice);
    if (evaluated < 2) /* a gap rule that compared nothing is not a pass */
        return mc_validation_add(v, CAT, id, name, MC_STATUS_ERROR,
                                 json_integer((json_int_t)evaluated), json_null(),
                                 "the gap rule judged nothing: %zu group%s of %s %s large "
                                 "enough to judge, a gap needs two (lower metrics.slices "
                                 "min_size, or give the test split more rows)", evaluated,
                                 evaluated == 1 ? "" : "s", st->slice,
                                 evaluated == 1 ? "is" : "are");
    double gap = best - worst;
    int ok = gap <= st->max_gap;
    char best_shown[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)], worst_shown[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)];
    mc_str_printable(best_shown, sizeof best_shown, best_name, MC_STR_QUOTE_MAX);
    mc_str_printable(worst_shown, sizeof worst_shown, worst_name, MC_STR_QUOTE_MAX);
    return mc_validation_add(v, CAT, id, name, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                             json_pack("{s:f, s:{s:s, s:f}, s:{s:s, s:f}}", "gap", gap, "best", "group",
                                       best_name, "value", best, "worst", "group", worst_name, "value", worst),
                             json_pack("{s:f}", "max_gap", st->max_gap),
                             "%s gap %.4f between %s=%s (%.4f) and %s=%s (%.4f) %s max_gap %.4g", metric,
                             gap, st->slice, best_shown, best, st->slice, worst_shown, worst,
                             ok ? "is within" : "exceeds", st->max_gap);
}

int mc_thresholds_check(mc_validation *v, const mc_spec *spec, const json_t *metrics,
                        const json_t *baseline, const char *baseline_name)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    if (!d->has_thresholds)
        return MC_OK;
    const mc_thresholds *th = &d->thresholds;
    int rc = MC_OK;
    for (size_t i = 0; rc == MC_OK && i < th->metrics.count; i++) {
        const mc_metric_threshold *t = &th->metrics.items[i];
        rc = value_checks(v, t, metrics);
        if (rc == MC_OK && t->has_change)
            rc = change_checks(v, th, t, metrics, baseline, baseline_name);
    }
    for (size_t i = 0; rc == MC_OK && i < th->slices.count; i++)
        rc = slice_checks(v, &th->slices.items[i], i, metrics);
    return rc;
}
