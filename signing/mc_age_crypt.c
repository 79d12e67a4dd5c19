/* age v1 files as a whole (mc_age.h): the stanzas wrapped on encryption and unwrapped on
 * decryption, the header written and checked, the payload streamed; file to file through
 * common/'s atomic stream writer, and age file to memory with a size cap.
 *
 * Decryption follows age's order, which decides the failure class the test vectors expect:
 * the armor, the header's grammar (header failure), an scrypt stanza that is not alone,
 * then each identity over each stanza (a malformed stanza of the identity's type, a
 * low-order share, a work factor over the cap, a body that is not a 16-byte file key:
 * header failure; a body that does not open: the next), no opening at all (no match), the
 * MAC (HMAC failure), the payload (payload failure). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mc_age_internal.h"
#include "mc_bech32.h"
#include "mc_error.h"
#include "mc_file.h"

#define X25519_INFO "age-encryption.org/v1/X25519"

/* ---- encryption ----------------------------------------------------------------------- */

static int wrap_x25519(mc_age_header *h, const unsigned char pk[32],
                       const unsigned char fk[MC_AGE_FILE_KEY], size_t index)
{
    unsigned char eph[32], share[32], secret[32], salt[64], wk[32], body[32];
    char share64[48];
    int rc = RAND_bytes(eph, sizeof eph) == 1
                 ? MC_OK
                 : mc_error_set(MC_EINTERNAL, "age: no random bytes from OpenSSL");
    if (rc || (rc = mc_age_x25519_public(share, eph)))
        goto cleanup;
    if ((rc = mc_age_x25519_shared(secret, eph, pk)) == 1) {
        rc = mc_error_set(MC_EINPUT, "age: recipient %zu is a low-order point (no shared "
                                     "secret); refusing to encrypt to it", index + 1);
        goto cleanup;
    }
    memcpy(salt, share, 32);
    memcpy(salt + 32, pk, 32);
    if (rc || (rc = mc_age_hkdf(wk, sizeof wk, secret, 32, salt, 64, X25519_INFO)) ||
        (rc = mc_age_aead_seal(body, wk, fk, MC_AGE_FILE_KEY)))
        goto cleanup;
    mc_age_b64_encode(share64, share, 32);
    const char *args[2] = {"X25519", share64};
    rc = mc_age_header_add(h, args, 2, body, sizeof body);
cleanup:
    OPENSSL_cleanse(eph, sizeof eph);
    OPENSSL_cleanse(secret, sizeof secret);
    OPENSSL_cleanse(wk, sizeof wk);
    return rc;
}

static int wrap_scrypt(mc_age_header *h, const mc_age_recipients *r,
                       const unsigned char fk[MC_AGE_FILE_KEY])
{
    unsigned char salt[16], wk[32], body[32];
    char salt64[32], n[8];
    int rc = RAND_bytes(salt, sizeof salt) == 1
                 ? MC_OK
                 : mc_error_set(MC_EINTERNAL, "age: no random bytes from OpenSSL");
    if (rc || (rc = mc_age_scrypt_key(wk, r->pass, salt, r->log2n)) ||
        (rc = mc_age_aead_seal(body, wk, fk, MC_AGE_FILE_KEY)))
        goto cleanup;
    mc_age_b64_encode(salt64, salt, sizeof salt);
    snprintf(n, sizeof n, "%d", r->log2n);
    const char *args[3] = {"scrypt", salt64, n};
    rc = mc_age_header_add(h, args, 3, body, sizeof body);
cleanup:
    OPENSSL_cleanse(wk, sizeof wk);
    return rc;
}

/* Encrypts in, or n bytes at mem when in is NULL. */
static int encrypt_any(FILE *in, const unsigned char *mem, size_t n, const mc_age_recipients *r,
                       int armor, mc_age_sink sink, void *ctx)
{
    unsigned char fk[MC_AGE_FILE_KEY];
    mc_age_header h;
    mc_age_armor_out a;
    char *text = NULL;
    size_t len = 0;
    int rc = MC_OK;
    memset(&h, 0, sizeof h);
    if (r->n == 0 && !r->pass)
        return mc_error_set(MC_EINPUT, "age: no recipient and no passphrase to encrypt to");
    if (RAND_bytes(fk, sizeof fk) != 1)
        return mc_error_set(MC_EINTERNAL, "age: no random bytes from OpenSSL");
    for (size_t i = 0; rc == MC_OK && i < r->n; i++)
        rc = wrap_x25519(&h, r->pk[i], fk, i);
    if (rc == MC_OK && r->pass)
        rc = wrap_scrypt(&h, r, fk);
    if (rc || (rc = mc_age_header_write(&text, &len, &h, fk)))
        goto cleanup;
    if (armor && (rc = mc_age_armor_begin(&a, sink, ctx)))
        goto cleanup;
    mc_age_sink out = armor ? mc_age_armor_sink : sink;
    void *out_ctx = armor ? (void *)&a : ctx;
    if ((rc = out(out_ctx, (const unsigned char *)text, len)) ||
        (rc = in ? mc_age_stream_encrypt(fk, in, out, out_ctx)
                 : mc_age_stream_encrypt_mem(fk, mem, n, out, out_ctx)))
        goto cleanup;
    if (armor)
        rc = mc_age_armor_end(&a);
cleanup:
    OPENSSL_cleanse(fk, sizeof fk);
    mc_age_header_clear(&h);
    free(text);
    return rc;
}

int mc_age_encrypt_stream(FILE *in, const mc_age_recipients *r, int armor, mc_age_sink sink,
                          void *ctx)
{
    return encrypt_any(in, NULL, 0, r, armor, sink, ctx);
}

int mc_age_encrypt_memory(const void *data, size_t n, const mc_age_recipients *r, int armor,
                          mc_age_sink sink, void *ctx)
{
    return encrypt_any(NULL, data, n, r, armor, sink, ctx);
}

/* ---- decryption ----------------------------------------------------------------------- */

static int hdr_fail(mc_age_info *info, size_t stanza, const char *what)
{
    info->result = MC_AGE_HEADER_FAILURE;
    return mc_error_set(MC_EINPUT, "age header: stanza %zu: %s", stanza + 1, what);
}

/* Tries one X25519 identity on one stanza: MC_OK with *opened set or not, or a failure. */
static int unwrap_x25519(mc_age_info *info, const mc_age_id *id, const mc_age_stanza *st,
                         size_t i, unsigned char fk[MC_AGE_FILE_KEY], int *opened)
{
    unsigned char share[32], secret[32], salt[64], wk[32];
    size_t len = 0;
    int rc;
    if (st->n_args != 2)
        return hdr_fail(info, i, "an X25519 stanza takes exactly one argument (the share)");
    if (mc_age_b64_decode(share, sizeof share, &len, st->args[1], strlen(st->args[1])) != 0 ||
        len != 32)
        return hdr_fail(info, i, "the X25519 share is not 32 bytes of canonical base64");
    if (st->body_len != MC_AGE_FILE_KEY + MC_AGE_TAG)
        return hdr_fail(info, i, "the X25519 body is not a wrapped 16-byte file key");
    if ((rc = mc_age_x25519_shared(secret, id->sk, share)) == 1)
        return hdr_fail(info, i, "the X25519 share is a low-order point (the shared secret "
                                 "is all zero)");
    memcpy(salt, share, 32);
    memcpy(salt + 32, id->pk, 32);
    if (rc == MC_OK && (rc = mc_age_hkdf(wk, 32, secret, 32, salt, 64, X25519_INFO)) == MC_OK &&
        (rc = mc_age_aead_open(fk, wk, st->body, st->body_len)) >= 0) {
        *opened = rc;
        rc = MC_OK;
    }
    OPENSSL_cleanse(secret, sizeof secret);
    OPENSSL_cleanse(wk, sizeof wk);
    return rc;
}

static int unwrap_scrypt(mc_age_info *info, const mc_age_id *id, const mc_age_stanza *st,
                         size_t i, unsigned char fk[MC_AGE_FILE_KEY], int *opened)
{
    unsigned char salt[16], wk[32];
    size_t len = 0;
    const char *n = st->n_args == 3 ? st->args[2] : "";
    char msg[160];
    if (st->n_args != 3)
        return hdr_fail(info, i, "an scrypt stanza takes exactly two arguments (salt and "
                                 "work factor)");
    if (mc_age_b64_decode(salt, sizeof salt, &len, st->args[1], strlen(st->args[1])) != 0 ||
        len != 16)
        return hdr_fail(info, i, "the scrypt salt is not 16 bytes of canonical base64");
    if (strspn(n, "0123456789") != strlen(n) || n[0] == '0' || strlen(n) > 2)
        return hdr_fail(info, i, "the scrypt work factor is not a decimal number from 1 to 99 "
                                 "without leading zeros");
    int log2n = atoi(n);
    if (log2n > id->max_log2n) {
        snprintf(msg, sizeof msg, "the scrypt work factor 2^%d is over the limit of 2^%d", log2n,
                 id->max_log2n);
        return hdr_fail(info, i, msg);
    }
    if (st->body_len != MC_AGE_FILE_KEY + MC_AGE_TAG)
        return hdr_fail(info, i, "the scrypt body is not a wrapped 16-byte file key");
    int rc = mc_age_scrypt_key(wk, id->pass, salt, log2n);
    if (rc == MC_OK && (rc = mc_age_aead_open(fk, wk, st->body, st->body_len)) >= 0) {
        *opened = rc;
        rc = MC_OK;
    }
    OPENSSL_cleanse(wk, sizeof wk);
    return rc;
}

static int unwrap(mc_age_info *info, const mc_age_header *h, const mc_age_identities *ids,
                  unsigned char fk[MC_AGE_FILE_KEY])
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->st[i].args[0], "scrypt") == 0 && h->n != 1)
            return hdr_fail(info, i, "an scrypt stanza must be the only one in the header");
    for (size_t k = 0; ids && k < ids->n; k++) {
        const mc_age_id *id = &ids->v[k];
        for (size_t i = 0; i < h->n; i++) {
            int opened = 0, rc = MC_OK;
            const char *type = id->pass ? "scrypt" : "X25519";
            if (strcmp(h->st[i].args[0], type) != 0)
                continue;
            rc = id->pass ? unwrap_scrypt(info, id, &h->st[i], i, fk, &opened)
                          : unwrap_x25519(info, id, &h->st[i], i, fk, &opened);
            if (rc)
                return rc;
            if (!opened)
                continue;
            info->stanza = i;
            snprintf(info->type, sizeof info->type, "%s", type);
            if (id->pass)
                snprintf(info->recipient, sizeof info->recipient, "passphrase");
            else if ((rc = mc_bech32_encode(info->recipient, sizeof info->recipient, "age",
                                            id->pk, 32, 0)))
                return rc;
            return MC_OK;
        }
    }
    info->result = MC_AGE_NO_MATCH;
    int scrypt = h->n == 1 && strcmp(h->st[0].args[0], "scrypt") == 0;
    return mc_error_set(MC_EINPUT, "age: no identity matched any of the file's %zu recipient "
                                   "stanza(s)%s", h->n,
                        scrypt ? " (it is encrypted to a passphrase: wrong passphrase, or "
                                 "none given)" : "");
}

/* Decrypts in, or n bytes at mem when in is NULL. */
static int decrypt_any(mc_age_info *info, FILE *in, const unsigned char *mem, size_t n,
                       mc_age_armor_mode armor, const mc_age_identities *ids, mc_age_sink sink,
                       void *ctx)
{
    unsigned char fk[MC_AGE_FILE_KEY], mac[32];
    mc_age_header h;
    mc_age_src src;
    memset(&h, 0, sizeof h);
    memset(info, 0, sizeof *info);
    info->result = MC_AGE_ERROR;
    int rc = in ? mc_age_src_open(&src, in, armor) : mc_age_src_open_mem(&src, mem, n, armor);
    if (rc == MC_OK && (rc = mc_age_header_read(&h, &src)) == MC_EINPUT)
        info->result = MC_AGE_HEADER_FAILURE;
    if (rc || (rc = unwrap(info, &h, ids, fk)))
        goto cleanup;
    if ((rc = mc_age_header_mac(mac, &h, fk)))
        goto cleanup;
    if (CRYPTO_memcmp(mac, h.mac, sizeof mac) != 0) {
        info->result = MC_AGE_HMAC_FAILURE;
        rc = mc_error_set(MC_EINPUT, "age: the header MAC does not match (the header was "
                                     "changed)");
        goto cleanup;
    }
    info->result = MC_AGE_ERROR;
    if ((rc = mc_age_stream_decrypt(info, fk, &src, sink, ctx)))
        goto cleanup;
    info->result = MC_AGE_OK;
cleanup:
    if (rc && src.fail)
        info->result = src.fail;
    if (rc == MC_OK)
        info->result = MC_AGE_OK;
    OPENSSL_cleanse(fk, sizeof fk);
    mc_age_header_clear(&h);
    mc_age_src_close(&src);
    return rc;
}

int mc_age_decrypt_stream(mc_age_info *info, FILE *in, mc_age_armor_mode armor,
                          const mc_age_identities *ids, mc_age_sink sink, void *ctx)
{
    return decrypt_any(info, in, NULL, 0, armor, ids, sink, ctx);
}

int mc_age_decrypt_buffer(mc_age_info *info, const void *data, size_t n,
                          mc_age_armor_mode armor, const mc_age_identities *ids,
                          mc_age_sink sink, void *ctx)
{
    return decrypt_any(info, NULL, data, n, armor, ids, sink, ctx);
}

/* ---- files and memory ----------------------------------------------------------------- */

static int file_sink(void *ctx, const unsigned char *data, size_t len)
{
    if (fwrite(data, 1, len, ctx) != len)
        return mc_error_set(MC_EIO, "cannot write the output: %s", strerror(errno));
    return MC_OK;
}

static int open_input(FILE **out, const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0) {
        *out = stdin;
        return MC_OK;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EINPUT, "cannot open %s: %s",
                            path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return mc_error_set(MC_EINPUT, "%s is not a regular file (a directory, device or "
                                       "FIFO); use '-' for standard input", path);
    }
    *out = f;
    return MC_OK;
}

static void close_input(FILE *f)
{
    if (f && f != stdin)
        fclose(f);
}

/* The size of a regular input file, a hint for the plaintext buffer (0: unknown). The file
 * is read, never mapped: a file truncated or grown while it is read is a short or long
 * read (a payload that does not authenticate), never SIGBUS. */
static size_t input_size(FILE *f)
{
    struct stat st;
    if (f == stdin || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return 0;
    return (size_t)st.st_size;
}

int mc_age_encrypt_file(const char *in, const char *out, const mc_age_recipients *r,
                        int armor)
{
    FILE *f = NULL;
    mc_file_stream o;
    int rc = open_input(&f, in);
    if (rc || (rc = mc_file_stream_open(&o, out, 0644))) {
        close_input(f);
        return rc;
    }
    if ((rc = encrypt_any(f, NULL, 0, r, armor, file_sink, o.f)) == MC_OK)
        rc = mc_file_stream_commit(&o);
    else
        mc_file_stream_abort(&o);
    close_input(f);
    return rc;
}

typedef struct hashing {
    EVP_MD_CTX *md;
    FILE *f;
} hashing;

static int hashing_sink(void *ctx, const unsigned char *data, size_t len)
{
    hashing *h = ctx;
    if (EVP_DigestUpdate(h->md, data, len) != 1)
        return mc_error_set(MC_EINTERNAL, "age: SHA-256 failed in OpenSSL");
    return file_sink(h->f, data, len);
}

int mc_age_decrypt_file(mc_age_info *info, const char *in, const char *out,
                        const mc_age_identities *ids, unsigned char sha256[32])
{
    hashing h = {NULL, NULL};
    FILE *f = NULL;
    mc_file_stream o;
    memset(info, 0, sizeof *info);
    info->result = MC_AGE_ERROR;
    int rc = open_input(&f, in);
    if (rc || (rc = mc_file_stream_open(&o, out, 0600))) {
        close_input(f);
        return rc;
    }
    h.f = o.f;
    if (sha256 && (!(h.md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(h.md, EVP_sha256(), NULL) != 1))
        rc = mc_error_set(MC_EINTERNAL, "age: SHA-256 failed in OpenSSL");
    if (rc == MC_OK)
        rc = decrypt_any(info, f, NULL, 0, MC_AGE_ARMOR_AUTO, ids,
                         sha256 ? hashing_sink : file_sink, sha256 ? (void *)&h : o.f);
    if (rc == MC_OK && sha256 && EVP_DigestFinal_ex(h.md, sha256, NULL) != 1)
        rc = mc_error_set(MC_EINTERNAL, "age: SHA-256 failed in OpenSSL");
    if (rc == MC_OK)
        rc = mc_file_stream_commit(&o);
    else
        mc_file_stream_abort(&o);
    EVP_MD_CTX_free(h.md);
    close_input(f);
    return rc;
}

typedef struct membuf {
    unsigned char *p;
    size_t len, cap, max;
} membuf;

/* Grows by copying (never realloc, which could leave plaintext behind in freed memory). */
static int mem_sink(void *ctx, const unsigned char *data, size_t len)
{
    membuf *m = ctx;
    if (len > m->max - m->len)
        return mc_error_set(MC_EINPUT, "age: the plaintext is over the limit of %zu bytes",
                            m->max);
    if (m->len + len > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < m->len + len)
            cap = cap > m->max / 2 ? m->max : cap * 2;
        unsigned char *p = OPENSSL_malloc(cap);
        if (!p)
            return mc_error_nomem();
        if (m->len)
            memcpy(p, m->p, m->len);
        OPENSSL_clear_free(m->p, m->cap);
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->len, data, len);
    m->len += len;
    return MC_OK;
}

/* Decrypts in (or n bytes at mem) into one buffer of at most max bytes; n is the file's
 * size (0: unknown, a stream). */
static int decrypt_to_memory(unsigned char **out, size_t *len, mc_age_info *info, FILE *in,
                             const unsigned char *mem, size_t n, const mc_age_identities *ids,
                             size_t max)
{
    membuf m = {NULL, 0, 0, max};
    /* The plaintext is shorter than the file: one allocation, never a copy to grow (a
     * stream of unknown size grows by copies, each old buffer wiped). */
    m.cap = n < max ? n : max;
    if (m.cap && !(m.p = OPENSSL_malloc(m.cap)))
        return mc_error_nomem();
    int rc = decrypt_any(info, in, mem, n, MC_AGE_ARMOR_AUTO, ids, mem_sink, &m);
    if (rc == MC_OK && !m.p && !(m.p = OPENSSL_malloc(1)))
        rc = mc_error_nomem();
    if (rc) {
        OPENSSL_clear_free(m.p, m.cap ? m.cap : 1);
        return rc;
    }
    *out = m.p;
    *len = m.len;
    return MC_OK;
}

int mc_age_decrypt_memory(unsigned char **out, size_t *len, mc_age_info *info,
                          const void *data, size_t n, const mc_age_identities *ids, size_t max)
{
    return decrypt_to_memory(out, len, info, NULL, data, n, ids, max);
}

int mc_age_decrypt_path_memory(unsigned char **out, size_t *len, mc_age_info *info,
                               const char *path, const mc_age_identities *ids, size_t max)
{
    FILE *f = NULL;
    memset(info, 0, sizeof *info);
    info->result = MC_AGE_ERROR;
    int rc = open_input(&f, path);
    if (rc)
        return rc;
    rc = decrypt_to_memory(out, len, info, f, NULL, input_size(f), ids, max);
    close_input(f);
    return rc;
}
