/* The training losses (mc_loss.h), after llm.c: per loss a forward that sums
 * the batch's per-row losses and a backward that writes the gradient, outputs
 * first, shapes in comments (B rows, C classes). The cross-entropies take the
 * gradient at the output layer's pre-activation, fused with their sigmoid or
 * softmax; mse and mae at its output. Not here: the network's own backward
 * pass (mc_nn.c), the clipped per-row pass of DP-SGD (mc_dpsgd.c), and the
 * CSV of per-row losses made elsewhere (mc_losses_csv.c). */
#include "mc_loss.h"

#include <math.h>

#include "mc_math.h"

/* ---- binary cross-entropy (sigmoid output) ---------------------------------- */

/* Returns the sum over the rows of log(1 + exp(-|z|)) + max(z, 0) - z t, the
 * binary cross-entropy from the logit z = pre[B]: exact where clipping the
 * probability would not be. */
static double bce_forward(const float *pre, const float *y, int B)
{
    double total = 0.0;
    for (int r = 0; r < B; r++) {
        double z = pre[r], t = y[r], az = z < 0 ? -z : z;
        total += (z > 0 ? z : 0.0) - z * t + mc_log(1.0 + mc_exp(-az));
    }
    return total;
}

/* dpre[B] = (out[B] - y[B]) * scale: the gradient at the logit. */
static void bce_backward(float *dpre, const float *out, const float *y, int B, float scale)
{
    for (int r = 0; r < B; r++)
        dpre[r] = (out[r] - y[r]) * scale;
}

/* ---- categorical cross-entropy (softmax output; y the class index) ------------ */

/* Returns the sum over the rows of logsumexp(z) - z[y], z = pre[B][C]. */
static double cce_forward(const float *pre, const float *y, int B, int C)
{
    double total = 0.0;
    for (int r = 0; r < B; r++) {
        const float *z = pre + (size_t)r * C;
        double mx = z[0], s = 0.0;
        for (int j = 1; j < C; j++)
            mx = z[j] > mx ? z[j] : mx;
        for (int j = 0; j < C; j++)
            s += mc_exp((double)z[j] - mx);
        total += mx + mc_log(s) - (double)z[(int)y[r]];
    }
    return total;
}

/* dpre[B][C] = (out[B][C] - onehot(y)) * scale: the gradient at the logits. */
static void cce_backward(float *dpre, const float *out, const float *y, int B, int C, float scale)
{
    for (int r = 0; r < B; r++) {
        const float *p = out + (size_t)r * C;
        int cls = (int)y[r];
        for (int j = 0; j < C; j++)
            dpre[(size_t)r * C + j] = (p[j] - (j == cls ? 1.0f : 0.0f)) * scale;
    }
}

/* ---- mean squared error --------------------------------------------------------- */

/* Returns the sum over the rows of (out - y)^2, out[B]. */
static double mse_forward(const float *out, const float *y, int B)
{
    double total = 0.0;
    for (int r = 0; r < B; r++) {
        float d = out[r] - y[r];
        total += (double)d * d;
    }
    return total;
}

/* dout[B] = 2 (out[B] - y[B]) * scale. */
static void mse_backward(float *dout, const float *out, const float *y, int B, float scale)
{
    for (int r = 0; r < B; r++)
        dout[r] = 2.0f * (out[r] - y[r]) * scale;
}

/* ---- mean absolute error ---------------------------------------------------------- */

/* Returns the sum over the rows of |out - y|, out[B]. */
static double mae_forward(const float *out, const float *y, int B)
{
    double total = 0.0;
    for (int r = 0; r < B; r++) {
        float d = out[r] - y[r];
        total += d < 0 ? -(double)d : (double)d;
    }
    return total;
}

/* dout[B] = sign(out[B] - y[B]) * scale (0 where they are equal). */
static void mae_backward(float *dout, const float *out, const float *y, int B, float scale)
{
    for (int r = 0; r < B; r++) {
        float d = out[r] - y[r];
        dout[r] = (d > 0 ? 1.0f : d < 0 ? -1.0f : 0.0f) * scale;
    }
}

/* ---- the batch ---------------------------------------------------------------------- */

double mc_loss_batch(float *dout, int *pre_grad, int loss, const float *pre, const float *out,
                     const float *y, int B, int width)
{
    float invB = 1.0f / (float)B;
    switch (loss) {
    case MC_LOSS_BINARY_CROSSENTROPY:
        *pre_grad = 1;
        bce_backward(dout, out, y, B, invB);
        return bce_forward(pre, y, B);
    case MC_LOSS_CATEGORICAL_CROSSENTROPY:
    case MC_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY:
        *pre_grad = 1;
        cce_backward(dout, out, y, B, width, invB);
        return cce_forward(pre, y, B, width);
    case MC_LOSS_MSE:
        *pre_grad = 0;
        mse_backward(dout, out, y, B, invB);
        return mse_forward(out, y, B);
    case MC_LOSS_MAE:
        *pre_grad = 0;
        mae_backward(dout, out, y, B, invB);
        return mae_forward(out, y, B);
    }
    return 0.0; /* not reached: the spec's binding admits only the losses above */
}

/* ---- evaluation ----------------------------------------------------------------------- */

static double clip_probability(double p)
{
    return p < 1e-7 ? 1e-7 : p > 1 - 1e-7 ? 1 - 1e-7 : p;
}

double mc_loss_of_prediction(int loss, const float *p, double y)
{
    switch (loss) {
    case MC_LOSS_BINARY_CROSSENTROPY: {
        double pp = clip_probability(p[0]);
        return -(y * mc_log(pp) + (1 - y) * mc_log(1 - pp));
    }
    case MC_LOSS_CATEGORICAL_CROSSENTROPY:
    case MC_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY:
        return -mc_log(clip_probability(p[(int)y]));
    case MC_LOSS_MSE: return ((double)p[0] - y) * ((double)p[0] - y);
    case MC_LOSS_MAE: return fabs((double)p[0] - y);
    }
    return 0.0; /* not reached */
}
