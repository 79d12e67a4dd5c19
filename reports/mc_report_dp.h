/* Reports of `modelcert privacy epsilon`: the privacy an RDP accountant
 * grants DP-SGD, for people and machines. */
#ifndef MC_REPORT_DP_H
#define MC_REPORT_DP_H

#include <stdio.h>

#include "mc_rdp.h"

/* For people: epsilon at delta and the best order (or the noise multiplier
 * found for a target), and the mechanism. quiet: only the first line. */
void mc_report_dp_epsilon_text(FILE *f, const mc_dp_plan *in, const mc_dp_plan_result *r,
                               int quiet);
/* One JSON object (indented, keys sorted): accountant, delta, epsilon, order,
 * noise_multiplier, sample_rate, steps, and target_epsilon and tolerance
 * with a target. MC_ENOMEM, MC_EIO. */
int mc_report_dp_epsilon_json(FILE *f, const mc_dp_plan *in, const mc_dp_plan_result *r);

#endif
