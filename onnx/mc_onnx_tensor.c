/* Tensors of the ONNX interpreter: element sizes and names, shapes checked before anything is
 * allocated (every dimension bounded, the element count overflow-checked against a byte
 * limit), allocation and release, and element access by type for the kernels that compute in
 * double (docs/onnx.md "Limits"). */
#include "mc_onnx_tensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"

size_t mc_onnx_dtype_size(int dtype)
{
    switch (dtype) {
    case MC_OT_FLOAT: return sizeof(float);
    case MC_OT_DOUBLE: return sizeof(double);
    case MC_OT_INT64: return sizeof(int64_t);
    case MC_OT_BOOL: return 1;
    case MC_OT_STRING: return sizeof(mc_onnx_str);
    default: return 0;
    }
}

const char *mc_onnx_dtype_name(int dtype, char buf[16])
{
    switch (dtype) {
    case MC_OT_FLOAT: return "float";
    case MC_OT_DOUBLE: return "double";
    case MC_OT_INT64: return "int64";
    case MC_OT_BOOL: return "bool";
    case MC_OT_STRING: return "string";
    default: snprintf(buf, 16, "type %d", dtype); return buf;
    }
}

int mc_onnx_shape_set(mc_onnx_tensor *t, int dtype, const int64_t *dims, int rank, size_t limit,
                      const char *what)
{
    size_t size = mc_onnx_dtype_size(dtype);
    char tb[16];
    if (!size)
        return mc_error_set(MC_EINPUT, "%s: data type %s is not supported (float, double, int64, "
                            "bool, string)", what, mc_onnx_dtype_name(dtype, tb));
    if (rank < 0 || rank > MC_ONNX_MAX_RANK)
        return mc_error_set(MC_EINPUT, "%s: rank %d is over the limit of %d", what, rank,
                            MC_ONNX_MAX_RANK);
    size_t n = 1;
    int over = 0;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0 || dims[i] > MC_ONNX_MAX_DIM)
            return mc_error_set(MC_EINPUT, "%s: dimension %d is %lld, outside 0..%lld", what, i,
                                (long long)dims[i], (long long)MC_ONNX_MAX_DIM);
        if (dims[i] && n > limit / size / (size_t)dims[i])
            over = 1;
        else
            n *= (size_t)dims[i];
    }
    if (over || n > limit / size) {
        char shape[160];
        size_t at = 0;
        for (int i = 0; i < rank && at < sizeof shape - 24; i++)
            at += (size_t)snprintf(shape + at, sizeof shape - at, "%s%lld", i ? ", " : "",
                                   (long long)dims[i]);
        shape[at] = '\0';
        return mc_error_set(MC_EINPUT, "%s: the shape [%s] of %s needs more than %zu bytes "
                            "(the limit)", what, shape, mc_onnx_dtype_name(dtype, tb), limit);
    }
    t->dtype = dtype;
    t->rank = rank;
    memset(t->dims, 0, sizeof t->dims);
    for (int i = 0; i < rank; i++)
        t->dims[i] = dims[i];
    t->n = n;
    return MC_OK;
}

int mc_onnx_tensor_alloc(mc_onnx_tensor *t)
{
    size_t bytes = mc_onnx_tensor_bytes(t);
    void *d = calloc(bytes ? bytes : 1, 1);
    if (!d)
        return mc_error_nomem();
    t->data = d;
    t->borrowed = 0;
    return MC_OK;
}

int mc_onnx_tensor_alloc_unset(mc_onnx_tensor *t)
{
    size_t bytes = mc_onnx_tensor_bytes(t);
    void *d = malloc(bytes ? bytes : 1);
    if (!d)
        return mc_error_nomem();
    t->data = d;
    t->borrowed = 0;
    return MC_OK;
}

void mc_onnx_tensor_release(mc_onnx_tensor *t)
{
    if (!t)
        return;
    if (!t->borrowed)
        free(t->data);
    memset(t, 0, sizeof *t);
}

size_t mc_onnx_tensor_bytes(const mc_onnx_tensor *t)
{
    return t->n * mc_onnx_dtype_size(t->dtype);
}
