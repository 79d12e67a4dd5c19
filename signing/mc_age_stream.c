/* age's payload (age-encryption.org/v1, "Payload"): a 16-byte random nonce, the payload key
 * HKDF-SHA256(file key, salt nonce, info "payload"), and the plaintext in chunks of 64 KiB,
 * each sealed with ChaCha20-Poly1305 under a nonce of an 11-byte big-endian counter and a
 * last-chunk flag byte (STREAM). Reading refuses everything that is not exactly such a
 * stream: a missing or short nonce (a header failure, as age), a chunk that does not
 * authenticate at its place (tampered, reordered, swapped), no final chunk (truncated),
 * an empty final chunk after others, data after the final chunk. Both directions stream:
 * two chunks in memory at a time, whatever the file's size. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mc_age_internal.h"
#include "mc_error.h"

#define SEALED (MC_AGE_CHUNK + MC_AGE_TAG)

typedef struct stream {
    EVP_CIPHER_CTX *c;
    unsigned char key[32];
    unsigned char nonce[12];
} stream;

static int stream_init(stream *s, const unsigned char file_key[MC_AGE_FILE_KEY],
                       const unsigned char nonce[MC_AGE_NONCE])
{
    memset(s, 0, sizeof *s);
    int rc = mc_age_hkdf(s->key, sizeof s->key, file_key, MC_AGE_FILE_KEY, nonce,
                         MC_AGE_NONCE, "payload");
    if (rc == MC_OK && !(s->c = EVP_CIPHER_CTX_new()))
        rc = mc_error_nomem();
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

/* Seals n bytes (out gets n + 16). */
static int seal(stream *s, unsigned char *out, const unsigned char *in, size_t n, int last)
{
    int len = 0, fin = 0;
    s->nonce[11] = last ? 1 : 0;
    if (EVP_EncryptInit_ex(s->c, EVP_chacha20_poly1305(), NULL, s->key, s->nonce) != 1 ||
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
    if (EVP_DecryptInit_ex(s->c, EVP_chacha20_poly1305(), NULL, s->key, s->nonce) != 1 ||
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

int mc_age_stream_encrypt_mem(const unsigned char file_key[MC_AGE_FILE_KEY],
                              const unsigned char *data, size_t n, mc_age_sink sink,
                              void *ctx)
{
    unsigned char nonce[MC_AGE_NONCE], *out = malloc(SEALED);
    stream s;
    int rc = out ? MC_OK : mc_error_nomem();
    memset(&s, 0, sizeof s);
    if (rc == MC_OK && RAND_bytes(nonce, sizeof nonce) != 1)
        rc = mc_error_set(MC_EINTERNAL, "age: no random bytes from OpenSSL");
    if (rc || (rc = stream_init(&s, file_key, nonce)) || (rc = sink(ctx, nonce, sizeof nonce)))
        goto cleanup;
    for (size_t at = 0;;) {
        size_t k = n - at < MC_AGE_CHUNK ? n - at : MC_AGE_CHUNK;
        int last = at + k == n;
        if ((rc = seal(&s, out, data + at, k, last)) || (rc = sink(ctx, out, k + MC_AGE_TAG)))
            goto cleanup;
        if (last)
            break;
        at += k;
        counter_next(&s);
    }
cleanup:
    stream_clear(&s);
    free(out);
    return rc;
}

int mc_age_stream_encrypt(const unsigned char file_key[MC_AGE_FILE_KEY], FILE *in,
                          mc_age_sink sink, void *ctx)
{
    unsigned char nonce[MC_AGE_NONCE];
    unsigned char *a = malloc(MC_AGE_CHUNK), *b = malloc(MC_AGE_CHUNK), *out = malloc(SEALED);
    stream s;
    size_t na = 0, nb = 0;
    int rc = a && b && out ? MC_OK : mc_error_nomem();
    memset(&s, 0, sizeof s);
    if (rc == MC_OK && RAND_bytes(nonce, sizeof nonce) != 1)
        rc = mc_error_set(MC_EINTERNAL, "age: no random bytes from OpenSSL");
    if (rc || (rc = stream_init(&s, file_key, nonce)) || (rc = sink(ctx, nonce, sizeof nonce)))
        goto cleanup;
    if ((rc = read_full(in, a, MC_AGE_CHUNK, &na)))
        goto cleanup;
    for (;;) {
        int last = na < MC_AGE_CHUNK;
        if (!last) {
            if ((rc = read_full(in, b, MC_AGE_CHUNK, &nb)))
                goto cleanup;
            last = nb == 0;
        }
        if ((rc = seal(&s, out, a, na, last)) || (rc = sink(ctx, out, na + MC_AGE_TAG)))
            goto cleanup;
        if (last)
            break;
        counter_next(&s);
        unsigned char *t = a;
        a = b;
        b = t;
        na = nb;
    }
cleanup:
    stream_clear(&s);
    OPENSSL_clear_free(a, MC_AGE_CHUNK);
    OPENSSL_clear_free(b, MC_AGE_CHUNK);
    free(out);
    return rc;
}

static int pfail(mc_age_info *info, unsigned long long chunk, const char *what)
{
    info->result = MC_AGE_PAYLOAD_FAILURE;
    return mc_error_set(MC_EINPUT, "age payload: chunk %llu: %s", chunk + 1, what);
}

int mc_age_stream_decrypt(mc_age_info *info, const unsigned char file_key[MC_AGE_FILE_KEY],
                          mc_age_src *src, mc_age_sink sink, void *ctx)
{
    unsigned char nonce[MC_AGE_NONCE];
    unsigned char *a = malloc(SEALED), *b = malloc(SEALED), *out = malloc(MC_AGE_CHUNK);
    const unsigned char *pa = NULL, *pb = NULL;
    unsigned long long chunk = 0;
    stream s;
    size_t na = 0, nb = 0, got = 0;
    int rc = a && b && out ? MC_OK : mc_error_nomem();
    memset(&s, 0, sizeof s);
    if (rc || (rc = mc_age_src_read(src, nonce, sizeof nonce, &got)))
        goto cleanup;
    if (got < sizeof nonce) {
        info->result = MC_AGE_HEADER_FAILURE;
        rc = mc_error_set(MC_EINPUT, "age: the payload nonce is missing or short (%zu of 16 "
                                     "bytes)", got);
        goto cleanup;
    }
    if ((rc = stream_init(&s, file_key, nonce)) ||
        (rc = mc_age_src_next(src, a, SEALED, &pa, &na)))
        goto cleanup;
    if (na == 0) {
        rc = pfail(info, 0, "no chunk at all (the payload is truncated)");
        goto cleanup;
    }
    for (;;) {
        int ok, last = 0;
        if (na == SEALED) {
            /* A full chunk: not final, or final (then nothing may follow), as age reads. */
            if ((ok = open_chunk(&s, out, pa, na, 0)) == 0)
                last = ok = open_chunk(&s, out, pa, na, 1);
            if (ok < 0 || (rc = mc_age_src_next(src, b, SEALED, &pb, &nb))) {
                rc = ok < 0 ? ok : rc;
                goto cleanup;
            }
        } else if ((ok = open_chunk(&s, out, pa, na, last = 1)) < 0) {
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
        if (na > MC_AGE_TAG && (rc = sink(ctx, out, na - MC_AGE_TAG)))
            goto cleanup;
        info->plaintext += na - MC_AGE_TAG;
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
        unsigned char *t = a; /* pb points into b or the file: the next read goes to a */
        a = b;
        b = t;
        pa = pb;
        na = nb;
    }
cleanup:
    stream_clear(&s);
    free(a);
    free(b);
    OPENSSL_clear_free(out, MC_AGE_CHUNK);
    return rc;
}
