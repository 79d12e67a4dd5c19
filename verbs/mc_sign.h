/* The signing verbs as library calls, one each (docs/signing.md): sign a
 * model (a directory or one file) into an OMS bundle, verify it, print its
 * digest. Each loads its key from the reference it is given, calls the
 * primitive of signing/mc_model_sign.h with it, and (sign, verify) appends an
 * audit event (docs/audit.md). */
#ifndef MC_SIGN_H
#define MC_SIGN_H

#include <stddef.h>

#include "mc_hash.h"
#include "mc_model_sign.h"

typedef struct mc_sign_common {
    mc_model_files files;             /* the model, its bundle and how its files are hashed */
    const char *audit_path;           /* --audit, or NULL (mc_audit_path decides) */
    int no_audit;
    const char *command_line;         /* the event's command; NULL: "modelcert" */
} mc_sign_common;

typedef struct mc_sign_options {
    mc_sign_common c;
    const char *key;                  /* a key reference (mc_keyref.h) (required) */
    const char *passphrase_file;      /* NULL: MODELCERT_KEY_PASSPHRASE */
    const char *cert, *chain;         /* certificate mode: the leaf (and chain) PEM; NULL: key mode */
} mc_sign_options;

typedef struct mc_sign_result {
    char *signature;                  /* where the bundle was written */
    char *warning;                    /* a warning about the key (mc_key_warning), or NULL */
    char subject[MC_SHA256_HEX_LEN + 1];
    size_t resources;
    char *audit_path;                 /* the trail, as shown (no password); NULL: no event */
    long long audit_event;
} mc_sign_result;

/* Loads the key (once), hashes the model, signs the manifest and writes
 * the bundle atomically (mc_model_sign), then appends a "sign" event.
 * MC_EINPUT/MC_ENOTFOUND for bad input (key, model, certificate), MC_EIO,
 * MC_ENOMEM. Free with mc_sign_result_free. */
int mc_sign_model(mc_sign_result **out, const mc_sign_options *o);
void mc_sign_result_free(mc_sign_result *r);

typedef struct mc_verify_options {
    mc_sign_common c;
    const char *key;                  /* a public key reference, or NULL with ca */
    const char *ca;                   /* root certificates (PEM), or NULL with key */
    /* Sigstore keyless (instead of key or ca): the identity expected (exactly, or a regular
       expression), the OIDC issuer, and the trusted root (NULL: the public-good one built
       in). */
    const char *identity, *identity_regexp, *issuer, *trusted_root;
    int ignore_unsigned;              /* files on disk that the bundle does not list are fine */
    const char *certificate;          /* a release certificate of the run to check too (key
                                         mode; mc_release.h), or NULL */
    const mc_model_bytes *read;       /* files the caller read and acts on: each must be signed,
                                         byte for byte (mc_model_verify_read); NULL: none */
    size_t n_read;
    /* With certificate, for an encrypted run: the keys that open its model.mcm.age, decrypted
       in memory only (an audited decryption) and checked against the certified clear
       model's digest; NULL: the age file's digest only. input is set by the verb. */
    const struct mc_decrypt_options *decrypt;
} mc_verify_options;

typedef struct mc_verify_result {
    int verified;                     /* 1: the signature and every file check out */
    char reason[1200];                /* when not verified: what failed */
    char signer[512];                 /* "key <hint>" or the certificate's subject */
    char *signature;                  /* the bundle read */
    char subject[MC_SHA256_HEX_LEN + 1]; /* the signed subject digest (when the bundle verified) */
    size_t resources;
    char *audit_path;
    long long audit_event;
} mc_verify_result;

/* Verifies the model against its bundle. A failed verification is a result
 * (verified 0, reason set), whatever failed: the bundle missing, malformed,
 * oversized or badly signed, a wrong key or root, a changed, added or removed
 * file, a symbolic link. Errors are for bad usage or environment: a public
 * key or CA file that does not load, the model path missing (MC_ENOTFOUND),
 * MC_EIO, MC_ENOMEM. Appends a "verify" event either way. */
int mc_verify_model(mc_verify_result **out, const mc_verify_options *o);
void mc_verify_result_free(mc_verify_result *r);

/* The check of a signed run (validate --baseline RUN --baseline-key PUB |
 * --baseline-ca ROOT; reproduce --key): RUN must be a run directory whose default bundle
 * verifies (no audit event of its own), and each of the n_read files of the run that the
 * caller read (the baseline's metrics.json; reproduce's run.json, metrics.json, spec.json
 * and model) must be signed with these very bytes: a file the bundle leaves out is refused,
 * "the <what>'s signature does not verify: NAME is unsigned: ..." (mc_model_verify_read).
 * On MC_OK *subject and signer are set; MC_EINPUT "the <what>'s signature does not verify:
 * <why>" otherwise. */
int mc_sign_check_run_read(char subject[MC_SHA256_HEX_LEN + 1], char *signer,
                           size_t signer_size, const char *what, const char *run_dir,
                           const char *key, const char *ca, int threads,
                           const mc_model_bytes *read, size_t n_read);

/* Whom a signed run must be signed by: a key, a CA, or a Sigstore keyless identity (the
 * identity or a regular expression for it, the OIDC issuer, the trusted root or NULL for the
 * built-in public-good one), exactly one of the three. */
typedef struct mc_run_trust {
    const char *key, *ca;
    const char *identity, *identity_regexp, *issuer, *trusted_root;
} mc_run_trust;

/* mc_sign_check_run_read with any signer: a key, a CA, or keyless (validate
 * --baseline-certificate-identity ...). */
int mc_sign_check_run_trust(char subject[MC_SHA256_HEX_LEN + 1], char *signer,
                            size_t signer_size, const char *what, const char *run_dir,
                            const mc_run_trust *trust, int threads, const mc_model_bytes *read,
                            size_t n_read);

/* The subject digest of the model as `sign` would sign it (the default
 * signature name and the --ignore paths left out), without signing
 * (mc_model_digest). */
int mc_digest_model(char hex[MC_SHA256_HEX_LEN + 1], size_t *resources, const mc_sign_common *o);

#endif
