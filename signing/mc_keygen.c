/* keygen: new ECDSA key pairs, written 0600/0644, all or nothing, never over a file unasked. */
#include "mc_keygen.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_env.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_pkcs11.h"

static const struct {
    const char *option, *name; /* the name is also OpenSSL's group name */
} curves[] = {{"p256", "P-256"}, {"p384", "P-384"}, {"p521", "P-521"}};

void mc_keygen_result_clear(mc_keygen_result *r)
{
    if (!r)
        return;
    free(r->key_path);
    free(r->pub_path);
    memset(r, 0, sizeof *r);
}

/* *out: NAME + suffix, where a NAME already ending in ".key" or ".pub" loses that ending
 * first (-o release.pub names the pair release.key and release.pub). MC_ENOMEM. */
static int with_suffix(char **out, const char *name, const char *suffix)
{
    size_t len = strlen(name);
    if (len > 4 && (strcmp(name + len - 4, ".key") == 0 || strcmp(name + len - 4, ".pub") == 0))
        len -= 4;
    size_t n = len + strlen(suffix) + 1;
    char *s = malloc(n);
    if (!s)
        return mc_error_nomem();
    snprintf(s, n, "%.*s%s", (int)len, name, suffix);
    *out = s;
    return MC_OK;
}

/* Whether path may be written: a regular file or nothing (and then only with force when
 * it exists), in a writable directory. */
static int check_target(const char *path, int force)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && !force)
        return mc_error_set(MC_EINPUT, "%s exists; use --force to overwrite it", path);
    return mc_file_check_output(path);
}

/* Writes all of p to fd; MC_EIO naming `path` (the file fd is) when it cannot. */
static int write_all(int fd, const char *p, size_t len, const char *path)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return mc_error_set(MC_EIO, "cannot write %s: %s", path, strerror(errno));
        p += w;
        len -= (size_t)w;
    }
    return MC_OK;
}

/* Writes data to a temporary file beside path (created 0600 by mkstemp, then set to mode),
 * flushes it, and links it to path (refusing an existing path) or, with force, renames it
 * over path. */
static int write_new(const char *path, const char *data, size_t len, mode_t mode, int force)
{
    int rc = MC_OK, fd = -1;
    size_t tmp_size = strlen(path) + sizeof ".tmp.XXXXXX";
    char *tmp = malloc(tmp_size);
    if (tmp)
        snprintf(tmp, tmp_size, "%s.tmp.XXXXXX", path);
    if (!tmp)
        return mc_error_nomem();
    if ((fd = mkstemp(tmp)) < 0) {
        rc = mc_error_set(MC_EIO, "cannot create a temporary file beside %s: %s", path,
                          strerror(errno));
        goto cleanup;
    }
    if ((rc = write_all(fd, data, len, tmp)))
        goto cleanup;
    if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
        rc = mc_error_set(MC_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    int closed = close(fd);
    fd = -1;
    if (closed != 0) {
        rc = mc_error_set(MC_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    if (force ? rename(tmp, path) != 0 : link(tmp, path) != 0) {
        rc = errno == EEXIST
                 ? mc_error_set(MC_EINPUT, "%s exists; use --force to overwrite it", path)
                 : mc_error_set(MC_EIO, "cannot write %s: %s", path, strerror(errno));
        goto cleanup;
    }
    mc_file_sync_parent(path);
cleanup:
    if (fd >= 0)
        close(fd);
    if (rc || !force)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* The passphrase: the first line of file (NULL: MODELCERT_KEY_PASSPHRASE); *out NULL for
 * none. */
static int read_passphrase(char **out, const char *file)
{
    *out = NULL;
    if (!file) {
        const char *env = mc_env_get(MC_ENV_KEY_PASSPHRASE);
        if (!env)
            return MC_OK;
        if (!*env)
            return mc_error_set(MC_EINPUT, "MODELCERT_KEY_PASSPHRASE is set but empty; unset it "
                                           "for a key without a passphrase");
        return (*out = strdup(env)) ? MC_OK : mc_error_nomem();
    }
    char *text = NULL;
    int rc = mc_file_read_secret_line(&text, file, MC_KEYGEN_PASSPHRASE_FILE_MAX);
    if (rc) {
        char why[sizeof mc_error_last()->message];
        snprintf(why, sizeof why, "%s", mc_error_last()->message);
        return mc_error_set(rc, "passphrase file: %s", why);
    }
    if (!*text) {
        free(text);
        return mc_error_set(MC_EINPUT, "passphrase file %s: its first line is empty", file);
    }
    *out = text;
    return MC_OK;
}

static void free_secret(char *s)
{
    if (s)
        OPENSSL_cleanse(s, strlen(s));
    free(s);
}

/* PKCS#8 PEM of pkey, encrypted with pass when it is not NULL; *out is NUL-terminated. */
static int encode_private(char **out, size_t *len, EVP_PKEY *pkey, const char *pass)
{
    BIO *bio = BIO_new(BIO_s_secmem());
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    X509_ALGOR *pbe = NULL;
    X509_SIG *sig = NULL;
    char *data;
    int rc = bio ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    if (!pass) {
        if (!PEM_write_bio_PKCS8PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL))
            rc = mc_error_set(MC_EINTERNAL, "cannot encode the private key");
    } else {
        /* PBES2 with a PBKDF2 iteration count of today's advice, rather than OpenSSL 3.0's
         * default of 2048. */
        if (!(p8 = EVP_PKEY2PKCS8(pkey)) ||
            !(pbe = PKCS5_pbe2_set_iv_ex(EVP_aes_256_cbc(), MC_KEYGEN_PBKDF2_ITER, NULL, 0, NULL,
                                         NID_hmacWithSHA256, NULL)) ||
            !(sig = PKCS8_set0_pbe_ex(pass, (int)strlen(pass), p8, pbe, NULL, NULL))) {
            rc = mc_error_set(MC_EINTERNAL, "cannot encrypt the private key");
            goto cleanup;
        }
        pbe = NULL; /* owned by sig now */
        if (!PEM_write_bio_PKCS8(bio, sig))
            rc = mc_error_set(MC_EINTERNAL, "cannot encode the encrypted private key");
    }
    long n = rc ? 0 : BIO_get_mem_data(bio, &data);
    if (!rc && (n <= 0 || !(*out = OPENSSL_secure_malloc((size_t)n + 1))))
        rc = mc_error_nomem();
    if (!rc) {
        memcpy(*out, data, (size_t)n);
        (*out)[n] = '\0';
        *len = (size_t)n;
    }
cleanup:
    X509_SIG_free(sig);
    X509_ALGOR_free(pbe);
    PKCS8_PRIV_KEY_INFO_free(p8);
    BIO_free(bio);
    return rc;
}

static int encode_public(char **out, EVP_PKEY *pkey)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    int rc = bio ? MC_OK : mc_error_nomem();
    if (!rc && !PEM_write_bio_PUBKEY(bio, pkey))
        rc = mc_error_set(MC_EINTERNAL, "cannot encode the public key");
    long n = rc ? 0 : BIO_get_mem_data(bio, &data);
    if (!rc && (n <= 0 || !(*out = strndup(data, (size_t)n))))
        rc = mc_error_nomem();
    BIO_free(bio);
    return rc;
}

int mc_keygen_write(mc_keygen_result *out, const mc_keygen_options *opt)
{
    mc_keygen_result r;
    memset(&r, 0, sizeof r);
    char *pass = NULL, *priv = NULL, *pub = NULL;
    size_t priv_len = 0;
    EVP_PKEY *pkey = NULL;
    int rc = MC_OK, wrote_key = 0;
    const char *curve = opt->curve ? opt->curve : "p256";
    size_t c = 0;
    while (c < sizeof curves / sizeof curves[0] && strcmp(curves[c].option, curve) != 0)
        c++;
    if (c == sizeof curves / sizeof curves[0])
        return mc_error_set(MC_EINPUT, "unknown curve '%.64s': p256, p384 or p521", curve);
    if (!opt->name || !*opt->name)
        return mc_error_set(MC_EINPUT, "no output name given (-o NAME writes NAME.key and "
                                       "NAME.pub)");
    r.curve = curves[c].name;
    if ((rc = with_suffix(&r.key_path, opt->name, ".key")) ||
        (rc = with_suffix(&r.pub_path, opt->name, ".pub")) ||
        (rc = check_target(r.key_path, opt->force)) ||
        (rc = check_target(r.pub_path, opt->force)) ||
        (rc = read_passphrase(&pass, opt->passphrase_file)))
        goto cleanup;
    r.encrypted = pass != NULL;
    ERR_clear_error();
    if (!(pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curves[c].name))) {
        rc = mc_error_set(MC_EINTERNAL, "cannot generate a %s key", curves[c].name);
        goto cleanup;
    }
    if ((rc = encode_private(&priv, &priv_len, pkey, pass)) || (rc = encode_public(&pub, pkey)) ||
        (rc = mc_sha256_hex(r.hint, pub, strlen(pub))))
        goto cleanup;
    if ((rc = write_new(r.key_path, priv, priv_len, 0600, opt->force)))
        goto cleanup;
    wrote_key = 1;
    if ((rc = write_new(r.pub_path, pub, strlen(pub), 0644, opt->force)))
        goto cleanup;
    *out = r;
    memset(&r, 0, sizeof r);
cleanup:
    if (rc && wrote_key)
        unlink(r.key_path);
    mc_keygen_result_clear(&r);
    free_secret(pass);
    if (priv)
        OPENSSL_secure_clear_free(priv, priv_len + 1);
    free(pub);
    EVP_PKEY_free(pkey);
    return rc;
}

int mc_keygen_pkcs11_public(mc_keygen_result *out, const char *uri, const char *name, int force)
{
    mc_keygen_result r;
    memset(&r, 0, sizeof r);
    mc_pkcs11_key *k = NULL;
    char *pub = NULL;
    int rc = MC_OK;
    if (!name || !*name)
        return mc_error_set(MC_EINPUT, "no output name given (-o NAME writes NAME.pub)");
    if ((rc = with_suffix(&r.pub_path, name, ".pub")) || (rc = check_target(r.pub_path, force)) ||
        (rc = mc_pkcs11_key_open(&k, uri)) ||
        (rc = mc_pkcs11_key_public_pem(k, &pub)) ||
        (rc = mc_sha256_hex(r.hint, pub, strlen(pub))))
        goto cleanup;
    char group[64] = "";
    size_t glen = 0;
    if (EVP_PKEY_get_group_name(mc_pkcs11_key_pkey(k), group, sizeof group, &glen) != 1) {
        rc = mc_error_set(MC_EINTERNAL, "cannot read the curve of the PKCS #11 key");
        goto cleanup;
    }
    r.curve = strcmp(group, "prime256v1") == 0 ? "P-256"
              : strcmp(group, "secp384r1") == 0 ? "P-384"
                                                 : "P-521";
    if ((rc = write_new(r.pub_path, pub, strlen(pub), 0644, force)))
        goto cleanup;
    *out = r;
    memset(&r, 0, sizeof r);
cleanup:
    mc_keygen_result_clear(&r);
    free(pub);
    mc_pkcs11_key_free(k);
    return rc;
}
