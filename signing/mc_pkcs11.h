/* Signing keys held in a PKCS #11 token (a smart card, an HSM, SoftHSM2), named by an
 * RFC 7512 URI as model_signing and p11-kit name them (docs/signing-keys.md):
 *
 *   pkcs11:token=release;object=model-signing?module-path=/usr/lib/softhsm/libsofthsm2.so
 *          &pin-source=file:/home/alice/.config/modelcert/pin
 *
 * Path attributes select the token and the key: token, manufacturer, serial, model,
 * slot-description, slot-manufacturer, slot-id, library-manufacturer,
 * library-description (the token), object (the key's label), id (its CKA_ID bytes,
 * percent-encoded) and type (private, the only one a signing key can have). At least one
 * of object and id is needed. Query attributes: module-path (an absolute path; else
 * MODELCERT_PKCS11_MODULE), and pin-source (file:/ABS/PATH or /ABS/PATH: the file's first
 * line, without its line end) or pin-value (else MODELCERT_PKCS11_PIN). Any other attribute,
 * a bad escape, an unencoded reserved character, a duplicate, or a URI over
 * MC_PKCS11_URI_MAX bytes is MC_EINPUT naming the column (the parser: mc_pkcs11_uri.h).
 *
 * Loading modules, sessions and the token's signing go through libp11 (Debian
 * libp11-3): its EC key method makes every signature inside the token, and OpenSSL 3's
 * EVP_DigestSign* reaches it through the key's legacy method.
 *
 * Errors go through the thread's last-error record (mc_error.h), as everywhere. */
#ifndef MC_PKCS11_H
#define MC_PKCS11_H

#include <openssl/evp.h>

#include "mc_error.h"
#include "mc_pkcs11_uri.h"

typedef struct mc_pkcs11_key mc_pkcs11_key;

/* Opens the private key `uri` names: loads the module, finds the one token and the one
 * private key that match, logs in with the PIN. The key must be ECDSA on P-256, P-384 or
 * P-521, with its public half readable on the token (a public-key object or certificate
 * with the same id, as pkcs11-tool --keypairgen makes). Errors: MC_EINPUT for a malformed
 * URI, no PIN for a token that needs one, a wrong or locked PIN, a file that is not a
 * PKCS #11 module, several matching tokens or keys, a non-EC key or another curve;
 * MC_ENOTFOUND for a module, PIN file, token or key that does not exist; MC_EIO when the
 * module or token fails; MC_ENOMEM. *out is set only on success. Messages quote the URI's
 * path part only, never its query (which may hold a pin-value). Open, use and free
 * these keys from one thread at a time. */
int mc_pkcs11_key_open(mc_pkcs11_key **out, const char *uri);
/* As mc_pkcs11_key_open, for a URI parsed already (mc_pkcs11_uri_parse of `uri`, which
 * messages quote without its query). */
int mc_pkcs11_key_open_uri(mc_pkcs11_key **out, const mc_pkcs11_uri *u, const char *uri);

/* The key for EVP_DigestSignInit/EVP_DigestSign (the signature is made in the token;
 * the digest is computed by OpenSSL) and for exporting its public half. Owned by k:
 * valid only while k lives. EVP_PKEY_up_ref is fine as long as that reference is
 * released before mc_pkcs11_key_free(k). */
EVP_PKEY *mc_pkcs11_key_pkey(mc_pkcs11_key *k);

/* The token key's public half as SubjectPublicKeyInfo PEM text ("-----BEGIN PUBLIC
 * KEY-----..."); the caller frees *pem_out. MC_ENOMEM. */
int mc_pkcs11_key_public_pem(const mc_pkcs11_key *k, char **pem_out);

/* Frees the key. Keys open on the same module share one loaded module (and its login);
 * freeing the last of them finalizes and unloads it, which ends its sessions and login.
 * NULL is fine. */
void mc_pkcs11_key_free(mc_pkcs11_key *k);

#endif
