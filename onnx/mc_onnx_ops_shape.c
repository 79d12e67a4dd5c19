/* The ONNX interpreter's shape kernels (docs/onnx.md "Operators"): Identity and Dropout at
 * inference, Reshape, Flatten, Squeeze and Unsqueeze (axes as an attribute before opset 13,
 * as a constant input from 13), Concat, Split, OneHot and Constant. Every output shape comes
 * from the input shapes and constant inputs alone, so the planning walk knows it. */
#include <stdio.h>
#include <string.h>

#include "mc_onnx_ops.h"

static int copy_out(mc_onnx_call *c, const int64_t *dims, int rank)
{
    const mc_onnx_tensor *x = c->in[0];
    int rc = mc_onnx_out(c, 0, x->dtype, dims, rank);
    if (rc || !c->exec)
        return rc;
    memcpy(c->out[0].data, x->data, mc_onnx_tensor_bytes(x));
    return MC_OK;
}

int mc_onnx_op_identity(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    int rc = MC_OK;
    if (c->n_in > 2 && c->in[2]) { /* Dropout's training_mode */
        rc = mc_onnx_need_const(c, 2, "training_mode");
        if (rc == MC_OK && (c->in[2]->n != 1 || mc_onnx_get(c->in[2], 0) != 0.0))
            rc = mc_onnx_fail(c, "training_mode is not supported (inference only)");
    }
    if (rc == MC_OK)
        rc = copy_out(c, x->dims, x->rank);
    if (rc == MC_OK && c->n_out > 1) { /* Dropout's mask: nothing dropped */
        rc = mc_onnx_out(c, 1, MC_OT_BOOL, x->dims, x->rank);
        if (rc == MC_OK && c->exec)
            memset(c->out[1].data, 1, c->out[1].n);
    }
    return rc;
}

int mc_onnx_op_reshape(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    int64_t shape[MC_ONNX_MAX_RANK], allowzero = 0;
    size_t n = 0, known = 1;
    int infer = -1;
    int rc = mc_onnx_in_ints(c, 1, shape, MC_ONNX_MAX_RANK, &n, "shape");
    if (rc == MC_OK && c->node->opset >= 14)
        rc = mc_onnx_rt_attr_int(c, "allowzero", 0, &allowzero);
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        if (shape[i] == 0 && !allowzero) {
            if ((int)i >= x->rank)
                return mc_onnx_fail(c, "shape[%zu] is 0 (copy) beyond the input's rank", i);
            shape[i] = x->dims[i];
        }
        if (shape[i] == -1 && infer < 0)
            infer = (int)i;
        else if (shape[i] < 0 || shape[i] > MC_ONNX_MAX_DIM)
            return mc_onnx_fail(c, "shape[%zu] is %lld", i, (long long)shape[i]);
        else if (__builtin_mul_overflow(known, (size_t)shape[i], &known))
            return mc_onnx_fail(c, "the shape's element count overflows");
    }
    if (rc)
        return rc;
    if (infer >= 0) {
        if (known == 0 || x->n % known)
            return mc_onnx_fail(c, "cannot infer dimension %d: %zu elements into blocks of %zu",
                                infer, x->n, known);
        shape[infer] = (int64_t)(x->n / known);
        known = x->n;
    }
    if (known != x->n)
        return mc_onnx_fail(c, "the shape holds %zu elements, the input %zu", known, x->n);
    return copy_out(c, shape, (int)n);
}

int mc_onnx_op_flatten(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    int64_t axis = 1, dims[2] = {1, 1};
    int rc = mc_onnx_rt_attr_int(c, "axis", 1, &axis);
    if (rc)
        return rc;
    if (axis < -(int64_t)x->rank || axis > x->rank)
        return mc_onnx_fail(c, "axis %lld is outside [-%d, %d]", (long long)axis, x->rank,
                            x->rank);
    if (axis < 0)
        axis += x->rank;
    for (int i = 0; i < x->rank; i++)
        dims[i < axis ? 0 : 1] *= x->dims[i];
    return copy_out(c, dims, 2);
}

/* Squeeze and Unsqueeze. */
int mc_onnx_op_squeeze(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    int un = c->node->p->op_type[0] == 'U';
    int64_t axes[MC_ONNX_MAX_RANK], dims[MC_ONNX_MAX_RANK];
    const int64_t *av = NULL;
    size_t n = 0;
    int rc = MC_OK;
    if (c->node->opset < 13) {
        rc = mc_onnx_rt_attr_ints(c, "axes", &av, &n);
        if (rc == MC_OK && n > MC_ONNX_MAX_RANK)
            rc = mc_onnx_fail(c, "%zu axes, over the limit of %d", n, MC_ONNX_MAX_RANK);
        if (rc == MC_OK && n)
            memcpy(axes, av, n * sizeof *axes);
    } else if (c->n_in > 1 && c->in[1])
        rc = mc_onnx_in_ints(c, 1, axes, MC_ONNX_MAX_RANK, &n, "axes");
    if (rc == MC_OK && un && n == 0)
        rc = mc_onnx_fail(c, "no axes given");
    if (rc)
        return rc;
    int out_rank = un ? x->rank + (int)n : x->rank;
    if (out_rank > MC_ONNX_MAX_RANK)
        return mc_onnx_fail(c, "rank %d is over the limit of %d", out_rank, MC_ONNX_MAX_RANK);
    unsigned char mark[MC_ONNX_MAX_RANK] = {0};
    for (size_t i = 0; i < n; i++) {
        int a;
        if ((rc = mc_onnx_axis(c, axes[i], out_rank, &a)))
            return rc;
        if (mark[a])
            return mc_onnx_fail(c, "axis %d is given twice", a);
        if (!un && x->dims[a] != 1)
            return mc_onnx_fail(c, "dimension %d is %lld, not 1", a, (long long)x->dims[a]);
        mark[a] = 1;
    }
    int r = 0;
    for (int i = 0, j = 0; i < out_rank; i++) {
        if (un)
            dims[r++] = mark[i] ? 1 : x->dims[j++];
        else if (!(n ? mark[i] : x->dims[i] == 1))
            dims[r++] = x->dims[i];
    }
    return copy_out(c, dims, r);
}

int mc_onnx_op_concat(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    int64_t ax = 0, dims[MC_ONNX_MAX_RANK];
    int axis;
    if (!mc_onnx_rt_attr(c, "axis"))
        return mc_onnx_fail(c, "the axis attribute is required");
    int rc = mc_onnx_rt_attr_int(c, "axis", 0, &ax);
    if (rc == MC_OK)
        rc = mc_onnx_axis(c, ax, x->rank, &axis);
    if (rc)
        return rc;
    memcpy(dims, x->dims, sizeof dims);
    dims[axis] = 0;
    for (size_t k = 0; k < c->n_in; k++) {
        const mc_onnx_tensor *t = c->in[k];
        if (!t || t->dtype != x->dtype || t->rank != x->rank)
            return mc_onnx_fail(c, "input %zu differs from input 0 in type or rank", k);
        for (int d = 0; d < x->rank; d++)
            if (d != axis && t->dims[d] != x->dims[d])
                return mc_onnx_fail(c, "input %zu: dimension %d is %lld, input 0's %lld", k, d,
                                    (long long)t->dims[d], (long long)x->dims[d]);
        if (t->dims[axis] > MC_ONNX_MAX_DIM - dims[axis])
            return mc_onnx_fail(c, "the concatenated axis is over %lld",
                                (long long)MC_ONNX_MAX_DIM);
        dims[axis] += t->dims[axis];
    }
    rc = mc_onnx_out(c, 0, x->dtype, dims, x->rank);
    if (rc || !c->exec)
        return rc;
    size_t outer = 1, inner = mc_onnx_dtype_size(x->dtype), at = 0;
    for (int d = 0; d < x->rank; d++)
        if (d < axis)
            outer *= (size_t)x->dims[d];
        else if (d > axis)
            inner *= (size_t)x->dims[d];
    char *y = c->out[0].data;
    for (size_t o = 0; o < outer; o++)
        for (size_t k = 0; k < c->n_in; k++) {
            size_t len = (size_t)c->in[k]->dims[axis] * inner;
            memcpy(y + at, (const char *)c->in[k]->data + o * len, len);
            at += len;
        }
    return MC_OK;
}

int mc_onnx_op_split(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    int64_t ax = 0, split[4096], dims[MC_ONNX_MAX_RANK];
    const int64_t *sv = NULL;
    size_t n = 0;
    int axis;
    int rc = mc_onnx_rt_attr_int(c, "axis", 0, &ax);
    if (rc == MC_OK)
        rc = mc_onnx_axis(c, ax, x->rank, &axis);
    if (rc == MC_OK && c->node->opset < 13) {
        rc = mc_onnx_rt_attr_ints(c, "split", &sv, &n);
        if (rc == MC_OK && n && n != c->n_out)
            rc = mc_onnx_fail(c, "%zu split sizes for %zu outputs", n, c->n_out);
        if (rc == MC_OK && n)
            memcpy(split, sv, n * sizeof *split);
    } else if (rc == MC_OK && c->n_in > 1 && c->in[1])
        rc = mc_onnx_in_ints(c, 1, split, c->n_out, &n, "split");
    if (rc)
        return rc;
    if (n && n != c->n_out)
        return mc_onnx_fail(c, "%zu split sizes for %zu outputs", n, c->n_out);
    int64_t total = 0;
    for (size_t k = 0; k < c->n_out; k++) {
        if (!n) {
            if (x->dims[axis] % (int64_t)c->n_out)
                return mc_onnx_fail(c, "dimension %lld does not split into %zu equal parts",
                                    (long long)x->dims[axis], c->n_out);
            split[k] = x->dims[axis] / (int64_t)c->n_out;
        }
        if (split[k] < 0 || split[k] > x->dims[axis] - total)
            return mc_onnx_fail(c, "the split sizes do not add up to dimension %lld",
                                (long long)x->dims[axis]);
        total += split[k];
    }
    if (total != x->dims[axis])
        return mc_onnx_fail(c, "the split sizes add up to %lld, not %lld", (long long)total,
                            (long long)x->dims[axis]);
    memcpy(dims, x->dims, sizeof dims);
    for (size_t k = 0; k < c->n_out; k++) {
        dims[axis] = split[k];
        if ((rc = mc_onnx_out(c, k, x->dtype, dims, x->rank)))
            return rc;
    }
    if (!c->exec)
        return MC_OK;
    size_t outer = 1, inner = mc_onnx_dtype_size(x->dtype), at = 0;
    for (int d = 0; d < x->rank; d++)
        if (d < axis)
            outer *= (size_t)x->dims[d];
        else if (d > axis)
            inner *= (size_t)x->dims[d];
    for (size_t o = 0; o < outer; o++)
        for (size_t k = 0; k < c->n_out; k++) {
            size_t len = (size_t)split[k] * inner;
            memcpy((char *)c->out[k].data + o * len, (const char *)x->data + at, len);
            at += len;
        }
    return MC_OK;
}

int mc_onnx_op_onehot(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0], *vals = c->in[2];
    int64_t ax = -1, dims[MC_ONNX_MAX_RANK];
    int axis, rc = mc_onnx_rt_attr_int(c, "axis", -1, &ax);
    if (rc == MC_OK)
        rc = mc_onnx_need_const(c, 1, "depth");
    if (rc)
        return rc;
    double dd = c->in[1]->n == 1 && c->in[1]->dtype != MC_OT_STRING ? mc_onnx_get(c->in[1], 0)
                                                                     : -1.0;
    if (!(dd >= 1.0 && dd <= (double)MC_ONNX_MAX_DIM))
        return mc_onnx_fail(c, "depth must be one number in 1..%lld", (long long)MC_ONNX_MAX_DIM);
    if (x->dtype == MC_OT_STRING || x->dtype == MC_OT_BOOL || x->rank >= MC_ONNX_MAX_RANK)
        return mc_onnx_fail(c, "indices must be numeric, of rank under %d", MC_ONNX_MAX_RANK);
    if (vals->n != 2 || vals->dtype == MC_OT_STRING)
        return mc_onnx_fail(c, "values must be two numbers [off, on]");
    if ((rc = mc_onnx_axis(c, ax, x->rank + 1, &axis)))
        return rc;
    int64_t depth = (int64_t)dd;
    for (int i = 0, j = 0; i <= x->rank; i++)
        dims[i] = i == axis ? depth : x->dims[j++];
    rc = mc_onnx_out(c, 0, vals->dtype, dims, x->rank + 1);
    if (rc || !c->exec)
        return rc;
    mc_onnx_tensor *y = &c->out[0];
    size_t es = mc_onnx_dtype_size(y->dtype), inner = 1;
    for (int i = axis; i < x->rank; i++)
        inner *= (size_t)x->dims[i];
    for (size_t i = 0; i < y->n; i++)
        memcpy((char *)y->data + i * es, vals->data, es);
    for (size_t i = 0; i < x->n; i++) {
        double v = mc_onnx_get(x, i);
        v = v < 0 ? v + (double)depth : v;
        if (!(v >= 0 && v < (double)depth))
            continue;
        size_t o = i / inner, in = i % inner;
        memcpy((char *)y->data + ((o * (size_t)depth + (size_t)v) * inner + in) * es,
               (const char *)vals->data + es, es);
    }
    return MC_OK;
}

int mc_onnx_op_constant(mc_onnx_call *c)
{
    static const char *const forms[] = {"value", "value_float", "value_floats", "value_int",
                                        "value_ints"};
    const Onnx__AttributeProto *a = NULL;
    int which = -1;
    for (int i = 0; i < 5; i++)
        if (mc_onnx_rt_attr(c, forms[i])) {
            if (which >= 0)
                return mc_onnx_fail(c, "more than one value attribute");
            which = i;
            a = mc_onnx_rt_attr(c, forms[i]);
        }
    if (which < 0 || c->node->p->n_attribute != 1)
        return mc_onnx_fail(c, "supported: exactly one of value, value_float(s), value_int(s)");
    if (which == 0) {
        char what[200];
        snprintf(what, sizeof what, "node '%.128s' (Constant)", c->node->name);
        if (a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR || !a->t)
            return mc_onnx_fail(c, "value is not a tensor");
        mc_onnx_tensor_release(&c->out[0]);
        return mc_onnx_tensor_from_proto(&c->out[0], a->t, what, 1);
    }
    int ints = which >= 3, list = which == 2 || which == 4;
    int want = ints ? (list ? ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS
                            : ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)
                    : (list ? ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS
                            : ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if ((int)a->type != want)
        return mc_onnx_fail(c, "attribute %s has the wrong type", forms[which]);
    int64_t n = list ? (int64_t)(ints ? a->n_ints : a->n_floats) : 1;
    int rc = mc_onnx_out(c, 0, ints ? MC_OT_INT64 : MC_OT_FLOAT, &n, list);
    for (int64_t i = 0; rc == MC_OK && i < n; i++) {
        if (ints)
            ((int64_t *)c->out[0].data)[i] = list ? a->ints[i] : a->i;
        else
            ((float *)c->out[0].data)[i] = list ? a->floats[i] : a->f;
    }
    return rc;
}
