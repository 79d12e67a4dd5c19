/* The model artifact: one self-contained, versioned file (docs/formats.md).
 *
 *   offset  size  field
 *   0       8     magic "MCMODEL\0"
 *   8       4     format version, little-endian u32 (1)
 *   12      4     reserved, zero
 *   16      8     header length H, little-endian u64
 *   24      H     header: canonical JSON (RFC 8785), UTF-8
 *   24+H    P     zero padding to a multiple of 64
 *   ...     4N    parameters: N little-endian IEEE float32 values, the tensors
 *                 in the order the header lists them
 *   end-32  32    SHA-256 of every byte before it
 *
 * The model digest is the SHA-256 of the whole file. Loading checks the magic,
 * version, sizes, the checksum, and the header against the tensors, and
 * rejects anything truncated or altered. */
#ifndef MC_ARTIFACT_H
#define MC_ARTIFACT_H

#include <jansson.h>
#include <stddef.h>

#include "mc_hash.h"
#include "mc_nn.h"
#include "mc_pipeline.h"
#include "mc_spec.h"

#define MC_ARTIFACT_MAGIC "MCMODEL"
#define MC_ARTIFACT_VERSION 1
#define MC_ARTIFACT_MAX_HEADER (16u << 20)

typedef struct mc_model {
    json_t *header;
    mc_nn *nn;
    mc_pipeline *pipeline;
    mc_task task;
    char **classes; /* NULL for regression */
    int n_classes;
    mc_numerics numerics;
    double decision_threshold;
    char delimiter;          /* how prediction reads raw CSV: the training data's delimiter */
    char **missing_values;   /* ... and its missing-value markers */
    size_t n_missing_values;
    char digest[MC_SHA256_HEX_LEN + 1];
} mc_model;

/* Frees a model from mc_artifact_decode or mc_model_load; NULL is safe. */
void mc_model_free(mc_model *m);
/* The same after overwriting what the model knows (OPENSSL_cleanse): the network's
 * parameters, the fitted preprocessing (values, categories, fill texts) and the header's
 * values; for a model decrypted in memory, whose knowledge must not stay in freed memory. */
void mc_model_free_wiped(mc_model *m);

/* Serialises `header` and nn's parameters; this adds "format_version",
 * "tensors" and "parameters" to the header. The caller frees *out. */
int mc_artifact_encode(unsigned char **out, size_t *len, json_t *header, const mc_nn *nn);
/* Parses and checks an artifact; `name` appears in messages. A file that is
 * not a well-formed model is MC_EINPUT, "NAME: not a valid modelcert model: ...".
 * The caller frees *out with mc_model_free. */
int mc_artifact_decode(mc_model **out, const unsigned char *buf, size_t len, const char *name);
/* Reads and decodes the model file at path (MC_ENOTFOUND when missing). */
int mc_model_load(mc_model **out, const char *path);

/* *out = the architecture part of the header, from a network (a new
 * reference). MC_ENOMEM. */
int mc_artifact_architecture_json(json_t **out, const mc_nn *nn);

#endif
