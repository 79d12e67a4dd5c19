/* A model signed and checked as OpenSSF Model Signing does it (docs/signing.md): the
 * primitives behind `sign`, `verify`, `digest` and `certify`. A model is a directory or one
 * file; its manifest leaves out the git files, the bundle itself when it lies inside the
 * model, and the paths asked for. Signing takes a key the caller loaded (mc_key.h), never a
 * key reference. No audit trail, no spec, no run: verbs/ adds those. */
#ifndef MC_MODEL_SIGN_H
#define MC_MODEL_SIGN_H

#include <stddef.h>

#include "mc_hash.h"
#include "mc_key.h"
#include "mc_manifest.h"
#include "mc_oms.h"

/* The default signature name inside a signed directory (PATH.sig for a file). */
#define MC_SIGN_DEFAULT_NAME "model.sig"

/* A model and how its files are hashed. */
typedef struct mc_model_files {
    const char *path;                 /* the model: a directory or a regular file (required) */
    const char *signature;            /* the bundle; NULL: PATH/model.sig or PATH.sig */
    const char *const *ignore;        /* --ignore values, relative to the model root */
    size_t n_ignore;
    int allow_symlinks;
    int threads;                      /* 0: every core */
    long long shard_size;             /* sign, digest: 0 serializes by files; N > 0 by shards
                                         of N bytes (hashed in parallel within a file) */
} mc_model_files;

/* The bundle's path: f->signature, else PATH/model.sig for a directory and PATH.sig for a
 * file. Caller frees *out. MC_ENOMEM. */
int mc_model_signature_path(char **out, const mc_model_files *f);

/* The subject digest of the model as mc_model_sign would sign it, without signing; *resources
 * (NULL: not wanted) the number of files or shards. Errors as mc_manifest_compute. */
int mc_model_digest(char hex[MC_SHA256_HEX_LEN + 1], size_t *resources, const mc_model_files *f);

typedef struct mc_model_sign_options {
    mc_model_files files;
    const char *cert, *chain;         /* certificate mode: the leaf (and chain) PEM; NULL: key
                                         mode */
    int dsse_only;                    /* write the bare DSSE envelope (spec format dsse_intoto)
                                         instead of the Sigstore bundle around it */
} mc_model_sign_options;

typedef struct mc_model_signed {
    char *signature;                  /* where the bundle was written */
    char subject[MC_SHA256_HEX_LEN + 1];
    size_t resources;
} mc_model_signed;

/* Hashes the model, signs its manifest with `key` and writes the bundle atomically.
 * MC_EINPUT/MC_ENOTFOUND for a bad model, output path or certificate; MC_EIO, MC_ENOMEM.
 * Free *out with mc_model_signed_free. */
int mc_model_sign(mc_model_signed **out, const mc_model_sign_options *o, const mc_key *key);
void mc_model_signed_free(mc_model_signed *s);

/* What a verification found; filled as far as it got, also when it failed. */
typedef struct mc_model_check {
    char signer[512];                 /* "key <hint>" or the certificate's subject */
    char subject[MC_SHA256_HEX_LEN + 1]; /* the signed subject digest, once the bundle verified;
                                            "" before */
    size_t resources;                 /* the signed manifest's resources, once all matched */
} mc_model_check;

/* Verifies the model against the bundle at `signature` with a public key or, key NULL, a
 * chain to the roots in ca_path. ignore_unsigned: files on disk that the bundle does not
 * list are fine. MC_OK when the signature and every file check out; a rejection is MC_EINPUT
 * (or MC_ENOTFOUND) with why: the bundle missing, malformed, oversized or badly signed, a
 * wrong key or root, a changed, added or removed file, a symbolic link. MC_EIO, MC_ENOMEM. */
int mc_model_verify(mc_model_check *res, const mc_model_files *f, const char *signature,
                    const mc_key *key, const char *ca_path, int ignore_unsigned);

/* A file of the model that the caller has read and will act on (validate's signed baseline:
 * its metrics.json), with the bytes it read. */
typedef struct mc_model_bytes {
    const char *name;                 /* its path relative to the model root */
    const void *bytes;
    size_t len;
} mc_model_bytes;

/* mc_model_verify, and then each of the n_read files read must be signed, byte for byte:
 * listed in the signed manifest (not left out by its ignore paths) with the sha256 of these
 * bytes (each shard's, for the shards serialization). A rejection is MC_EINPUT: "NAME is
 * unsigned: the signature leaves it out" or "NAME is not the file that was signed". */
int mc_model_verify_read(mc_model_check *res, const mc_model_files *f, const char *signature,
                         const mc_key *key, const char *ca_path, int ignore_unsigned,
                         const mc_model_bytes *read, size_t n_read);

/* mc_model_verify_read with any trust mc_oms_verify takes (a key, a CA file, or Sigstore
 * keyless: a trusted root and the identity expected). */
int mc_model_verify_trust(mc_model_check *res, const mc_model_files *f, const char *signature,
                          const mc_oms_trust *t, int ignore_unsigned, const mc_model_bytes *read,
                          size_t n_read);

#endif
