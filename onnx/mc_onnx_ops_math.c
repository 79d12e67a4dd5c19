/* The ONNX interpreter's elementwise kernels (docs/onnx.md "Operators"): binary arithmetic
 * and comparisons with numpy's multidirectional broadcasting, the unary functions, Where,
 * Clip and Cast. Floating-point values are computed in double and rounded once to the
 * output's type, which for +, -, *, / and sqrt gives the bits float arithmetic gives;
 * exp, tanh and the sigmoid come from mc_math.h (the same bits on every machine). int64
 * arithmetic stays in int64 (a division by zero is refused). */
#include <math.h>
#include <string.h>

#include "mc_math.h"
#include "mc_onnx_ops.h"

typedef struct bcast {
    int rank, k;
    int64_t dims[MC_ONNX_MAX_RANK];
    size_t st[3][MC_ONNX_MAX_RANK], idx[MC_ONNX_MAX_RANK], off[3];
} bcast;

/* The broadcast shape of t[0..k) into b (and the strides that walk each input along it). */
static int bcast_init(bcast *b, const mc_onnx_call *c, mc_onnx_tensor *const *t, int k)
{
    memset(b, 0, sizeof *b);
    b->k = k;
    for (int i = 0; i < k; i++)
        if (t[i]->rank > b->rank)
            b->rank = t[i]->rank;
    for (int d = 0; d < b->rank; d++) {
        int64_t dim = 1;
        for (int i = 0; i < k; i++) {
            int td = d - (b->rank - t[i]->rank);
            int64_t v = td < 0 ? 1 : t[i]->dims[td];
            if (v == 1 || v == dim)
                continue;
            if (dim != 1)
                return mc_onnx_fail(c, "input shapes do not broadcast (dimension %d: %lld and "
                                    "%lld)", d, (long long)dim, (long long)v);
            dim = v;
        }
        b->dims[d] = dim;
    }
    for (int i = 0; i < k; i++) {
        size_t s = 1;
        for (int d = b->rank - 1; d >= 0; d--) {
            int td = d - (b->rank - t[i]->rank);
            int64_t v = td < 0 ? 1 : t[i]->dims[td];
            b->st[i][d] = v == 1 ? 0 : s;
            s *= (size_t)v;
        }
    }
    return MC_OK;
}

static void bcast_next(bcast *b)
{
    for (int d = b->rank - 1; d >= 0; d--) {
        b->idx[d]++;
        for (int i = 0; i < b->k; i++)
            b->off[i] += b->st[i][d];
        if (b->idx[d] < (size_t)b->dims[d])
            return;
        for (int i = 0; i < b->k; i++)
            b->off[i] -= b->st[i][d] * (size_t)b->dims[d];
        b->idx[d] = 0;
    }
}

static int is_num(int t)
{
    return t == MC_OT_FLOAT || t == MC_OT_DOUBLE || t == MC_OT_INT64;
}

static int is_real(int t)
{
    return t == MC_OT_FLOAT || t == MC_OT_DOUBLE;
}

static int str_eq(const mc_onnx_str *a, const mc_onnx_str *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

int mc_onnx_op_binary(mc_onnx_call *c)
{
    const char *op = c->node->p->op_type;
    mc_onnx_tensor *a = c->in[0], *b = c->in[1];
    char tb[16];
    if (!a || !b || a->dtype != b->dtype)
        return mc_onnx_fail(c, "its two inputs must have the same type");
    int cmp = !strcmp(op, "Equal") || !strcmp(op, "Greater") || !strcmp(op, "Less");
    int logic = !strcmp(op, "And") || !strcmp(op, "Or");
    int ok = logic ? a->dtype == MC_OT_BOOL
                   : !strcmp(op, "Equal") ? 1 : is_num(a->dtype);
    if (!ok)
        return mc_onnx_fail(c, "input type %s is not supported", mc_onnx_dtype_name(a->dtype, tb));
    bcast bc;
    mc_onnx_tensor *t[2] = {a, b};
    int rc = bcast_init(&bc, c, t, 2);
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, cmp || logic ? MC_OT_BOOL : a->dtype, bc.dims, bc.rank);
    if (rc || !c->exec)
        return rc;
    mc_onnx_tensor *y = &c->out[0];
    char o = op[0] == 'A' ? (op[1] == 'd' ? '+' : '&') : op[0] == 'S' ? '-' : op[0] == 'M' ? '*'
           : op[0] == 'D' ? '/' : op[0] == 'E' ? '=' : op[0] == 'G' ? '>' : op[0] == 'L' ? '<'
           : '|';
    unsigned char *yb = y->data;
    for (size_t i = 0; i < y->n; i++, bcast_next(&bc)) {
        size_t p = bc.off[0], q = bc.off[1];
        if (a->dtype == MC_OT_STRING) {
            yb[i] = str_eq((const mc_onnx_str *)a->data + p, (const mc_onnx_str *)b->data + q);
        } else if (a->dtype == MC_OT_BOOL) {
            unsigned char u = ((unsigned char *)a->data)[p] != 0;
            unsigned char v = ((unsigned char *)b->data)[q] != 0;
            yb[i] = o == '&' ? (u && v) : o == '|' ? (u || v) : u == v;
        } else if (a->dtype == MC_OT_INT64) {
            int64_t u = ((int64_t *)a->data)[p], v = ((int64_t *)b->data)[q], r = 0;
            if (cmp) {
                yb[i] = o == '=' ? u == v : o == '>' ? u > v : u < v;
                continue;
            }
            if (o == '/' && (v == 0 || (v == -1 && u == INT64_MIN)))
                return mc_onnx_fail(c, "int64 division by zero or overflow");
            if (o == '+' && __builtin_add_overflow(u, v, &r))
                return mc_onnx_fail(c, "int64 overflow");
            if (o == '-' && __builtin_sub_overflow(u, v, &r))
                return mc_onnx_fail(c, "int64 overflow");
            if (o == '*' && __builtin_mul_overflow(u, v, &r))
                return mc_onnx_fail(c, "int64 overflow");
            ((int64_t *)y->data)[i] = o == '/' ? u / v : r;
        } else {
            double u = mc_onnx_get(a, p), v = mc_onnx_get(b, q);
            if (cmp)
                yb[i] = o == '=' ? u == v : o == '>' ? u > v : u < v;
            else
                mc_onnx_put(y, i, o == '+' ? u + v : o == '-' ? u - v : o == '*' ? u * v : u / v);
        }
    }
    return MC_OK;
}

int mc_onnx_op_unary(mc_onnx_call *c)
{
    const char *op = c->node->p->op_type;
    mc_onnx_tensor *x = c->in[0];
    int test = !strcmp(op, "IsNaN") || !strcmp(op, "IsInf"), neg = !strcmp(op, "Not");
    int ok = neg ? x->dtype == MC_OT_BOOL
                 : (!strcmp(op, "Abs") || !strcmp(op, "Neg") || !strcmp(op, "Relu"))
                       ? is_real(x->dtype) || x->dtype == MC_OT_INT64 : is_real(x->dtype);
    char tb[16];
    if (!ok)
        return mc_onnx_fail(c, "input type %s is not supported", mc_onnx_dtype_name(x->dtype, tb));
    float alpha = 0.01f;
    int64_t dn = 1, dp = 1;
    int rc = !strcmp(op, "LeakyRelu") ? mc_onnx_rt_attr_float(c, "alpha", 0.01f, &alpha) : MC_OK;
    if (rc == MC_OK && !strcmp(op, "IsInf"))
        rc = mc_onnx_rt_attr_int(c, "detect_negative", 1, &dn);
    if (rc == MC_OK && !strcmp(op, "IsInf"))
        rc = mc_onnx_rt_attr_int(c, "detect_positive", 1, &dp);
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, test || neg ? MC_OT_BOOL : x->dtype, x->dims, x->rank);
    if (rc || !c->exec)
        return rc;
    mc_onnx_tensor *y = &c->out[0];
    unsigned char *yb = y->data, *xb = x->data;
    if (x->dtype == MC_OT_INT64) {
        const int64_t *xi = x->data;
        int64_t *yi = y->data;
        for (size_t i = 0; i < x->n; i++) {
            if (xi[i] == INT64_MIN && op[0] != 'R')
                return mc_onnx_fail(c, "int64 overflow");
            yi[i] = op[0] == 'R' ? (xi[i] > 0 ? xi[i] : 0) : op[0] == 'N' ? -xi[i]
                  : (xi[i] < 0 ? -xi[i] : xi[i]);
        }
        return MC_OK;
    }
    if (x->dtype == MC_OT_FLOAT && op[0] == 'R') { /* the common case, in one tight loop */
        const float *xf = x->data;
        float *yf = y->data;
        for (size_t i = 0; i < x->n; i++)
            yf[i] = xf[i] < 0.0f ? 0.0f : xf[i];
        return MC_OK;
    }
    for (size_t i = 0; i < x->n; i++) {
        if (neg) {
            yb[i] = !xb[i];
            continue;
        }
        double v = mc_onnx_get(x, i), r;
        if (test) {
            yb[i] = op[2] == 'N' ? isnan(v) : isinf(v) && ((v > 0 && dp) || (v < 0 && dn));
            continue;
        }
        switch (op[0]) {
        case 'A': r = fabs(v); break;
        case 'E': r = mc_exp(v); break;
        case 'L': r = op[1] == 'o' ? mc_log(v) : (v < 0 ? (double)alpha * v : v); break;
        case 'N': r = -v; break;
        case 'R': r = v < 0 ? 0.0 : v; break;
        case 'S': r = op[1] == 'q' ? sqrt(v) : mc_sigmoid(v); break;
        default: r = mc_tanh(v); break;
        }
        mc_onnx_put(y, i, r);
    }
    return MC_OK;
}

int mc_onnx_op_where(mc_onnx_call *c)
{
    mc_onnx_tensor *t[3] = {c->in[0], c->in[1], c->in[2]};
    if (t[0]->dtype != MC_OT_BOOL || t[1]->dtype != t[2]->dtype)
        return mc_onnx_fail(c, "the condition must be bool and X and Y of one type");
    bcast bc;
    int rc = bcast_init(&bc, c, t, 3);
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, t[1]->dtype, bc.dims, bc.rank);
    if (rc || !c->exec)
        return rc;
    size_t es = mc_onnx_dtype_size(t[1]->dtype);
    unsigned char *y = c->out[0].data;
    for (size_t i = 0; i < c->out[0].n; i++, bcast_next(&bc)) {
        int pick = ((unsigned char *)t[0]->data)[bc.off[0]] != 0;
        const unsigned char *src = t[pick ? 1 : 2]->data;
        memcpy(y + i * es, src + bc.off[pick ? 1 : 2] * es, es);
    }
    return MC_OK;
}

int mc_onnx_op_clip(mc_onnx_call *c)
{
    mc_onnx_tensor *x = c->in[0];
    double lo = -INFINITY, hi = INFINITY;
    char tb[16];
    if (!is_num(x->dtype))
        return mc_onnx_fail(c, "input type %s is not supported", mc_onnx_dtype_name(x->dtype, tb));
    int rc = MC_OK;
    if (c->node->opset < 11) {
        float a = -INFINITY, b = INFINITY;
        rc = mc_onnx_rt_attr_float(c, "min", -INFINITY, &a);
        if (rc == MC_OK)
            rc = mc_onnx_rt_attr_float(c, "max", INFINITY, &b);
        lo = a;
        hi = b;
    }
    for (size_t k = 1; rc == MC_OK && k < c->n_in; k++)
        if (c->in[k] && (c->in[k]->dtype != x->dtype || c->in[k]->n != 1 || c->in[k]->rank > 1))
            rc = mc_onnx_fail(c, "its min and max must be scalars of the input's type");
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, x->dtype, x->dims, x->rank);
    if (rc || !c->exec)
        return rc;
    if (c->n_in > 1 && c->in[1])
        lo = mc_onnx_get(c->in[1], 0);
    if (c->n_in > 2 && c->in[2])
        hi = mc_onnx_get(c->in[2], 0);
    for (size_t i = 0; i < x->n; i++) {
        if (x->dtype == MC_OT_INT64) {
            int64_t v = ((int64_t *)x->data)[i];
            v = (double)v < lo ? (int64_t)lo : (double)v > hi ? (int64_t)hi : v;
            ((int64_t *)c->out[0].data)[i] = v;
            continue;
        }
        double v = mc_onnx_get(x, i);
        mc_onnx_put(&c->out[0], i, v < lo ? lo : v > hi ? hi : v);
    }
    return MC_OK;
}

int mc_onnx_op_cast(mc_onnx_call *c)
{
    mc_onnx_tensor *x = c->in[0];
    int64_t to = 0;
    char ta[16], tb[16];
    int rc = mc_onnx_rt_attr_int(c, "to", 0, &to);
    if (rc)
        return rc;
    int ok = (is_num((int)to) || to == MC_OT_BOOL) && (is_num(x->dtype) || x->dtype == MC_OT_BOOL);
    if (!ok)
        return mc_onnx_fail(c, "a cast from %s to %s is not supported (float, double, int64, "
                            "bool)", mc_onnx_dtype_name(x->dtype, ta),
                            mc_onnx_dtype_name((int)to, tb));
    rc = mc_onnx_out(c, 0, (int)to, x->dims, x->rank);
    if (rc || !c->exec)
        return rc;
    mc_onnx_tensor *y = &c->out[0];
    for (size_t i = 0; i < x->n; i++) {
        if (x->dtype == MC_OT_INT64 && to == MC_OT_INT64) {
            ((int64_t *)y->data)[i] = ((int64_t *)x->data)[i];
            continue;
        }
        double v = mc_onnx_get(x, i);
        if (to == MC_OT_INT64 && !(v > -9223372036854775808.0 && v < 9223372036854775808.0))
            return mc_onnx_fail(c, "element %zu (%g) has no int64 value", i, v);
        mc_onnx_put(y, i, v);
    }
    return MC_OK;
}
