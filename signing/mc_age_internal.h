/* The parts of the age implementation (mc_age.h) that its files share and its tests reach:
 * strict base64, the input reader that removes armor, the armor writer, the header, STREAM
 * and the primitives on OpenSSL. Not for use outside signing/ and its tests. */
#ifndef MC_AGE_INTERNAL_H
#define MC_AGE_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "mc_age.h"

#define MC_AGE_INTRO "age-encryption.org/v1"
#define MC_AGE_ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define MC_AGE_ARMOR_END "-----END AGE ENCRYPTED FILE-----"
#define MC_AGE_ARMOR_COLS 64
#define MC_AGE_FILE_KEY 16
#define MC_AGE_TAG 16
#define MC_AGE_NONCE 16

/* ---- keys (mc_age_keys.c) ---------------------------------------------------------------- */

struct mc_age_recipients {
    unsigned char (*pk)[32];
    size_t n;
    char *pass;
    int log2n;
};

typedef struct mc_age_id {
    unsigned char sk[32], pk[32]; /* X25519, when pass is NULL */
    char *pass;                   /* a passphrase for scrypt stanzas */
    int max_log2n;
} mc_age_id;

struct mc_age_identities {
    mc_age_id *v;
    size_t n;
};

int mc_age_x25519_public(unsigned char pk[32], const unsigned char sk[32]);
/* The shared secret into out: MC_OK, or 1 when it is all zero (a low-order share). */
int mc_age_x25519_shared(unsigned char out[32], const unsigned char sk[32],
                         const unsigned char peer[32]);
/* The scrypt wrap key for a 16-byte salt and N = 2^log2n. */
int mc_age_scrypt_key(unsigned char key[32], const char *pass, const unsigned char salt[16],
                      int log2n);

/* ---- base64 (mc_age_armor.c) ------------------------------------------------------- */

/* Standard alphabet, no padding, into out (needs 4*ceil(n/3) + 1); returns the length. */
size_t mc_age_b64_encode(char *out, const unsigned char *in, size_t n);
/* Strict unpadded decoding (age's stanza arguments and bodies): refuses padding, other
 * characters, a length of 4k+1 and non-zero leftover bits (non-canonical). Returns 0 and
 * sets *out_len, or -1. */
int mc_age_b64_decode(unsigned char *out, size_t cap, size_t *out_len, const char *s,
                      size_t n);

/* ---- the reader (mc_age_armor.c) ---------------------------------------------------- */

typedef struct mc_age_src {
    FILE *f;
    const unsigned char *mem; /* a binary age file in memory, read in place (f is NULL) */
    size_t mem_len, mem_pos;
    FILE *own;                /* an armored file in memory, read through fmemopen */
    int armored;
    int ended;              /* armored: the END line was read */
    int short_line;         /* armored: a short line was read, END must come next */
    unsigned long line;     /* armored: the line number in the file */
    unsigned char a[48];
    size_t a_len, a_pos;
    mc_age_result fail;     /* MC_AGE_ARMOR_FAILURE when the armor failed, else MC_AGE_OK */
} mc_age_src;

/* Starts reading an age file from f, armored or not; an armored file's BEGIN line is read
 * here (MC_EINPUT, fail set, when wrong). */
int mc_age_src_open(mc_age_src *s, FILE *f, mc_age_armor_mode mode);
/* The same for an age file in memory (data must outlive s); close with mc_age_src_close. */
int mc_age_src_open_mem(mc_age_src *s, const unsigned char *data, size_t n,
                        mc_age_armor_mode mode);
void mc_age_src_close(mc_age_src *s);
/* Reads up to n bytes of the (de-armored) age file; *got < n only at its end. An armor
 * error is MC_EINPUT with s->fail set; MC_EIO. */
int mc_age_src_read(mc_age_src *s, unsigned char *buf, size_t n, size_t *got);
/* The same, but *p points at the bytes: into the file itself when it is binary and in
 * memory (no copy), else into buf. */
int mc_age_src_next(mc_age_src *s, unsigned char *buf, size_t n, const unsigned char **p,
                    size_t *got);

/* ---- the armor writer (mc_age_armor.c) --------------------------------------------- */

typedef struct mc_age_armor_out {
    mc_age_sink sink;
    void *ctx;
    unsigned char pend[48];
    size_t n_pend;
} mc_age_armor_out;

int mc_age_armor_begin(mc_age_armor_out *a, mc_age_sink sink, void *ctx);
int mc_age_armor_sink(void *a, const unsigned char *data, size_t len);
int mc_age_armor_end(mc_age_armor_out *a);

/* ---- the header (mc_age_header.c) --------------------------------------------------- */

typedef struct mc_age_stanza {
    char *args[MC_AGE_MAX_ARGS]; /* args[0] is the type */
    size_t n_args;
    unsigned char *body;
    size_t body_len;
} mc_age_stanza;

typedef struct mc_age_header {
    mc_age_stanza *st;
    size_t n;
    unsigned char mac[32];
    char *raw;      /* the bytes the MAC covers: the header up to and including "---" */
    size_t raw_len;
} mc_age_header;

/* Reads and checks the header's grammar (a header failure names the line at fault). */
int mc_age_header_read(mc_age_header *h, mc_age_src *src);
/* Adds a stanza to h (copies args and body). */
int mc_age_header_add(mc_age_header *h, const char *const *args, size_t n_args,
                      const unsigned char *body, size_t body_len);
/* The header's text with its MAC under file_key (caller frees *out). */
int mc_age_header_write(char **out, size_t *len, mc_age_header *h,
                        const unsigned char file_key[MC_AGE_FILE_KEY]);
/* The MAC of h->raw under file_key into mac. */
int mc_age_header_mac(unsigned char mac[32], const mc_age_header *h,
                      const unsigned char file_key[MC_AGE_FILE_KEY]);
void mc_age_header_clear(mc_age_header *h);

/* ---- primitives (mc_age_header.c) --------------------------------------------------- */

int mc_age_hkdf(unsigned char *out, size_t out_len, const unsigned char *ikm, size_t ikm_len,
                const unsigned char *salt, size_t salt_len, const char *info);
/* ChaCha20-Poly1305 with a zero nonce: seals n bytes (out gets n + 16). */
int mc_age_aead_seal(unsigned char *out, const unsigned char key[32], const unsigned char *in,
                     size_t n);
/* Opens n bytes (n >= 16) into out (n - 16 bytes). 1 opened, 0 did not, or an mc_code. */
int mc_age_aead_open(unsigned char *out, const unsigned char key[32], const unsigned char *in,
                     size_t n);

/* ---- STREAM (mc_age_stream.c) ------------------------------------------------------- */

/* The payload: a random nonce, then in encrypted chunk by chunk under the payload key
 * derived from file_key. */
int mc_age_stream_encrypt(const unsigned char file_key[MC_AGE_FILE_KEY], FILE *in,
                          mc_age_sink sink, void *ctx);
/* The same from n bytes in memory, sealed in place (no copy). */
int mc_age_stream_encrypt_mem(const unsigned char file_key[MC_AGE_FILE_KEY],
                              const unsigned char *data, size_t n, mc_age_sink sink,
                              void *ctx);
/* Reads the nonce (a short one is a header failure) and the chunks, to the end; failures
 * set info->result. */
int mc_age_stream_decrypt(mc_age_info *info, const unsigned char file_key[MC_AGE_FILE_KEY],
                          mc_age_src *src, mc_age_sink sink, void *ctx);

#endif
