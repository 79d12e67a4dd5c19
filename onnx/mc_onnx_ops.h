/* The interpreter's insides, shared by the files of onnx/: a node as the loader checked it,
 * the call a kernel gets (its inputs, its outputs to fill, whether it runs or only infers
 * shapes), the operator table, and the attribute readers. Not for other parts. */
#ifndef MC_ONNX_OPS_H
#define MC_ONNX_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "mc_error.h"
#include "mc_onnx_tensor.h"
#include "onnx.pb-c.h"

struct mc_onnx_op;

typedef struct mc_onnx_rt_node {
    const Onnx__NodeProto *p;
    const struct mc_onnx_op *op;
    int opset;        /* of the node's domain */
    size_t *in;       /* value ids, SIZE_MAX for an absent optional input */
    size_t *out;
    size_t n_in, n_out;
    const char *name; /* its name, or "#k" (k its place in the file) */
} mc_onnx_rt_node;

/* One node's call. Planning (exec 0): inputs have shapes, and data only when constant
 * (initializers, Constant nodes); the kernel sets its outputs' shapes with mc_onnx_out and
 * returns. Running (exec 1): the same, then mc_onnx_out allocates and the kernel computes. */
typedef struct mc_onnx_call {
    const mc_onnx_rt_node *node;
    mc_onnx_tensor **in; /* NULL for an absent optional input */
    size_t n_in;
    mc_onnx_tensor *out;
    size_t n_out;
    int exec;
    size_t *used; /* bytes alive, checked against MC_ONNX_BUDGET */
    int relu;     /* a Relu that reads only this Gemm's output is fused into it: the kernel
                     gives max(0, y) (mc_onnx_run.c decides; the Relu node is not called) */
} mc_onnx_call;

typedef int (*mc_onnx_op_fn)(mc_onnx_call *c);

typedef struct mc_onnx_op {
    const char *type;
    int ml;                 /* domain ai.onnx.ml */
    int min_in, max_in;
    int min_out, max_out;
    mc_onnx_op_fn fn;
} mc_onnx_op;

/* The operator of type in the default (ml 0) or ai.onnx.ml domain, or NULL. */
const mc_onnx_op *mc_onnx_op_find(const char *type, int ml);
/* The supported operators of a domain, comma separated (static text). */
const char *mc_onnx_op_list(int ml);

/* MC_EINPUT "node 'NAME' (OP): ..." for the call's node. */
int mc_onnx_fail(const mc_onnx_call *c, const char *fmt, ...) MC_PRINTF(2, 3);
/* Output k gets dtype and shape (checked, counted against the budget), and in a running
 * call its zeroed data. */
int mc_onnx_out(mc_onnx_call *c, size_t k, int dtype, const int64_t *dims, int rank);
/* The same without zeroing the data: for a kernel that writes every element (Gemm's float
 * rows). */
int mc_onnx_out_unset(mc_onnx_call *c, size_t k, int dtype, const int64_t *dims, int rank);
/* An input's data must be known while planning (a constant) when the output shape depends
 * on it: MC_EINPUT naming the input otherwise. */
int mc_onnx_need_const(const mc_onnx_call *c, size_t k, const char *role);
/* Input k's ints (int64 tensor) as a bounded copy in v[0..max); *n the count. */
int mc_onnx_in_ints(const mc_onnx_call *c, size_t k, int64_t *v, size_t max, size_t *n,
                    const char *role);
/* An axis in [-rank, rank) normalised to [0, rank). */
int mc_onnx_axis(const mc_onnx_call *c, int64_t axis, int rank, int *out);

/* Attributes: the one named, checked to be of the expected type, or the default when
 * absent. */
const Onnx__AttributeProto *mc_onnx_rt_attr(const mc_onnx_call *c, const char *name);
int mc_onnx_rt_attr_int(const mc_onnx_call *c, const char *name, int64_t def, int64_t *out);
int mc_onnx_rt_attr_float(const mc_onnx_call *c, const char *name, float def, float *out);
int mc_onnx_rt_attr_ints(const mc_onnx_call *c, const char *name, const int64_t **v, size_t *n);
int mc_onnx_rt_attr_floats(const mc_onnx_call *c, const char *name, const float **v, size_t *n);
int mc_onnx_rt_attr_strings(const mc_onnx_call *c, const char *name, const ProtobufCBinaryData **v,
                         size_t *n);
int mc_onnx_rt_attr_string(const mc_onnx_call *c, const char *name, const ProtobufCBinaryData **v);

/* A TensorProto (initializer, Constant value) as a tensor borrowing its data from the proto
 * where the layout allows; what names it in messages. MC_EINPUT for external data, a missing
 * or short payload, an unsupported type or a bad shape; NaN refused when nan_ok is 0. */
int mc_onnx_tensor_from_proto(mc_onnx_tensor *t, const Onnx__TensorProto *p, const char *what,
                              int nan_ok);

/* The kernels, by file. */
int mc_onnx_op_binary(mc_onnx_call *c);
int mc_onnx_op_unary(mc_onnx_call *c);
int mc_onnx_op_where(mc_onnx_call *c);
int mc_onnx_op_clip(mc_onnx_call *c);
int mc_onnx_op_cast(mc_onnx_call *c);
int mc_onnx_op_gemm(mc_onnx_call *c);
int mc_onnx_op_matmul(mc_onnx_call *c);
int mc_onnx_op_softmax(mc_onnx_call *c);
int mc_onnx_op_batchnorm(mc_onnx_call *c);
int mc_onnx_op_reducemax(mc_onnx_call *c);
int mc_onnx_op_identity(mc_onnx_call *c);
int mc_onnx_op_reshape(mc_onnx_call *c);
int mc_onnx_op_flatten(mc_onnx_call *c);
int mc_onnx_op_squeeze(mc_onnx_call *c);
int mc_onnx_op_concat(mc_onnx_call *c);
int mc_onnx_op_split(mc_onnx_call *c);
int mc_onnx_op_onehot(mc_onnx_call *c);
int mc_onnx_op_constant(mc_onnx_call *c);
int mc_onnx_op_label_encoder(mc_onnx_call *c);
int mc_onnx_op_onehot_encoder(mc_onnx_call *c);

/* The naive Gemm kernel (a fused multiply-add chain in the inputs' type, k in order):
 * rows [i0, i0 + r) of alpha * op(A) op(B), op(A) [m, k] (A^T when ta), op(B) [k, n], A and B
 * float or double of one type; c gets r * n doubles. */
void mc_onnx_gemm_ref(double *c, size_t i0, size_t r, size_t m, size_t n, size_t k,
                      const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b, int tb,
                      double alpha);
/* The same rows with the loop over n vectorizable (B copied to [k][n] once, into *scratch,
 * which the caller frees after the last block): the bits of mc_onnx_gemm_ref. MC_ENOMEM. */
int mc_onnx_gemm_fast(double *c, size_t i0, size_t r, size_t m, size_t n, size_t k,
                      const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b, int tb,
                      double alpha, void **scratch);
/* The same rows of a float product written as float: y[(i - i0) * n + j] = (float)(alpha *
 * sum + bias[j]) (bias NULL: + 0.0), then max(0, .) when relu, the bits of mc_onnx_gemm_ref's
 * sum so rounded. MC_ENOMEM. */
int mc_onnx_gemm_fast_f(float *y, size_t i0, size_t r, size_t m, size_t n, size_t k,
                        const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b, int tb,
                        double alpha, const double *bias, int relu, void **scratch);
/* Whether mc_onnx_gemm_fast may use the AVX2 tile where the CPU has it (1, the default) or
 * must take the plain path (0): for the unit test, which checks both give the same bits. */
void mc_onnx_gemm_use_simd(int on);

#endif
