/* SHA-256 through OpenSSL (mc_hash.h): of a buffer, streamed over a file,
 * as lowercase hex; and random identifiers from the system's generator. */
#include "mc_hash.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "mc_error.h"

static void to_hex(char *hex, const unsigned char *md, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * n] = '\0';
}

int mc_sha256_hex(char hex[MC_SHA256_HEX_LEN + 1], const void *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL))
        return mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
    to_hex(hex, md, n);
    return MC_OK;
}

int mc_sha256_file_hex(char hex[MC_SHA256_HEX_LEN + 1], const char *path)
{
    int rc = MC_OK;
    EVP_MD_CTX *ctx = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot open %s: %s", path,
                            strerror(errno));
    ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 init failed in OpenSSL");
        goto cleanup;
    }
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (!EVP_DigestUpdate(ctx, buf, n)) {
            rc = mc_error_set(MC_EINTERNAL, "SHA-256 update failed in OpenSSL");
            goto cleanup;
        }
    }
    if (ferror(f)) {
        rc = mc_error_set(MC_EIO, "cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_DigestFinal_ex(ctx, md, &mdlen)) {
        rc = mc_error_set(MC_EINTERNAL, "SHA-256 final failed in OpenSSL");
        goto cleanup;
    }
    to_hex(hex, md, mdlen);
cleanup:
    EVP_MD_CTX_free(ctx);
    fclose(f);
    return rc;
}

int mc_sha256_hex_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isxdigit((unsigned char)s[n]))
            return 0;
    return n == MC_SHA256_HEX_LEN;
}

int mc_random_id(char hex[33])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return mc_error_set(MC_EIO, "no random bytes available for an identifier");
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(hex + 2 * i, 3, "%02x", b[i]);
    return MC_OK;
}
