/* age's payload (age-encryption.org/v1, "Payload"): a 16-byte random nonce, the payload key
 * HKDF-SHA256(file key, salt nonce, info "payload"), and the plaintext in chunks of 64 KiB,
 * each sealed with ChaCha20-Poly1305 under a nonce of an 11-byte big-endian counter and a
 * last-chunk flag byte (STREAM). Reading refuses everything that is not exactly such a
 * stream: a missing or short nonce (a header failure, as age), a chunk that does not
 * authenticate at its place (tampered, reordered, swapped), no final chunk (truncated),
 * an empty final chunk after others, data after the final chunk.
 *
 * Both directions stream in blocks of BLOCK_CHUNKS chunks: one read of the input and one call
 * of the sink per block, two blocks in memory at a time whatever the file's size. One chunk
 * a block measured fastest file to file (bench/README.md, "age encryption": larger blocks
 * push the kernel's copies out of the CPU cache and cost more than the system calls they
 * save). The cipher context is keyed once per stream; each chunk sets only its nonce. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mc_age_internal.h"
#include "mc_error.h"

#define SEALED (MC_AGE_CHUNK + MC_AGE_TAG)
#define BLOCK_CHUNKS 1
#define PLAIN_BLOCK ((size_t)BLOCK_CHUNKS * MC_AGE_CHUNK)
#define SEALED_BLOCK ((size_t)BLOCK_CHUNKS * SEALED)

typedef struct stream {
    EVP_CIPHER_CTX *c;
    unsigned char key[32];
    unsigned char nonce[12];
} stream;

/* The payload key, and the context keyed with it once (enc: 1 sealing, 0 opening). */
static int stream_init(stream *s, const unsigned char file_key[MC_AGE_FILE_KEY],
                       const unsigned char nonce[MC_AGE_NONCE], int enc)
{
    memset(s, 0, sizeof *s);
    int rc = mc_age_hkdf(s->key, sizeof s->key, file_key, MC_AGE_FILE_KEY, nonce,
                         MC_AGE_NONCE, "payload");
    if (rc == MC_OK && !(s->c = EVP_CIPHER_CTX_new()))
        rc = mc_error_nomem();
    if (rc == MC_OK && EVP_CipherInit_ex(s->c, EVP_chacha20_poly1305(), NULL, s->key, NULL,
                                         enc) != 1)
        rc = mc_error_set(MC_EINTERNAL, "age: ChaCha20-Poly1305 failed in OpenSSL");
    return rc;
}

static void stream_clear(stream *s)
{
    EVP_CIPHER_CTX_free(s->c);
    OPENSSL_cleanse(s, sizeof *s);
}

static void counter_next(stream *s)
{
    for (int i = 10; i >= 0; i--)
        if (++s->nonce[i] != 0)
            break;
}

/* Seals n bytes (out gets n + 16); the context keeps its key, the nonce is the chunk's. */
static int seal(stream *s, unsigned char *out, const unsigned char *in, size_t n, int last)
{
    int len = 0, fin = 0;
    s->nonce[11] = last ? 1 : 0;
    if (EVP_EncryptInit_ex(s->c, NULL, NULL, NULL, s->nonce) != 1 ||
        EVP_EncryptUpdate(s->c, out, &len, in, (int)n) != 1 ||
        EVP_EncryptFinal_ex(s->c, out + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(s->c, EVP_CTRL_AEAD_GET_TAG, MC_AGE_TAG, out + n) != 1)
        return mc_error_set(MC_EINTERNAL, "age: ChaCha20-Poly1305 failed in OpenSSL");
    return MC_OK;
}

/* Opens n sealed bytes (n >= 16) into out: 1 when they authenticate, else 0. */
static int open_chunk(stream *s, unsigned char *out, const unsigned char *in, size_t n,
                      int last)
{
    int len = 0, fin = 0;
    s->nonce[11] = last ? 1 : 0;
    if (n < MC_AGE_TAG)
        return 0;
    if (EVP_DecryptInit_ex(s->c, NULL, NULL, NULL, s->nonce) != 1 ||
        EVP_CIPHER_CTX_ctrl(s->c, EVP_CTRL_AEAD_SET_TAG, MC_AGE_TAG,
                            (void *)(in + n - MC_AGE_TAG)) != 1 ||
        EVP_DecryptUpdate(s->c, out, &len, in, (int)(n - MC_AGE_TAG)) != 1)
        return mc_error_set(MC_EINTERNAL, "age: ChaCha20-Poly1305 failed in OpenSSL");
    return EVP_DecryptFinal_ex(s->c, out + len, &fin) == 1;
}

/* Reads up to n bytes of in; fewer only at its end. */
static int read_full(FILE *in, unsigned char *buf, size_t n, size_t *got)
{
    size_t o = 0;
    while (o < n) {
        size_t r = fread(buf + o, 1, n - o, in);
        if (r == 0) {
            if (ferror(in))
                return mc_error_set(MC_EIO, "cannot read the file to encrypt");
            break;
        }
        o += r;
    }
    *got = o;
    return MC_OK;
}

/* Seals the n bytes at data (n <= PLAIN_BLOCK) as chunks into out and hands them to the sink
 * in one call; the last chunk is the stream's final one when final is set. */
static int seal_block(stream *s, unsigned char *out, const unsigned char *data, size_t n,
                      int final, mc_age_sink sink, void *ctx)
{
    size_t o = 0;
    for (size_t at = 0;;) {
        size_t k = n - at < MC_AGE_CHUNK ? n - at : MC_AGE_CHUNK;
        int last = at + k == n;
        int rc = seal(s, out + o, data + at, k, last && final);
        if (rc)
            return rc;
        o += k + MC_AGE_TAG;
        if (!(last && final))
            counter_next(s);
        if (last)
            break;
        at += k;
    }
    return sink(ctx, out, o);
}

/* A fresh nonce, the context keyed, the nonce handed to the sink. */
static int stream_begin(stream *s, const unsigned char file_key[MC_AGE_FILE_KEY],
                        mc_age_sink sink, void *ctx)
{
    unsigned char nonce[MC_AGE_NONCE];
    memset(s, 0, sizeof *s);
    if (RAND_bytes(nonce, sizeof nonce) != 1)
        return mc_error_set(MC_EINTERNAL, "age: no random bytes from OpenSSL");
    int rc = stream_init(s, file_key, nonce, 1);
    return rc ? rc : sink(ctx, nonce, sizeof nonce);
}

int mc_age_stream_encrypt_mem(const unsigned char file_key[MC_AGE_FILE_KEY],
                              const unsigned char *data, size_t n, mc_age_sink sink,
                              void *ctx)
{
    unsigned char *out = malloc(SEALED_BLOCK);
    stream s;
    int rc = out ? stream_begin(&s, file_key, sink, ctx) : mc_error_nomem();
    for (size_t at = 0; rc == MC_OK;) {
        size_t k = n - at < PLAIN_BLOCK ? n - at : PLAIN_BLOCK;
        if ((rc = seal_block(&s, out, data + at, k, at + k == n, sink, ctx)) || at + k == n)
            break;
        at += k;
    }
    stream_clear(&s);
    free(out);
    return rc;
}

int mc_age_stream_encrypt(const unsigned char file_key[MC_AGE_FILE_KEY], FILE *in,
                          mc_age_sink sink, void *ctx)
{
    unsigned char *a = malloc(PLAIN_BLOCK), *b = malloc(PLAIN_BLOCK), *out = malloc(SEALED_BLOCK);
    stream s;
    size_t na = 0, nb = 0;
    int rc = a && b && out ? stream_begin(&s, file_key, sink, ctx) : mc_error_nomem();
    if (rc == MC_OK)
        rc = read_full(in, a, PLAIN_BLOCK, &na);
    while (rc == MC_OK) {
        /* A full block is the last only when nothing follows it: the next block tells. */
        int final = na < PLAIN_BLOCK;
        if (!final && (rc = read_full(in, b, PLAIN_BLOCK, &nb)) == MC_OK)
            final = nb == 0;
        if (rc || (rc = seal_block(&s, out, a, na, final, sink, ctx)) || final)
            break;
        unsigned char *t = a;
        a = b;
        b = t;
        na = nb;
    }
    stream_clear(&s);
    OPENSSL_clear_free(a, PLAIN_BLOCK);
    OPENSSL_clear_free(b, PLAIN_BLOCK);
    free(out);
    return rc;
}

static int pfail(mc_age_info *info, unsigned long long chunk, const char *what)
{
    info->result = MC_AGE_PAYLOAD_FAILURE;
    return mc_error_set(MC_EINPUT, "age payload: chunk %llu: %s", chunk + 1, what);
}

/* The sealed chunks of the payload, read a block at a time into two alternating buffers (a
 * chunk stays valid while the next block is read), or pointed at in place in memory. */
typedef struct chunks {
    mc_age_src *src;
    unsigned char *buf[2];
    int cur, eof;
    const unsigned char *p;
    size_t len, pos;
} chunks;

/* The next sealed chunk (*n == 0: the payload's end). */
static int chunk_next(chunks *c, const unsigned char **p, size_t *n)
{
    if (c->pos == c->len) {
        *n = 0;
        if (c->eof)
            return MC_OK;
        c->cur ^= 1;
        int rc = mc_age_src_next(c->src, c->buf[c->cur], SEALED_BLOCK, &c->p, &c->len);
        if (rc)
            return rc;
        c->pos = 0;
        c->eof = c->len < SEALED_BLOCK;
    }
    *n = c->len - c->pos < SEALED ? c->len - c->pos : SEALED;
    *p = c->p + c->pos;
    c->pos += *n;
    return MC_OK;
}

/* Hands the authenticated plaintext gathered in out to the sink. */
static int deliver(mc_age_info *info, unsigned char *out, size_t *filled, mc_age_sink sink,
                   void *ctx)
{
    int rc = *filled ? sink(ctx, out, *filled) : MC_OK;
    if (rc == MC_OK)
        info->plaintext += *filled;
    *filled = 0;
    return rc;
}

int mc_age_stream_decrypt(mc_age_info *info, const unsigned char file_key[MC_AGE_FILE_KEY],
                          mc_age_src *src, mc_age_sink sink, void *ctx)
{
    unsigned char nonce[MC_AGE_NONCE], *out = malloc(PLAIN_BLOCK);
    chunks in = {.src = src, .buf = {malloc(SEALED_BLOCK), malloc(SEALED_BLOCK)}};
    const unsigned char *pa = NULL, *pb = NULL;
    unsigned long long chunk = 0;
    stream s;
    size_t na = 0, nb = 0, got = 0, filled = 0;
    int rc = in.buf[0] && in.buf[1] && out ? MC_OK : mc_error_nomem();
    memset(&s, 0, sizeof s);
    if (rc || (rc = mc_age_src_read(src, nonce, sizeof nonce, &got)))
        goto cleanup;
    if (got < sizeof nonce) {
        info->result = MC_AGE_HEADER_FAILURE;
        rc = mc_error_set(MC_EINPUT, "age: the payload nonce is missing or short (%zu of 16 "
                                     "bytes)", got);
        goto cleanup;
    }
    if ((rc = stream_init(&s, file_key, nonce, 0)) || (rc = chunk_next(&in, &pa, &na)))
        goto cleanup;
    if (na == 0) {
        rc = pfail(info, 0, "no chunk at all (the payload is truncated)");
        goto cleanup;
    }
    for (;;) {
        int ok, last = 0;
        unsigned char *dst = out + filled;
        if (na == SEALED) {
            /* A full chunk: not final, or final (then nothing may follow), as age reads. */
            if ((ok = open_chunk(&s, dst, pa, na, 0)) == 0)
                last = ok = open_chunk(&s, dst, pa, na, 1);
            if (ok < 0 || (rc = chunk_next(&in, &pb, &nb))) {
                rc = ok < 0 ? ok : rc;
                goto cleanup;
            }
        } else if ((ok = open_chunk(&s, dst, pa, na, last = 1)) < 0) {
            rc = ok;
            goto cleanup;
        }
        if (!ok) {
            rc = pfail(info, chunk, na < SEALED ? "does not authenticate as the final chunk "
                                                  "(tampered, truncated or reordered)"
                                                : "does not authenticate (tampered, "
                                                  "reordered or swapped)");
            goto cleanup;
        }
        if (last && na == MC_AGE_TAG && chunk > 0) {
            rc = pfail(info, chunk, "an empty final chunk after others (allowed only when "
                                    "the whole payload is empty)");
            goto cleanup;
        }
        filled += na - MC_AGE_TAG;
        if ((last || filled == PLAIN_BLOCK) && (rc = deliver(info, out, &filled, sink, ctx)))
            goto cleanup;
        if (last && na == SEALED && nb > 0) {
            rc = pfail(info, chunk + 1, "data after the final chunk");
            goto cleanup;
        }
        if (last)
            break;
        if (nb == 0) {
            rc = pfail(info, chunk + 1, "the payload ends without its final chunk (truncated)");
            goto cleanup;
        }
        counter_next(&s);
        chunk++;
        pa = pb;
        na = nb;
    }
cleanup:
    /* The chunks that authenticated before a payload failure are delivered, as they would
       be chunk by chunk. */
    if (rc && info->result == MC_AGE_PAYLOAD_FAILURE && filled)
        deliver(info, out, &filled, sink, ctx);
    stream_clear(&s);
    free(in.buf[0]);
    free(in.buf[1]);
    OPENSSL_clear_free(out, PLAIN_BLOCK);
    return rc;
}
