/* Parameter initialisation (mc_nn_init.h): Keras's uniform and truncated
 * normal initialisers over the flat parameter block, each dense layer's
 * kernel and bias from a sub-stream of their own, so that changing one layer
 * leaves the others' first values alone. */
#include "mc_nn_init.h"

#include <math.h>
#include <string.h>

#include "mc_rng.h"

/* w[n] from initialiser init (mc_initializer) for a tensor with the given fans. */
static void init_tensor(float *w, size_t n, int init, int fan_in, int fan_out, mc_rng *rng)
{
    double limit, sd;
    switch (init) {
    case MC_INIT_ZEROS:
        memset(w, 0, n * sizeof *w);
        return;
    case MC_INIT_GLOROT_UNIFORM:
    case MC_INIT_HE_UNIFORM:
        limit = init == MC_INIT_GLOROT_UNIFORM ? sqrt(6.0 / (fan_in + fan_out))
                                               : sqrt(6.0 / fan_in);
        for (size_t i = 0; i < n; i++)
            w[i] = (float)((2.0 * mc_rng_uniform(rng) - 1.0) * limit);
        return;
    default:
        /* Keras's normal initialisers are truncated at two standard deviations,
         * with the standard deviation corrected by 0.87962566103423978. */
        sd = init == MC_INIT_GLOROT_NORMAL ? sqrt(2.0 / (fan_in + fan_out)) : sqrt(2.0 / fan_in);
        sd /= 0.87962566103423978;
        for (size_t i = 0; i < n; i++) {
            double z;
            do
                z = mc_rng_normal(rng);
            while (z < -2.0 || z > 2.0);
            w[i] = (float)(z * sd);
        }
        return;
    }
}

void mc_nn_init_params(mc_nn *nn, const mc_architecture *arch, unsigned long long seed)
{
    for (int l = 0; l < nn->n_layers; l++) {
        const mc_nn_layer *L = &nn->layers[l];
        if (L->kind != MC_LAYER_DENSE)
            continue;
        const mc_layer *spec = &arch->layers.items[l];
        mc_rng rng;
        mc_rng_init(&rng, seed, MC_STREAM_INIT, (uint64_t)l * 2);
        init_tensor(nn->params + L->w_off, (size_t)L->in * L->out, spec->kernel_initializer, L->in,
                    L->out, &rng);
        mc_rng_init(&rng, seed, MC_STREAM_INIT, (uint64_t)l * 2 + 1);
        /* Keras computes a 1-D tensor's fans from its own length. */
        init_tensor(nn->params + L->b_off, (size_t)L->out, spec->bias_initializer, L->out, L->out,
                    &rng);
    }
}
