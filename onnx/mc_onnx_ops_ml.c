/* The ONNX interpreter's ai.onnx.ml kernels (docs/onnx.md "Operators"): LabelEncoder (opset 1:
 * classes_strings, string to index and back; opsets 2 and 3: keys and values of strings,
 * int64s or floats, with defaults) looked up in a sorted copy of the keys, and OneHotEncoder
 * (cats_int64s or cats_strings, zeros). A key given twice is refused. */
#include <stdlib.h>
#include <string.h>

#include "mc_onnx_ops.h"

typedef struct key {
    mc_onnx_str s;
    int64_t i;
    double f;
    size_t at;
} key;


static int key_cmp_t(const key *a, const key *b, int type)
{
    if (type == MC_OT_STRING) {
        size_t n = a->s.n < b->s.n ? a->s.n : b->s.n;
        int r = n ? memcmp(a->s.p, b->s.p, n) : 0;
        return r ? r : (a->s.n > b->s.n) - (a->s.n < b->s.n);
    }
    if (type == MC_OT_INT64)
        return (a->i > b->i) - (a->i < b->i);
    return (a->f > b->f) - (a->f < b->f);
}

static int cmp_str(const void *a, const void *b) { return key_cmp_t(a, b, MC_OT_STRING); }
static int cmp_int(const void *a, const void *b) { return key_cmp_t(a, b, MC_OT_INT64); }
static int cmp_flt(const void *a, const void *b) { return key_cmp_t(a, b, MC_OT_FLOAT); }

typedef int (*cmp_fn)(const void *, const void *);

static cmp_fn cmp_for(int type)
{
    return type == MC_OT_STRING ? cmp_str : type == MC_OT_INT64 ? cmp_int : cmp_flt;
}

/* Sorted keys of one type from an attribute's values; a duplicate refused. */
static int keys_make(key **out, const mc_onnx_call *c, int type, size_t n,
                     const ProtobufCBinaryData *s, const int64_t *i64, const float *f)
{
    key *k = calloc(n ? n : 1, sizeof *k);
    if (!k)
        return mc_error_nomem();
    for (size_t i = 0; i < n; i++) {
        k[i].at = i;
        if (type == MC_OT_STRING)
            k[i].s = (mc_onnx_str){(const char *)s[i].data, s[i].len};
        else if (type == MC_OT_INT64)
            k[i].i = i64[i];
        else
            k[i].f = f[i];
    }
    qsort(k, n, sizeof *k, cmp_for(type));
    for (size_t i = 0; i + 1 < n; i++)
        if (key_cmp_t(&k[i], &k[i + 1], type) == 0) {
            size_t at = k[i + 1].at;
            free(k);
            return mc_onnx_fail(c, "key %zu is given twice", at);
        }
    *out = k;
    return MC_OK;
}

/* The position of element i of x among the keys, or -1. */
static long find(const key *k, size_t n, const mc_onnx_tensor *x, size_t i, int type)
{
    key q = {{0}, 0, 0.0, 0};
    if (type == MC_OT_STRING)
        q.s = ((const mc_onnx_str *)x->data)[i];
    else if (type == MC_OT_INT64 && x->dtype == MC_OT_INT64)
        q.i = ((const int64_t *)x->data)[i];
    else if (type == MC_OT_INT64) {
        double v = mc_onnx_get(x, i);
        if (!(v >= -9.2e18 && v <= 9.2e18))
            return -1;
        q.i = (int64_t)v;
    } else
        q.f = (float)mc_onnx_get(x, i);
    const key *hit = n ? bsearch(&q, k, n, sizeof *k, cmp_for(type)) : NULL;
    return hit ? (long)hit->at : -1;
}

int mc_onnx_op_label_encoder(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    const ProtobufCBinaryData *ks = NULL, *vs = NULL, *ds = NULL;
    const int64_t *ki = NULL, *vi = NULL;
    const float *kf = NULL, *vf = NULL;
    size_t nks = 0, nki = 0, nkf = 0, nvs = 0, nvi = 0, nvf = 0;
    int64_t di = -1;
    float df = -0.0f;
    int rc = MC_OK, v1 = c->node->opset < 2;
    if (v1) {
        rc = mc_onnx_rt_attr_strings(c, "classes_strings", &ks, &nks);
    } else {
        rc = mc_onnx_rt_attr_strings(c, "keys_strings", &ks, &nks);
        if (rc == MC_OK)
            rc = mc_onnx_rt_attr_ints(c, "keys_int64s", &ki, &nki);
        if (rc == MC_OK)
            rc = mc_onnx_rt_attr_floats(c, "keys_floats", &kf, &nkf);
        if (rc == MC_OK)
            rc = mc_onnx_rt_attr_strings(c, "values_strings", &vs, &nvs);
        if (rc == MC_OK)
            rc = mc_onnx_rt_attr_ints(c, "values_int64s", &vi, &nvi);
        if (rc == MC_OK)
            rc = mc_onnx_rt_attr_floats(c, "values_floats", &vf, &nvf);
        if (rc == MC_OK)
            rc = mc_onnx_rt_attr_float(c, "default_float", -0.0f, &df);
    }
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_int(c, "default_int64", -1, &di);
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_string(c, "default_string", &ds);
    if (rc == MC_OK && (mc_onnx_rt_attr(c, "keys_tensor") || mc_onnx_rt_attr(c, "values_tensor")))
        rc = mc_onnx_fail(c, "keys_tensor and values_tensor are not supported");
    if (rc)
        return rc;
    int ktype, vtype;
    size_t nk;
    if (v1) {
        ktype = x->dtype == MC_OT_INT64 ? MC_OT_INT64 : MC_OT_STRING;
        vtype = ktype == MC_OT_STRING ? MC_OT_INT64 : MC_OT_STRING;
        nk = nks;
    } else {
        if (!!nks + !!nki + !!nkf != 1 || !!nvs + !!nvi + !!nvf != 1)
            return mc_onnx_fail(c, "exactly one keys_* and one values_* attribute are needed");
        ktype = nks ? MC_OT_STRING : nki ? MC_OT_INT64 : MC_OT_FLOAT;
        vtype = nvs ? MC_OT_STRING : nvi ? MC_OT_INT64 : MC_OT_FLOAT;
        nk = nks + nki + nkf;
        if (nk != nvs + nvi + nvf)
            return mc_onnx_fail(c, "%zu keys and %zu values", nk, nvs + nvi + nvf);
    }
    if (x->dtype != ktype)
        return mc_onnx_fail(c, "its input must match the keys' type");
    rc = mc_onnx_out(c, 0, vtype, x->dims, x->rank);
    if (rc || !c->exec)
        return rc;
    key *k = NULL;
    if (v1 && ktype == MC_OT_INT64)
        nk = 0; /* int64 to string: the index itself */
    if ((rc = keys_make(&k, c, ktype, nk, ks, ki, kf)))
        return rc;
    mc_onnx_tensor *y = &c->out[0];
    mc_onnx_str dstr = ds ? (mc_onnx_str){(const char *)ds->data, ds->len}
                          : (mc_onnx_str){"_Unused", 7};
    for (size_t i = 0; i < x->n; i++) {
        long at;
        if (v1 && ktype == MC_OT_INT64) {
            int64_t v = ((const int64_t *)x->data)[i];
            at = v >= 0 && (size_t)v < nks ? (long)v : -1;
            ((mc_onnx_str *)y->data)[i] = at >= 0 ? (mc_onnx_str){(const char *)ks[at].data,
                                                                  ks[at].len} : dstr;
            continue;
        }
        at = find(k, nk, x, i, ktype);
        if (vtype == MC_OT_INT64)
            ((int64_t *)y->data)[i] = at < 0 ? di : v1 ? (int64_t)at : vi[at];
        else if (vtype == MC_OT_FLOAT)
            ((float *)y->data)[i] = at < 0 ? df : vf[at];
        else
            ((mc_onnx_str *)y->data)[i] = at < 0 ? dstr : (mc_onnx_str){(const char *)vs[at].data,
                                                                        vs[at].len};
    }
    free(k);
    return MC_OK;
}

int mc_onnx_op_onehot_encoder(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    const ProtobufCBinaryData *cs = NULL;
    const int64_t *ci = NULL;
    size_t ns = 0, ni = 0;
    int64_t zeros = 1, dims[MC_ONNX_MAX_RANK];
    int rc = mc_onnx_rt_attr_strings(c, "cats_strings", &cs, &ns);
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_ints(c, "cats_int64s", &ci, &ni);
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_int(c, "zeros", 1, &zeros);
    if (rc)
        return rc;
    if (!!ns + !!ni != 1)
        return mc_onnx_fail(c, "exactly one of cats_strings and cats_int64s is needed");
    int ktype = ns ? MC_OT_STRING : MC_OT_INT64;
    if ((ktype == MC_OT_STRING) != (x->dtype == MC_OT_STRING) || x->dtype == MC_OT_BOOL)
        return mc_onnx_fail(c, "its input must be string for cats_strings, numeric for "
                            "cats_int64s");
    if (x->rank >= MC_ONNX_MAX_RANK)
        return mc_onnx_fail(c, "rank %d is over the limit", x->rank);
    size_t nk = ns + ni;
    memcpy(dims, x->dims, sizeof dims);
    dims[x->rank] = (int64_t)nk;
    rc = mc_onnx_out(c, 0, MC_OT_FLOAT, dims, x->rank + 1);
    if (rc || !c->exec)
        return rc;
    key *k = NULL;
    if ((rc = keys_make(&k, c, ktype, nk, cs, ci, NULL)))
        return rc;
    float *y = c->out[0].data;
    for (size_t i = 0; i < x->n; i++) {
        long at = find(k, nk, x, i, ktype);
        if (at < 0 && !zeros) {
            rc = mc_onnx_fail(c, "element %zu is not one of the categories (zeros is 0)", i);
            break;
        }
        if (at >= 0)
            y[i * nk + (size_t)at] = 1.0f;
    }
    free(k);
    return rc;
}
