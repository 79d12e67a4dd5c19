/* The `privacy epsilon` subcommand: the (epsilon, delta) DP-SGD spends, or the
 * noise multiplier that meets a target epsilon, by the RDP accountant
 * (reference/mc_rdp.h), as text or JSON.
 *
 *   modelcert privacy epsilon --noise-multiplier S | --target-epsilon E
 *       --sample-rate Q --steps N --delta D [--tolerance T] [--json] */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_rdp.h"
#include "mc_report_dp.h"

static const char help[] =
    "usage: modelcert privacy epsilon --noise-multiplier S --sample-rate Q --steps N\n"
    "                                 --delta D [--json]\n"
    "       modelcert privacy epsilon --target-epsilon E --sample-rate Q --steps N\n"
    "                                 --delta D [--tolerance T] [--json]\n"
    "\n"
    "The (epsilon, delta) that DP-SGD spends: N steps of the Poisson-sampled Gaussian\n"
    "mechanism (each row in a batch with probability Q, noise S x the clipping norm),\n"
    "by the RDP accountant Opacus uses (orders 1.1 to 63, Balle et al. 2020's\n"
    "conversion). With --target-epsilon, the smallest noise multiplier found that\n"
    "keeps epsilon at or under E (bisection until E - epsilon <= T, default 0.01).\n"
    "\n"
    "options:\n"
    "  --noise-multiplier S   noise standard deviation over the clipping norm, >= 0\n"
    "  --target-epsilon E     instead: find the noise multiplier for this budget, > 0\n"
    "  --sample-rate Q        probability of each row in a batch, in [0, 1]\n"
    "                         (batch_size / training rows)\n"
    "  --steps N              optimiser steps (batches), >= 0\n"
    "  --delta D              the delta of the guarantee, in (0, 1)\n"
    "  --tolerance T          --target-epsilon's search tolerance (default 0.01)\n"
    "  --json                 one JSON object on stdout\n"
    "  -q, --quiet            only the first line (the answer)\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 done, 2 bad input or usage (or a budget no noise up to 1e6\n"
    "meets), 3 internal error.\n";

typedef struct opts {
    mc_dp_plan plan;
    int has_noise, has_rate, has_steps, has_delta, has_tol, json;
    const char *bad; /* the option whose value did not parse */
} opts;

/* Whether v is a finite number; if so, *out is it. */
static int is_number(double *out, const char *v)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(x))
        return 0;
    *out = x;
    return 1;
}

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    mc_dp_plan *p = &o->plan;
    int bad = 0;
    char *end;
    switch (code) {
    case 'n': bad = !is_number(&p->noise_multiplier, value), o->has_noise = 1; break;
    case 'e': bad = !is_number(&p->target_epsilon, value), p->has_target = 1; break;
    case 'r': bad = !is_number(&p->sample_rate, value), o->has_rate = 1; break;
    case 'd': bad = !is_number(&p->delta, value), o->has_delta = 1; break;
    case 't': bad = !is_number(&p->tolerance, value), o->has_tol = 1; break;
    case 's':
        errno = 0;
        p->steps = strtoll(value, &end, 10);
        bad = end == value || *end || errno;
        o->has_steps = 1;
        break;
    default: o->json = 1; break;
    }
    if (bad)
        return mc_cli_usage_error("privacy epsilon", "'%s' is not a number", value);
    return MC_EXIT_OK;
}

int mc_cmd_privacy_epsilon(int argc, char **argv)
{
    static const struct option own[] = {{"noise-multiplier", required_argument, NULL, 'n'},
                                        {"target-epsilon", required_argument, NULL, 'e'},
                                        {"sample-rate", required_argument, NULL, 'r'},
                                        {"steps", required_argument, NULL, 's'},
                                        {"delta", required_argument, NULL, 'd'},
                                        {"tolerance", required_argument, NULL, 't'},
                                        {"json", no_argument, NULL, 'j'},
                                        {NULL, 0, NULL, 0}};
    opts o = {.plan = {.tolerance = 0.01}};
    mc_cli_verb verb = {"privacy epsilon", help, MC_CLI_QUIET, own, NULL, on_option, &o, 2};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (first < argc)
        return mc_cli_usage_error("privacy epsilon", "unexpected operand '%s'", argv[first]);
    if (o.has_noise == o.plan.has_target)
        return mc_cli_usage_error("privacy epsilon", "give exactly one of --noise-multiplier "
                                  "and --target-epsilon");
    if (!o.has_rate || !o.has_steps || !o.has_delta)
        return mc_cli_usage_error("privacy epsilon", "--sample-rate, --steps and --delta are "
                                  "required");
    if (o.has_tol && !o.plan.has_target)
        return mc_cli_usage_error("privacy epsilon", "--tolerance goes with --target-epsilon");
    mc_dp_plan_result r;
    if (mc_dp_plan_compute(&r, &o.plan) != MC_OK)
        return mc_cli_fail();
    if (o.json)
        return mc_report_dp_epsilon_json(stdout, &o.plan, &r) == MC_OK ? MC_EXIT_OK
                                                                        : mc_cli_fail();
    mc_report_dp_epsilon_text(stdout, &o.plan, &r, common.quiet);
    return MC_EXIT_OK;
}
