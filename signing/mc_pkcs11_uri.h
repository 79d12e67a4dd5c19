/* RFC 7512 PKCS #11 URIs, parsed: what a `pkcs11:` key reference names (mc_pkcs11.h has the
 * grammar modelcert accepts). Parsing only: no module is loaded, no file is read, so spec/
 * can see a URI's module-path and pin-source through mc_keyref.h without touching a token.
 * Errors go through the thread's last-error record (mc_error.h). */
#ifndef MC_PKCS11_URI_H
#define MC_PKCS11_URI_H

#include <stddef.h>

/* The longest URI accepted (bytes). */
#define MC_PKCS11_URI_MAX 4096

/* The attributes modelcert knows, path ones first (RFC 7512 section 2.3). */
typedef enum mc_pkcs11_attr {
    MC_P11_TOKEN, MC_P11_MANUFACTURER, MC_P11_SERIAL, MC_P11_MODEL, MC_P11_LIB_MANUFACTURER,
    MC_P11_LIB_DESCRIPTION, MC_P11_LIB_VERSION, MC_P11_OBJECT, MC_P11_TYPE, MC_P11_ID,
    MC_P11_SLOT_DESCRIPTION, MC_P11_SLOT_MANUFACTURER, MC_P11_SLOT_ID,
    /* the query attributes */
    MC_P11_PIN_SOURCE, MC_P11_PIN_VALUE, MC_P11_MODULE_NAME, MC_P11_MODULE_PATH,
    MC_P11_ATTR_COUNT
} mc_pkcs11_attr;

typedef struct mc_pkcs11_uri {
    char *v[MC_P11_ATTR_COUNT];   /* decoded, NUL-terminated; NULL when absent */
    size_t len[MC_P11_ATTR_COUNT]; /* decoded length (id= may hold NUL bytes) */
    const char *pin_path;         /* the file pin-source names (into v[MC_P11_PIN_SOURCE]), or
                                     NULL when there is no pin-source */
} mc_pkcs11_uri;

/* Parses and checks `uri`: every attribute known, decoded and within its field's size, none
 * twice; type=private only; slot-id a 32-bit number; module-path absolute; pin-source a
 * file: or absolute path; object= or id= present. MC_EINPUT naming the column (messages
 * never quote a pin-value), MC_ENOMEM. Free *out with mc_pkcs11_uri_free. */
int mc_pkcs11_uri_parse(mc_pkcs11_uri **out, const char *uri);

/* The URI's path part (no query: it may hold a pin-value) as messages show it, at most 300
 * bytes, into buf. */
void mc_pkcs11_uri_shown(char *buf, size_t size, const char *uri);

/* Wipes the decoded values (a pin-value among them) and frees u; NULL is fine. */
void mc_pkcs11_uri_free(mc_pkcs11_uri *u);

#endif
