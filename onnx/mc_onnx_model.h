/* The loaded model as onnx/'s loader builds it and its runner walks it: values by id, the
 * constants (initializers, Constant nodes), the nodes in topological order, the declared
 * inputs and outputs. Private to onnx/. */
#ifndef MC_ONNX_MODEL_H
#define MC_ONNX_MODEL_H

#include "mc_onnx_ops.h"
#include "mc_onnx_rt.h"

struct mc_onnx_model {
    Onnx__ModelProto *proto;
    size_t n_values;
    const char **names;      /* value id -> name (in the proto) */
    mc_onnx_tensor *consts;  /* per value: data set when it is a constant */
    size_t *last_use;        /* per value: the last node (topological index) that reads it */
    mc_onnx_rt_node *nodes;     /* in topological order */
    size_t n_nodes;
    mc_onnx_io *inputs, *outputs;
    size_t *input_ids, *output_ids;
    size_t n_inputs, n_outputs;
    int opset, ml_opset;
};

#endif
