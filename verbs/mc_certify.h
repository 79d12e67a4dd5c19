/* certify: the release of a validated run (docs/signing.md). It refuses
 * unless the audit trail's validate event of the run passed and vouches for
 * the files as they are (docs/security.md, "What certify trusts"); then it
 * signs the run directory (an OMS bundle, or with the spec's `format:
 * dsse_intoto` a DSSE envelope over the same statement) and writes a release
 * certificate (mc_release.h), both with one key, loaded once. Before signing, it writes the
 * run's ML-BOM, RUN_DIR/bom.cdx.json (mc_bom.h), which both then cover. */
#ifndef MC_CERTIFY_H
#define MC_CERTIFY_H

#include <stddef.h>

#include "mc_hash.h"
#include "mc_spec.h"

typedef struct mc_certify_options {
    const char *run_dir;              /* required */
    const char *key;                  /* a key reference; NULL: the spec's signing.key */
    const char *passphrase_file;
    const char *output;               /* NULL: RUN_DIR/release.intoto.jsonl */
    const char *data_path;            /* NULL: the data path run.json records */
    const mc_spec *spec;              /* a spec whose `signing` section applies; NULL: none */
    const mc_confinement *confine;    /* what that spec may name (mc_spec_check_paths) */
    int threads;
    const char *audit_path;
    int no_audit;                     /* refused: certify reads and records to the trail */
    int accept_warnings;              /* release a validation with warnings (--accept-warnings) */
    const char *command_line;
} mc_certify_options;

typedef struct mc_certify_result {
    char *signature;                  /* the run's bundle (RUN_DIR/model.sig) */
    char *certificate;                /* the release certificate */
    char *warning;                    /* about the key, or NULL */
    const char *format;               /* "model_signing" or "dsse_intoto" */
    char subject[MC_SHA256_HEX_LEN + 1];   /* the signed run's subject digest */
    char model[MC_SHA256_HEX_LEN + 1];     /* the model artifact's sha256 (the clear model's) */
    int encrypted;                         /* the run's model is model.mcm.age, certified as it
                                              is: encrypted_sha256 its digest */
    char encrypted_sha256[MC_SHA256_HEX_LEN + 1];
    int has_onnx;                          /* RUN_DIR/model.onnx was certified too */
    int onnx_model;                        /* the model is an ONNX model (the spec's model:) */
    char onnx[MC_SHA256_HEX_LEN + 1];      /* its sha256 */
    char bom[MC_SHA256_HEX_LEN + 1];       /* RUN_DIR/bom.cdx.json's sha256 (the ML-BOM) */
    const char *result;               /* "PASSED" or "WARNED" */
    size_t passed, warned, ignored;   /* checks; files left out of the signature */
    char *audit_path;
    long long audit_event;
} mc_certify_result;

/* Certifies a run. MC_EINPUT naming why when the run has no validation, did
 * not pass (or its results contradict its verdict), has warnings (unless
 * accept_warnings; counted in validation.json as the trail's validate event
 * vouches for it), a recorded digest does not
 * match its file (model, spec, data), the data cannot be hashed (no --data and
 * no recorded location) or a data pin disagrees, the audit trail holds no
 * single passing validate event of the run whose recorded files are all
 * unchanged (mc_validated.h; no_audit is refused: the trail is the evidence),
 * or RUN_DIR/model.onnx is not what exporting its model.mcm gives;
 * key and file errors as mc_sign_model. Appends a "certify" event. */
int mc_certify_run(mc_certify_result **out, const mc_certify_options *o);
void mc_certify_result_free(mc_certify_result *r);

#endif
