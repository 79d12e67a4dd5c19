/* Key references: how a command line (--key) or a spec (signing.key) names a key, parsed in
 * this one place for every part that needs to know what a reference names: signing/mc_key.c
 * loads the key, spec/ checks and confines it, verbs/ resolves a spec's relative path.
 *
 *   PATH          a PEM file (a private key, a public key or a certificate)
 *   file:PATH     the same, spelled as the spec's `signing.key` spells it
 *   env:VAR       the variable holds the PEM text itself, or a pkcs11: URI
 *   pkcs11:...    an RFC 7512 URI of a key in a PKCS #11 token (mc_pkcs11_uri.h)
 *
 * Parsing reads nothing: no file, no variable, no token. */
#ifndef MC_KEYREF_H
#define MC_KEYREF_H

#include "mc_pkcs11_uri.h"

typedef enum mc_keyref_kind {
    MC_KEYREF_PATH,   /* a bare PATH */
    MC_KEYREF_FILE,   /* file:PATH */
    MC_KEYREF_ENV,    /* env:VAR */
    MC_KEYREF_PKCS11  /* pkcs11:... */
} mc_keyref_kind;

typedef struct mc_keyref {
    mc_keyref_kind kind;
    const char *ref;          /* the reference as given (owned by the caller) */
    const char *value;        /* into ref: PATH for PATH and file:PATH, VAR for env:VAR, the
                                 whole URI for pkcs11: */
    mc_pkcs11_uri *uri;       /* pkcs11: the URI's attributes; NULL for the other kinds */
    const char *module_path;  /* pkcs11: its module-path, or NULL (then MODELCERT_PKCS11_MODULE) */
    const char *pin_path;     /* pkcs11: the file its pin-source names, or NULL */
} mc_keyref;

/* Parses `ref`. MC_EINPUT when it is missing or empty ("no key given"), names an empty
 * variable ("'env:' needs the name of an environment variable") or path ("'file:' needs a
 * path"), or is a malformed PKCS #11 URI (mc_pkcs11_uri_parse's message); MC_ENOMEM.
 * *out borrows `ref`: keep it alive while *out lives. Free with mc_keyref_free. */
int mc_keyref_parse(mc_keyref **out, const char *ref);

/* Frees the parsed reference (not the string it borrows); NULL is fine. */
void mc_keyref_free(mc_keyref *k);

#endif
