/* The optimisers, Keras's update rules and defaults (SGD with momentum and
 * Nesterov, Adam, AdamW, RMSprop), over the network's flat parameter block.
 * The optimiser kinds and hyperparameters are the spec's (mc_optimizer). */
#ifndef MC_OPTIM_H
#define MC_OPTIM_H

#include <stddef.h>

#include "mc_spec.h"

/* An optimiser's state (its moment vectors and step count) for n_params
 * parameters; free with mc_optim_free (NULL is fine). MC_ENOMEM. */
typedef struct mc_optim mc_optim;
int mc_optim_create(mc_optim **out, const mc_optimizer *spec, size_t n_params);
void mc_optim_free(mc_optim *o);
/* One update of params[n_params] from grad[n_params] (the step count t starts
 * at 1). Cannot fail. */
void mc_optim_step(mc_optim *o, float *params, const float *grad);

#endif
