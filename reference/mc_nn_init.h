/* The network's first parameters: the spec's initialisers (Keras's), each
 * tensor from its own seeded random stream. */
#ifndef MC_NN_INIT_H
#define MC_NN_INIT_H

#include "mc_nn.h"
#include "mc_spec.h"

/* Fills nn's parameters from arch's kernel and bias initialisers; tensor t of
 * layer l draws from stream INIT, sub-stream 2 l + t, of seed. Cannot fail. */
void mc_nn_init_params(mc_nn *nn, const mc_architecture *arch, unsigned long long seed);

#endif
