/* DP-SGD's secret-keyed randomness (mc_dp_noise.h): the key derived from the
 * secret, AES-256-CTR keystreams per (purpose, step) through OpenSSL, the
 * Poisson sampling of a step's rows and its Gaussian noise (Box-Muller with the
 * engine's own polynomials), the same bits on every machine. Computing a
 * step's noise ahead on a thread is mc_dp_ahead.c's. */
#include "mc_dp_noise.h"

#include <math.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_math.h"

/* As Adam's step (mc_optim.c): an AVX2 clone picked at run time, elementwise IEEE
 * operations without FMA (-ffp-contract=off), so every width gives the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define MC_DP_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MC_DP_CLONES
#endif

#define STREAM_WORDS 4096 /* 32-bit words of keystream per refill (16 KiB) */

struct mc_dp_stream {
    uint8_t key[MC_DP_KEY_LEN];
    EVP_CIPHER_CTX *ctx;
    uint32_t words[STREAM_WORDS];
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
    /* AES-256 in counter mode; the initial counter block is (purpose: 4 bytes,
     * step: 8 bytes, block number: 4 bytes), big-endian, so each (purpose,
     * step) owns 2^32 blocks of keystream. */
    unsigned char iv[16] = {0};
    for (int i = 0; i < 4; i++)
        iv[i] = (unsigned char)((uint32_t)purpose >> (8 * (3 - i)));
    for (int i = 0; i < 8; i++)
        iv[4 + i] = (unsigned char)(step >> (8 * (7 - i)));
    s->next = STREAM_WORDS;
    if (EVP_EncryptInit_ex(s->ctx, EVP_aes_256_ctr(), NULL, s->key, iv) != 1)
        return mc_error_set(MC_EINTERNAL, "AES-256-CTR failed in OpenSSL");
    return MC_OK;
}

/* The next `words` (even, at most STREAM_WORDS) words of keystream into
 * s->words[0..words), as little-endian 32-bit words. */
static int refill_n(mc_dp_stream *s, size_t words)
{
    static const uint32_t zeros[STREAM_WORDS]; /* the plaintext: the keystream itself */
    int len = 0;
    unsigned char *b = (unsigned char *)s->words;
    if (EVP_EncryptUpdate(s->ctx, b, &len, (const unsigned char *)zeros,
                          (int)(words * sizeof *s->words)) != 1 ||
        len != (int)(words * sizeof *s->words))
        return mc_error_set(MC_EINTERNAL, "AES-256-CTR failed in OpenSSL");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (size_t i = 0; i < words; i++)
        s->words[i] = __builtin_bswap32(s->words[i]);
#endif
    s->next = STREAM_WORDS - words; /* unused when words < STREAM_WORDS (the noise) */
    return MC_OK;
}

static int refill(mc_dp_stream *s)
{
    int rc = refill_n(s, STREAM_WORDS);
    s->next = 0;
    return rc;
}

int mc_dp_stream_uniform(mc_dp_stream *s, double *u)
{
    if (s->next == STREAM_WORDS) {
        int rc = refill(s);
        if (rc)
            return rc;
    }
    uint64_t hi = s->words[s->next++];
    if (s->next == STREAM_WORDS) {
        int rc = refill(s);
        if (rc)
            return rc;
    }
    uint64_t w = ((hi << 32) | s->words[s->next++]) >> 11;   /* 53 bits */
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

/* ---- Gaussian noise: Box-Muller in float, from + - * / and sqrt only ---------------- */

/* log(x) for x in (0, 1]: x = m 2^e with m in [sqrt(1/2), sqrt(2)), then
 * log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172, by its series to s^9
 * (error below 1e-9, under float's rounding). */
static inline float log_f(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e = (int)(bits >> 23) - 127;
    uint32_t mb = (bits & 0x7fffffu) | 0x3f800000u;
    float m;
    memcpy(&m, &mb, sizeof m);
    int big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e += big;
    float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
    float p = t * (2.0f + t2 * (0.666666667f + t2 * (0.4f + t2 * (0.285714286f + t2 * 0.222222222f))));
    return (float)e * 0.693145752f + ((float)e * 1.42860677e-6f + p); /* ln 2 in two parts */
}

/* z[i], z[pairs + i] = sqrt(-2 log u) (cos, sin)(2 pi v) for u from w[i] (31 bits,
 * in (0, 1], so |z| <= 6.6) and v from w[pairs + i] (24 bits, in [0, 1)): halves,
 * not interleaved pairs, so that vectors load and store without shuffles. The angle is split
 * into a quadrant k and theta in [-pi/4, pi/4), where Taylor polynomials of degree 9
 * (sin) and 10 (cos) are within 2e-9. Each element alone, in a fixed order:
 * vectorising changes no bit. */
MC_DP_CLONES
static void box_muller(float *restrict z, const uint32_t *restrict w, size_t pairs)
{
    for (size_t i = 0; i < pairs; i++) {
        float u = ((float)(int32_t)(w[i] >> 1) + 1.0f) * 4.656612873e-10f; /* 2^-31 */
        float v = (float)(int32_t)(w[pairs + i] >> 8) * 5.960464478e-8f;   /* 2^-24 */
        float r = sqrtf(-2.0f * log_f(u));
        float q = v * 4.0f + 0.5f; /* quarter turns, rounded to the nearest */
        int k = (int)q;
        float th = (q - (float)k - 0.5f) * 1.570796327f, t2 = th * th;
        float sn = th * (1.0f - t2 * (0.166666667f - t2 * (8.333333333e-3f - t2 * (1.984126984e-4f - t2 * 2.755731922e-6f))));
        float cs = 1.0f - t2 * (0.5f - t2 * (4.166666667e-2f - t2 * (1.388888889e-3f - t2 * (2.480158730e-5f - t2 * 2.755731922e-7f))));
        k &= 3;
        float c = k == 0 ? cs : k == 1 ? -sn : k == 2 ? -cs : sn;
        float s = k == 0 ? sn : k == 1 ? cs : k == 2 ? -sn : -cs;
        z[i] = r * c;
        z[pairs + i] = r * s;
    }
}

MC_DP_CLONES
static void scale_into(float *restrict out, const float *restrict z, size_t n, float a)
{
    for (size_t i = 0; i < n; i++)
        out[i] = a * z[i];
}

int mc_dp_fill_gaussian(float *out, size_t n, double scale, mc_dp_stream *s)
{
    float z[STREAM_WORDS];
    float a = (float)scale;
    for (size_t done = 0; done < n;) {
        size_t take = n - done < STREAM_WORDS ? n - done : STREAM_WORDS;
        size_t pairs = (take + 1) / 2; /* one word pair per two values */
        int rc = refill_n(s, 2 * pairs);
        if (rc)
            return rc;
        box_muller(z, s->words, pairs);
        scale_into(out + done, z, take, a);
        done += take;
    }
    s->next = STREAM_WORDS;
    return MC_OK;
}

/* No target clones on an external function: clang's -O0 would not resolve them. */
void mc_dp_add(float *restrict out, const float *restrict v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = out[i] + v[i];
}
