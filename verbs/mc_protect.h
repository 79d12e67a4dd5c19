/* A protected run's model writer (the spec's `protection` section, docs/encryption.md
 * "Encrypted runs"): the recipients the spec names loaded before any work, then the model,
 * which the engine holds in memory, encrypted to them in the age format as it is written
 * (reference/mc_run_dir.h's writer hook), so that no clear byte of it reaches the disk. */
#ifndef MC_PROTECT_H
#define MC_PROTECT_H

#include "mc_hash.h"
#include "mc_run_dir.h"
#include "mc_spec.h"

typedef struct mc_protect mc_protect;

/* *out gets the writer of spec's protection, or NULL when the spec has none. A recipient
 * that is not an age1 key is MC_EINPUT at its place in the spec; a recipients file that
 * cannot be read or holds a bad line is MC_EINPUT or MC_ENOTFOUND naming it (file:line);
 * MC_ENOMEM. */
int mc_protect_open(mc_protect **out, const mc_spec *spec);
/* The writer to give mc_run_write_model; NULL when p is NULL (the model in clear). */
const mc_run_model_writer *mc_protect_writer(const mc_protect *p);
/* After the run was written: the SHA-256 of the age file written (empty before). */
const char *mc_protect_file_digest(const mc_protect *p);
void mc_protect_free(mc_protect *p);

struct mc_decrypt_options;
struct mc_decrypt_result;
typedef struct mc_protect_export_options {
    const char *run_dir;                    /* an encrypted run (model.mcm.age) */
    const char *output;                     /* NULL: RUN_DIR/model.onnx.age */
    const struct mc_decrypt_options *keys;  /* the keys that open the model (input unset) */
    const char *const *recipients;          /* age1... to encrypt the export to; none (and no
                                               files): spec.json's protection.encrypt_to */
    size_t n_recipients;
    const char *const *recipient_files;
    size_t n_recipient_files;
} mc_protect_export_options;

/* `export RUN --format onnx --identity KEY` of an encrypted run: model.mcm.age decrypted in
 * memory only (an audited decryption, output "memory (export)"), its ONNX graph encoded in
 * memory and written only encrypted (model.onnx.age, atomically), to the recipients given,
 * else to those of the run's spec.json (a spec.json that names a recipients_file needs them
 * given: its path is the spec's, not the run's). Every clear byte is wiped. *path (caller
 * frees), age_sha256 the file's digest, onnx_sha256 the clear graph's. Errors as mc_decrypt
 * and mc_onnx_export_run; MC_EINPUT for a run that is not encrypted or no recipient. Free
 * r->audit_path. */
int mc_protect_export(char **path, char age_sha256[MC_SHA256_HEX_LEN + 1],
                      char onnx_sha256[MC_SHA256_HEX_LEN + 1], struct mc_decrypt_result *r,
                      const mc_protect_export_options *o);

#endif
