/* The spec's keys (mc_spec_check.h, mc_spec_check_keys): signing.key read by the one
 * key-reference parser and protection's age recipients by the one bech32 decoder, both in
 * signing/, which read no file. Split from mc_spec_check.c, whose checker it mirrors: each
 * broken rule a diagnostic at the place it was written. */
#include "mc_spec_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mc_bech32.h"
#include "mc_keyref.h"

typedef struct checker {
    const mc_spec_doc *d;
    const mc_locmap *locs;
    mc_diags *diags;
    const char *file;
    int errors;
    int nomem;
} checker;

/* Reports at the place `addr` was written, else at `fallback`'s, else at the top. */
static void error_at(checker *c, const void *addr, const void *fallback, const char *fmt, ...)
    MC_PRINTF(4, 5);
static void error_at(checker *c, const void *addr, const void *fallback, const char *fmt, ...)
{
    char msg[1536];
    int line = 0, col = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!mc_locmap_find(c->locs, addr, &line, &col) && fallback)
        mc_locmap_find_container(c->locs, fallback, &line, &col);
    c->errors++;
    if (mc_diags_add(c->diags, MC_SEV_ERROR, c->file, line, col, "%s", msg) != MC_OK)
        c->nomem = 1;
}

/* signing.key through the one key-reference parser (signing/mc_keyref.h), which reads
 * nothing: the key is loaded when something is signed. A spec is data, not the runner: its
 * pkcs11: URI may name a token and a key, never the module loaded into the process
 * (module-path) nor a PIN (pin-source, pin-value); the runner gives those on its own
 * command line (--key) or in MODELCERT_PKCS11_MODULE and MODELCERT_PKCS11_PIN. */
static void check_signing(checker *c)
{
    const mc_spec_doc *d = c->d;
    mc_keyref *k = NULL;
    char why[sizeof mc_error_last()->message];
    if (!d->has_signing)
        return;
    int rc = mc_keyref_parse(&k, d->signing.key);
    if (rc == MC_ENOMEM) {
        c->nomem = 1;
    } else if (rc) {
        snprintf(why, sizeof why, "%s", mc_error_last()->message);
        error_at(c, &d->signing.key, &d->signing, "signing.key: %s", why);
    } else if (k->kind == MC_KEYREF_PKCS11) {
        if (k->uri->v[MC_P11_MODULE_PATH])
            error_at(c, &d->signing.key, &d->signing,
                     "signing.key: a spec may not name a PKCS #11 module (module-path): the "
                     "runner supplies the module with MODELCERT_PKCS11_MODULE, or gives the "
                     "whole URI with --key on the command line");
        if (k->uri->v[MC_P11_PIN_SOURCE] || k->uri->v[MC_P11_PIN_VALUE])
            error_at(c, &d->signing.key, &d->signing,
                     "signing.key: a spec may not name a PKCS #11 PIN (%s): the runner "
                     "supplies it with MODELCERT_PKCS11_PIN, or gives the whole URI with --key "
                     "on the command line",
                     k->uri->v[MC_P11_PIN_SOURCE] ? "pin-source" : "pin-value");
    }
    mc_keyref_free(k);
}

/* protection: each recipient an age1 X25519 key (signing/mc_bech32.h, the one decoder), and
 * some recipient to encrypt to; a recipients file is read when the run writes the model. */
static void check_protection(checker *c)
{
    const mc_protection *p = &c->d->protection;
    unsigned char key[32];
    char hrp[8];
    size_t n = 0;
    for (size_t i = 0; c->d->has_protection && i < p->encrypt_to.count; i++) {
        const char *r = p->encrypt_to.items[i];
        int rc = mc_bech32_decode(hrp, sizeof hrp, key, sizeof key, &n, r);
        if (rc == MC_ENOMEM)
            c->nomem = 1;
        else if (rc || strcmp(hrp, "age") != 0 || n != 32)
            error_at(c, &p->encrypt_to.items[i], p, "protection.encrypt_to: '%.80s' is not an "
                     "age X25519 recipient (age1..., as age-keygen -y prints): %s", r,
                     rc ? mc_error_last()->message : "not an age1 key of 32 bytes");
    }
    if (c->d->has_protection && p->encrypt_to.count == 0 && !p->recipients_file)
        error_at(c, p, NULL, "protection: no recipient to encrypt the model to: give "
                 "encrypt_to (age1... recipients) or recipients_file%s",
                 p->require_encryption ? " (require_encryption cannot be met without one)" : "");
}

int mc_spec_check_keys(const mc_spec_doc *d, const mc_locmap *locs, mc_diags *diags,
                       const char *file)
{
    checker c = {d, locs, diags, file, 0, 0};
    check_signing(&c);
    check_protection(&c);
    return c.nomem ? mc_error_nomem() : c.errors ? MC_EINPUT : MC_OK;
}
