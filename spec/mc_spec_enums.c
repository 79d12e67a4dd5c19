/* The name tables of the spec's enums, generated from the lists in
 * mc_spec_enums.h. */
#include "mc_spec_enums.h"

#include <string.h>

MC_ENUM_NAMES(MC_COLUMN_KIND_LIST, mc_names_column_kind);
MC_ENUM_NAMES(MC_ATTACK_LIST, mc_names_attack);
MC_ENUM_NAMES(MC_STEP_TYPE_LIST, mc_names_step);
MC_ENUM_NAMES(MC_FILL_STRATEGY_LIST, mc_names_fill);
MC_ENUM_NAMES(MC_HANDLE_UNKNOWN_LIST, mc_names_unknown);
MC_ENUM_NAMES(MC_AXIS_LIST, mc_names_axis);
MC_ENUM_NAMES(MC_DATE_PART_LIST, mc_names_date_part);
MC_ENUM_NAMES(MC_LAYER_TYPE_LIST, mc_names_layer);
MC_ENUM_NAMES(MC_ACTIVATION_LIST, mc_names_activation);
MC_ENUM_NAMES(MC_INITIALIZER_LIST, mc_names_initializer);
MC_ENUM_NAMES(MC_OPTIMIZER_TYPE_LIST, mc_names_optimizer);
MC_ENUM_NAMES(MC_LOSS_LIST, mc_names_loss);
MC_ENUM_NAMES(MC_NUMERICS_LIST, mc_names_numerics);
MC_ENUM_NAMES(MC_MONITOR_MODE_LIST, mc_names_monitor_mode);
MC_ENUM_NAMES(MC_METRIC_LIST, mc_names_metric);
const char *const mc_names_scoring[] = {"auto", MC_METRIC_LIST(MC_ENUM_NAME) NULL};
MC_ENUM_NAMES(MC_AVERAGE_LIST, mc_names_average);
MC_ENUM_NAMES(MC_DIRECTION_LIST, mc_names_direction);
MC_ENUM_NAMES(MC_REPRO_MODE_LIST, mc_names_repro_mode);
MC_ENUM_NAMES(MC_PII_TRANSFORM_LIST, mc_names_pii_transform);
MC_ENUM_NAMES(MC_PII_DETECTOR_LIST, mc_names_detector);
MC_ENUM_NAMES(MC_ACTION_LIST, mc_names_action);
MC_ENUM_NAMES(MC_SIGN_FORMAT_LIST, mc_names_sign_format);
MC_ENUM_NAMES(MC_SIGN_WHAT_LIST, mc_names_sign_what);
MC_ENUM_NAMES(MC_TASK_LIST, mc_names_task);
MC_ENUM_NAMES(MC_SCORES_LIST, mc_names_scores);

int mc_enum_from_name(const char *const *names, const char *name)
{
    for (int i = 0; name && names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* names[v], or "?" when v is not a value of an enum with `count` values. */
static const char *name_of(const char *const *names, int count, int v)
{
    return v >= 0 && v < count ? names[v] : "?";
}

const char *mc_metric_name(int metric)
{
    return name_of(mc_names_metric, MC_METRIC_COUNT, metric);
}

const char *mc_loss_name(int loss)
{
    return name_of(mc_names_loss, MC_LOSS_COUNT, loss);
}

const char *mc_activation_name(int act)
{
    return name_of(mc_names_activation, MC_ACT_COUNT, act);
}

const char *mc_step_type_name(int type)
{
    return name_of(mc_names_step, MC_STEP_COUNT, type);
}

const char *mc_numerics_name(int numerics)
{
    return name_of(mc_names_numerics, MC_NUMERICS_COUNT, numerics);
}

const char *mc_task_name(int task)
{
    return name_of(mc_names_task, MC_TASK_COUNT, task);
}

int mc_metric_higher_is_better(int metric)
{
    switch (metric) {
    case MC_METRIC_LOG_LOSS:
    case MC_METRIC_MSE:
    case MC_METRIC_RMSE:
    case MC_METRIC_MAE: return 0;
    default: return 1;
    }
}

int mc_metric_from_name(const char *name)
{
    return mc_enum_from_name(mc_names_metric, name);
}
