/* Robustness checks (mc_robustness.h): the drop of the metric under each attack and strength
 * a max_drop rule names, read from metrics.json's "robustness" curves, against the rule's
 * bound (inclusive). */
#include "mc_robustness.h"

#include <stdio.h>

#define CAT "robustness"

/* The curve point of `attack` at `strength`, or NULL. */
static const json_t *point_of(const json_t *rob, const char *attack, double strength)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(rob, attack), i, p)
    {
        if (json_number_value(json_object_get(p, "strength")) == strength)
            return p;
    }
    return NULL;
}

int mc_robustness_check(mc_validation *v, const mc_spec *spec, const json_t *metrics)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    const json_t *rob = json_object_get(metrics, "robustness");
    int rc = MC_OK;
    for (size_t i = 0; d->has_robustness && rc == MC_OK && i < d->robustness.max_drop.count; i++) {
        const mc_robust_rule *u = &d->robustness.max_drop.items[i];
        const char *attack = mc_names_attack[u->attack];
        char id[96], name[96];
        snprintf(id, sizeof id, "robustness.%s.%g", attack, u->strength);
        snprintf(name, sizeof name, u->attack == MC_ATTACK_MISSING ? "%s %g" : "%s %g sd", attack,
                 u->strength);
        const json_t *p = point_of(rob, attack, u->strength);
        const char *metric = json_string_value(json_object_get(rob, "metric"));
        json_t *expected = json_pack("{s:f}", "max_drop", u->max);
        if (!p) {
            rc = mc_validation_add(v, CAT, id, name, MC_STATUS_FAIL, json_null(), expected,
                                   "robustness not measured: %s at %g sd is not in metrics.json "
                                   "(a gate on predictions made elsewhere has no model to "
                                   "perturb)", attack, u->strength);
            continue;
        }
        double drop = json_number_value(json_object_get(p, "drop"));
        double value = json_number_value(json_object_get(p, "value"));
        const json_t *refused = json_object_get(p, "refused");
        char how[96];
        if (u->attack == MC_ATTACK_MISSING)
            snprintf(how, sizeof how, "with %g of the cells missing (%lld rows refused)",
                     u->strength, (long long)json_integer_value(refused));
        else
            snprintf(how, sizeof how, "under %s at %g sd", attack, u->strength);
        int ok = drop <= u->max;
        rc = mc_validation_add(v, CAT, id, name, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                               json_real(drop), expected, "%s %s: %.4f, a drop of %.4f %s max %.4g",
                               metric ? metric : "the metric", how, value, drop,
                               ok ? "<=" : "is above", u->max);
    }
    return rc;
}
