/* ECDSA signing keys loaded from what a key reference names (mc_keyref.h): a PEM file, a
 * variable holding PEM text, or (when built in) a PKCS #11 token; an encrypted private key
 * with its passphrase. The loaded key (curve, public PEM, hint, a warning about its file's
 * mode) is what every signing function takes. */
#include "mc_key.h"

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc_env.h"
#include "mc_file.h"
#include "mc_keyref.h"
#ifdef MC_HAVE_PKCS11
#include "mc_pkcs11.h"
#endif

struct mc_key {
    EVP_PKEY *pkey;
    const char *curve;
    char *warning;
    char *pub_pem;
    char hint[MC_SHA256_HEX_LEN + 1];
#ifdef MC_HAVE_PKCS11
    mc_pkcs11_key *p11;
#endif
};

#define PASS_MAX 1024

void mc_key_free(mc_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k->warning);
    free(k->pub_pem);
#ifdef MC_HAVE_PKCS11
    mc_pkcs11_key_free(k->p11);
#endif
    free(k);
}

EVP_PKEY *mc_key_pkey(const mc_key *k) { return k->pkey; }
const char *mc_key_curve(const mc_key *k) { return k->curve; }
const char *mc_key_warning(const mc_key *k) { return k->warning; }
const char *mc_key_public_pem(const mc_key *k) { return k->pub_pem; }
const char *mc_key_hint(const mc_key *k) { return k->hint; }

/* The curve's name for a supported EC key, else NULL with why in *why. */
static const char *supported_curve(EVP_PKEY *pkey, const char **why)
{
    char group[64] = "";
    size_t glen = 0;
    if (EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_is_a(pkey, "RSA-PSS")) {
        *why = "an RSA key (OMS key mode signs with ECDSA only: P-256, P-384 or P-521)";
        return NULL;
    }
    if (EVP_PKEY_is_a(pkey, "ED25519") || EVP_PKEY_is_a(pkey, "ED448")) {
        *why = "an Ed25519/Ed448 key (OMS key mode signs with ECDSA only: P-256, P-384 or P-521)";
        return NULL;
    }
    if (!EVP_PKEY_is_a(pkey, "EC")) {
        *why = "not an elliptic-curve key (OMS key mode signs with ECDSA only)";
        return NULL;
    }
    if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &glen)) {
        *why = "an EC key with explicit or unknown curve parameters";
        return NULL;
    }
    if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
        return "P-256";
    if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
        return "P-384";
    if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
        return "P-521";
    *why = "an EC key on an unsupported curve (P-256, P-384 or P-521 only)";
    return NULL;
}

/* Fills curve, public PEM and hint; takes over pkey on success. */
static int key_finish(mc_key **out, EVP_PKEY *pkey, const char *what)
{
    const char *why = NULL;
    const char *curve = supported_curve(pkey, &why);
    BIO *bio = NULL;
    mc_key *k = NULL;
    int rc = MC_OK;
    if (!curve)
        return mc_error_set(MC_EINPUT, "%s: %s", what, why);
    if (!(k = calloc(1, sizeof *k))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    k->curve = curve;
    char *data = NULL;
    long n;
    if (!(bio = BIO_new(BIO_s_mem())) || !PEM_write_bio_PUBKEY(bio, pkey) ||
        (n = BIO_get_mem_data(bio, &data)) <= 0) {
        rc = mc_error_set(MC_EINTERNAL, "%s: cannot encode the public key", what);
        goto cleanup;
    }
    if (!(k->pub_pem = malloc((size_t)n + 1))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    memcpy(k->pub_pem, data, (size_t)n);
    k->pub_pem[n] = '\0';
    if ((rc = mc_sha256_hex(k->hint, k->pub_pem, (size_t)n)))
        goto cleanup;
    k->pkey = pkey;
    *out = k;
    k = NULL;
cleanup:
    BIO_free(bio);
    mc_key_free(k);
    return rc;
}

/* The PEM text a parsed reference names: *text (caller frees), *path_out the file path or
 * NULL (for env:), *p11 the URI when it is a PKCS #11 one and *p11_parsed its attributes.
 * A variable's value is parsed as a reference too (*inner, caller frees): a pkcs11: URI
 * there is the key's URI, anything else its PEM text. */
static int ref_text(char **text, size_t *len, const char **path_out, const char **p11,
                    const mc_pkcs11_uri **p11_parsed, mc_keyref **inner, const mc_keyref *ref)
{
    *text = NULL;
    *path_out = NULL;
    *p11 = NULL;
    *p11_parsed = NULL;
    *inner = NULL;
    switch (ref->kind) {
    case MC_KEYREF_PKCS11:
        *p11 = ref->value;
        *p11_parsed = ref->uri;
        return MC_OK;
    case MC_KEYREF_ENV: {
        const char *v = mc_env_named(ref->value);
        if (!v || !*v)
            return mc_error_set(MC_ENOTFOUND, "key variable %s is not set", ref->value);
        int rc = mc_keyref_parse(inner, v);
        if (rc)
            return rc;
        if ((*inner)->kind == MC_KEYREF_PKCS11) {
            *p11 = v;
            *p11_parsed = (*inner)->uri;
            return MC_OK;
        }
        size_t n = strlen(v);
        if (n > MC_KEY_FILE_MAX)
            return mc_error_set(MC_EINPUT, "key variable %s is over %d bytes", ref->value,
                                MC_KEY_FILE_MAX);
        if (!(*text = strdup(v)))
            return mc_error_nomem();
        *len = n;
        return MC_OK;
    }
    case MC_KEYREF_FILE:
    case MC_KEYREF_PATH:
        break;
    }
    *path_out = ref->value;
    return mc_file_read_text(text, len, ref->value, MC_KEY_FILE_MAX);
}

/* What a key reference names, for both loaders: the parsed reference, and either a PKCS #11
 * URI (uri, parsed) or the PEM text (text, len) read from a file (path) or a variable. */
typedef struct key_source {
    mc_keyref *kr, *inner;
    char *text;
    size_t len;
    const char *path, *uri, *what;
    const mc_pkcs11_uri *parsed;
} key_source;

/* Parses ref and reads what it names into *src (key_source_close frees it, also on error). */
static int key_source_open(key_source *src, const char *ref)
{
    memset(src, 0, sizeof *src);
    int rc = mc_keyref_parse(&src->kr, ref);
    if (rc == MC_OK)
        rc = ref_text(&src->text, &src->len, &src->path, &src->uri, &src->parsed, &src->inner,
                      src->kr);
    src->what = src->path ? src->path : ref;
    return rc;
}

/* Frees a key_source; the PEM text is wiped first (it may hold a private key). */
static void key_source_close(key_source *src)
{
    if (src->text) {
        OPENSSL_cleanse(src->text, src->len);
        free(src->text);
    }
    mc_keyref_free(src->kr);
    mc_keyref_free(src->inner);
    memset(src, 0, sizeof *src);
}

static int open_pkcs11(mc_key **out, const char *uri, const mc_pkcs11_uri *parsed)
{
#ifdef MC_HAVE_PKCS11
    mc_pkcs11_key *p = NULL;
    int rc = mc_pkcs11_key_open_uri(&p, parsed, uri);
    if (rc)
        return rc;
    EVP_PKEY *pk = mc_pkcs11_key_pkey(p);
    if (!pk || !EVP_PKEY_up_ref(pk)) {
        mc_pkcs11_key_free(p);
        return mc_error_set(MC_EINTERNAL, "PKCS #11 key %s has no usable key", uri);
    }
    rc = key_finish(out, pk, uri);
    if (rc) {
        EVP_PKEY_free(pk);
        mc_pkcs11_key_free(p);
        return rc;
    }
    (*out)->p11 = p;
    return MC_OK;
#else
    (void)out;
    (void)parsed;
    return mc_error_set(MC_EINPUT, "this modelcert was built without PKCS #11 support "
                        "(key %.200s)", uri);
#endif
}

static int read_passphrase(char **out, const char *file)
{
    *out = NULL;
    if (file) {
        return mc_file_read_secret_line(out, file, PASS_MAX);
    }
    const char *v = mc_env_get(MC_ENV_KEY_PASSPHRASE);
    if (v && *v && !(*out = strdup(v)))
        return mc_error_nomem();
    return MC_OK;
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *p = u;
    if (!p)
        return -1;
    size_t n = strlen(p);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, p, n);
    return (int)n;
}

static int warn_mode(mc_key *k, const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0 || !(st.st_mode & 077))
        return MC_OK;
    char buf[600];
    snprintf(buf, sizeof buf,
             "private key file %.400s is readable by its group or others (mode %03o): "
             "chmod 600 it",
             path, (unsigned)(st.st_mode & 0777));
    if (!(k->warning = strdup(buf)))
        return mc_error_nomem();
    return MC_OK;
}

int mc_key_load_private_with(mc_key **out, const char *ref, const char *passphrase_file)
{
    char *pass = NULL;
    key_source src;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    mc_key *k = NULL;
    int rc = key_source_open(&src, ref);
    if (rc)
        goto cleanup;
    if (src.uri) {
        rc = open_pkcs11(out, src.uri, src.parsed);
        goto cleanup;
    }
    const char *what = src.what, *text = src.text;
    size_t len = src.len;
    int encrypted = strstr(text, "ENCRYPTED") != NULL;
    if ((rc = read_passphrase(&pass, passphrase_file)))
        goto cleanup;
    if (encrypted && !pass) {
        rc = mc_error_set(MC_EINPUT,
                          "%s: the private key is encrypted: give its passphrase in "
                          "MODELCERT_KEY_PASSPHRASE or a passphrase file",
                          what);
        goto cleanup;
    }
    if (!(bio = BIO_new_mem_buf(text, (int)len))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    ERR_clear_error();
    pkey = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, pass);
    ERR_clear_error();
    if (!pkey) {
        if (encrypted)
            rc = mc_error_set(MC_EINPUT, "%s: wrong passphrase for the encrypted private key",
                              what);
        else if (strstr(text, "PUBLIC KEY") || strstr(text, "CERTIFICATE"))
            rc = mc_error_set(MC_EINPUT,
                              "%s: this is a public key or certificate, not a private key", what);
        else
            rc = mc_error_set(MC_EINPUT, "%s: not a PEM private key (PKCS#8 or SEC1)", what);
        goto cleanup;
    }
    if ((rc = key_finish(&k, pkey, what)))
        goto cleanup;
    pkey = NULL;
    if ((rc = warn_mode(k, src.path)))
        goto cleanup;
    *out = k;
    k = NULL;
cleanup:
    if (pass) {
        OPENSSL_cleanse(pass, strlen(pass));
        free(pass);
    }
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    mc_key_free(k);
    key_source_close(&src);
    return rc;
}

int mc_key_load_private(mc_key **out, const char *ref)
{
    return mc_key_load_private_with(out, ref, NULL);
}

int mc_key_load_public(mc_key **out, const char *ref)
{
    key_source src;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    X509 *cert = NULL;
    int rc = key_source_open(&src, ref);
    if (rc)
        goto cleanup;
    if (src.uri) {
        rc = open_pkcs11(out, src.uri, src.parsed);
        goto cleanup;
    }
    const char *what = src.what, *text = src.text;
    if (!(bio = BIO_new_mem_buf(text, (int)src.len))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    ERR_clear_error();
    if (strstr(text, "-----BEGIN PUBLIC KEY-----")) {
        pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    } else if (strstr(text, "-----BEGIN CERTIFICATE-----")) {
        if ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
            pkey = X509_get_pubkey(cert);
    } else if (strstr(text, "PRIVATE KEY-----") && !strstr(text, "ENCRYPTED")) {
        pkey = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, NULL);
    }
    ERR_clear_error();
    if (!pkey) {
        rc = mc_error_set(MC_EINPUT,
                          "%s: not a PEM public key (SubjectPublicKeyInfo), certificate or "
                          "unencrypted private key",
                          what);
        goto cleanup;
    }
    if ((rc = key_finish(out, pkey, what)))
        goto cleanup;
    pkey = NULL;
cleanup:
    BIO_free(bio);
    X509_free(cert);
    EVP_PKEY_free(pkey);
    key_source_close(&src);
    return rc;
}

int mc_key_from_pkey(mc_key **out, EVP_PKEY *pkey)
{
    if (!EVP_PKEY_up_ref(pkey))
        return mc_error_set(MC_EINTERNAL, "cannot take a reference to the key");
    int rc = key_finish(out, pkey, "key");
    if (rc)
        EVP_PKEY_free(pkey);
    return rc;
}
