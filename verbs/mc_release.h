/* A release (docs/signing.md): what certify states about a validated run and `verify
 * --certificate` checks again. A release certificate is JSON Lines, one DSSE envelope per
 * line, each over an in-toto Statement v1 whose subject is the model artifact (and
 * RUN_DIR/model.onnx when present, which must be the export of that model):
 *   1. SLSA Provenance v1 (https://slsa.dev/provenance/v1)
 *   2. in-toto test-result v0.1 (https://in-toto.io/attestation/test-result/v0.1)
 * This header holds the facts of a run both sides read (mc_release.c) and the
 * verification (mc_release_verify.c); certify itself is mc_certify.h. */
#ifndef MC_RELEASE_H
#define MC_RELEASE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>

#include "mc_hash.h"

#define MC_RELEASE_DEFAULT_NAME "release.intoto.jsonl"
/* The ML-BOM certify writes into the run directory (mc_bom.h), certified with the model. */
#define MC_RELEASE_BOM_NAME "bom.cdx.json"
/* The SLSA build type and builder: sections of docs/slsa-build-type.md, under the URL where
 * this version's docs/ directory is published (MC_DOCS_URL, CMake's MODELCERT_DOCS_URL; only
 * verbs/ is compiled with it). */
#define MC_RELEASE_BUILD_TYPE MC_DOCS_URL "/slsa-build-type.md#run-v1"
#define MC_RELEASE_BUILDER_ID MC_DOCS_URL "/slsa-build-type.md#builder-v1"
#define MC_RELEASE_MAX (16u << 20)
#define MC_RELEASE_PT_PROVENANCE "https://slsa.dev/provenance/v1"
#define MC_RELEASE_PT_TEST_RESULT "https://in-toto.io/attestation/test-result/v0.1"

/* What a release states about a run directory, every recorded digest checked. */
typedef struct mc_release_facts {
    json_t *validation, *run, *spec;  /* validation.json, run.json, spec.json */
    /* model: the clear model's digest (recorded; for a clear run, that of model.mcm on disk).
     * model_file: the model's file, model.mcm or (a protected run) model.mcm.age, and
     * file_digest its digest on disk: the certified subject. */
    char model[MC_SHA256_HEX_LEN + 1], spec_digest[MC_SHA256_HEX_LEN + 1];
    const char *model_file;           /* model.mcm; model.onnx for an ONNX model gated by the
                                         spec's model: (run.json "mode": "model") */
    int encrypted;                    /* model_file is model.mcm.age */
    char file_digest[MC_SHA256_HEX_LEN + 1];
    char validation_digest[MC_SHA256_HEX_LEN + 1];
    const char *data_digest;          /* run.json's (into run) */
    int has_onnx;                     /* RUN_DIR/model.onnx is present (and derives from model) */
    char onnx[MC_SHA256_HEX_LEN + 1]; /* its sha256 */
    int has_bom;                      /* RUN_DIR/bom.cdx.json is present */
    char bom[MC_SHA256_HEX_LEN + 1];  /* its sha256 */
} mc_release_facts;

/* The files of a run a certify signature may leave out as signing.sign says: the model's
 * (model_file), metrics.json, history.csv, test_predictions.csv, membership_losses.csv,
 * spec.json, validation.json; with the release certificate, the most it leaves out. */
#define MC_RELEASE_COVERABLE 7
struct mc_spec;
#define MC_RELEASE_UNSIGNED_MAX (1 + MC_RELEASE_COVERABLE)

/* What certify's signature of the run leaves out (its ignore paths): the release
 * certificate, then the files of out of the items spec's signing.sign omits (its default:
 * model, metrics, spec); spec NULL or without a signing section: the certificate alone.
 * Returns how many were written to out (1 to MC_RELEASE_UNSIGNED_MAX); f->model_file must be
 * set (mc_release_facts_read). */
size_t mc_release_unsigned(const char *out[MC_RELEASE_UNSIGNED_MAX], const mc_release_facts *f,
                           const struct mc_spec *spec);

/* Reads the run in dir into *f (zeroed by the caller; free it with
 * mc_release_facts_free, also on error) and checks that the validation passed and
 * that every recorded digest matches its file: model.mcm, the normalised spec,
 * the data at data_path (NULL: not checked), model.onnx's derivation from the
 * model; the sha256 of bom.cdx.json when present. certify: also that model.onnx is byte for byte the export of model.mcm.
 * MC_EINPUT naming the first mismatch; MC_EIO, MC_ENOMEM. */
int mc_release_facts_read(mc_release_facts *f, const char *dir, const char *data_path,
                          int certify);
void mc_release_facts_free(mc_release_facts *f);

/* The run file `name` of dir as a JSON object. MC_EINPUT "DIR has no NAME" when it is
 * missing, or naming what is wrong with it. */
int mc_release_read_json(json_t **out, const char *dir, const char *name);

/* The string at o.a (or o.a.b when b is not NULL), or NULL. */
const char *mc_release_str(const json_t *o, const char *a, const char *b);

/* Checks a release certificate against the run directory: every line's DSSE
 * signature with key, the statement and predicate types, the subject (the
 * model's sha256 on disk; model.onnx's and bom.cdx.json's exactly when the run holds
 * them, and that model.onnx still derives from the model; for an encrypted run,
 * model.mcm.age's sha256 and the clear model's, which run.json records, in its annotation),
 * the spec and data digests against spec.json and run.json, validation.json's digest, and
 * that the validation passed.
 * clear (NULL: not checked): the SHA-256 of the model decrypted by the caller, which must be
 * the certified clear model's (an encrypted run only; MC_EINPUT for a clear run).
 * MC_EINPUT with the first problem. */
int mc_release_verify(const char *run_dir, const char *cert_path, EVP_PKEY *key,
                      const char *clear);

#endif
