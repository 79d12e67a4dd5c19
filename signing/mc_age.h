/* The age file format, v1 (age-encryption.org/v1), with OpenSSL 3 only (docs/encryption.md):
 * X25519 recipients (`age1...`) and identities (`AGE-SECRET-KEY-1...`, age-keygen files),
 * scrypt passphrases, the header and its MAC, the payload as ChaCha20-Poly1305 STREAM in
 * 64 KiB chunks, and the ASCII armor. Files written here decrypt with the `age` tool and
 * the reverse; the age project's test vectors (tests/fixtures/age-testkit) all agree.
 *
 * Decryption refuses hostile input with a message naming what failed (mc_error_last) and,
 * in mc_age_info, the class of the failure as the age test vectors name them. Keys and
 * file keys are wiped (OPENSSL_cleanse) once used. */
#ifndef MC_AGE_H
#define MC_AGE_H

#include <stddef.h>
#include <stdio.h>

/* Hostile-input limits on decryption. */
#define MC_AGE_MAX_HEADER (256u * 1024)  /* header bytes, up to the MAC line */
#define MC_AGE_MAX_STANZAS 256            /* recipient stanzas in a header */
#define MC_AGE_MAX_ARGS 16                /* arguments of a stanza, its type included */
#define MC_AGE_MAX_LINE 4096              /* one header line (a stanza's arguments) */
#define MC_AGE_MAX_BODY (16u * 1024)      /* one stanza's body, decoded */
#define MC_AGE_SCRYPT_MAX_LOG2N 22        /* as age: N = 2^22 (4 GiB, seconds of work) */
#define MC_AGE_SCRYPT_DEFAULT_LOG2N 18    /* what encryption uses unless told (as age) */
#define MC_AGE_MAX_PASSPHRASE 4096
#define MC_AGE_CHUNK 65536                /* plaintext bytes per STREAM chunk */

typedef struct mc_age_recipients mc_age_recipients;
typedef struct mc_age_identities mc_age_identities;

/* How a decryption ended, in the age test vectors' terms. */
typedef enum mc_age_result {
    MC_AGE_OK = 0,
    MC_AGE_ARMOR_FAILURE,   /* the ASCII armor is malformed */
    MC_AGE_HEADER_FAILURE,  /* the header is malformed or a stanza is (a low-order share, a
                               work factor over the cap, a file key of the wrong size) */
    MC_AGE_NO_MATCH,        /* no identity or passphrase opens a stanza */
    MC_AGE_HMAC_FAILURE,    /* the file key opened but the header MAC is wrong */
    MC_AGE_PAYLOAD_FAILURE, /* the payload does not authenticate to its end (tampered,
                               truncated, reordered, trailing data) */
    MC_AGE_ERROR            /* not the file's fault: memory, I/O, a bad argument */
} mc_age_result;

typedef struct mc_age_info {
    mc_age_result result;        /* set on every return */
    size_t stanza;               /* on success: the index of the stanza that opened */
    char type[16];               /* its type: "X25519" or "scrypt" */
    char recipient[128];         /* the age1 recipient of the identity that opened it, or
                                    "passphrase" */
    unsigned long long plaintext; /* bytes handed to the sink (also on failure) */
} mc_age_info;

/* Receives output bytes; returns MC_OK or an mc_code it recorded. */
typedef int (*mc_age_sink)(void *ctx, const unsigned char *data, size_t len);

/* Recipients: X25519 public keys, or one passphrase (never both: age allows an scrypt
 * stanza only alone). */
int mc_age_recipients_new(mc_age_recipients **out);
/* Adds an `age1...` string. MC_EINPUT naming what is wrong with it. */
int mc_age_recipients_add(mc_age_recipients *r, const char *text);
/* Adds each recipient of a recipients file: one per line, blank lines and lines starting
 * with '#' skipped; MC_EINPUT at file:line for anything else. */
int mc_age_recipients_add_file(mc_age_recipients *r, const char *path);
/* Encrypts to a passphrase with scrypt work factor 2^log2n (10 to 22; 0: 18). */
int mc_age_recipients_set_passphrase(mc_age_recipients *r, const char *pass, int log2n);
/* The stanzas a file encrypted to r will have (X25519 recipients, or 1 for a passphrase). */
size_t mc_age_recipients_count(const mc_age_recipients *r);
void mc_age_recipients_free(mc_age_recipients *r);

/* Identities: X25519 secret keys and passphrases to try, in order. */
int mc_age_identities_new(mc_age_identities **out);
/* Adds an `AGE-SECRET-KEY-1...` string. MC_EINPUT naming what is wrong. */
int mc_age_identities_add(mc_age_identities *ids, const char *text);
/* Adds each identity of an age-keygen identity file (comments and blank lines skipped). */
int mc_age_identities_add_file(mc_age_identities *ids, const char *path);
/* Adds a passphrase for scrypt stanzas, with the highest work factor it will compute
 * (1 to MC_AGE_SCRYPT_MAX_LOG2N; 0: that maximum). A stanza asking for more is a header
 * failure before any work. */
int mc_age_identities_add_passphrase(mc_age_identities *ids, const char *pass, int max_log2n);
size_t mc_age_identities_count(const mc_age_identities *ids);
void mc_age_identities_free(mc_age_identities *ids);

/* The recipient string of an identity string (what age-keygen -y prints) into out. */
int mc_age_identity_to_recipient(char *out, size_t cap, const char *identity);

/* Encrypts everything read from in to r, armored or not, handing the age file to sink.
 * MC_EINPUT (no recipients), MC_EIO (reading in), MC_ENOMEM, or the sink's code. */
int mc_age_encrypt_stream(FILE *in, const mc_age_recipients *r, int armor, mc_age_sink sink,
                          void *ctx);

/* The same from n bytes in memory, sealed in place (the clear bytes are never copied
 * elsewhere: for a model that must not touch the disk in clear). */
int mc_age_encrypt_memory(const void *data, size_t n, const mc_age_recipients *r, int armor,
                          mc_age_sink sink, void *ctx);

/* How decryption treats armor: detect it (a file starting with whitespace or '-' is
 * armored), require it, or refuse it. */
typedef enum mc_age_armor_mode { MC_AGE_ARMOR_AUTO, MC_AGE_ARMOR_YES, MC_AGE_ARMOR_NO }
    mc_age_armor_mode;

/* Decrypts the age file read from in, handing the plaintext to sink chunk by chunk as each
 * authenticates (a later failure leaves earlier chunks delivered: info->plaintext says how
 * many bytes). *info is set on every return. MC_EINPUT for every refusal of the file (the
 * class in info->result, the reason in mc_error_last), MC_EIO, MC_ENOMEM. */
int mc_age_decrypt_stream(mc_age_info *info, FILE *in, mc_age_armor_mode armor,
                          const mc_age_identities *ids, mc_age_sink sink, void *ctx);

/* The same for an age file of n bytes in memory (read in place when binary). */
int mc_age_decrypt_buffer(mc_age_info *info, const void *data, size_t n,
                          mc_age_armor_mode armor, const mc_age_identities *ids,
                          mc_age_sink sink, void *ctx);

/* File to file: in ("-": standard input) encrypted to out ("-": standard output), written
 * atomically (a temporary file beside out, flushed, renamed: never a partial out). The input
 * is read with bounded reads, never mapped: a file truncated while it is read ends early
 * (on decryption a payload failure), it never stops the process. */
int mc_age_encrypt_file(const char *in, const char *out, const mc_age_recipients *r,
                        int armor);
/* File to file, atomically (the clear output is mode 0600 and is removed on any failure;
 * to standard output, chunks go out as they authenticate). sha256, when not NULL, gets the
 * SHA-256 of the plaintext on success. */
int mc_age_decrypt_file(mc_age_info *info, const char *in, const char *out,
                        const mc_age_identities *ids, unsigned char sha256[32]);
/* An age file in memory decrypted to memory, at most max bytes of plaintext (MC_EINPUT
 * beyond), read in place when binary, into one buffer allocated once (never moved, so no
 * stray copy of the plaintext is left in freed memory). *out (caller wipes and frees,
 * OPENSSL_clear_free) is set only on success; a partial plaintext is wiped. */
int mc_age_decrypt_memory(unsigned char **out, size_t *len, mc_age_info *info,
                          const void *data, size_t n, const mc_age_identities *ids,
                          size_t max);

/* The same for the age file at path ("-": standard input), read chunk by chunk (never
 * mapped): the ciphertext is never all in memory, only the plaintext is, in one buffer
 * sized from the file's size. */
int mc_age_decrypt_path_memory(unsigned char **out, size_t *len, mc_age_info *info,
                               const char *path, const mc_age_identities *ids, size_t max);

/* A name for a result class ("success", "no match", "HMAC failure", ...). */
const char *mc_age_result_name(mc_age_result r);

#endif
