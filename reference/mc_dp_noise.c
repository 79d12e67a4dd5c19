#include "mc_dp_noise.h"

#include <math.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_math.h"

#define STREAM_WORDS 512 /* 64-bit words of keystream per refill (4 KiB) */

struct mc_dp_stream {
    uint8_t key[MC_DP_KEY_LEN];
    EVP_CIPHER_CTX *ctx;
    uint64_t words[STREAM_WORDS];
    size_t next; /* index of the next unused word; STREAM_WORDS: refill */
};

int mc_dp_key_derive(uint8_t key[MC_DP_KEY_LEN], const char *secret, size_t len, uint64_t seed)
{
    static const char label[] = "modelcert/dp-sgd/v1";
    unsigned char msg[sizeof label - 1 + 8];
    unsigned int out_len = 0;
    if (len < MC_DP_SECRET_MIN)
        return mc_error_set(MC_EINPUT, "the secret has %zu bytes; it needs at least %d", len,
                            MC_DP_SECRET_MIN);
    memcpy(msg, label, sizeof label - 1);
    for (int i = 0; i < 8; i++)
        msg[sizeof label - 1 + (size_t)i] = (unsigned char)(seed >> (8 * i));
    if (!HMAC(EVP_sha256(), secret, (int)len, msg, sizeof msg, key, &out_len) ||
        out_len != MC_DP_KEY_LEN)
        return mc_error_set(MC_EINTERNAL, "HMAC-SHA256 failed in OpenSSL");
    return MC_OK;
}

int mc_dp_stream_create(mc_dp_stream **out, const uint8_t key[MC_DP_KEY_LEN])
{
    mc_dp_stream *s = calloc(1, sizeof *s);
    if (!s)
        return mc_error_nomem();
    memcpy(s->key, key, MC_DP_KEY_LEN);
    s->next = STREAM_WORDS;
    if (!(s->ctx = EVP_CIPHER_CTX_new())) {
        free(s);
        return mc_error_nomem();
    }
    *out = s;
    return MC_OK;
}

void mc_dp_stream_free(mc_dp_stream *s)
{
    if (!s)
        return;
    EVP_CIPHER_CTX_free(s->ctx);
    memset(s->key, 0, sizeof s->key);
    free(s);
}

int mc_dp_stream_start(mc_dp_stream *s, mc_dp_purpose purpose, uint64_t step)
{
    /* OpenSSL's ChaCha20 IV: a 32-bit block counter, then the 96-bit nonce
     * (purpose, step), all little-endian. */
    unsigned char iv[16] = {0};
    iv[4] = (unsigned char)purpose;
    for (int i = 0; i < 8; i++)
        iv[8 + i] = (unsigned char)(step >> (8 * i));
    s->next = STREAM_WORDS;
    if (EVP_EncryptInit_ex(s->ctx, EVP_chacha20(), NULL, s->key, iv) != 1)
        return mc_error_set(MC_EINTERNAL, "ChaCha20 failed in OpenSSL");
    return MC_OK;
}

static int refill(mc_dp_stream *s)
{
    int len = 0;
    memset(s->words, 0, sizeof s->words);
    unsigned char *b = (unsigned char *)s->words;
    if (EVP_EncryptUpdate(s->ctx, b, &len, b, (int)sizeof s->words) != 1 ||
        len != (int)sizeof s->words)
        return mc_error_set(MC_EINTERNAL, "ChaCha20 failed in OpenSSL");
    /* The keystream's bytes as little-endian words, whatever the host's order. */
    for (size_t i = 0; i < STREAM_WORDS; i++) {
        const unsigned char *p = b + 8 * i;
        uint64_t w = 0;
        for (int k = 7; k >= 0; k--)
            w = (w << 8) | p[k];
        s->words[i] = w;
    }
    s->next = 0;
    return MC_OK;
}

int mc_dp_stream_uniform(mc_dp_stream *s, double *u)
{
    if (s->next == STREAM_WORDS) {
        int rc = refill(s);
        if (rc)
            return rc;
    }
    uint64_t w = s->words[s->next++] >> 11;                    /* 53 bits */
    *u = ((double)w + 1.0) * (1.0 / 9007199254740992.0); /* (0, 1] */
    return MC_OK;
}

int mc_dp_poisson_sample(uint32_t *rows, size_t *m, mc_dp_stream *s, size_t n, double q)
{
    size_t k = 0;
    if (q >= 1.0) {
        for (size_t i = 0; i < n; i++)
            rows[k++] = (uint32_t)i;
        *m = k;
        return MC_OK;
    }
    if (q > 0.0) {
        /* The gap before the next chosen row is geometric: floor(log u / log(1 - q)). */
        double l1q = mc_log(1.0 - q);
        double pos = -1.0;
        for (;;) {
            double u;
            int rc = mc_dp_stream_uniform(s, &u);
            if (rc)
                return rc;
            pos += 1.0 + floor(mc_log(u) / l1q);
            if (pos >= (double)n)
                break;
            rows[k++] = (uint32_t)pos;
        }
    }
    *m = k;
    return MC_OK;
}

int mc_dp_add_gaussian(float *out, size_t n, double scale, mc_dp_stream *s)
{
    size_t i = 0;
    while (i < n) {
        double u, v, r2;
        do {
            int rc = mc_dp_stream_uniform(s, &u);
            if (rc == MC_OK)
                rc = mc_dp_stream_uniform(s, &v);
            if (rc)
                return rc;
            u = 2.0 * u - 1.0;
            v = 2.0 * v - 1.0;
            r2 = u * u + v * v;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = sqrt(-2.0 * mc_log(r2) / r2);
        out[i] = (float)((double)out[i] + scale * (u * f));
        if (++i < n) {
            out[i] = (float)((double)out[i] + scale * (v * f));
            i++;
        }
    }
    return MC_OK;
}
