/* PKCS #11 signing keys through libp11: a parsed RFC 7512 URI (mc_pkcs11_uri.c) turned into
 * an open key: the module loaded once per process and shared, the one matching token and
 * private key found, the login made with the PIN the URI or the environment gives. */
#include "mc_pkcs11.h"

#include <errno.h>
#include <libp11.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc_env.h"
#include "mc_file.h"

/* One loaded module, shared by every key open on it: libp11 0.4.12 keeps no count of
 * C_Initialize calls, so a second context on the same module would finalize the first's
 * (its keys then fail with "Cryptoki not initialized"). */
typedef struct p11_module {
    char *path; /* as resolved by realpath */
    PKCS11_CTX *ctx;
    int loaded;
    PKCS11_SLOT *slots;
    unsigned int nslots;
    /* Per slot: whether this process logged in, and the SHA-256 of the PIN it used. PKCS #11
     * logins belong to the application, so a second key on a token already logged in would
     * get in with any PIN; login() compares the PIN with this digest instead. */
    unsigned char *logged_in;
    unsigned char (*pin_sha256)[32];
    int refs;
    struct p11_module *next;
} p11_module;

static pthread_mutex_t modules_lock = PTHREAD_MUTEX_INITIALIZER;
static p11_module *modules; /* guarded by modules_lock */

struct mc_pkcs11_key {
    p11_module *module;
    PKCS11_CTX *ctx;     /* module->ctx */
    PKCS11_SLOT *slots;  /* module->slots */
    unsigned int nslots;
    EVP_PKEY *pkey;
    char *pub_pem;
};

/* The PIN: pin-value, pin-source's first line, or MODELCERT_PKCS11_PIN; NULL when none. */
static int read_pin(char **out, const mc_pkcs11_uri *u)
{
    *out = NULL;
    if (u->v[MC_P11_PIN_VALUE] || !u->pin_path) {
        const char *pin = u->v[MC_P11_PIN_VALUE] ? u->v[MC_P11_PIN_VALUE]
                                                 : mc_env_get(MC_ENV_PKCS11_PIN);
        if (pin && !(*out = strdup(pin)))
            return mc_error_nomem();
        return MC_OK;
    }
    return mc_file_read_secret_line(out, u->pin_path, 1024);
}

static void free_pin(char *pin)
{
    if (pin)
        OPENSSL_cleanse(pin, strlen(pin));
    free(pin);
}

/* 1 when want is NULL or equals have (libp11 strips the padding of token fields). */
static int field_matches(const char *want, const char *have)
{
    return !want || (have && strcmp(want, have) == 0);
}

static int slot_matches(PKCS11_CTX *ctx, PKCS11_SLOT *s, const mc_pkcs11_uri *u)
{
    PKCS11_TOKEN *t = s->token;
    if (!t || !t->initialized)
        return 0;
    if (u->v[MC_P11_SLOT_ID] &&
        strtoul(u->v[MC_P11_SLOT_ID], NULL, 10) != PKCS11_get_slotid_from_slot(s))
        return 0;
    return field_matches(u->v[MC_P11_TOKEN], t->label) &&
           field_matches(u->v[MC_P11_MANUFACTURER], t->manufacturer) &&
           field_matches(u->v[MC_P11_SERIAL], t->serialnr) &&
           field_matches(u->v[MC_P11_MODEL], t->model) &&
           field_matches(u->v[MC_P11_SLOT_DESCRIPTION], s->description) &&
           field_matches(u->v[MC_P11_SLOT_MANUFACTURER], s->manufacturer) &&
           field_matches(u->v[MC_P11_LIB_MANUFACTURER], ctx->manufacturer) &&
           field_matches(u->v[MC_P11_LIB_DESCRIPTION], ctx->description);
}

/* The last OpenSSL/libp11 error's reason text, for messages. */
static const char *last_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : "no reason given";
}

static void module_free(p11_module *m)
{
    if (!m)
        return;
    if (m->slots)
        PKCS11_release_all_slots(m->ctx, m->slots, m->nslots);
    if (m->loaded)
        PKCS11_CTX_unload(m->ctx);
    if (m->ctx)
        PKCS11_CTX_free(m->ctx);
    free(m->logged_in);
    free(m->pin_sha256);
    free(m->path);
    free(m);
}

/* Loads path (resolved) into a new module record with its slot list. */
static int module_load(p11_module **out, char *resolved)
{
    p11_module *m = calloc(1, sizeof *m);
    int rc = m ? MC_OK : mc_error_nomem();
    if (rc) {
        free(resolved);
        return rc;
    }
    m->path = resolved;
    m->refs = 1;
    if (!(m->ctx = PKCS11_CTX_new())) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    ERR_clear_error();
    if (PKCS11_CTX_load(m->ctx, m->path) != 0) {
        rc = mc_error_set(MC_EINPUT, "cannot load PKCS #11 module %s: %s (not a PKCS #11 "
                                     "module, or its C_Initialize failed)",
                          m->path, last_reason());
        goto cleanup;
    }
    m->loaded = 1;
    if (PKCS11_enumerate_slots(m->ctx, &m->slots, &m->nslots) != 0) {
        rc = mc_error_set(MC_EIO, "PKCS #11 module %s: cannot list its slots: %s", m->path,
                          last_reason());
        goto cleanup;
    }
    if (!(m->logged_in = calloc(m->nslots + 1, 1)) ||
        !(m->pin_sha256 = calloc(m->nslots + 1, sizeof *m->pin_sha256))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *out = m;
    m = NULL;
cleanup:
    module_free(m);
    return rc;
}

/* Takes a reference to the module the URI or MODELCERT_PKCS11_MODULE names, loading it
 * unless a key already holds it. */
static int load_module(mc_pkcs11_key *k, const mc_pkcs11_uri *u)
{
    const char *module = u->v[MC_P11_MODULE_PATH];
    if (!module)
        module = mc_env_get(MC_ENV_PKCS11_MODULE);
    if (!module || !*module)
        return mc_error_set(MC_EINPUT, "no PKCS #11 module: give module-path= in the URI or set "
                                       "MODELCERT_PKCS11_MODULE");
    struct stat st;
    if (stat(module, &st) != 0)
        return mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EINPUT,
                            "PKCS #11 module %s: %s", module, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return mc_error_set(MC_EINPUT, "PKCS #11 module %s is not a regular file", module);
    char *resolved = realpath(module, NULL);
    if (!resolved && errno == ENOMEM)
        return mc_error_nomem();
    if (!resolved)
        return mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EINPUT, "PKCS #11 module %s: %s",
                            module, strerror(errno));
    int rc = MC_OK;
    pthread_mutex_lock(&modules_lock);
    p11_module *m = modules;
    while (m && strcmp(m->path, resolved) != 0)
        m = m->next;
    if (m) {
        m->refs++;
        free(resolved);
    } else if (!(rc = module_load(&m, resolved))) {
        m->next = modules;
        modules = m;
    }
    pthread_mutex_unlock(&modules_lock);
    if (rc)
        return rc;
    k->module = m;
    k->ctx = m->ctx;
    k->slots = m->slots;
    k->nslots = m->nslots;
    return MC_OK;
}

/* Drops a reference; the last one unloads the module. */
static void module_release(p11_module *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&modules_lock);
    if (--m->refs == 0) {
        p11_module **p = &modules;
        while (*p != m)
            p = &(*p)->next;
        *p = m->next;
        module_free(m);
    }
    pthread_mutex_unlock(&modules_lock);
}

/* The one initialised token that matches u. */
static int find_slot(PKCS11_SLOT **out, mc_pkcs11_key *k, const mc_pkcs11_uri *u, const char *uri)
{
    PKCS11_SLOT *found = NULL;
    char names[512] = "";
    size_t matches = 0, used = 0;
    for (unsigned int i = 0; i < k->nslots; i++) {
        PKCS11_SLOT *s = &k->slots[i];
        if (s->token && s->token->initialized && used < sizeof names - 1) {
            int w = snprintf(names + used, sizeof names - used, "%s'%s'", used ? ", " : "",
                             s->token->label ? s->token->label : "");
            used = w < 0 ? sizeof names - 1 : used + (size_t)w;
            used = used > sizeof names - 1 ? sizeof names - 1 : used;
        }
        if (slot_matches(k->ctx, s, u)) {
            matches++;
            found = found ? found : s;
        }
    }
    if (matches == 0)
        return mc_error_set(MC_ENOTFOUND, "no PKCS #11 token matches %s (the module has: %s)",
                            uri, used ? names : "no initialised token");
    if (matches > 1)
        return mc_error_set(MC_EINPUT, "%zu PKCS #11 tokens match %s; add token=, serial= or "
                                       "slot-id= to choose one",
                            matches, uri);
    *out = found;
    return MC_OK;
}

static int login(mc_pkcs11_key *k, PKCS11_SLOT *slot, const mc_pkcs11_uri *u)
{
    const char *label = slot->token->label ? slot->token->label : "";
    if (!slot->token->loginRequired)
        return MC_OK;
    char *pin = NULL;
    unsigned char digest[32] = {0};
    size_t i = (size_t)(slot - k->slots);
    int rc = read_pin(&pin, u);
    if (rc)
        return rc;
    if (!pin) {
        rc = mc_error_set(MC_EINPUT, "PKCS #11 token '%s' needs a PIN: give pin-source= in the "
                                     "URI or set MODELCERT_PKCS11_PIN",
                          label);
        goto cleanup;
    }
    if (!EVP_Digest(pin, strlen(pin), digest, NULL, EVP_sha256(), NULL)) {
        rc = mc_error_set(MC_EINTERNAL, "cannot hash the PIN");
        goto cleanup;
    }
    pthread_mutex_lock(&modules_lock);
    if (k->module->logged_in[i]) {
        if (CRYPTO_memcmp(digest, k->module->pin_sha256[i], sizeof digest) != 0)
            rc = mc_error_set(MC_EINPUT, "wrong PIN for PKCS #11 token '%s'", label);
        pthread_mutex_unlock(&modules_lock);
        goto cleanup;
    }
    ERR_clear_error();
    if (PKCS11_login(slot, 0, pin) == 0) {
        k->module->logged_in[i] = 1;
        memcpy(k->module->pin_sha256[i], digest, sizeof digest);
    } else {
        unsigned long e = ERR_peek_last_error();
        int ckr = ERR_GET_LIB(e) == ERR_get_CKR_code() ? ERR_GET_REASON(e) : -1;
        if (ckr == 0xA0 /* CKR_PIN_INCORRECT */ || ckr == 0xA1 /* CKR_PIN_INVALID */ ||
            ckr == 0xA2 /* CKR_PIN_LEN_RANGE */)
            rc = mc_error_set(MC_EINPUT, "wrong PIN for PKCS #11 token '%s'", label);
        else if (ckr == 0xA4 /* CKR_PIN_LOCKED */)
            rc = mc_error_set(MC_EINPUT, "the PIN of PKCS #11 token '%s' is locked", label);
        else
            rc = mc_error_set(MC_EIO, "cannot log in to PKCS #11 token '%s': %s", label,
                              last_reason());
    }
    pthread_mutex_unlock(&modules_lock);
cleanup:
    OPENSSL_cleanse(digest, sizeof digest);
    free_pin(pin);
    return rc;
}

static void describe_key(char *buf, size_t size, const PKCS11_KEY *key)
{
    size_t used = (size_t)snprintf(buf, size, "'%s' (id ", key->label ? key->label : "");
    for (size_t i = 0; i < key->id_len && used + 3 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%02x", key->id[i]);
    if (used + 2 < size)
        snprintf(buf + used, size - used, ")");
}

/* The one private key on the token that matches object= and id=. */
static int find_key(PKCS11_KEY **out, PKCS11_SLOT *slot, const mc_pkcs11_uri *u, const char *uri)
{
    PKCS11_KEY *keys = NULL, *found = NULL;
    unsigned int n = 0;
    size_t matches = 0;
    char names[512] = "", one[160];
    ERR_clear_error();
    if (PKCS11_enumerate_keys(slot->token, &keys, &n) != 0)
        return mc_error_set(MC_EIO, "cannot list the keys of PKCS #11 token '%s': %s",
                            slot->token->label, last_reason());
    for (unsigned int i = 0; i < n; i++) {
        PKCS11_KEY *key = &keys[i];
        if (!key->isPrivate)
            continue;
        describe_key(one, sizeof one, key);
        if (strlen(names) + strlen(one) + 3 < sizeof names)
            strcat(strcat(names, *names ? ", " : ""), one);
        const char *object = u->v[MC_P11_OBJECT], *id = u->v[MC_P11_ID];
        if (object && (!key->label || strcmp(object, key->label) != 0))
            continue;
        if (id && (key->id_len != u->len[MC_P11_ID] || memcmp(key->id, id, key->id_len) != 0))
            continue;
        matches++;
        found = found ? found : key;
    }
    if (matches == 0)
        return mc_error_set(MC_ENOTFOUND, "PKCS #11 token '%s' has no private key matching %s "
                                          "(it has: %s)",
                            slot->token->label, uri, *names ? names : "none");
    if (matches > 1)
        return mc_error_set(MC_EINPUT, "%zu private keys on PKCS #11 token '%s' match %s; "
                                       "give both object= and id=",
                            matches, slot->token->label, uri);
    *out = found;
    return MC_OK;
}

/* Takes the EVP_PKEY and its public PEM from the key, checking type and curve. */
static int take_pkey(mc_pkcs11_key *k, PKCS11_KEY *key)
{
    char what[160];
    describe_key(what, sizeof what, key);
    if (PKCS11_get_key_type(key) != EVP_PKEY_EC)
        return mc_error_set(MC_EINPUT, "PKCS #11 key %s is not an EC key: OMS key mode signs with "
                                       "ECDSA on P-256, P-384 or P-521",
                            what);
    ERR_clear_error();
    if (!(k->pkey = PKCS11_get_private_key(key)))
        return mc_error_set(MC_EIO, "cannot use PKCS #11 key %s: %s", what, last_reason());
    char group[64] = "";
    size_t glen = 0;
    if (!EVP_PKEY_get_group_name(k->pkey, group, sizeof group, &glen) ||
        (strcmp(group, "prime256v1") != 0 && strcmp(group, "secp384r1") != 0 &&
         strcmp(group, "secp521r1") != 0))
        return mc_error_set(MC_EINPUT, "PKCS #11 key %s is on curve '%s': P-256, P-384 or P-521 "
                                       "expected",
                            what, *group ? group : "unknown");
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    int rc = MC_OK;
    if (!bio) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    ERR_clear_error();
    if (!PEM_write_bio_PUBKEY(bio, k->pkey)) {
        rc = mc_error_set(MC_EINPUT, "PKCS #11 key %s: the token holds no public key for it (a "
                                     "public-key object or certificate with the same id): %s",
                          what, last_reason());
        goto cleanup;
    }
    long len = BIO_get_mem_data(bio, &data);
    if (len <= 0)
        rc = mc_error_set(MC_EINTERNAL, "PKCS #11 key %s: its public key encodes to nothing",
                          what);
    else if (!(k->pub_pem = strndup(data, (size_t)len)))
        rc = mc_error_nomem();
cleanup:
    BIO_free(bio);
    return rc;
}

int mc_pkcs11_key_open_uri(mc_pkcs11_key **out, const mc_pkcs11_uri *u, const char *uri)
{
    PKCS11_SLOT *slot = NULL;
    PKCS11_KEY *key = NULL;
    mc_pkcs11_key *k = calloc(1, sizeof *k);
    char shown[320] = ""; /* messages quote the path part only: the query may hold a pin-value */
    int rc = k ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    mc_pkcs11_uri_shown(shown, sizeof shown, uri);
    if ((rc = load_module(k, u)) || (rc = find_slot(&slot, k, u, shown)) ||
        (rc = login(k, slot, u)) || (rc = find_key(&key, slot, u, shown)) ||
        (rc = take_pkey(k, key)))
        goto cleanup;
    *out = k;
    k = NULL;
cleanup:
    mc_pkcs11_key_free(k);
    return rc;
}

int mc_pkcs11_key_open(mc_pkcs11_key **out, const char *uri)
{
    mc_pkcs11_uri *u = NULL;
    int rc = mc_pkcs11_uri_parse(&u, uri);
    if (rc == MC_OK)
        rc = mc_pkcs11_key_open_uri(out, u, uri);
    mc_pkcs11_uri_free(u);
    return rc;
}

EVP_PKEY *mc_pkcs11_key_pkey(mc_pkcs11_key *k)
{
    return k ? k->pkey : NULL;
}

int mc_pkcs11_key_public_pem(const mc_pkcs11_key *k, char **pem_out)
{
    if (!k || !k->pub_pem)
        return mc_error_set(MC_EINTERNAL, "no PKCS #11 key");
    char *pem = strdup(k->pub_pem);
    if (!pem)
        return mc_error_nomem();
    *pem_out = pem;
    return MC_OK;
}

void mc_pkcs11_key_free(mc_pkcs11_key *k)
{
    if (!k)
        return;
    /* The key points into the slots' objects, which point into the loaded module. */
    EVP_PKEY_free(k->pkey);
    module_release(k->module);
    free(k->pub_pem);
    free(k);
}
