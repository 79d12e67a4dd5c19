/* age v1 (mc_age.h), its keys: recipients and identities, the X25519 and scrypt primitives;
 * the whole file in both directions is in mc_age_crypt.c.
 *
 * X25519 (age-encryption.org/v1, "X25519 recipient stanza"): an ephemeral share, the
 * shared secret (all-zero, from a low-order point, is refused), the wrap key
 * HKDF-SHA256(secret, share || recipient, "age-encryption.org/v1/X25519"), the 16-byte
 * file key sealed with ChaCha20-Poly1305 under a zero nonce. scrypt: salt
 * "age-encryption.org/v1/scrypt" || 16 random bytes, N = 2^work factor, r = 8, p = 1; on
 * decryption the work factor is capped before any work, and an scrypt stanza must be the
 * only one. Which failure is which class follows age and its test vectors. */
#include "mc_age.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "mc_age_internal.h"
#include "mc_bech32.h"
#include "mc_error.h"
#include "mc_file.h"

#define SCRYPT_SALT "age-encryption.org/v1/scrypt"
#define KEYS_FILE_MAX (1024 * 1024)

const char *mc_age_result_name(mc_age_result r)
{
    static const char *const names[] = {"success", "armor failure", "header failure",
                                        "no match", "HMAC failure", "payload failure",
                                        "error"};
    return (unsigned)r < sizeof names / sizeof *names ? names[r] : "error";
}

/* ---- X25519 and scrypt on OpenSSL ------------------------------------------------------ */

int mc_age_x25519_public(unsigned char pk[32], const unsigned char sk[32])
{
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, 32);
    size_t len = 32;
    int ok = k && EVP_PKEY_get_raw_public_key(k, pk, &len) == 1 && len == 32;
    EVP_PKEY_free(k);
    return ok ? MC_OK : mc_error_set(MC_EINTERNAL, "age: X25519 failed in OpenSSL");
}

/* The shared secret into out: MC_OK, or 1 when it is all zero (a low-order share, which
 * OpenSSL also refuses to derive). */
int mc_age_x25519_shared(unsigned char out[32], const unsigned char sk[32],
                         const unsigned char peer[32])
{
    static const unsigned char zero[32];
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, 32);
    EVP_PKEY *p = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
    EVP_PKEY_CTX *c = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;
    size_t len = 32;
    int rc = MC_OK;
    if (!k || !p || !c || EVP_PKEY_derive_init(c) != 1)
        rc = mc_error_set(MC_EINTERNAL, "age: X25519 failed in OpenSSL");
    else if (EVP_PKEY_derive_set_peer(c, p) != 1 || EVP_PKEY_derive(c, out, &len) != 1 ||
             len != 32 || CRYPTO_memcmp(out, zero, 32) == 0)
        rc = 1;
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(p);
    EVP_PKEY_free(k);
    return rc;
}

int mc_age_scrypt_key(unsigned char key[32], const char *pass, const unsigned char salt[16],
                      int log2n)
{
    unsigned char s[sizeof SCRYPT_SALT - 1 + 16];
    uint64_t n = (uint64_t)1 << log2n, maxmem = 2 * 128 * 8 * n + (1u << 20);
    uint32_t r = 8, p = 1;
    memcpy(s, SCRYPT_SALT, sizeof SCRYPT_SALT - 1);
    memcpy(s + sizeof SCRYPT_SALT - 1, salt, 16);
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *k = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pass, strlen(pass)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, s, sizeof s),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end()};
    int rc = k && EVP_KDF_derive(k, key, 32, params) == 1
                 ? MC_OK
                 : mc_error_set(MC_ENOMEM, "age: scrypt with N = 2^%d failed in OpenSSL (out "
                                           "of memory?)", log2n);
    EVP_KDF_CTX_free(k);
    EVP_KDF_free(kdf);
    return rc;
}

/* ---- recipients and identities --------------------------------------------------------- */

int mc_age_recipients_new(mc_age_recipients **out)
{
    mc_age_recipients *r = calloc(1, sizeof *r);
    if (!r)
        return mc_error_nomem();
    *out = r;
    return MC_OK;
}

size_t mc_age_recipients_count(const mc_age_recipients *r)
{
    return r ? r->n + (r->pass ? 1 : 0) : 0;
}

void mc_age_recipients_free(mc_age_recipients *r)
{
    if (!r)
        return;
    free(r->pk);
    if (r->pass)
        OPENSSL_clear_free(r->pass, strlen(r->pass));
    free(r);
}

int mc_age_recipients_add(mc_age_recipients *r, const char *text)
{
    char hrp[16];
    unsigned char pk[40];
    size_t len = 0;
    if (r->pass)
        return mc_error_set(MC_EINPUT, "age: a passphrase cannot be combined with recipients");
    if (strncmp(text, "age1", 4) != 0)
        return mc_error_set(MC_EINPUT, "'%.80s' is not an age X25519 recipient (age1...)",
                            text);
    if (mc_bech32_decode(hrp, sizeof hrp, pk, sizeof pk, &len, text) != MC_OK) {
        char why[256];
        snprintf(why, sizeof why, "%.200s", mc_error_last()->message);
        return mc_error_set(MC_EINPUT, "'%.80s' is not a valid age recipient: %s", text, why);
    }
    if (strcmp(hrp, "age") != 0 || len != 32)
        return mc_error_set(MC_EINPUT, "'%.80s' is not a valid age recipient: not 32 bytes",
                            text);
    unsigned char(*v)[32] = realloc(r->pk, (r->n + 1) * sizeof *v);
    if (!v)
        return mc_error_nomem();
    memcpy(v[r->n], pk, 32);
    r->pk = v;
    r->n++;
    return MC_OK;
}

int mc_age_recipients_set_passphrase(mc_age_recipients *r, const char *pass, int log2n)
{
    if (r->n)
        return mc_error_set(MC_EINPUT, "age: a passphrase cannot be combined with recipients");
    if (!pass || !*pass || strlen(pass) > MC_AGE_MAX_PASSPHRASE)
        return mc_error_set(MC_EINPUT, "age: the passphrase is empty or over %d bytes",
                            MC_AGE_MAX_PASSPHRASE);
    if (log2n == 0)
        log2n = MC_AGE_SCRYPT_DEFAULT_LOG2N;
    if (log2n < 10 || log2n > MC_AGE_SCRYPT_MAX_LOG2N)
        return mc_error_set(MC_EINPUT, "age: the scrypt work factor must be 10 to %d",
                            MC_AGE_SCRYPT_MAX_LOG2N);
    char *copy = strdup(pass);
    if (!copy)
        return mc_error_nomem();
    if (r->pass)
        OPENSSL_clear_free(r->pass, strlen(r->pass));
    r->pass = copy;
    r->log2n = log2n;
    return MC_OK;
}

int mc_age_identities_new(mc_age_identities **out)
{
    mc_age_identities *ids = calloc(1, sizeof *ids);
    if (!ids)
        return mc_error_nomem();
    *out = ids;
    return MC_OK;
}

void mc_age_identities_free(mc_age_identities *ids)
{
    if (!ids)
        return;
    for (size_t i = 0; i < ids->n; i++)
        if (ids->v[i].pass)
            OPENSSL_clear_free(ids->v[i].pass, strlen(ids->v[i].pass));
    OPENSSL_clear_free(ids->v, ids->n * sizeof *ids->v);
    free(ids);
}

size_t mc_age_identities_count(const mc_age_identities *ids)
{
    return ids ? ids->n : 0;
}

static int identity_push(mc_age_identities *ids, const mc_age_id *id)
{
    mc_age_id *v = OPENSSL_malloc((ids->n + 1) * sizeof *v);
    if (!v)
        return mc_error_nomem();
    if (ids->n)
        memcpy(v, ids->v, ids->n * sizeof *v);
    v[ids->n] = *id;
    OPENSSL_clear_free(ids->v, ids->n * sizeof *ids->v);
    ids->v = v;
    ids->n++;
    return MC_OK;
}

static int parse_identity(mc_age_id *id, const char *text)
{
    char hrp[32];
    size_t len = 0;
    unsigned char sk[40];
    memset(id, 0, sizeof *id);
    if (strncmp(text, "AGE-SECRET-KEY-1", 16) != 0)
        return mc_error_set(MC_EINPUT, "not an age X25519 identity (AGE-SECRET-KEY-1...)");
    int rc = mc_bech32_decode(hrp, sizeof hrp, sk, sizeof sk, &len, text);
    if (rc == MC_OK && (strcmp(hrp, "age-secret-key-") != 0 || len != 32))
        rc = mc_error_set(MC_EINPUT, "not a 32-byte age X25519 identity");
    else if (rc) {
        char why[256];
        snprintf(why, sizeof why, "%.200s", mc_error_last()->message);
        rc = mc_error_set(MC_EINPUT, "not a valid age identity: %s", why);
    }
    if (rc == MC_OK) {
        memcpy(id->sk, sk, 32);
        rc = mc_age_x25519_public(id->pk, id->sk);
    }
    OPENSSL_cleanse(sk, sizeof sk);
    return rc;
}

int mc_age_identities_add(mc_age_identities *ids, const char *text)
{
    mc_age_id id;
    int rc = parse_identity(&id, text);
    if (rc == MC_OK)
        rc = identity_push(ids, &id);
    OPENSSL_cleanse(&id, sizeof id);
    return rc;
}

int mc_age_identity_to_recipient(char *out, size_t cap, const char *text)
{
    mc_age_id id;
    int rc = parse_identity(&id, text);
    if (rc == MC_OK)
        rc = mc_bech32_encode(out, cap, "age", id.pk, 32, 0);
    OPENSSL_cleanse(&id, sizeof id);
    return rc;
}

int mc_age_identities_add_passphrase(mc_age_identities *ids, const char *pass, int max_log2n)
{
    mc_age_id id;
    memset(&id, 0, sizeof id);
    if (!pass || !*pass || strlen(pass) > MC_AGE_MAX_PASSPHRASE)
        return mc_error_set(MC_EINPUT, "age: the passphrase is empty or over %d bytes",
                            MC_AGE_MAX_PASSPHRASE);
    if (max_log2n < 0 || max_log2n > MC_AGE_SCRYPT_MAX_LOG2N)
        return mc_error_set(MC_EINPUT, "age: the scrypt work factor cap must be 1 to %d",
                            MC_AGE_SCRYPT_MAX_LOG2N);
    id.max_log2n = max_log2n ? max_log2n : MC_AGE_SCRYPT_MAX_LOG2N;
    if (!(id.pass = strdup(pass)))
        return mc_error_nomem();
    int rc = identity_push(ids, &id);
    if (rc)
        OPENSSL_clear_free(id.pass, strlen(id.pass));
    return rc;
}

/* Calls add(ctx, line) for each line of a keys file that is not blank or a comment. */
static int each_key_line(const char *path, const char *what, void *ctx,
                         int (*add)(void *ctx, const char *line))
{
    char *text = NULL;
    size_t len = 0, n = 0;
    int rc = mc_file_read_text(&text, &len, path, KEYS_FILE_MAX);
    if (rc)
        return rc;
    int line = 0;
    for (char *p = text, *next; rc == MC_OK && p < text + len; p = next) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        next = nl ? nl + 1 : text + len;
        if (nl)
            *nl = '\0';
        line++;
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r')
            p[--l] = '\0';
        if (l == 0 || p[0] == '#')
            continue;
        if ((rc = add(ctx, p)) == MC_EINPUT) {
            char why[512];
            snprintf(why, sizeof why, "%.200s", mc_error_last()->message);
            rc = mc_error_set_at(MC_EINPUT, path, line, 1, "%s", why);
        }
        n++;
    }
    if (rc == MC_OK && n == 0)
        rc = mc_error_set_at(MC_EINPUT, path, 0, 0, "no %s in the file", what);
    OPENSSL_clear_free(text, len);
    return rc;
}

static int add_recipient_line(void *ctx, const char *line)
{
    if (strncmp(line, "ssh-", 4) == 0)
        return mc_error_set(MC_EINPUT, "SSH recipients are not supported (age1 X25519 only)");
    return mc_age_recipients_add(ctx, line);
}

static int add_identity_line(void *ctx, const char *line)
{
    return mc_age_identities_add(ctx, line);
}

int mc_age_recipients_add_file(mc_age_recipients *r, const char *path)
{
    return each_key_line(path, "recipient", r, add_recipient_line);
}

int mc_age_identities_add_file(mc_age_identities *ids, const char *path)
{
    return each_key_line(path, "identity", ids, add_identity_line);
}
