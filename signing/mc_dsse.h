/* DSSE v1 envelopes (github.com/secure-systems-lab/dsse, protocol v1.0.0):
 *
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *
 * with LEN the decimal byte count, signed with the key's usual digest (ECDSA
 * P-256: SHA-256, P-384: SHA-384, P-521: SHA-512, Ed25519: none), signatures
 * DER-encoded as OpenSSL and the `cryptography` package write them, payload
 * and signatures in standard base64 (RFC 4648 section 4). The JSON form:
 *
 *   {"payload": B64, "payloadType": TYPE, "signatures": [{"keyid": ID, "sig": B64}]}
 *
 * Nothing here knows in-toto or Sigstore: audit checkpoints and release
 * certificates use it too. */
#ifndef MC_DSSE_H
#define MC_DSSE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>

/* The largest payload we sign or accept (bytes, decoded). */
#define MC_DSSE_PAYLOAD_MAX (64u << 20)
/* The most signatures an envelope may carry. */
#define MC_DSSE_SIGNATURES_MAX 16

/* PAE(type, body); caller frees *out. MC_ENOMEM. */
int mc_dsse_pae(unsigned char **out, size_t *len, const char *type, const void *body, size_t n);

/* Standard base64 of data (NUL-terminated; caller frees). MC_ENOMEM. */
int mc_base64_encode(char **out, const void *data, size_t n);
/* Decodes standard or URL-safe base64, padded or not, line breaks (CR, LF) skipped as Go's
 * and Python's decoders skip them, at most max bytes out; MC_EINPUT on any other character,
 * bad length or padding. Caller frees. */
int mc_base64_decode(unsigned char **out, size_t *len, const char *text, size_t max);

/* Signs PAE(type, payload) with key; *envelope (caller owns) is the JSON form
 * with one signature whose keyid is `keyid` ("" when NULL). MC_EINPUT when
 * the payload is over MC_DSSE_PAYLOAD_MAX, MC_EINTERNAL from OpenSSL. */
int mc_dsse_sign(json_t **envelope, EVP_PKEY *key, const char *keyid, const char *type,
                 const void *payload, size_t n);

/* Checks the envelope's shape (every field typed, bounded, base64 valid) and
 * that at least one of its signatures verifies with key. On success
 * *payload (caller frees, NUL-terminated, *len without the NUL) and *type
 * (caller frees) are what was signed. MC_EINPUT naming the problem: a
 * malformed envelope ("...: not a DSSE envelope: ..."), or "the DSSE
 * signature does not verify with this key". */
int mc_dsse_verify(unsigned char **payload, size_t *len, char **type, const json_t *envelope,
                   EVP_PKEY *key);

/* The in-toto payload type, the one model_signing signs. */
#define MC_DSSE_INTOTO_TYPE "application/vnd.in-toto+json"
/* mc_dsse_verify_ex flag: also accept, for an in-toto payload and an EC key, a signature over
 * model_signing v0.2.0's flawed PAE (docs/signing.md, "Older bundles"); *legacy (may be NULL)
 * says which verified. */
#define MC_DSSE_MODEL_SIGNING_V02 1u
/* mc_dsse_verify with flags (above). The envelope's fields are read by the protobuf JSON
 * mapping: payload_type for payloadType, a null keyid absent. */
int mc_dsse_verify_ex(unsigned char **payload, size_t *len, char **type, int *legacy,
                      const json_t *envelope, EVP_PKEY *key, unsigned flags);

/* Parses JSON text that someone else wrote (duplicate keys refused). jansson
 * can return a wrong value or a syntax error when an allocation fails inside
 * its lexer (akheron/jansson#362), so the text is read twice and the readings
 * must agree: otherwise it is MC_ENOMEM, never a different document.
 * MC_EINPUT on a syntax error, its message jansson's ("<what> at line N"). */
int mc_dsse_json_read(json_t **out, const char *text, size_t len);

/* Raw signature and verification of bytes with the key's usual digest (as
 * above): *sig DER, caller frees. verify sets *valid to 1 (the signature is
 * the key's over msg) or 0 (it is not, or is not a signature: a result, not
 * an error); its only error is MC_ENOMEM. */
int mc_pkey_sign(unsigned char **sig, size_t *siglen, EVP_PKEY *key, const void *msg, size_t n);
int mc_pkey_verify(int *valid, EVP_PKEY *key, const unsigned char *sig, size_t siglen,
                   const void *msg, size_t n);

#endif
