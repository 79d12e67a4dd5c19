/* RFC 7512 PKCS #11 URIs: the parser behind every `pkcs11:` key reference (mc_keyref.c) and
 * every key mc_pkcs11.c opens. Attributes are split at ';' (path) and '&' (query), decoded
 * (percent escapes; reserved characters refused unescaped), bounded by the PKCS #11 field
 * they match and checked as RFC 7512 and model_signing check them. Nothing is loaded or read
 * here: that is mc_pkcs11.c's work. */
#include "mc_pkcs11_uri.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc_error.h"

static const struct {
    const char *name;
    size_t max; /* the longest value that can match (the PKCS #11 field's size) */
} attrs[MC_P11_ATTR_COUNT] = {
    {"token", 32}, {"manufacturer", 32}, {"serial", 16}, {"model", 16},
    {"library-manufacturer", 32}, {"library-description", 32}, {"library-version", 16},
    {"object", 1024}, {"type", 16}, {"id", 256}, {"slot-description", 64},
    {"slot-manufacturer", 32}, {"slot-id", 20}, {"pin-source", 1024}, {"pin-value", 256},
    {"module-name", 256}, {"module-path", 1024},
};
#define FIRST_QUERY MC_P11_PIN_SOURCE

void mc_pkcs11_uri_free(mc_pkcs11_uri *u)
{
    if (!u)
        return;
    for (int i = 0; i < MC_P11_ATTR_COUNT; i++) {
        if (u->v[i])
            OPENSSL_cleanse(u->v[i], u->len[i]);
        free(u->v[i]);
    }
    free(u);
}

void mc_pkcs11_uri_shown(char *buf, size_t size, const char *uri)
{
    size_t path_len = strcspn(uri, "?");
    snprintf(buf, size, "%.*s", (int)(path_len > 300 ? 300 : path_len), uri);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* RFC 7512 pk11-pchar (in_query 0) or pk11-qchar (1), besides pct-encoded. */
static int allowed_char(unsigned char c, int in_query)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    if (strchr("-._~:[]@!$'()*+,=", c))
        return 1;
    return in_query ? strchr("/?|", c) != NULL : c == '&';
}

/* Decodes one attribute s[0..n) (column col of the URI) into u. */
static int parse_attr(mc_pkcs11_uri *u, const char *s, size_t n, size_t col, int in_query)
{
    const char *eq = memchr(s, '=', n);
    const char *kind = in_query ? "query" : "path";
    if (n == 0)
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: empty %s attribute at column %zu", kind,
                            col);
    if (!eq)
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: %s attribute at column %zu has no '='",
                            kind, col);
    size_t name_len = (size_t)(eq - s);
    int a = -1;
    for (int i = in_query ? FIRST_QUERY : 0; i < (in_query ? MC_P11_ATTR_COUNT : FIRST_QUERY);
         i++)
        if (strlen(attrs[i].name) == name_len && memcmp(attrs[i].name, s, name_len) == 0)
            a = i;
    if (a < 0)
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: unknown %s attribute '%.*s' at column %zu",
                            kind, (int)(name_len > 64 ? 64 : name_len), s, col);
    if (u->v[a])
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: attribute '%s' given twice (column %zu)",
                            attrs[a].name, col);
    char *out = malloc(n - name_len);
    if (!out)
        return mc_error_nomem();
    size_t len = 0;
    for (size_t i = name_len + 1; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                return mc_error_set(MC_EINPUT,
                                    "PKCS #11 URI: bad percent escape at column %zu (%%XX with "
                                    "two hex digits expected)",
                                    col + i);
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
            if (c == 0 && a != MC_P11_ID) {
                free(out);
                return mc_error_set(MC_EINPUT, "PKCS #11 URI: %%00 in '%s' at column %zu",
                                    attrs[a].name, col + i - 2);
            }
        } else if (!allowed_char(c, in_query)) {
            free(out);
            if (c < 0x21 || c > 0x7e)
                return mc_error_set(MC_EINPUT,
                                    "PKCS #11 URI: byte 0x%02x at column %zu must be "
                                    "percent-encoded",
                                    c, col + i);
            return mc_error_set(MC_EINPUT,
                                "PKCS #11 URI: '%c' at column %zu must be percent-encoded", c,
                                col + i);
        }
        out[len++] = (char)c;
    }
    out[len] = '\0';
    u->v[a] = out;
    u->len[a] = len;
    if (len > attrs[a].max)
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: '%s' is %zu bytes, over its limit of %zu",
                            attrs[a].name, len, attrs[a].max);
    return MC_OK;
}

/* Splits s[0..n) at sep and parses each attribute. */
static int parse_part(mc_pkcs11_uri *u, const char *s, size_t n, size_t col, int in_query,
                      char sep)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != sep)
            continue;
        int rc = parse_attr(u, s + start, i - start, col + start, in_query);
        if (rc)
            return rc;
        start = i + 1;
    }
    return MC_OK;
}

/* The file a pin-source names: file:/ABS, file:///ABS or /ABS, as model_signing takes it. */
static int pin_source_path(const char **out, const char *src)
{
    const char *path = src;
    if (strncmp(path, "file://", 7) == 0)
        path += 7;
    else if (strncmp(path, "file:", 5) == 0)
        path += 5;
    else if (strchr(path, ':') && path[0] != '/')
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: pin-source '%s': only file: is supported",
                            src);
    if (path[0] != '/')
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: pin-source '%s' is not an absolute path",
                            src);
    *out = path;
    return MC_OK;
}

/* The checks of values that RFC 7512 and model_signing make. */
static int check_attrs(mc_pkcs11_uri *u)
{
    if (u->v[MC_P11_TYPE] && strcmp(u->v[MC_P11_TYPE], "private") != 0)
        return mc_error_set(MC_EINPUT,
                            "PKCS #11 URI: type=%s: a signing key is a private key (type=private)",
                            u->v[MC_P11_TYPE]);
    if (u->v[MC_P11_SLOT_ID]) {
        const char *p = u->v[MC_P11_SLOT_ID];
        errno = 0;
        char *end;
        unsigned long long id = strtoull(p, &end, 10);
        if (!*p || *end || *p == '-' || *p == '+' || errno || id > 0xFFFFFFFFull)
            return mc_error_set(MC_EINPUT, "PKCS #11 URI: slot-id '%s' is not a 32-bit number", p);
    }
    if (u->v[MC_P11_LIB_VERSION])
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: library-version is not supported; select "
                                       "the module with module-path");
    if (u->v[MC_P11_MODULE_NAME])
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: module-name is not supported; give the "
                                       "module's absolute path in module-path or "
                                       "MODELCERT_PKCS11_MODULE");
    if (u->v[MC_P11_PIN_SOURCE] && u->v[MC_P11_PIN_VALUE])
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: pin-source and pin-value are both given");
    if (u->v[MC_P11_MODULE_PATH] && u->v[MC_P11_MODULE_PATH][0] != '/')
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: module-path '%s' is not an absolute path",
                            u->v[MC_P11_MODULE_PATH]);
    if (u->v[MC_P11_PIN_SOURCE] && pin_source_path(&u->pin_path, u->v[MC_P11_PIN_SOURCE]))
        return MC_EINPUT;
    if (!u->v[MC_P11_OBJECT] && !u->v[MC_P11_ID])
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: neither object= nor id= names the key");
    return MC_OK;
}

int mc_pkcs11_uri_parse(mc_pkcs11_uri **out, const char *uri)
{
    mc_pkcs11_uri *u = NULL;
    size_t n = uri ? strlen(uri) : 0;
    int rc = MC_OK;
    if (!uri)
        return mc_error_set(MC_EINPUT, "no PKCS #11 URI given");
    if (n > MC_PKCS11_URI_MAX)
        return mc_error_set(MC_EINPUT, "PKCS #11 URI is %zu bytes, over the limit of %d", n,
                            MC_PKCS11_URI_MAX);
    if (n < 7 || strncasecmp(uri, "pkcs11:", 7) != 0)
        return mc_error_set(MC_EINPUT, "not a PKCS #11 URI (it starts with 'pkcs11:')");
    const char *hash = strchr(uri, '#');
    if (hash)
        return mc_error_set(MC_EINPUT, "PKCS #11 URI: '#' at column %zu must be percent-encoded",
                            (size_t)(hash - uri) + 1);
    if (!(u = calloc(1, sizeof *u)))
        return mc_error_nomem();
    const char *q = strchr(uri + 7, '?');
    size_t path_len = q ? (size_t)(q - uri) - 7 : n - 7;
    if ((path_len && (rc = parse_part(u, uri + 7, path_len, 8, 0, ';'))) ||
        (q && (rc = parse_part(u, q + 1, strlen(q + 1), (size_t)(q - uri) + 2, 1, '&'))) ||
        (rc = check_attrs(u)))
        goto cleanup;
    *out = u;
    u = NULL;
cleanup:
    mc_pkcs11_uri_free(u);
    return rc;
}
