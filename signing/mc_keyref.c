/* The one parser of key references (mc_keyref.h): which kind a reference is and what it
 * names, for mc_key.c to load, spec/ to check and confine, and certify to resolve against
 * its spec's directory. A pkcs11: reference is parsed whole (mc_pkcs11_uri.c), so its
 * module-path and pin-source are known before anything is loaded. */
#include "mc_keyref.h"

#include <stdlib.h>
#include <string.h>

#include "mc_error.h"

void mc_keyref_free(mc_keyref *k)
{
    if (!k)
        return;
    mc_pkcs11_uri_free(k->uri);
    free(k);
}

int mc_keyref_parse(mc_keyref **out, const char *ref)
{
    mc_keyref *k = NULL;
    int rc = MC_OK;
    if (!ref || !*ref)
        return mc_error_set(MC_EINPUT, "no key given");
    if (!(k = calloc(1, sizeof *k)))
        return mc_error_nomem();
    k->ref = ref;
    if (strncmp(ref, "pkcs11:", 7) == 0) {
        k->kind = MC_KEYREF_PKCS11;
        k->value = ref;
        if ((rc = mc_pkcs11_uri_parse(&k->uri, ref)))
            goto cleanup;
        k->module_path = k->uri->v[MC_P11_MODULE_PATH];
        k->pin_path = k->uri->pin_path;
    } else if (strncmp(ref, "env:", 4) == 0) {
        k->kind = MC_KEYREF_ENV;
        k->value = ref + 4;
        if (!*k->value) {
            rc = mc_error_set(MC_EINPUT, "'env:' needs the name of an environment variable");
            goto cleanup;
        }
    } else if (strncmp(ref, "file:", 5) == 0) {
        k->kind = MC_KEYREF_FILE;
        k->value = ref + 5;
        if (!*k->value) {
            rc = mc_error_set(MC_EINPUT, "'file:' needs a path");
            goto cleanup;
        }
    } else {
        k->kind = MC_KEYREF_PATH;
        k->value = ref;
    }
    *out = k;
    k = NULL;
cleanup:
    mc_keyref_free(k);
    return rc;
}
