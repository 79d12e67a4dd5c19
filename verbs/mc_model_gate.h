/* validate of a spec with model: (an ONNX model trained elsewhere, docs/onnx.md "Gating an
 * ONNX model"). */
#ifndef MC_MODEL_GATE_H
#define MC_MODEL_GATE_H

#include "mc_run.h"
#include "mc_spec.h"

struct mc_decrypt_options;

/* Reads model.source (bounded), refuses it unless its sha256 is model.sha256, loads it with
 * the ONNX interpreter and makes the spec's run with it scoring the test rows (twice: *same
 * is 1 when the two agree bit for bit). *out: the run, its model the ONNX file's bytes
 * (written as model.onnx), model_digest their sha256. MC_EINPUT naming the file, the spec's
 * line, the node or the row at fault; MC_ENOTFOUND, MC_EIO, MC_ENOMEM.
 *
 * An age file as model.source (docs/encryption.md, "An encrypted ONNX model") is decrypted
 * in memory only with keys (their input unset; NULL: refused, naming --identity), an audited
 * decryption ("memory (validate)"); model.sha256 pins the clear model or the age file as it
 * is, and model_digest is the clear model's. The run directory then gets model.onnx.age,
 * never model.onnx: with protected set (the spec's protection, whose writer encrypts the
 * model as it is written), the clear bytes for that writer; else the age file's bytes as
 * they are. A clear model.source with protected set goes to that writer the same way. */
int mc_model_gate_run(mc_run **out, int *same, const mc_spec *spec, const mc_run_options *ro,
                      const struct mc_decrypt_options *keys, int protected_run);

/* reproduce of a model: run: the same run made again with the model's bytes as the caller read
 * them (a run directory's model.onnx; path names them in messages), refused unless their
 * sha256 is model.sha256. *out as mc_model_gate_run's but without the model's bytes (its model
 * NULL; model_digest set); *same as there. Errors as mc_model_gate_run's. */
int mc_model_gate_rerun(mc_run **out, int *same, const mc_spec *spec, const mc_run_options *ro,
                        const char *bytes, size_t len, const char *path);

#endif
