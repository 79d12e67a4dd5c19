/* `modelcert keygen`: a new ECDSA key pair for signing (docs/signing-keys.md), or the
 * public half of a key held in a PKCS #11 token.
 *
 * NAME.key is the private key as PKCS#8 PEM, created with mode 0600 (never wider, not
 * even for a moment); encrypted (PBES2: AES-256-CBC, PBKDF2-HMAC-SHA256 with
 * MC_KEYGEN_PBKDF2_ITER iterations) when a passphrase is given. NAME.pub is the public key
 * as SubjectPublicKeyInfo PEM, mode 0644. Each is written to a temporary file beside it,
 * flushed and then linked (or, with force, renamed) into place. */
#ifndef MC_KEYGEN_H
#define MC_KEYGEN_H

#include "mc_hash.h"

#define MC_KEYGEN_PBKDF2_ITER 600000
/* The longest passphrase file read (bytes). */
#define MC_KEYGEN_PASSPHRASE_FILE_MAX 4096

typedef struct mc_keygen_options {
    const char *name;            /* writes NAME.key and NAME.pub (a NAME ending in .key or
                                    .pub loses that ending first) */
    const char *curve;           /* "p256" (also when NULL), "p384" or "p521" */
    const char *passphrase_file; /* its first line, without the line end; when NULL,
                                    MODELCERT_KEY_PASSPHRASE if set; else no encryption */
    int force;                   /* replace existing files */
} mc_keygen_options;

typedef struct mc_keygen_result {
    char *key_path;  /* NAME.key; NULL for a PKCS #11 public key */
    char *pub_path;  /* NAME.pub */
    const char *curve; /* "P-256", "P-384" or "P-521" (static) */
    int encrypted;   /* the .key has a passphrase */
    /* The key hint model_signing records: hex SHA-256 of NAME.pub's bytes. */
    char hint[MC_SHA256_HEX_LEN + 1];
} mc_keygen_result;

/* Generates a key pair and writes both files. Errors (nothing is left behind): MC_EINPUT
 * for an unknown curve, an empty passphrase, a NAME.key or NAME.pub that exists (without
 * force) or is not a regular file, a directory that is missing or not writable, an
 * unreadable passphrase file (MC_ENOTFOUND when it does not exist); MC_EIO when a write
 * fails; MC_ENOMEM. Free *out's members with mc_keygen_result_clear. */
int mc_keygen_write(mc_keygen_result *out, const mc_keygen_options *opt);

/* Writes NAME.pub from the key a PKCS #11 URI names (mc_pkcs11.h: errors as
 * mc_pkcs11_key_open), for `verify --key`. Same file rules as mc_keygen_write. */
int mc_keygen_pkcs11_public(mc_keygen_result *out, const char *uri, const char *name, int force);

/* Frees the paths in r and clears it; NULL is fine. */
void mc_keygen_result_clear(mc_keygen_result *r);

#endif
