/* The ONNX interpreter's operator table (docs/onnx.md "Operators": which operators, how many
 * inputs and outputs each takes), the helpers every kernel uses (its error naming the node,
 * its outputs shaped and counted against the memory budget, constant inputs, axes), the
 * attribute readers (type-checked), and TensorProto payloads (inline or raw data, never
 * external) read as tensors with every length checked against the shape. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mc_onnx_ops.h"

static const mc_onnx_op ops[] = {
    {"Abs", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"Add", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"And", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"BatchNormalization", 0, 5, 5, 1, 1, mc_onnx_op_batchnorm},
    {"Cast", 0, 1, 1, 1, 1, mc_onnx_op_cast},
    {"Clip", 0, 1, 3, 1, 1, mc_onnx_op_clip},
    {"Concat", 0, 1, 4096, 1, 1, mc_onnx_op_concat},
    {"Constant", 0, 0, 0, 1, 1, mc_onnx_op_constant},
    {"Div", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"Dropout", 0, 1, 3, 1, 2, mc_onnx_op_identity},
    {"Equal", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"Exp", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"Flatten", 0, 1, 1, 1, 1, mc_onnx_op_flatten},
    {"Gemm", 0, 2, 3, 1, 1, mc_onnx_op_gemm},
    {"Greater", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"Identity", 0, 1, 1, 1, 1, mc_onnx_op_identity},
    {"IsInf", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"IsNaN", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"LeakyRelu", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"Less", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"Log", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"LogSoftmax", 0, 1, 1, 1, 1, mc_onnx_op_softmax},
    {"MatMul", 0, 2, 2, 1, 1, mc_onnx_op_matmul},
    {"Mul", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"Neg", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"Not", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"OneHot", 0, 3, 3, 1, 1, mc_onnx_op_onehot},
    {"Or", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"ReduceMax", 0, 1, 1, 1, 1, mc_onnx_op_reducemax},
    {"Relu", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"Reshape", 0, 2, 2, 1, 1, mc_onnx_op_reshape},
    {"Sigmoid", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"Softmax", 0, 1, 1, 1, 1, mc_onnx_op_softmax},
    {"Split", 0, 1, 2, 1, 4096, mc_onnx_op_split},
    {"Sqrt", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"Squeeze", 0, 1, 2, 1, 1, mc_onnx_op_squeeze},
    {"Sub", 0, 2, 2, 1, 1, mc_onnx_op_binary},
    {"Tanh", 0, 1, 1, 1, 1, mc_onnx_op_unary},
    {"Unsqueeze", 0, 1, 2, 1, 1, mc_onnx_op_squeeze},
    {"Where", 0, 3, 3, 1, 1, mc_onnx_op_where},
    {"LabelEncoder", 1, 1, 1, 1, 1, mc_onnx_op_label_encoder},
    {"OneHotEncoder", 1, 1, 1, 1, 1, mc_onnx_op_onehot_encoder},
};

const mc_onnx_op *mc_onnx_op_find(const char *type, int ml)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].ml == ml && strcmp(ops[i].type, type) == 0)
            return &ops[i];
    return NULL;
}

const char *mc_onnx_op_list(int ml)
{
    return ml ? "LabelEncoder, OneHotEncoder"
              : "Abs, Add, And, BatchNormalization, Cast, Clip, Concat, Constant, Div, Dropout, "
                "Equal, Exp, Flatten, Gemm, Greater, Identity, IsInf, IsNaN, LeakyRelu, Less, "
                "Log, LogSoftmax, MatMul, Mul, Neg, Not, OneHot, Or, ReduceMax, Relu, Reshape, "
                "Sigmoid, Softmax, Split, Sqrt, Squeeze, Sub, Tanh, Unsqueeze, Where";
}

int mc_onnx_fail(const mc_onnx_call *c, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return mc_error_set(MC_EINPUT, "node '%.128s' (%s): %s", c->node->name,
                        c->node->p->op_type, why);
}

static int out(mc_onnx_call *c, size_t k, int dtype, const int64_t *dims, int rank, int zero)
{
    char what[64];
    snprintf(what, sizeof what, "output %zu", k);
    mc_onnx_tensor *t = &c->out[k];
    mc_onnx_tensor_release(t);
    size_t left = MC_ONNX_BUDGET - *c->used;
    int rc = mc_onnx_shape_set(t, dtype, dims, rank, left, what);
    if (rc) {
        char why[400];
        memcpy(why, mc_error_last()->message, sizeof why - 1);
        why[sizeof why - 1] = '\0';
        return mc_onnx_fail(c, "%s (tensors alive in this run: %zu bytes, the budget %zu)", why,
                            *c->used, (size_t)MC_ONNX_BUDGET);
    }
    *c->used += mc_onnx_tensor_bytes(t);
    if (!c->exec)
        return MC_OK;
    return zero ? mc_onnx_tensor_alloc(t) : mc_onnx_tensor_alloc_unset(t);
}

int mc_onnx_out(mc_onnx_call *c, size_t k, int dtype, const int64_t *dims, int rank)
{
    return out(c, k, dtype, dims, rank, 1);
}

int mc_onnx_out_unset(mc_onnx_call *c, size_t k, int dtype, const int64_t *dims, int rank)
{
    return out(c, k, dtype, dims, rank, 0);
}

int mc_onnx_need_const(const mc_onnx_call *c, size_t k, const char *role)
{
    if (k >= c->n_in || !c->in[k])
        return mc_onnx_fail(c, "its %s input is missing", role);
    if (!c->in[k]->data)
        return mc_onnx_fail(c, "its %s input '%.128s' must be a constant (an initializer or a "
                            "Constant node) so that shapes are known before the run", role,
                            c->node->p->input[k]);
    return MC_OK;
}

int mc_onnx_in_ints(const mc_onnx_call *c, size_t k, int64_t *v, size_t max, size_t *n,
                    const char *role)
{
    int rc = mc_onnx_need_const(c, k, role);
    if (rc)
        return rc;
    const mc_onnx_tensor *t = c->in[k];
    if (t->dtype != MC_OT_INT64 || t->rank > 1 || t->n > max)
        return mc_onnx_fail(c, "its %s input must be int64 of rank 0 or 1 with at most %zu "
                            "values", role, max);
    memcpy(v, t->data, t->n * sizeof *v);
    *n = t->n;
    return MC_OK;
}

int mc_onnx_axis(const mc_onnx_call *c, int64_t axis, int rank, int *out)
{
    if (axis < -(int64_t)rank || axis >= (int64_t)rank)
        return mc_onnx_fail(c, "axis %lld is outside [-%d, %d)", (long long)axis, rank, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return MC_OK;
}

const Onnx__AttributeProto *mc_onnx_rt_attr(const mc_onnx_call *c, const char *name)
{
    const Onnx__NodeProto *p = c->node->p;
    for (size_t i = 0; i < p->n_attribute; i++)
        if (p->attribute[i]->name && strcmp(p->attribute[i]->name, name) == 0)
            return p->attribute[i];
    return NULL;
}

static int typed(const mc_onnx_call *c, const char *name, int type,
                 const Onnx__AttributeProto **out)
{
    const Onnx__AttributeProto *a = mc_onnx_rt_attr(c, name);
    *out = a;
    if (a && a->type != (Onnx__AttributeProto__AttributeType)type)
        return mc_onnx_fail(c, "attribute '%s' has type %d, expected %d", name, (int)a->type,
                            type);
    return MC_OK;
}

int mc_onnx_rt_attr_int(const mc_onnx_call *c, const char *name, int64_t def, int64_t *out)
{
    const Onnx__AttributeProto *a;
    int rc = typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, &a);
    if (rc == MC_OK)
        *out = a ? a->i : def;
    return rc;
}

int mc_onnx_rt_attr_float(const mc_onnx_call *c, const char *name, float def, float *out)
{
    const Onnx__AttributeProto *a;
    int rc = typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, &a);
    if (rc == MC_OK && a && isnan(a->f))
        rc = mc_onnx_fail(c, "attribute '%s' is NaN", name);
    if (rc == MC_OK)
        *out = a ? a->f : def;
    return rc;
}

int mc_onnx_rt_attr_ints(const mc_onnx_call *c, const char *name, const int64_t **v, size_t *n)
{
    const Onnx__AttributeProto *a;
    int rc = typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, &a);
    if (rc == MC_OK) {
        *v = a ? a->ints : NULL;
        *n = a ? a->n_ints : 0;
    }
    return rc;
}

int mc_onnx_rt_attr_floats(const mc_onnx_call *c, const char *name, const float **v, size_t *n)
{
    const Onnx__AttributeProto *a;
    int rc = typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS, &a);
    if (rc == MC_OK) {
        *v = a ? a->floats : NULL;
        *n = a ? a->n_floats : 0;
    }
    return rc;
}

int mc_onnx_rt_attr_strings(const mc_onnx_call *c, const char *name, const ProtobufCBinaryData **v,
                         size_t *n)
{
    const Onnx__AttributeProto *a;
    int rc = typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS, &a);
    if (rc == MC_OK) {
        *v = a ? a->strings : NULL;
        *n = a ? a->n_strings : 0;
    }
    return rc;
}

int mc_onnx_rt_attr_string(const mc_onnx_call *c, const char *name, const ProtobufCBinaryData **v)
{
    const Onnx__AttributeProto *a;
    int rc = typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, &a);
    if (rc == MC_OK)
        *v = a ? &a->s : NULL;
    return rc;
}

/* Copies n typed values into t's data (allocated), converting to its type. */
static int fill_from(mc_onnx_tensor *t, size_t n, const float *f, const double *d,
                     const int64_t *i64, const int32_t *i32)
{
    int rc = mc_onnx_tensor_alloc(t);
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        if (t->dtype == MC_OT_INT64)
            ((int64_t *)t->data)[i] = i64[i];
        else if (t->dtype == MC_OT_BOOL)
            ((unsigned char *)t->data)[i] = i32[i] != 0;
        else
            mc_onnx_put(t, i, f ? (double)f[i] : d[i]);
    }
    return rc;
}

int mc_onnx_tensor_from_proto(mc_onnx_tensor *t, const Onnx__TensorProto *p, const char *what,
                              int nan_ok)
{
    mc_onnx_tensor r = {0};
    int rc = MC_OK;
    if (p->n_external_data || (p->has_data_location &&
                               p->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL))
        return mc_error_set(MC_EINPUT, "%s: external data is not supported (the tensor's data "
                            "must be in the model file)", what);
    if (p->segment)
        return mc_error_set(MC_EINPUT, "%s: segmented tensors are not supported", what);
    if (p->n_dims > MC_ONNX_MAX_RANK)
        return mc_error_set(MC_EINPUT, "%s: rank %zu is over the limit of %d", what, p->n_dims,
                            MC_ONNX_MAX_RANK);
    rc = mc_onnx_shape_set(&r, p->has_data_type ? p->data_type : 0, p->dims, (int)p->n_dims,
                           MC_ONNX_BUDGET, what);
    if (rc)
        return rc;
    size_t size = mc_onnx_dtype_size(r.dtype), have;
    if (r.dtype == MC_OT_STRING) {
        if (p->has_raw_data || p->n_string_data != r.n)
            return mc_error_set(MC_EINPUT, "%s: %zu strings for %zu elements", what,
                                p->n_string_data, r.n);
        if ((rc = mc_onnx_tensor_alloc(&r)))
            return rc;
        mc_onnx_str *s = r.data;
        for (size_t i = 0; i < r.n; i++)
            s[i] = (mc_onnx_str){(const char *)p->string_data[i].data, p->string_data[i].len};
    } else if (p->has_raw_data) {
        if (p->raw_data.len != r.n * size)
            return mc_error_set(MC_EINPUT, "%s: raw data of %zu bytes for %zu elements of %zu "
                                "bytes", what, p->raw_data.len, r.n, size);
        if ((rc = mc_onnx_tensor_alloc(&r))) /* copied: raw_data need not be aligned */
            return rc;
        if (p->raw_data.len) /* an empty tensor has no bytes to copy (and data may be NULL) */
            memcpy(r.data, p->raw_data.data, p->raw_data.len);
    } else {
        switch (r.dtype) {
        case MC_OT_FLOAT: have = p->n_float_data; break;
        case MC_OT_DOUBLE: have = p->n_double_data; break;
        case MC_OT_INT64: have = p->n_int64_data; break;
        default: have = p->n_int32_data; break;
        }
        if (have != r.n)
            return mc_error_set(MC_EINPUT, "%s: %zu values for %zu elements", what, have, r.n);
        if ((rc = fill_from(&r, r.n, r.dtype == MC_OT_FLOAT ? p->float_data : NULL,
                            p->double_data, p->int64_data, p->int32_data)))
            goto cleanup;
    }
    for (size_t i = 0; !nan_ok && i < r.n && (r.dtype == MC_OT_FLOAT || r.dtype == MC_OT_DOUBLE);
         i++)
        if (isnan(mc_onnx_get(&r, i))) {
            rc = mc_error_set(MC_EINPUT, "%s: element %zu is NaN (NaN weights are refused)",
                              what, i);
            goto cleanup;
        }
    *t = r;
    memset(&r, 0, sizeof r);
cleanup:
    mc_onnx_tensor_release(&r);
    return rc;
}
