/* The age header (age-encryption.org/v1, "Header"): reading it under hostile-input limits,
 * writing it, its MAC, and the OpenSSL primitives the format builds on (HKDF-SHA256,
 * HMAC-SHA256, ChaCha20-Poly1305 with a zero nonce for stanza bodies).
 *
 * The grammar is exact: the version line; stanzas "-> " with space-separated arguments of
 * printable ASCII, each non-empty, then a body of canonical unpadded base64 in lines of 64
 * columns ending with a shorter (possibly empty) line; then "--- " and the MAC. Anything else
 * is a header failure naming the line. The MAC is HMAC-SHA256 under HKDF(file key, salt
 * empty, info "header") over the header up to and including "---". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include "mc_age_internal.h"
#include "mc_buf.h"
#include "mc_error.h"

int mc_age_hkdf(unsigned char *out, size_t out_len, const unsigned char *ikm, size_t ikm_len,
                const unsigned char *salt, size_t salt_len, const char *info)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *k = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[5], *p = params;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
    if (salt_len)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info));
    *p = OSSL_PARAM_construct_end();
    int rc = k && EVP_KDF_derive(k, out, out_len, params) == 1
                 ? MC_OK
                 : mc_error_set(MC_EINTERNAL, "age: HKDF-SHA256 failed in OpenSSL");
    EVP_KDF_CTX_free(k);
    EVP_KDF_free(kdf);
    return rc;
}

static int aead(unsigned char *out, const unsigned char key[32], const unsigned char *in,
                size_t n, int seal)
{
    static const unsigned char zero[12];
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0, rc = MC_OK;
    size_t m = seal ? n : n - MC_AGE_TAG;
    if (!c)
        return mc_error_nomem();
    if (EVP_CipherInit_ex(c, EVP_chacha20_poly1305(), NULL, key, zero, seal) != 1 ||
        (!seal && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, MC_AGE_TAG,
                                      (void *)(in + m)) != 1) ||
        EVP_CipherUpdate(c, out, &len, in, (int)m) != 1) {
        rc = mc_error_set(MC_EINTERNAL, "age: ChaCha20-Poly1305 failed in OpenSSL");
        goto cleanup;
    }
    if (EVP_CipherFinal_ex(c, out + len, &fin) != 1) {
        rc = seal ? mc_error_set(MC_EINTERNAL, "age: ChaCha20-Poly1305 failed in OpenSSL") : 0;
        goto cleanup;
    }
    if (seal && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, MC_AGE_TAG, out + m) != 1)
        rc = mc_error_set(MC_EINTERNAL, "age: ChaCha20-Poly1305 failed in OpenSSL");
    else if (!seal)
        rc = 1;
cleanup:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

int mc_age_aead_seal(unsigned char *out, const unsigned char key[32], const unsigned char *in,
                     size_t n)
{
    return aead(out, key, in, n, 1);
}

int mc_age_aead_open(unsigned char *out, const unsigned char key[32], const unsigned char *in,
                     size_t n)
{
    return n < MC_AGE_TAG ? 0 : aead(out, key, in, n, 0);
}

int mc_age_header_mac(unsigned char mac[32], const mc_age_header *h,
                      const unsigned char file_key[MC_AGE_FILE_KEY])
{
    unsigned char key[32];
    unsigned int len = 0;
    int rc = mc_age_hkdf(key, sizeof key, file_key, MC_AGE_FILE_KEY, NULL, 0, "header");
    if (rc == MC_OK && !HMAC(EVP_sha256(), key, sizeof key, (const unsigned char *)h->raw,
                             h->raw_len, mac, &len))
        rc = mc_error_set(MC_EINTERNAL, "age: HMAC-SHA256 failed in OpenSSL");
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

void mc_age_header_clear(mc_age_header *h)
{
    for (size_t i = 0; h && i < h->n; i++) {
        for (size_t j = 0; j < h->st[i].n_args; j++)
            free(h->st[i].args[j]);
        OPENSSL_clear_free(h->st[i].body, h->st[i].body_len);
    }
    if (h) {
        free(h->st);
        free(h->raw);
        memset(h, 0, sizeof *h);
    }
}

int mc_age_header_add(mc_age_header *h, const char *const *args, size_t n_args,
                      const unsigned char *body, size_t body_len)
{
    if (h->n >= MC_AGE_MAX_STANZAS || n_args < 1 || n_args > MC_AGE_MAX_ARGS)
        return mc_error_set(MC_EINPUT, "age: at most %d stanzas of 1 to %d arguments",
                            MC_AGE_MAX_STANZAS, MC_AGE_MAX_ARGS);
    mc_age_stanza *st = realloc(h->st, (h->n + 1) * sizeof *st);
    if (!st)
        return mc_error_nomem();
    h->st = st;
    mc_age_stanza *s = &st[h->n];
    memset(s, 0, sizeof *s);
    h->n++;
    for (size_t i = 0; i < n_args; i++) {
        if (!(s->args[i] = strdup(args[i])))
            return mc_error_nomem();
        s->n_args++;
    }
    if (!(s->body = malloc(body_len ? body_len : 1)))
        return mc_error_nomem();
    memcpy(s->body, body, body_len);
    s->body_len = body_len;
    return MC_OK;
}

int mc_age_header_write(char **out, size_t *len, mc_age_header *h,
                        const unsigned char file_key[MC_AGE_FILE_KEY])
{
    mc_buf b = {0};
    char *text = NULL;
    unsigned char mac[32];
    int rc = MC_OK;
    mc_buf_puts(&b, MC_AGE_INTRO "\n");
    for (size_t i = 0; i < h->n; i++) {
        mc_age_stanza *s = &h->st[i];
        mc_buf_puts(&b, "->");
        for (size_t j = 0; j < s->n_args; j++) {
            mc_buf_puts(&b, " ");
            mc_buf_puts(&b, s->args[j]);
        }
        mc_buf_puts(&b, "\n");
        if (!(text = malloc(s->body_len / 3 * 4 + 8))) {
            rc = mc_error_nomem();
            goto cleanup;
        }
        size_t n = mc_age_b64_encode(text, s->body, s->body_len), at = 0;
        for (; n - at >= MC_AGE_ARMOR_COLS; at += MC_AGE_ARMOR_COLS) {
            mc_buf_put(&b, text + at, MC_AGE_ARMOR_COLS);
            mc_buf_puts(&b, "\n");
        }
        mc_buf_put(&b, text + at, n - at);
        mc_buf_puts(&b, "\n");
        free(text);
        text = NULL;
    }
    mc_buf_puts(&b, "---");
    if (b.failed) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    free(h->raw);
    h->raw = NULL;
    if (!(h->raw = malloc(b.len))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    memcpy(h->raw, b.data, b.len);
    h->raw_len = b.len;
    if ((rc = mc_age_header_mac(mac, h, file_key)))
        goto cleanup;
    char m64[48];
    mc_age_b64_encode(m64, mac, sizeof mac);
    mc_buf_puts(&b, " ");
    mc_buf_puts(&b, m64);
    mc_buf_puts(&b, "\n");
    rc = mc_buf_take(&b, out, len);
cleanup:
    free(text);
    mc_buf_free(&b);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------ */

typedef struct reader {
    mc_age_src *src;
    mc_buf raw;
    unsigned long line;
} reader;

static int hfail(mc_age_src *src, unsigned long line, const char *what)
{
    (void)src;
    return mc_error_set(MC_EINPUT, "age header: line %lu: %s", line, what);
}

/* One header line, without its LF, into *line (pointing into r->raw). */
static int next_line(reader *r, const char **line, size_t *len)
{
    size_t start = r->raw.len;
    r->line++;
    for (;;) {
        unsigned char c;
        size_t got;
        int rc = mc_age_src_read(r->src, &c, 1, &got);
        if (rc)
            return rc;
        if (got == 0)
            return hfail(r->src, r->line, "the file ends inside the header (no MAC line)");
        if (c == '\n')
            break;
        if (c == '\0') {
            /* Text functions would stop at it: a stanza's arguments as read would differ
             * from the bytes the MAC covers. */
            char what[80];
            snprintf(what, sizeof what, "a NUL byte at column %zu (a header line is text)",
                     r->raw.len - start + 1);
            return hfail(r->src, r->line, what);
        }
        if (r->raw.len - start >= MC_AGE_MAX_LINE)
            return hfail(r->src, r->line, "a line longer than the limit of 4096 bytes");
        if (r->raw.len >= MC_AGE_MAX_HEADER)
            return hfail(r->src, r->line, "the header is over the limit of 256 KiB");
        mc_buf_put(&r->raw, (const char *)&c, 1);
    }
    mc_buf_put(&r->raw, "\n", 1);
    if (r->raw.failed)
        return mc_error_nomem();
    *line = r->raw.data + start;
    *len = r->raw.len - start - 1;
    return MC_OK;
}

static int read_stanza(reader *r, mc_age_header *h, const char *line, size_t len)
{
    char *copy = NULL, *body64 = NULL;
    unsigned char *body = NULL;
    const char *args[MC_AGE_MAX_ARGS];
    size_t n_args = 0, body_len = 0, n64 = 0;
    unsigned long at = r->line;
    int rc = MC_OK;
    if (h->n >= MC_AGE_MAX_STANZAS)
        return hfail(r->src, at, "more stanzas than the limit of 256");
    if (!(copy = strndup(line + 3, len - 3)) || !(body64 = malloc((MC_AGE_MAX_BODY + 2) / 3 * 4 + 1))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (char *p = copy;;) {
        char *sp = strchr(p, ' ');
        if (sp)
            *sp = '\0';
        if (!*p) {
            rc = hfail(r->src, at, "a stanza with an empty argument (or none)");
            goto cleanup;
        }
        for (const char *q = p; *q; q++)
            if (*q < 33 || *q > 126) {
                rc = hfail(r->src, at, "a stanza argument with a character that is not "
                                       "printable ASCII");
                goto cleanup;
            }
        if (n_args == MC_AGE_MAX_ARGS) {
            rc = hfail(r->src, at, "a stanza with more than 16 arguments");
            goto cleanup;
        }
        args[n_args++] = p;
        if (!sp)
            break;
        p = sp + 1;
    }
    for (;;) {
        const char *b;
        size_t n;
        if ((rc = next_line(r, &b, &n)))
            goto cleanup;
        if (n > MC_AGE_ARMOR_COLS) {
            rc = hfail(r->src, r->line, "a stanza body line longer than 64 columns");
            goto cleanup;
        }
        if (n64 + n > (MC_AGE_MAX_BODY + 2) / 3 * 4) {
            rc = hfail(r->src, r->line, "a stanza body over the limit of 16 KiB");
            goto cleanup;
        }
        memcpy(body64 + n64, b, n);
        n64 += n;
        if (n < MC_AGE_ARMOR_COLS)
            break;
    }
    if (!(body = malloc(n64 / 4 * 3 + 3))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if (mc_age_b64_decode(body, n64 / 4 * 3 + 3, &body_len, body64, n64) != 0) {
        rc = hfail(r->src, r->line, "a stanza body that is not canonical unpadded base64");
        goto cleanup;
    }
    if (body_len > MC_AGE_MAX_BODY) {
        rc = hfail(r->src, r->line, "a stanza body over the limit of 16 KiB");
        goto cleanup;
    }
    rc = mc_age_header_add(h, args, n_args, body, body_len);
cleanup:
    free(copy);
    free(body64);
    OPENSSL_clear_free(body, n64 / 4 * 3 + 3);
    return rc;
}

int mc_age_header_read(mc_age_header *h, mc_age_src *src)
{
    reader r = {src, {0}, 0};
    const char *line;
    size_t len;
    int rc;
    memset(h, 0, sizeof *h);
    if ((rc = next_line(&r, &line, &len)))
        goto cleanup;
    if (len != strlen(MC_AGE_INTRO) || memcmp(line, MC_AGE_INTRO, len) != 0) {
        rc = hfail(src, 1, strncmp(line, "age-encryption.org/", 19) == 0
                               ? "an unsupported version (only age-encryption.org/v1)"
                               : "not an age file (no 'age-encryption.org/v1' line)");
        goto cleanup;
    }
    for (;;) {
        if ((rc = next_line(&r, &line, &len)))
            goto cleanup;
        if (len >= 3 && memcmp(line, "---", 3) == 0) {
            size_t got;
            if (len != 4 + 43 || line[3] != ' ' ||
                mc_age_b64_decode(h->mac, sizeof h->mac, &got, line + 4, 43) != 0 ||
                got != 32) {
                rc = hfail(src, r.line, "the MAC line is not '--- ' and 43 characters of "
                                        "canonical base64");
                goto cleanup;
            }
            h->raw_len = (size_t)(line - r.raw.data) + 3;
            break;
        }
        if (len < 3 || memcmp(line, "-> ", 3) != 0) {
            rc = hfail(src, r.line, "expected a stanza ('-> ') or the MAC line ('--- ')");
            goto cleanup;
        }
        if ((rc = read_stanza(&r, h, line, len)))
            goto cleanup;
    }
    rc = mc_buf_take(&r.raw, &h->raw, &len);
cleanup:
    mc_buf_free(&r.raw);
    if (rc)
        mc_age_header_clear(h);
    return rc;
}
