/* Tensors of modelcert's ONNX interpreter (docs/onnx.md): a data type, a shape of at most
 * MC_ONNX_MAX_RANK dimensions, each bounded, whose element count is checked for overflow and
 * against the run's memory budget before any data is allocated or read. */
#ifndef MC_ONNX_TENSOR_H
#define MC_ONNX_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#define MC_ONNX_MAX_RANK 8
#define MC_ONNX_MAX_DIM ((int64_t)1 << 31)      /* a dimension's largest value */
/* Bytes of tensors alive at once in a run, and multiply-adds of one Gemm or MatMul. The fuzz
 * build (MODELCERT_FUZZ) lowers both so that every input runs in milliseconds. */
#ifdef MC_ONNX_FUZZ_LIMITS
#define MC_ONNX_BUDGET ((size_t)1 << 24)
#define MC_ONNX_MAX_MACS ((uint64_t)1 << 26)
#else
#define MC_ONNX_BUDGET ((size_t)1 << 30)
#define MC_ONNX_MAX_MACS ((uint64_t)1 << 40)
#endif

/* The data types the interpreter computes with (ONNX TensorProto.DataType numbers). */
enum {
    MC_OT_FLOAT = 1,
    MC_OT_INT64 = 7,
    MC_OT_STRING = 8,
    MC_OT_BOOL = 9,
    MC_OT_DOUBLE = 11
};

/* A string element: bytes borrowed from the model or the data (not NUL-terminated). */
typedef struct mc_onnx_str {
    const char *p;
    size_t n;
} mc_onnx_str;

typedef struct mc_onnx_tensor {
    int dtype;
    int rank;
    int64_t dims[MC_ONNX_MAX_RANK];
    size_t n;      /* elements: the product of dims */
    void *data;    /* n elements of dtype; NULL while only the shape is known (planning) */
    int borrowed;  /* data belongs to someone else (the model, the caller) */
} mc_onnx_tensor;

/* Bytes of one element of dtype, 0 for a type the interpreter does not compute with. */
size_t mc_onnx_dtype_size(int dtype);
/* "float", "double", "int64", "bool", "string", or "type N". Never NULL; buf holds the
 * last form. */
const char *mc_onnx_dtype_name(int dtype, char buf[16]);
/* Sets t's type and shape (no data) after checking each dimension (0..MC_ONNX_MAX_DIM) and
 * that the element count times the element size stays within `limit` bytes, without
 * overflow. MC_EINPUT naming `what` otherwise. */
int mc_onnx_shape_set(mc_onnx_tensor *t, int dtype, const int64_t *dims, int rank, size_t limit,
                      const char *what);
/* Allocates t's data (zeroed) for its shape. MC_ENOMEM. */
int mc_onnx_tensor_alloc(mc_onnx_tensor *t);
/* The same, not zeroed: for a kernel that writes every element before anything reads it. */
int mc_onnx_tensor_alloc_unset(mc_onnx_tensor *t);
/* Frees owned data and clears the tensor; NULL or a cleared tensor is fine. */
void mc_onnx_tensor_release(mc_onnx_tensor *t);
/* Bytes of t's data. */
size_t mc_onnx_tensor_bytes(const mc_onnx_tensor *t);
/* Element i of a float, double, int64 or bool tensor as a double; and the converse store
 * (rounded to float, truncated toward zero for int64: callers check the range). */
static inline double mc_onnx_get(const mc_onnx_tensor *t, size_t i)
{
    switch (t->dtype) {
    case MC_OT_FLOAT: return ((const float *)t->data)[i];
    case MC_OT_DOUBLE: return ((const double *)t->data)[i];
    case MC_OT_INT64: return (double)((const int64_t *)t->data)[i];
    case MC_OT_BOOL: return ((const unsigned char *)t->data)[i] ? 1.0 : 0.0;
    default: return 0.0;
    }
}

static inline void mc_onnx_put(mc_onnx_tensor *t, size_t i, double v)
{
    switch (t->dtype) {
    case MC_OT_FLOAT: ((float *)t->data)[i] = (float)v; break;
    case MC_OT_DOUBLE: ((double *)t->data)[i] = v; break;
    case MC_OT_INT64: ((int64_t *)t->data)[i] = (int64_t)v; break;
    case MC_OT_BOOL: ((unsigned char *)t->data)[i] = v != 0.0; break;
    default: break;
    }
}

#endif
