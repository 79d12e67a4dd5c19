/* The Rényi-DP accountant of DP-SGD: the RDP of the Poisson-sampled Gaussian
 * mechanism (Mironov, Talwar, Zhang 2019, arXiv:1908.10530, section 3.3),
 * composed over steps and converted to (epsilon, delta) with Balle et al.
 * 2020 (arXiv:1905.09982, theorem 21). The same algorithms, orders and
 * conversion as Opacus's opacus/accountants/analysis/rdp.py (itself TF
 * Privacy's rdp_accountant.py): exact log-space sums at integer orders, the
 * two-sided series at fractional orders. Double precision with libm (log,
 * log1p, expm1, erfc); the figures are for people and budgets, not bits. */
#ifndef MC_RDP_H
#define MC_RDP_H

#include <stddef.h>

/* Opacus's default orders: 1.1, 1.2, ..., 10.9, then 12, 13, ..., 63. */
#define MC_RDP_N_ORDERS 151
void mc_rdp_default_orders(double orders[MC_RDP_N_ORDERS]);

/* Largest step count and order the accountant takes (beyond them the sums
 * lose their meaning long before they overflow). */
#define MC_RDP_MAX_STEPS 1000000000000LL
#define MC_RDP_MAX_ORDER 10000.0

/* rdp[i] = steps x RDP at orders[i] of the sampled Gaussian mechanism with
 * sampling rate q in [0, 1] and noise multiplier sigma >= 0 (sigma 0: no
 * privacy, +inf). Orders > 1 (or +inf), steps in [0, MC_RDP_MAX_STEPS].
 * MC_EINPUT for a value out of range or not finite; MC_EINTERNAL if a series
 * does not converge. */
int mc_rdp_compute(double *rdp, double q, double sigma, long long steps, const double *orders,
                   size_t n);

/* The smallest epsilon over the orders for delta in (0, 1), and the order
 * that gives it (NaN values are skipped; all NaN: +inf and order NaN), as
 * Opacus's get_privacy_spent: eps = rdp - (log delta + log a) / (a - 1) +
 * log((a - 1) / a). MC_EINPUT for delta out of range or n == 0. */
int mc_rdp_epsilon(double *eps, double *best_order, const double *orders, const double *rdp,
                   size_t n, double delta);

/* Both at once over the default orders. */
typedef struct mc_dp_spent {
    double epsilon, order;
} mc_dp_spent;
int mc_dp_epsilon(mc_dp_spent *out, double sigma, double q, long long steps, double delta);

/* The noise multiplier to plan for a budget, as Opacus's get_noise_multiplier:
 * double sigma from 20 until epsilon <= target (give up past 1e6: MC_EINPUT,
 * the budget is too small), then bisect [0, sigma] until
 * target - epsilon(sigma) <= tolerance; returns that sigma, whose epsilon is
 * within the budget. MC_EINPUT for values out of range. */
int mc_dp_noise_for_epsilon(double *sigma, double *eps_at, double target_eps, double q,
                            long long steps, double delta, double tolerance);

/* `modelcert privacy epsilon`: epsilon for a noise multiplier, or (with
 * has_target) the noise multiplier for a target epsilon. */
typedef struct mc_dp_plan {
    double noise_multiplier; /* without has_target */
    double sample_rate, delta;
    long long steps;
    int has_target;
    double target_epsilon, tolerance; /* with has_target */
} mc_dp_plan;

typedef struct mc_dp_plan_result {
    double noise_multiplier; /* the given one, or the one found */
    double epsilon, order;   /* what it spends, at the best order */
} mc_dp_plan_result;

/* Computes *out for *in; MC_EINPUT for values out of range, with a message
 * naming the value. */
int mc_dp_plan_compute(mc_dp_plan_result *out, const mc_dp_plan *in);

#endif
