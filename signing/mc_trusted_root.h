/* A Sigstore trusted root (protobuf-specs dev.sigstore.trustedroot.v1.TrustedRoot, the
 * trusted_root.json that Sigstore's TUF repository distributes): the certificate authorities
 * (Fulcio) that issue signing certificates, the transparency logs (Rekor) and certificate
 * transparency logs whose keys sign entries and SCTs, and the timestamp authorities, each
 * with the time window in which it may be trusted. Read under bounds, every field checked;
 * the public-good instance's root is built in (mc_trusted_root_default). */
#ifndef MC_TRUSTED_ROOT_H
#define MC_TRUSTED_ROOT_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on what a trusted root may hold. */
#define MC_TRUSTED_ROOT_MAX (4u << 20) /* bytes of JSON */
#define MC_TRUSTED_ROOT_MAX_ENTRIES 64 /* authorities or logs of each kind */
#define MC_TRUSTED_ROOT_MAX_CHAIN 10   /* certificates in one authority's chain */

#define MC_TRUSTED_ROOT_MEDIA_TYPE "application/vnd.dev.sigstore.trustedroot+json;version=0.1"

/* A validity window, seconds since the epoch (UTC); end INT64_MAX when open. */
typedef struct mc_tr_window {
    int64_t start, end;
} mc_tr_window;

/* A certificate authority (Fulcio) or a timestamp authority: its chain as the file lists it,
 * the issuing certificate first, the root last. */
typedef struct mc_tr_authority {
    char *uri;
    char *subject;                    /* "organization/commonName", for messages */
    STACK_OF(X509) *chain;
    mc_tr_window valid;
} mc_tr_authority;

/* A transparency log (Rekor) or a certificate transparency log: its key, the log id (for
 * Rekor v1 and CT the SHA-256 of the key's DER), the window its key may be used in. */
typedef struct mc_tr_log {
    char *base_url;
    EVP_PKEY *key;
    unsigned char *key_der;           /* SubjectPublicKeyInfo, DER */
    size_t key_der_len;
    unsigned char log_id[64];
    size_t log_id_len;
    mc_tr_window valid;
} mc_tr_log;

typedef struct mc_trusted_root {
    mc_tr_authority *cas, *tsas;
    size_t n_cas, n_tsas;
    mc_tr_log *tlogs, *ctlogs;
    size_t n_tlogs, n_ctlogs;
} mc_trusted_root;

/* Parses trusted_root.json text (the protobuf JSON mapping, mc_pbjson.h). MC_EINPUT naming
 * the field at fault ("trusted root: ctlogs[1].publicKey.rawBytes: ..."): a wrong media type,
 * a missing or mistyped field, bad base64, a certificate or key that does not decode, a
 * window that ends before it starts, over the limits above. Free with mc_trusted_root_free. */
int mc_trusted_root_parse(mc_trusted_root **out, const char *text, size_t len);
/* Reads and parses a file (at most MC_TRUSTED_ROOT_MAX bytes). MC_ENOTFOUND, MC_EINPUT. */
int mc_trusted_root_load(mc_trusted_root **out, const char *path);
/* The Sigstore public-good instance's trusted root, built in (docs/signing.md says from
 * where and how to replace it). */
int mc_trusted_root_default(mc_trusted_root **out);
void mc_trusted_root_free(mc_trusted_root *tr);

/* The log of logs[0..n) whose id is id, or NULL. */
const mc_tr_log *mc_tr_log_find(const mc_tr_log *logs, size_t n, const unsigned char *id,
                                size_t id_len);
/* 1 when t lies in the window (start <= t <= end). */
int mc_tr_window_has(const mc_tr_window *w, int64_t t);

/* An RFC 3339 time as protobuf's Timestamp JSON writes it ("2022-04-13T20:06:15Z",
 * fractions and offsets allowed; fractions dropped) to seconds since the epoch. MC_EINPUT. */
int mc_rfc3339_parse(int64_t *out, const char *s);

#endif
