/* ONNX export (docs/onnx.md): a model artifact as one ONNX graph from the raw
 * input columns to the outputs `modelcert predict` prints, for serving with
 * ONNX Runtime and the like. The fitted preprocessing becomes graph nodes
 * computed in double precision exactly as the engine computes it; the network
 * becomes Gemm nodes and its activations in float32. Rows that `predict` would
 * drop (dropna) or refuse (a missing or non-finite feature, an unseen category
 * under handle_unknown: error) get NaN outputs. Encoded with protobuf-c from
 * the onnx.proto of Debian's python3-onnx: opset 17, ai.onnx.ml 3, IR 8. */
#ifndef MC_ONNX_H
#define MC_ONNX_H

#include <stddef.h>

#include "mc_artifact.h"
#include "mc_hash.h"

#define MC_ONNX_OPSET 17
#define MC_ONNX_ML_OPSET 3
#define MC_ONNX_IR_VERSION 8

/* The ONNX model of m; the caller frees *out. A step or layer the graph
 * cannot express exactly is MC_EINPUT naming it ("preprocessing step 2
 * (hash) cannot be exported to ONNX: ..."). */
int mc_onnx_encode(unsigned char **out, size_t *len, const mc_model *m);

/* `modelcert export RUN_DIR --format onnx`: loads RUN_DIR/model.mcm, encodes
 * it, and writes it atomically to `output` (NULL: RUN_DIR/model.onnx).
 * *path gets the file written (the caller frees it), digest its SHA-256.
 * MC_ENOTFOUND when RUN_DIR has no model. */
int mc_onnx_export_run(char **path, char digest[MC_SHA256_HEX_LEN + 1], const char *run_dir,
                       const char *output);

/* For certify and verify: reads an ONNX file's bytes (protobuf-c, bounded by
 * len) and gives in `digest` the model.mcm digest it was exported from (its
 * metadata "modelcert.model_digest"), so a deployed model.onnx can be tied to
 * the certified model.mcm. MC_EINPUT naming `name` when the bytes are not an
 * ONNX model or carry no such digest. */
int mc_onnx_exported_from(char digest[MC_SHA256_HEX_LEN + 1], const unsigned char *buf, size_t len,
                          const char *name);

#endif
