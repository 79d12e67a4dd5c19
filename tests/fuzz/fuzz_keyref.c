/* libFuzzer harness: key references and PKCS #11 URIs (tests/fuzz/README.md), through the one
 * parser every part uses (signing/mc_keyref.c, and signing/mc_pkcs11_uri.c under it). Parsing
 * only: nothing is loaded, no module is opened, no file or variable is read. Each input, made
 * a string, is parsed as a key reference and, when it does not start with "pkcs11:", once
 * more with that prefix, so that every input reaches the URI parser. Beside the sanitizers,
 * the harness checks what the parser promises: a reference's value points into it, a pkcs11:
 * reference carries its parsed URI (module-path and pin-source as the URI holds them), the
 * path part shown in messages never holds the query, decoded values are NUL-terminated at
 * their length, and every refusal says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_keyref.h"
#include "mc_pkcs11_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_uri(const mc_pkcs11_uri *u)
{
    for (int a = 0; a < MC_P11_ATTR_COUNT; a++)
        if (u->v[a] && u->v[a][u->len[a]] != '\0')
            abort(); /* a decoded value is NUL-terminated at its length */
    if (u->pin_path && !u->v[MC_P11_PIN_SOURCE])
        abort(); /* a PIN file comes from a pin-source */
    if (!u->v[MC_P11_OBJECT] && !u->v[MC_P11_ID])
        abort(); /* object= or id= is required */
    if (u->v[MC_P11_MODULE_PATH] && u->v[MC_P11_MODULE_PATH][0] != '/')
        abort(); /* module-path is absolute */
}

static void parse(const char *ref)
{
    mc_keyref *k = NULL;
    int rc = mc_keyref_parse(&k, ref);
    if (rc == MC_OK) {
        size_t n = strlen(ref);
        if (k->ref != ref || k->value < ref || k->value > ref + n || !*k->value)
            abort();
        if ((k->kind == MC_KEYREF_PKCS11) != (k->uri != NULL) ||
            (k->kind == MC_KEYREF_PKCS11) != (strncmp(ref, "pkcs11:", 7) == 0))
            abort();
        if (k->uri) {
            check_uri(k->uri);
            if (k->module_path != k->uri->v[MC_P11_MODULE_PATH] ||
                k->pin_path != k->uri->pin_path)
                abort();
        } else if (k->module_path || k->pin_path) {
            abort();
        }
    } else if (rc != MC_EINPUT && rc != MC_ENOMEM) {
        abort();
    } else if (!mc_error_last()->message[0]) {
        abort(); /* a refusal says why */
    }
    mc_keyref_free(k);

    char shown[512];
    mc_pkcs11_uri_shown(shown, sizeof shown, ref);
    if (strchr(shown, '?') || strlen(shown) > 300)
        abort(); /* messages show the path part only: the query may hold a pin-value */
    mc_error_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2 * MC_PKCS11_URI_MAX)
        return 0;
    char *s = malloc(size + 8);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    parse(s);
    if (strncmp(s, "pkcs11:", 7) != 0) {
        memmove(s + 7, s, size + 1);
        memcpy(s, "pkcs11:", 7);
        parse(s);
    }
    free(s);
    return 0;
}
