/* Building an ONNX graph (private to the exporter, mc_onnx.c): nodes, constant
 * initializers and attributes as protobuf-c messages generated at build time
 * from the onnx.proto that Debian's python3-onnx ships, packed by protobuf-c.
 * Every message lives in one arena, freed with the builder.
 *
 * Errors are sticky, as in a growable buffer: the first failure (out of memory)
 * is recorded in g->rc and every later call does nothing and returns NULL, so
 * a translation reads as a straight sequence of nodes and checks g->rc once.
 * Values are named by the builder ("t12", "c7"); a node function returns the
 * name of its (first) output. */
#ifndef MC_ONNX_GRAPH_H
#define MC_ONNX_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "onnx/onnx.pb-c.h"

/* TensorProto.DataType values used here */
enum { MC_ONNX_FLOAT = 1, MC_ONNX_STRING = 8, MC_ONNX_INT64 = 7, MC_ONNX_BOOL = 9,
       MC_ONNX_DOUBLE = 11 };

typedef struct mc_onnx_graph mc_onnx_graph;

/* A new, empty graph (MC_ENOMEM); free with mc_onnx_graph_free (NULL is fine). */
int mc_onnx_graph_create(mc_onnx_graph **out);
void mc_onnx_graph_free(mc_onnx_graph *g);
/* MC_OK, or the first error of any call so far. */
int mc_onnx_graph_status(const mc_onnx_graph *g);

/* A graph input or output: elem_type, shape [N, width] with N symbolic. */
void mc_onnx_input(mc_onnx_graph *g, const char *name, int elem_type, int64_t width);
void mc_onnx_output(mc_onnx_graph *g, const char *name, int elem_type, int64_t width);

/* The type of an intermediate value (graph.value_info), for nodes whose output
 * type onnx's shape inference cannot infer: dims, -1 meaning N. */
void mc_onnx_annotate(mc_onnx_graph *g, const char *name, int elem_type, const int64_t *dims,
                      size_t n_dims);

/* Attributes, built for one node (owned by the graph). */
typedef struct Onnx__AttributeProto mc_onnx_attr;
mc_onnx_attr *mc_onnx_attr_int(mc_onnx_graph *g, const char *name, int64_t v);
mc_onnx_attr *mc_onnx_attr_float(mc_onnx_graph *g, const char *name, float v);
mc_onnx_attr *mc_onnx_attr_ints(mc_onnx_graph *g, const char *name, const int64_t *v, size_t n);
mc_onnx_attr *mc_onnx_attr_strings(mc_onnx_graph *g, const char *name, const char *const *v,
                                   size_t n);

/* A node op(inputs) in `domain` (NULL: the default domain) with n_out outputs
 * named by the builder (or `out_name` for a single output, when not NULL).
 * Returns the first output's name; outs (when not NULL) gets all n_out. */
const char *mc_onnx_node(mc_onnx_graph *g, const char *op, const char *domain,
                         const char *const *in, size_t n_in, mc_onnx_attr *const *attrs,
                         size_t n_attrs, size_t n_out, const char **outs, const char *out_name);
/* Shorthands for one- and two-input nodes without attributes. */
const char *mc_onnx_op1(mc_onnx_graph *g, const char *op, const char *a);
const char *mc_onnx_op2(mc_onnx_graph *g, const char *op, const char *a, const char *b);
/* Cast a to elem_type. */
const char *mc_onnx_cast(mc_onnx_graph *g, const char *a, int elem_type);

/* Constant initializers: a scalar (shape []) and tensors of the given dims. */
const char *mc_onnx_const_double(mc_onnx_graph *g, double v);
const char *mc_onnx_const_float(mc_onnx_graph *g, float v);
const char *mc_onnx_const_floats(mc_onnx_graph *g, const float *v, const int64_t *dims,
                                 size_t n_dims);
const char *mc_onnx_const_int64s(mc_onnx_graph *g, const int64_t *v, size_t n);

/* One metadata_props entry of the model. */
void mc_onnx_metadata(mc_onnx_graph *g, const char *key, const char *value);

/* The ModelProto: ir_version, the opsets (default domain `opset`, ai.onnx.ml
 * `ml_opset`), producer, graph name and doc string, packed by protobuf-c.
 * The caller frees *out. MC_ENOMEM, or the graph's first error. */
int mc_onnx_graph_pack(unsigned char **out, size_t *len, mc_onnx_graph *g, int64_t ir_version,
                       int64_t opset, int64_t ml_opset, const char *producer_version,
                       const char *graph_name, const char *doc);

#endif
