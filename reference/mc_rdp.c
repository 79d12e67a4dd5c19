/* The RDP accountant (mc_rdp.h). Each function names the Opacus function it
 * follows, so the two can be read side by side. */
#include "mc_rdp.h"

#include <math.h>

#include "mc_error.h"

void mc_rdp_default_orders(double orders[MC_RDP_N_ORDERS])
{
    int k = 0;
    for (int x = 1; x < 100; x++)
        orders[k++] = 1.0 + x / 10.0; /* Python's 1 + x / 10.0, the same rounding */
    for (int a = 12; a < 64; a++)
        orders[k++] = a;
}

/* ---- log-space arithmetic (Opacus _log_add, _log_sub) ------------------------ */

static double log_add(double logx, double logy)
{
    double a = logx < logy ? logx : logy, b = logx < logy ? logy : logx;
    if (a == -INFINITY)
        return b;
    return log1p(exp(a - b)) + b;
}

/* log(exp(x) - exp(y)) for x >= y; NaN when x < y (Opacus raises). */
static double log_sub(double logx, double logy)
{
    if (logx < logy)
        return NAN;
    if (logy == -INFINITY)
        return logx;
    if (logx == logy)
        return -INFINITY;
    double e = expm1(logx - logy);
    if (isinf(e)) /* Python's OverflowError branch */
        return logx;
    return log(e) + logy;
}

/* log(erfc(x)), accurate where erfc underflows (Opacus: log 2 + log_ndtr(-x sqrt 2)). */
static double log_erfc(double x)
{
    if (x < 26.0)
        return log(erfc(x));
    /* erfc(x) = exp(-x^2) / (x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6) + 105/(16x^8) ...) */
    double r = 1.0 / (x * x);
    double s = 1.0 - r / 2.0 + 3.0 * r * r / 4.0 - 15.0 * r * r * r / 8.0 +
               105.0 * r * r * r * r / 16.0;
    return -x * x - log(x) - 0.5 * log(M_PI) + log(s);
}

/* ---- log(A_alpha) ----------------------------------------------------------- */

/* Integer alpha: log sum_i C(alpha, i) q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2))
 * (Opacus _compute_log_a_for_int_alpha). */
static double log_a_int(double q, double sigma, long alpha)
{
    double log_a = -INFINITY, coef = 1.0; /* C(alpha, 0) */
    double lq = log(q), l1q = log1p(-q), s2 = 2.0 * sigma * sigma;
    for (long i = 0; i <= alpha; i++) {
        if (i > 0)
            coef = coef * (double)(alpha - i + 1) / (double)i;
        double log_coef = log(coef) + (double)i * lq + (double)(alpha - i) * l1q;
        log_a = log_add(log_a, log_coef + (double)(i * i - i) / s2);
    }
    return log_a;
}

/* Fractional alpha: the integrals over (-inf, z0] and [z0, inf) as series,
 * summed until both terms fall below exp(-30) (Opacus _compute_log_a_for_frac_alpha). */
static int log_a_frac(double *out, double q, double sigma, double alpha)
{
    double log_a0 = -INFINITY, log_a1 = -INFINITY;
    double z0 = sigma * sigma * log(1.0 / q - 1.0) + 0.5;
    double lq = log(q), l1q = log1p(-q), s2 = 2.0 * sigma * sigma, rs = sqrt(2.0) * sigma;
    double coef = 1.0; /* binom(alpha, i), by the product formula */
    for (long i = 0;; i++) {
        if (i > 0)
            coef = coef * (alpha - (double)(i - 1)) / (double)i;
        if (i > 1000000 || coef == 0.0 || !isfinite(coef))
            return mc_error_set(MC_EINTERNAL, "RDP series at order %g did not converge", alpha);
        double log_coef = log(fabs(coef)), j = alpha - (double)i, di = (double)i;
        double log_t0 = log_coef + di * lq + j * l1q;
        double log_t1 = log_coef + j * lq + di * l1q;
        double log_e0 = log(0.5) + log_erfc((di - z0) / rs);
        double log_e1 = log(0.5) + log_erfc((z0 - j) / rs);
        double log_s0 = log_t0 + (di * di - di) / s2 + log_e0;
        double log_s1 = log_t1 + (j * j - j) / s2 + log_e1;
        if (coef > 0) {
            log_a0 = log_add(log_a0, log_s0);
            log_a1 = log_add(log_a1, log_s1);
        } else {
            log_a0 = log_sub(log_a0, log_s0);
            log_a1 = log_sub(log_a1, log_s1);
        }
        if ((log_s0 > log_s1 ? log_s0 : log_s1) < -30.0)
            break;
    }
    *out = log_add(log_a0, log_a1);
    return MC_OK;
}

/* One step's RDP at one order (Opacus _compute_rdp). */
static int rdp_one(double *out, double q, double sigma, double alpha)
{
    if (q == 0.0) {
        *out = 0.0;
        return MC_OK;
    }
    if (sigma == 0.0) {
        *out = INFINITY;
        return MC_OK;
    }
    if (q == 1.0) {
        *out = alpha / (2.0 * sigma * sigma);
        return MC_OK;
    }
    if (isinf(alpha)) {
        *out = INFINITY;
        return MC_OK;
    }
    double log_a = NAN;
    if (alpha == floor(alpha)) {
        log_a = log_a_int(q, sigma, (long)alpha);
    } else {
        int rc = log_a_frac(&log_a, q, sigma, alpha);
        if (rc)
            return rc;
    }
    *out = log_a / (alpha - 1.0);
    return MC_OK;
}

static int check_mechanism(double q, double sigma, long long steps)
{
    if (!(q >= 0.0 && q <= 1.0))
        return mc_error_set(MC_EINPUT, "sampling rate %g is not in [0, 1]", q);
    if (!(sigma >= 0.0) || !isfinite(sigma))
        return mc_error_set(MC_EINPUT, "noise multiplier %g is not a finite number >= 0", sigma);
    if (steps < 0 || steps > MC_RDP_MAX_STEPS)
        return mc_error_set(MC_EINPUT, "steps %lld is not in [0, %lld]", steps, MC_RDP_MAX_STEPS);
    return MC_OK;
}

int mc_rdp_compute(double *rdp, double q, double sigma, long long steps, const double *orders,
                   size_t n)
{
    int rc = check_mechanism(q, sigma, steps);
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        double a = orders[i];
        if (!(a > 1.0) || (isfinite(a) && a > MC_RDP_MAX_ORDER))
            return mc_error_set(MC_EINPUT, "RDP order %g is not in (1, %g] or +inf", a,
                                MC_RDP_MAX_ORDER);
        double one = 0.0;
        rc = rdp_one(&one, q, sigma, a);
        /* compute_rdp returns rdp * steps: 0 steps of no privacy is inf * 0 = NaN there too */
        rdp[i] = one * (double)steps;
    }
    return rc;
}

int mc_rdp_epsilon(double *eps, double *best_order, const double *orders, const double *rdp,
                   size_t n, double delta)
{
    if (!(delta > 0.0 && delta < 1.0))
        return mc_error_set(MC_EINPUT, "delta %g is not in (0, 1)", delta);
    if (n == 0)
        return mc_error_set(MC_EINPUT, "no RDP orders");
    double best = NAN, at = NAN;
    for (size_t i = 0; i < n; i++) {
        double a = orders[i];
        double e = rdp[i] - (log(delta) + log(a)) / (a - 1.0) + log((a - 1.0) / a);
        if (isnan(e))
            continue;
        if (isnan(best) || e < best) { /* numpy's nanargmin: the first smallest */
            best = e;
            at = a;
        }
    }
    *eps = isnan(best) ? INFINITY : best;
    *best_order = isinf(*eps) ? NAN : at; /* no order helps when none is finite */
    return MC_OK;
}

int mc_dp_epsilon(mc_dp_spent *out, double sigma, double q, long long steps, double delta)
{
    double orders[MC_RDP_N_ORDERS], rdp[MC_RDP_N_ORDERS];
    mc_rdp_default_orders(orders);
    int rc = mc_rdp_compute(rdp, q, sigma, steps, orders, MC_RDP_N_ORDERS);
    if (rc == MC_OK)
        rc = mc_rdp_epsilon(&out->epsilon, &out->order, orders, rdp, MC_RDP_N_ORDERS, delta);
    return rc;
}

int mc_dp_noise_for_epsilon(double *sigma, double *eps_at, double target_eps, double q,
                            long long steps, double delta, double tolerance)
{
    if (!(target_eps > 0.0) || !isfinite(target_eps))
        return mc_error_set(MC_EINPUT, "target epsilon %g is not a finite number > 0", target_eps);
    if (!(tolerance > 0.0) || !isfinite(tolerance))
        return mc_error_set(MC_EINPUT, "epsilon tolerance %g is not a finite number > 0",
                            tolerance);
    mc_dp_spent s = {INFINITY, NAN};
    double lo = 0.0, hi = 10.0, eps_hi = INFINITY;
    int rc = MC_OK;
    while (eps_hi > target_eps) {
        hi = 2.0 * hi;
        if ((rc = mc_dp_epsilon(&s, hi, q, steps, delta)))
            return rc;
        eps_hi = s.epsilon;
        if (hi > 1e6)
            return mc_error_set(MC_EINPUT, "no noise multiplier up to 1e6 meets epsilon %g at "
                                "delta %g over %lld steps; the budget is too small",
                                target_eps, delta, steps);
    }
    while (target_eps - eps_hi > tolerance) {
        double mid = (lo + hi) / 2.0;
        if ((rc = mc_dp_epsilon(&s, mid, q, steps, delta)))
            return rc;
        if (s.epsilon < target_eps) {
            hi = mid;
            eps_hi = s.epsilon;
        } else {
            lo = mid;
        }
        if (hi - lo < 1e-12 * hi) /* Opacus loops on; a float interval ends */
            break;
    }
    *sigma = hi;
    *eps_at = eps_hi;
    return MC_OK;
}

int mc_dp_plan_compute(mc_dp_plan_result *out, const mc_dp_plan *in)
{
    mc_dp_plan_result r = {in->noise_multiplier, NAN, NAN};
    mc_dp_spent s;
    int rc = MC_OK;
    if (!(in->delta > 0.0 && in->delta < 1.0))
        return mc_error_set(MC_EINPUT, "delta %g is not in (0, 1)", in->delta);
    if (in->has_target)
        rc = mc_dp_noise_for_epsilon(&r.noise_multiplier, &r.epsilon, in->target_epsilon,
                                     in->sample_rate, in->steps, in->delta, in->tolerance);
    if (rc == MC_OK)
        rc = mc_dp_epsilon(&s, r.noise_multiplier, in->sample_rate, in->steps, in->delta);
    if (rc)
        return rc;
    r.epsilon = s.epsilon;
    r.order = s.order;
    *out = r;
    return MC_OK;
}
