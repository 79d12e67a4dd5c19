/* trusted_root.json (mc_trusted_root.h): Sigstore's list of whom to trust and when, read as
 * hostile input under the protobuf JSON mapping: every array bounded, every certificate and
 * key decoded whole, every window checked, every message naming the field at fault. The
 * public-good root is compiled in from signing/sigstore/trusted_root_public_good.json. */
#include "mc_trusted_root.h"

#include <ctype.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_pbjson.h"

extern const unsigned char mc_sigstore_public_good_root[];
extern const size_t mc_sigstore_public_good_root_len;

#define DER_MAX (64 * 1024)

/* Re-records the last error under a prefix (copied first: it is the buffer written). */
static int wrap(int rc, const char *where, const char *what)
{
    char msg[sizeof mc_error_last()->message];
    if (rc == MC_ENOMEM)
        return rc;
    snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
    return mc_error_set(rc, "%s: %s%s", where, what, msg);
}

int mc_rfc3339_parse(int64_t *out, const char *s)
{
    int y, mo, d, h, mi, se, n = 0;
    if (strlen(s) > 64 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n)
        != 6 || n != 19 || !isdigit((unsigned char)s[0]) || s[4] != '-' || s[7] != '-')
        return mc_error_set(MC_EINPUT, "'%.64s' is not an RFC 3339 time", s);
    const char *p = s + 19;
    if (*p == '.') {
        const char *q = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        if (p == q || p - q > 9)
            return mc_error_set(MC_EINPUT, "'%.64s' has a bad fraction of a second", s);
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
               isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
               isdigit((unsigned char)p[5])) {
        off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600L + ((p[4] - '0') * 10 + (p[5] - '0')) * 60L;
        off = *p == '-' ? -off : off;
        p += 6;
    } else {
        return mc_error_set(MC_EINPUT, "'%.64s' has no time zone (Z or +HH:MM)", s);
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*p || y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        se > 60 || (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
        return mc_error_set(MC_EINPUT, "'%.64s' is not an RFC 3339 time", s);
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = se > 59 ? 59 : se};
    *out = (int64_t)timegm(&tm) - off;
    return MC_OK;
}

int mc_tr_window_has(const mc_tr_window *w, int64_t t)
{
    return t >= w->start && t <= w->end;
}

const mc_tr_log *mc_tr_log_find(const mc_tr_log *logs, size_t n, const unsigned char *id,
                                size_t id_len)
{
    for (size_t i = 0; i < n; i++)
        if (logs[i].log_id_len == id_len && memcmp(logs[i].log_id, id, id_len) == 0)
            return &logs[i];
    return NULL;
}

/* A TimeRange {start, end}: start required, end optional (open). */
static int parse_window(mc_tr_window *w, const json_t *obj, const char *where)
{
    json_t *vf = NULL;
    const char *start = NULL, *end = NULL;
    int rc = mc_pbjson_object(&vf, obj, "validFor", "valid_for", where);
    rc = rc ? rc : mc_pbjson_string(&start, vf, "start", NULL, where);
    rc = rc ? rc : mc_pbjson_string(&end, vf, "end", NULL, where);
    if (rc)
        return rc;
    if (!start)
        return mc_error_set(MC_EINPUT, "%s: validFor.start is required", where);
    if ((rc = mc_rfc3339_parse(&w->start, start)))
        return wrap(rc, where, "validFor.start: ");
    w->end = INT64_MAX;
    if (end && (rc = mc_rfc3339_parse(&w->end, end)))
        return wrap(rc, where, "validFor.end: ");
    if (w->end < w->start)
        return mc_error_set(MC_EINPUT, "%s: validFor ends before it starts", where);
    return MC_OK;
}

static int b64_field(unsigned char **der, size_t *n, const json_t *obj, const char *jn,
                     const char *pn, const char *where, size_t max)
{
    const char *s = NULL;
    int rc = mc_pbjson_string(&s, obj, jn, pn, where);
    if (rc)
        return rc;
    if (!s || !*s)
        return mc_error_set(MC_EINPUT, "%s: %s is required", where, jn);
    if ((rc = mc_base64_decode(der, n, s, max))) {
        char what[64];
        snprintf(what, sizeof what, "%s: ", jn);
        return wrap(rc, where, what);
    }
    return MC_OK;
}

static int parse_log(mc_tr_log *l, const json_t *o, const char *where)
{
    json_t *pk = NULL, *id = NULL;
    const char *url = NULL;
    unsigned char *kid = NULL;
    size_t kid_len = 0;
    int rc = json_is_object(o) ? MC_OK : mc_error_set(MC_EINPUT, "%s: not an object", where);
    rc = rc ? rc : mc_pbjson_string(&url, o, "baseUrl", "base_url", where);
    rc = rc ? rc : mc_pbjson_object(&pk, o, "publicKey", "public_key", where);
    rc = rc ? rc : mc_pbjson_object(&id, o, "logId", "log_id", where);
    if (rc)
        return rc;
    if (!pk || !id)
        return mc_error_set(MC_EINPUT, "%s: publicKey and logId are required", where);
    if ((rc = b64_field(&l->key_der, &l->key_der_len, pk, "rawBytes", "raw_bytes", where,
                        DER_MAX)) ||
        (rc = parse_window(&l->valid, pk, where)) ||
        (rc = b64_field(&kid, &kid_len, id, "keyId", "key_id", where, 64)))
        goto cleanup;
    memcpy(l->log_id, kid, kid_len);
    l->log_id_len = kid_len;
    const unsigned char *p = l->key_der;
    const char *details = NULL;
    if ((rc = mc_pbjson_string(&details, pk, "keyDetails", "key_details", where)))
        goto cleanup;
    if (details && strncmp(details, "PKCS1_RSA_", 10) == 0) /* an RSAPublicKey, not SPKI */
        l->key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)l->key_der_len);
    else
        l->key = d2i_PUBKEY(NULL, &p, (long)l->key_der_len);
    if (!l->key || p != l->key_der + l->key_der_len) {
        ERR_clear_error();
        rc = mc_error_set(MC_EINPUT, "%s: publicKey.rawBytes is not a DER public key", where);
        goto cleanup;
    }
    if (url && !(l->base_url = strdup(url)))
        rc = mc_error_nomem();
cleanup:
    free(kid);
    return rc;
}

static int parse_authority(mc_tr_authority *a, const json_t *o, const char *where)
{
    json_t *subj = NULL, *cc = NULL, *certs = NULL;
    const char *uri = NULL, *org = NULL, *cn = NULL;
    int rc = json_is_object(o) ? MC_OK : mc_error_set(MC_EINPUT, "%s: not an object", where);
    rc = rc ? rc : mc_pbjson_string(&uri, o, "uri", NULL, where);
    rc = rc ? rc : mc_pbjson_object(&subj, o, "subject", NULL, where);
    rc = rc ? rc : mc_pbjson_string(&org, subj, "organization", NULL, where);
    rc = rc ? rc : mc_pbjson_string(&cn, subj, "commonName", "common_name", where);
    rc = rc ? rc : mc_pbjson_object(&cc, o, "certChain", "cert_chain", where);
    rc = rc ? rc : mc_pbjson_array(&certs, cc, "certificates", NULL, where);
    rc = rc ? rc : parse_window(&a->valid, o, where);
    if (rc)
        return rc;
    size_t n = json_array_size(certs);
    if (n == 0 || n > MC_TRUSTED_ROOT_MAX_CHAIN)
        return mc_error_set(MC_EINPUT, "%s: certChain.certificates must hold 1 to %d "
                            "certificates", where, MC_TRUSTED_ROOT_MAX_CHAIN);
    size_t sl = (org ? strlen(org) : 0) + (cn ? strlen(cn) : 0) + 2;
    if (!(a->chain = sk_X509_new_null()) || !(a->subject = malloc(sl)) ||
        (uri && !(a->uri = strdup(uri))))
        return mc_error_nomem();
    snprintf(a->subject, sl, "%s/%s", org ? org : "", cn ? cn : "");
    for (size_t i = 0; i < n; i++) {
        unsigned char *der = NULL;
        size_t dl = 0;
        char w[160];
        snprintf(w, sizeof w, "%s.certChain.certificates[%zu]", where, i);
        if ((rc = b64_field(&der, &dl, json_array_get(certs, i), "rawBytes", "raw_bytes", w,
                            DER_MAX)))
            return rc;
        const unsigned char *p = der;
        X509 *x = d2i_X509(NULL, &p, (long)dl);
        int whole = x && p == der + dl;
        free(der);
        ERR_clear_error();
        if (!whole) {
            X509_free(x);
            return mc_error_set(MC_EINPUT, "%s: not a DER certificate", w);
        }
        if (!sk_X509_push(a->chain, x)) {
            X509_free(x);
            return mc_error_nomem();
        }
    }
    return MC_OK;
}

/* Parses the array field jn of root into *items (n of them), each with parse. */
static int parse_list(const json_t *root, const char *jn, const char *pn, void **items,
                      size_t *n, size_t size, int is_log)
{
    json_t *arr = NULL;
    int rc = mc_pbjson_array(&arr, root, jn, pn, "trusted root");
    if (rc || !arr)
        return rc;
    size_t k = json_array_size(arr);
    if (k > MC_TRUSTED_ROOT_MAX_ENTRIES)
        return mc_error_set(MC_EINPUT, "trusted root: %s holds %zu entries (at most %d)", jn, k,
                            MC_TRUSTED_ROOT_MAX_ENTRIES);
    if (k && !(*items = calloc(k, size)))
        return mc_error_nomem();
    for (size_t i = 0; i < k && !rc; i++) {
        char where[96];
        snprintf(where, sizeof where, "trusted root: %s[%zu]", jn, i);
        rc = is_log ? parse_log((mc_tr_log *)*items + i, json_array_get(arr, i), where)
                    : parse_authority((mc_tr_authority *)*items + i, json_array_get(arr, i),
                                      where);
        *n = i + 1;
    }
    return rc;
}

int mc_trusted_root_parse(mc_trusted_root **out, const char *text, size_t len)
{
    json_t *root = NULL;
    const char *mt = NULL;
    mc_trusted_root *tr = calloc(1, sizeof *tr);
    int rc = tr ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    if (len > MC_TRUSTED_ROOT_MAX) {
        rc = mc_error_set(MC_EINPUT, "trusted root: over %u bytes", MC_TRUSTED_ROOT_MAX);
        goto cleanup;
    }
    if ((rc = mc_dsse_json_read(&root, text, len))) {
        rc = wrap(rc, "trusted root", "");
        goto cleanup;
    }
    if (!json_is_object(root)) {
        rc = mc_error_set(MC_EINPUT, "trusted root: not a JSON object");
        goto cleanup;
    }
    if ((rc = mc_pbjson_string(&mt, root, "mediaType", "media_type", "trusted root")))
        goto cleanup;
    if (!mt || (strcmp(mt, MC_TRUSTED_ROOT_MEDIA_TYPE) != 0 &&
                strcmp(mt, "application/vnd.dev.sigstore.trustedroot.v0.2+json") != 0)) {
        rc = mc_error_set(MC_EINPUT, "trusted root: mediaType '%.100s' is not %s",
                          mt ? mt : "(missing)", MC_TRUSTED_ROOT_MEDIA_TYPE);
        goto cleanup;
    }
    if ((rc = parse_list(root, "certificateAuthorities", "certificate_authorities",
                         (void **)&tr->cas, &tr->n_cas, sizeof *tr->cas, 0)) ||
        (rc = parse_list(root, "tlogs", NULL, (void **)&tr->tlogs, &tr->n_tlogs,
                         sizeof *tr->tlogs, 1)) ||
        (rc = parse_list(root, "ctlogs", NULL, (void **)&tr->ctlogs, &tr->n_ctlogs,
                         sizeof *tr->ctlogs, 1)) ||
        (rc = parse_list(root, "timestampAuthorities", "timestamp_authorities",
                         (void **)&tr->tsas, &tr->n_tsas, sizeof *tr->tsas, 0)))
        goto cleanup;
    *out = tr;
    tr = NULL;
cleanup:
    json_decref(root);
    mc_trusted_root_free(tr);
    return rc;
}

int mc_trusted_root_load(mc_trusted_root **out, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mc_file_read_text(&text, &len, path, MC_TRUSTED_ROOT_MAX);
    if (rc == MC_OK && (rc = mc_trusted_root_parse(out, text, len)) == MC_EINPUT)
        rc = wrap(rc, path, "");
    free(text);
    return rc;
}

int mc_trusted_root_default(mc_trusted_root **out)
{
    return mc_trusted_root_parse(out, (const char *)mc_sigstore_public_good_root,
                                 mc_sigstore_public_good_root_len);
}

static void authorities_free(mc_tr_authority *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        free(a[i].uri);
        free(a[i].subject);
        sk_X509_pop_free(a[i].chain, X509_free);
    }
    free(a);
}

static void logs_free(mc_tr_log *l, size_t n)
{
    for (size_t i = 0; l && i < n; i++) {
        free(l[i].base_url);
        free(l[i].key_der);
        EVP_PKEY_free(l[i].key);
    }
    free(l);
}

void mc_trusted_root_free(mc_trusted_root *tr)
{
    if (!tr)
        return;
    authorities_free(tr->cas, tr->n_cas);
    authorities_free(tr->tsas, tr->n_tsas);
    logs_free(tr->tlogs, tr->n_tlogs);
    logs_free(tr->ctlogs, tr->n_ctlogs);
    free(tr);
}
