/* `encrypt` and `decrypt` as library calls, one each (docs/encryption.md): the recipients,
 * identities and passphrase gathered from what the command names (a passphrase only from an
 * environment variable or a file, never from the command line), then signing/mc_age.h does
 * the work, file to file, the output written atomically; every decryption is an audit
 * event. */
#ifndef MC_ENCRYPT_H
#define MC_ENCRYPT_H

#include <stddef.h>

#include "mc_age.h"
#include "mc_hash.h"

typedef struct mc_encrypt_options {
    const char *input;                      /* a file, or "-" for standard input */
    const char *output;                     /* a file, or "-" for standard output */
    const char *const *recipients;          /* age1... strings */
    size_t n_recipients;
    const char *const *recipient_files;     /* recipients files */
    size_t n_recipient_files;
    const char *passphrase_env;             /* the passphrase is this variable's value, or */
    const char *passphrase_file;            /* this file's first line; NULL: no passphrase */
    int work_factor;                        /* scrypt log2(N), 10 to 22; 0: 18 */
    int armor;
} mc_encrypt_options;

/* Encrypts input to the recipients (or the passphrase: not both). MC_EINPUT for no
 * recipient, a bad recipient (naming it, or its file:line), a passphrase variable that is
 * unset or empty, an unreadable passphrase file, an output that cannot be written;
 * MC_ENOTFOUND for a missing input or file; MC_EIO; MC_ENOMEM. Nothing is written on
 * failure. */
int mc_encrypt(const mc_encrypt_options *o);

typedef struct mc_decrypt_options {
    const char *input, *output;             /* as for mc_encrypt */
    const char *const *identity_files;      /* age-keygen identity files */
    size_t n_identity_files;
    const char *passphrase_env, *passphrase_file;
    int max_work_factor;                    /* the highest scrypt log2(N) computed, 1 to 22;
                                               0: 22 */
    const char *audit_path;                 /* --audit, or NULL (mc_audit_path decides) */
    const char *command_line;               /* the event's command; NULL: "modelcert" */
} mc_decrypt_options;

typedef struct mc_decrypt_result {
    mc_age_info info;                       /* set on every return */
    char sha256[MC_SHA256_HEX_LEN + 1];     /* the plaintext's digest, when decrypted */
    long long audit_event;                  /* the event appended; 0: none */
    char *audit_path;                       /* the trail as shown (no password); caller frees */
} mc_decrypt_result;

/* Decrypts input with the identities and passphrase, and appends a "decrypt" event to the
 * audit trail (docs/audit.md), verified before any work: who, where, the plaintext's
 * digest, the input and output, which stanza opened (its type and recipient); a file this
 * refuses is recorded too (verdict "refused", the class and reason). Every decryption is
 * recorded: when the event cannot be appended, a file output is removed and the error
 * returned. r->info is set on every return: a file refused is MC_EINPUT with its class there
 * (no match, HMAC failure, payload failure are the file not opening for these keys or not
 * being authentic; armor and header failures are malformed input). Errors as mc_encrypt
 * otherwise, and those of the trail. A file output is all or nothing; to standard output,
 * chunks go out as they authenticate. Free r->audit_path. */
int mc_decrypt(mc_decrypt_result *r, const mc_decrypt_options *o);

struct mc_prediction;
/* `predict --identity`: the age file o->input (a model.mcm encrypted) read, decrypted in
 * memory only (never a clear byte on disk; the plaintext wiped after use), the "decrypt"
 * event appended as mc_decrypt does (output "memory (predict)"), then data_path predicted
 * as mc_predict does (reference/mc_predict.h). Errors as mc_decrypt and mc_predict. Free
 * pred with mc_prediction_clear, r->audit_path with free. */
int mc_predict_decrypted(struct mc_prediction *pred, mc_decrypt_result *r,
                         const mc_decrypt_options *o, const char *data_path);

/* The same for an age-encrypted ONNX model (model.onnx.age, docs/encryption.md "An
 * encrypted ONNX model"): decrypted in memory only, the event's output "memory (predict)",
 * then data_path predicted as mc_onnx_predict does (columns as there). Errors as mc_decrypt
 * and mc_onnx_predict. */
int mc_onnx_predict_decrypted(struct mc_prediction *pred, mc_decrypt_result *r,
                              const mc_decrypt_options *o, const char *data_path,
                              const char *columns);
/* The age file o->input decrypted in memory only, for its clear digest (r->sha256), the
 * plaintext wiped at once; the "decrypt" event appended as mc_decrypt does, with output
 * "memory (<purpose>)" (`verify --certificate --identity`: "verify"). Errors as mc_decrypt;
 * free r->audit_path. */
int mc_decrypt_digest(mc_decrypt_result *r, const mc_decrypt_options *o, const char *purpose);

/* The age file o->input, whose n bytes the caller read into data (so that what it checked,
 * a signature, is what is decrypted; data NULL: read from o->input), decrypted in memory
 * only into *out (*len bytes; the
 * caller wipes and frees it, OPENSSL_clear_free), its "decrypt" event appended as
 * mc_decrypt_digest does. Errors as mc_decrypt; free r->audit_path. */
int mc_decrypt_bytes(unsigned char **out, size_t *len, mc_decrypt_result *r,
                     const mc_decrypt_options *o, const char *purpose, const void *data,
                     size_t n);

#endif
