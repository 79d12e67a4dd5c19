/* modelcert's ONNX interpreter (docs/onnx.md "Running an ONNX model"): a model's bytes read
 * bounded (protobuf-c, then every field checked: IR version, opsets, node domains and
 * operators, initializers inline or raw, never external), its nodes put in topological order
 * (a cycle or a dangling input refused, naming the node), and run with naive kernels whose
 * every output shape is inferred and checked for the whole graph before any arithmetic. */
#ifndef MC_ONNX_RT_H
#define MC_ONNX_RT_H

#include <stddef.h>
#include <stdint.h>

#include "mc_onnx_tensor.h"

#define MC_ONNX_MAX_FILE ((size_t)1 << 30) /* bytes of a model file */
#define MC_ONNX_MAX_NODES 100000
#define MC_ONNX_MAX_VALUES 400000           /* named values: inputs, initializers, outputs */

typedef struct mc_onnx_model mc_onnx_model;

/* A graph input or output as declared: its type and shape, -1 for a dimension left free
 * (a dim_param or no value). */
typedef struct mc_onnx_io {
    const char *name;
    int dtype;
    int rank;
    int64_t dims[MC_ONNX_MAX_RANK];
} mc_onnx_io;

/* Reads an ONNX model from len bytes of buf (the caller keeps buf until the model is freed);
 * name appears in messages. MC_EINPUT with the reason (the node, its op type and the
 * supported list for an unsupported operator; the tensor for external data or NaN weights),
 * MC_ENOMEM. */
int mc_onnx_model_load(mc_onnx_model **out, const unsigned char *buf, size_t len,
                       const char *name);
void mc_onnx_model_free(mc_onnx_model *m);
/* The graph's inputs (initializers excluded) and outputs, in their order. */
size_t mc_onnx_model_inputs(const mc_onnx_model *m, const mc_onnx_io **io);
size_t mc_onnx_model_outputs(const mc_onnx_model *m, const mc_onnx_io **io);
/* The value of a metadata_props key, NUL-terminated, or NULL when absent. */
const char *mc_onnx_model_meta(const mc_onnx_model *m, const char *key);

/* Runs the graph on in[0..n_inputs) (borrowed; types and shapes checked against the
 * declared ones); out[0..n_outputs) get the outputs, to release with
 * mc_onnx_tensor_release. Every node's output shape is inferred and checked (bounded
 * dimensions, the memory budget MC_ONNX_BUDGET for the tensors alive at once) before the
 * first kernel runs. MC_EINPUT naming the node, MC_ENOMEM. */
int mc_onnx_model_run(mc_onnx_tensor *out, const mc_onnx_model *m, const mc_onnx_tensor *in);

#endif
