/* Signing keys: ECDSA keys on P-256, P-384 or P-521, as OMS key mode uses them
 * (docs/signing.md), loaded from a key reference (parsed by mc_keyref.h), one of
 *   PATH           a PEM file: PKCS#8 or SEC1 private key (possibly encrypted),
 *                  or a SubjectPublicKeyInfo public key / an X.509 certificate
 *   file:PATH      the same, spelled as the spec's `signing.key` spells it
 *   env:VAR        the variable holds the PEM text itself, or a pkcs11: URI
 *   pkcs11:...     an RFC 7512 URI of a key in a PKCS #11 token (mc_pkcs11.h)
 *
 * A passphrase for an encrypted private key comes from MODELCERT_KEY_PASSPHRASE,
 * or from the first line of a passphrase file (never from the command line).
 *
 * Errors go through the thread's last-error record (mc_error.h), as everywhere. */
#ifndef MC_KEY_H
#define MC_KEY_H

#include <openssl/evp.h>
#include <stddef.h>

#include "mc_error.h"
#include "mc_hash.h"

typedef struct mc_key mc_key;

/* The largest key or certificate file read (bytes). */
#define MC_KEY_FILE_MAX (64 * 1024)

/* Loads a private key for signing. MC_ENOTFOUND when the file or variable is
 * missing; MC_EINPUT for a file that holds no private key, an encrypted key
 * without a passphrase, a wrong passphrase, an RSA, Ed25519 or other non-EC
 * key, or a curve other than P-256/384/521. A key file that its group or others
 * may read loads, with a warning (mc_key_warning). Free with mc_key_free. */
int mc_key_load_private(mc_key **out, const char *ref);
/* As mc_key_load_private, with the passphrase read from passphrase_file (its
 * first line, without the line end) when it is not NULL. */
int mc_key_load_private_with(mc_key **out, const char *ref, const char *passphrase_file);
/* Loads a public key for verification: a SubjectPublicKeyInfo PEM, a private
 * key file (its public half), or an X.509 certificate PEM (its key). Errors
 * as mc_key_load_private. */
int mc_key_load_public(mc_key **out, const char *ref);
/* Wraps a key already held (taking one reference to pkey; the caller keeps
 * its own). MC_EINPUT when it is not an EC key on a supported curve. */
int mc_key_from_pkey(mc_key **out, EVP_PKEY *pkey);

/* The key (owned by k: do not free). */
EVP_PKEY *mc_key_pkey(const mc_key *k);
/* "P-256", "P-384" or "P-521". */
const char *mc_key_curve(const mc_key *k);
/* A warning about the key (e.g. a private key file others may read), or NULL:
 * the caller decides whether and how to show it. Owned by k. */
const char *mc_key_warning(const mc_key *k);
/* The public key as SubjectPublicKeyInfo PEM text (owned by k). */
const char *mc_key_public_pem(const mc_key *k);
/* The key hint model_signing records: lowercase hex SHA-256 of the public
 * key's SubjectPublicKeyInfo PEM text (owned by k). */
const char *mc_key_hint(const mc_key *k);
/* Frees the key; NULL is fine. */
void mc_key_free(mc_key *k);

#endif
