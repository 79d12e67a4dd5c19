/* Fulcio certificates (mc_fulcio.h): the keyless signer's short-lived certificate checked
 * against the trusted root at the signing time a transparency log or a timestamp proved, and
 * the OIDC identity and issuer it carries compared with what the verifier was told to expect.
 * The order is sigstore-go's: the chain and the time, then the certificate's use, then whom
 * it names. */
#include "mc_fulcio.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mc_error.h"
#include "mc_note.h"

const char *mc_fulcio_time_str(char buf[32], int64_t t)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, 32, "%Y-%m-%d %H:%M:%S UTC", &tm))
        snprintf(buf, 32, "%lld", (long long)t);
    return buf;
}

static void append(char *dst, size_t size, const char *s, size_t n)
{
    size_t used = strlen(dst);
    if (used && used + 2 < size)
        memcpy(dst + used, ", ", 3), used += 2;
    for (size_t i = 0; i < n && used + 1 < size; i++) /* control bytes shown as '?' */
        dst[used++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    dst[used] = 0;
}

/* s[0..n) into out when it is text that fits: 1, else 0 (out ""). */
static int text_copy(char *out, size_t size, const char *s, size_t n)
{
    out[0] = 0;
    if (n + 1 > size)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    memcpy(out, s, n);
    out[n] = 0;
    return 1;
}

/* The issuer from extension oid: v2 is a DER UTF8String, v1 the raw bytes. 1 when found,
 * 0 when absent or not text (a NUL or control byte: no issuer, never a lookalike). */
static int issuer_ext(char *out, size_t size, X509 *leaf, const char *oid, int der)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    if (!obj)
        return mc_error_nomem();
    int i = X509_get_ext_by_OBJ(leaf, obj, -1);
    ASN1_OBJECT_free(obj);
    if (i < 0)
        return 0;
    ASN1_OCTET_STRING *os = X509_EXTENSION_get_data(X509_get_ext(leaf, i));
    const unsigned char *p = ASN1_STRING_get0_data(os);
    long n = ASN1_STRING_length(os);
    if (der) {
        ASN1_UTF8STRING *u = d2i_ASN1_UTF8STRING(NULL, &p, n);
        ERR_clear_error();
        if (!u)
            return 0;
        int got = text_copy(out, size, (const char *)ASN1_STRING_get0_data(u),
                            (size_t)ASN1_STRING_length(u));
        ASN1_UTF8STRING_free(u);
        return got;
    }
    return text_copy(out, size, (const char *)p, (size_t)n);
}

int mc_fulcio_identity(char *san, size_t san_size, char *issuer, size_t issuer_size, X509 *leaf)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    ASN1_OBJECT *user = OBJ_txt2obj(MC_FULCIO_OID_USERNAME, 1);
    san[0] = issuer[0] = 0;
    int rc = user ? MC_OK : mc_error_nomem();
    for (int i = 0; !rc && gens && i < sk_GENERAL_NAME_num(gens); i++) {
        GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        ASN1_STRING *s = NULL;
        if (g->type == GEN_EMAIL || g->type == GEN_URI)
            s = g->d.ia5;
        else if (g->type == GEN_OTHERNAME && !OBJ_cmp(g->d.otherName->type_id, user) &&
                 g->d.otherName->value->type == V_ASN1_UTF8STRING)
            s = g->d.otherName->value->value.utf8string;
        if (s)
            append(san, san_size, (const char *)ASN1_STRING_get0_data(s),
                   (size_t)ASN1_STRING_length(s));
    }
    GENERAL_NAMES_free(gens);
    ASN1_OBJECT_free(user);
    ERR_clear_error();
    if (rc)
        return rc;
    int got = issuer_ext(issuer, issuer_size, leaf, MC_FULCIO_OID_ISSUER_V2, 1);
    if (got == 0)
        got = issuer_ext(issuer, issuer_size, leaf, MC_FULCIO_OID_ISSUER_V1, 0);
    return got < 0 ? got : MC_OK;
}

int mc_sigstore_policy_check(const mc_sigstore_policy *p)
{
    regex_t re;
    if (!p->issuer || !!p->identity == !!p->identity_regexp)
        return mc_error_set(MC_EINPUT, "Sigstore verification needs the expected OIDC issuer "
                            "and either the identity or a regular expression for it");
    if (p->n_witnesses > MC_NOTE_MAX_WITNESSES)
        return mc_error_set(MC_EINPUT, "--witness: at most %d", MC_NOTE_MAX_WITNESSES);
    for (size_t i = 0; i < p->n_witnesses; i++) {
        mc_note_witness w;
        int rc = mc_note_witness_parse(&w, p->witnesses[i]);
        mc_note_witness_clear(&w);
        if (rc)
            return rc;
    }
    if (!p->identity_regexp)
        return MC_OK;
    if (strlen(p->identity_regexp) > 1024)
        return mc_error_set(MC_EINPUT, "--certificate-identity-regexp: over 1024 bytes");
    int e = regcomp(&re, p->identity_regexp, REG_EXTENDED | REG_NOSUB);
    if (e) {
        char why[128];
        regerror(e, &re, why, sizeof why);
        return mc_error_set(MC_EINPUT, "--certificate-identity-regexp: %s", why);
    }
    regfree(&re);
    return MC_OK;
}

/* 1 when one of the leaf's identities (each matched whole) is policy's. */
static int identity_matches(int *ok, X509 *leaf, const mc_sigstore_policy *p)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    ASN1_OBJECT *user = OBJ_txt2obj(MC_FULCIO_OID_USERNAME, 1);
    regex_t re;
    int have_re = 0, rc = user ? MC_OK : mc_error_nomem();
    if (!rc && p->identity_regexp) {
        int e = strlen(p->identity_regexp) > 1024 ? REG_ESIZE
              : regcomp(&re, p->identity_regexp, REG_EXTENDED | REG_NOSUB);
        if (e) {
            char why[128] = "over 1024 bytes";
            if (e != REG_ESIZE)
                regerror(e, &re, why, sizeof why);
            rc = mc_error_set(MC_EINPUT, "--certificate-identity-regexp: %s", why);
        }
        have_re = !e;
    }
    *ok = 0;
    for (int i = 0; !rc && gens && i < sk_GENERAL_NAME_num(gens) && !*ok; i++) {
        GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        ASN1_STRING *s = NULL;
        if (g->type == GEN_EMAIL || g->type == GEN_URI)
            s = g->d.ia5;
        else if (g->type == GEN_OTHERNAME && !OBJ_cmp(g->d.otherName->type_id, user) &&
                 g->d.otherName->value->type == V_ASN1_UTF8STRING)
            s = g->d.otherName->value->value.utf8string;
        if (!s)
            continue;
        const char *v = (const char *)ASN1_STRING_get0_data(s);
        size_t n = (size_t)ASN1_STRING_length(s);
        if (memchr(v, 0, n)) /* a NUL inside a name is never an identity */
            continue;
        if (p->identity)
            *ok = strlen(p->identity) == n && memcmp(p->identity, v, n) == 0;
        else
            *ok = regexec(&re, v, 0, NULL, 0) == 0;
    }
    if (have_re)
        regfree(&re);
    GENERAL_NAMES_free(gens);
    ASN1_OBJECT_free(user);
    ERR_clear_error();
    return rc;
}

/* 1 when x is valid at t, its dates inclusive (RFC 5280 4.1.2.5; OpenSSL's own check counts
 * notAfter itself as expired). */
static int valid_at(const X509 *x, int64_t t)
{
    struct tm a, b;
    if (!ASN1_TIME_to_tm(X509_get0_notBefore(x), &a) || !ASN1_TIME_to_tm(X509_get0_notAfter(x), &b))
        return 0;
    return (int64_t)timegm(&a) <= t && t <= (int64_t)timegm(&b);
}

/* The leaf chains to ca, every certificate of the chain valid at t: ca's last certificate the
 * trust anchor, the others intermediates; X509_V_OK or OpenSSL's error. MC_ENOMEM. */
static int chain_at(int *err, X509 *leaf, const mc_tr_authority *ca, int64_t t)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    STACK_OF(X509) *inter = sk_X509_new_null();
    int n = sk_X509_num(ca->chain), rc = store && ctx && inter ? MC_OK : mc_error_nomem();
    for (int i = 0; !rc && i < n - 1; i++)
        if (!sk_X509_push(inter, sk_X509_value(ca->chain, i)))
            rc = mc_error_nomem();
    if (!rc && (!X509_STORE_add_cert(store, sk_X509_value(ca->chain, n - 1)) ||
                !X509_STORE_CTX_init(ctx, store, leaf, inter)))
        rc = mc_error_set(MC_EINTERNAL, "cannot set up certificate verification");
    if (!rc) {
        X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
        *err = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
        STACK_OF(X509) *built = X509_STORE_CTX_get0_chain(ctx);
        for (int i = 0; *err == X509_V_OK && built && i < sk_X509_num(built); i++)
            if (!valid_at(sk_X509_value(built, i), t))
                *err = X509_V_ERR_CERT_HAS_EXPIRED;
    }
    ERR_clear_error();
    sk_X509_free(inter);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return rc;
}

int mc_fulcio_verify(X509 *leaf, const mc_trusted_root *tr, int64_t t,
                     const mc_sigstore_policy *policy)
{
    char when[32], from[32], to[32], san[1024], iss[512];
    if (!policy->issuer || !!policy->identity == !!policy->identity_regexp)
        return mc_error_set(MC_EINPUT, "Sigstore verification needs the expected OIDC issuer "
                            "and either the identity or a regular expression for it");
    int rc = mc_fulcio_identity(san, sizeof san, iss, sizeof iss, leaf);
    if (rc)
        return rc;
    mc_fulcio_time_str(when, t);
    if (!valid_at(leaf, t)) {
        struct tm a, b;
        if (!ASN1_TIME_to_tm(X509_get0_notBefore(leaf), &a) ||
            !ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &b))
            return mc_error_set(MC_EINPUT, "the signing certificate has unreadable dates");
        strftime(from, sizeof from, "%Y-%m-%d %H:%M:%S UTC", &a);
        strftime(to, sizeof to, "%Y-%m-%d %H:%M:%S UTC", &b);
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) was not valid at the "
                            "signing time %s (valid from %s to %s)", san, when, from, to);
    }
    int any = 0, err = X509_V_OK, last = X509_V_OK;
    for (size_t i = 0; i < tr->n_cas && !rc; i++) {
        if (!mc_tr_window_has(&tr->cas[i].valid, t))
            continue;
        any = 1;
        if ((rc = chain_at(&err, leaf, &tr->cas[i], t)))
            return rc;
        if (err == X509_V_OK)
            break;
        last = err;
    }
    if (!any)
        return mc_error_set(MC_EINPUT, "no certificate authority of the trusted root is valid "
                            "at the signing time %s", when);
    if (err != X509_V_OK)
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) does not chain to a "
                            "certificate authority of the trusted root valid at %s (%s)", san,
                            when, X509_verify_cert_error_string(last));
    if (!(X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) ||
        !(X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN))
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) may not sign code: its "
                            "extended key usage does not include codeSigning", san);
    int ok = 0;
    if ((rc = identity_matches(&ok, leaf, policy)))
        return rc;
    if (!san[0])
        return mc_error_set(MC_EINPUT, "the signing certificate names no identity (no email, "
                            "URI or username subject alternative name)");
    if (!ok)
        return mc_error_set(MC_EINPUT, "the signing certificate's identity (%s) is not %s '%s'",
                            san, policy->identity ? "the expected" : "matched by the regular "
                            "expression", policy->identity ? policy->identity
                                                           : policy->identity_regexp);
    if (!iss[0])
        return mc_error_set(MC_EINPUT, "the signing certificate (%s) names no OIDC issuer "
                            "(extension %s or %s)", san, MC_FULCIO_OID_ISSUER_V2,
                            MC_FULCIO_OID_ISSUER_V1);
    if (strcmp(iss, policy->issuer) != 0)
        return mc_error_set(MC_EINPUT, "the signing certificate's OIDC issuer '%s' is not the "
                            "expected '%s'", iss, policy->issuer);
    return MC_OK;
}
