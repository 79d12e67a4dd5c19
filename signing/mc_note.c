/* C2SP signed notes, checkpoints and cosignatures (mc_note.h), read as golang.org/x/mod's
 * note.Open and sigstore-go read them: the text must be non-empty, end in a newline and hold
 * no control character but newlines; the checkpoint's lines are an origin, a decimal tree
 * size without leading zeros and a base64 root hash of 32 bytes, then optional non-empty
 * extension lines; every signature line is "— NAME BASE64" with a name free of spaces and
 * '+', the base64 of a 4-byte key id and a signature; at most MC_NOTE_MAX_SIGS lines. A log's
 * line is (its name, its key id), a witness's (its name, SHA-256(name || 0x0A || 0x04 ||
 * key)[:4]) over "cosignature/v1\ntime T\n" and the text. */
#include "mc_note.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"

#define EM_DASH "\xe2\x80\x94 "

static int sha256_parts(unsigned char out[32], const void *a, size_t an, const void *b,
                        size_t bn, const void *c, size_t cn)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, a, an) == 1 && EVP_DigestUpdate(ctx, b, bn) == 1 &&
             EVP_DigestUpdate(ctx, c, cn) == 1 && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? MC_OK : mc_error_set(MC_EINTERNAL, "SHA-256 failed in OpenSSL");
}

/* name || 0x0A || type, then the raw Ed25519 key: its key id. */
static int ed25519_id(unsigned char id[32], const char *name, unsigned char type, EVP_PKEY *key)
{
    unsigned char raw[32], sep[2] = {'\n', type};
    size_t rl = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &rl) != 1 || rl != 32) {
        ERR_clear_error();
        return mc_error_set(MC_EINTERNAL, "OpenSSL gave no raw Ed25519 public key");
    }
    return sha256_parts(id, name, strlen(name), sep, 2, raw, 32);
}

int mc_note_key_id(unsigned char id[32], const char *name, EVP_PKEY *key)
{
    if (EVP_PKEY_is_a(key, "ED25519"))
        return ed25519_id(id, name, 0x01, key);
    if (!EVP_PKEY_is_a(key, "EC"))
        return mc_error_set(MC_EINPUT, "a checkpoint key must be Ed25519 or ECDSA");
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    int rc = n > 0 ? sha256_parts(id, der, (size_t)n, "", 0, "", 0)
                   : mc_error_set(MC_EINTERNAL, "OpenSSL could not encode a public key");
    OPENSSL_free(der);
    return rc;
}

void mc_note_witness_clear(mc_note_witness *w)
{
    if (w) {
        EVP_PKEY_free(w->key);
        w->key = NULL;
    }
}

int mc_note_witness_parse(mc_note_witness *w, const char *vkey)
{
    memset(w, 0, sizeof *w);
    const char *p1 = strchr(vkey, '+'), *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
    unsigned char *raw = NULL, id[32];
    size_t rl = 0, nl = p1 ? (size_t)(p1 - vkey) : 0;
    unsigned int hint = 0;
    char hex[9] = "";
    if (!p2 || nl == 0 || nl >= sizeof w->name || p2 - p1 - 1 != 8 ||
        strcspn(vkey, " \t\n") < strlen(vkey))
        return mc_error_set(MC_EINPUT, "witness key '%.80s' is not NAME+HEX8+BASE64", vkey);
    memcpy(w->name, vkey, nl);
    memcpy(hex, p1 + 1, 8);
    if (strspn(hex, "0123456789abcdef") != 8 || sscanf(hex, "%8x", &hint) != 1)
        return mc_error_set(MC_EINPUT, "witness key '%.80s': its key id is not 8 lowercase hex "
                            "digits", vkey);
    int rc = mc_base64_decode(&raw, &rl, p2 + 1, 64);
    if (rc == MC_ENOMEM)
        return rc;
    if (rc || rl != 33 || raw[0] != 0x04) {
        free(raw);
        return mc_error_set(MC_EINPUT, "witness key '%.80s' is not an Ed25519 cosignature key "
                            "(type 0x04 and 32 bytes)", vkey);
    }
    w->key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw + 1, 32);
    free(raw);
    if (!w->key) {
        ERR_clear_error();
        return mc_error_set(MC_EINPUT, "witness key '%.80s': not an Ed25519 key", vkey);
    }
    if ((rc = ed25519_id(id, w->name, 0x04, w->key)))
        goto fail;
    w->id[0] = (unsigned char)(hint >> 24);
    w->id[1] = (unsigned char)(hint >> 16);
    w->id[2] = (unsigned char)(hint >> 8);
    w->id[3] = (unsigned char)hint;
    if (memcmp(w->id, id, 4) == 0)
        return MC_OK;
    rc = mc_error_set(MC_EINPUT, "witness key '%.80s': its key id is not the key's", vkey);
fail:
    mc_note_witness_clear(w);
    return rc;
}

static int verify(int *ok, EVP_PKEY *key, const unsigned char *sig, size_t sl, const void *msg,
                  size_t n)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return mc_error_nomem();
    const EVP_MD *md = EVP_PKEY_is_a(key, "ED25519") ? NULL : EVP_sha256();
    *ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
          EVP_DigestVerify(ctx, sig, sl, msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return MC_OK;
}

/* The text: origin, size, root hash. 1 when well formed (cp filled), else 0 with why. */
static int parse_text(mc_note_checkpoint *cp, char *why, size_t ws, const char *t, size_t n)
{
    const char *l1 = memchr(t, '\n', n);
    const char *l2 = l1 ? memchr(l1 + 1, '\n', n - (size_t)(l1 + 1 - t)) : NULL;
    const char *l3 = l2 ? memchr(l2 + 1, '\n', n - (size_t)(l2 + 1 - t)) : NULL;
    char size_s[24], root_s[64];
    if (!l3 || l1 == t || (size_t)(l1 - t) >= sizeof cp->origin) {
        snprintf(why, ws, "the checkpoint's text is not an origin, a tree size and a root hash");
        return 0;
    }
    size_t sn = (size_t)(l2 - l1 - 1), rn = (size_t)(l3 - l2 - 1);
    memcpy(cp->origin, t, (size_t)(l1 - t));
    cp->origin[l1 - t] = 0;
    if (sn == 0 || sn >= 20 || strspn(l1 + 1, "0123456789") < sn || (sn > 1 && l1[1] == '0')) {
        snprintf(why, ws, "the checkpoint's tree size is not a decimal number");
        return 0;
    }
    memcpy(size_s, l1 + 1, sn);
    size_s[sn] = 0;
    cp->size = strtoull(size_s, NULL, 10);
    unsigned char *root = NULL;
    size_t rl = 0;
    if (rn == 0 || rn >= sizeof root_s) {
        snprintf(why, ws, "the checkpoint's root hash is not 32 bytes of base64");
        return 0;
    }
    memcpy(root_s, l2 + 1, rn);
    root_s[rn] = 0;
    int good = mc_base64_decode(&root, &rl, root_s, 32) == MC_OK && rl == 32;
    if (good)
        memcpy(cp->root, root, 32);
    free(root);
    if (!good)
        snprintf(why, ws, "the checkpoint's root hash is not 32 bytes of base64");
    /* extension lines: non-empty */
    for (const char *p = l3 + 1; good && p < t + n;) {
        if (*p == '\n') {
            snprintf(why, ws, "the checkpoint's text has an empty line");
            good = 0;
        }
        p = (const char *)memchr(p, '\n', (size_t)(t + n - p)) + 1;
    }
    return good;
}

/* One signature line's verdict for the keys: *known 1 when it is a known key's line, then
 * *good 1 when it verifies; wit the witness index (-1: the log). */
static int judge_line(int *known, int *good, int *wit, const char *name, const unsigned char *s,
                      size_t sl, const char *text, size_t tn, const mc_note_key *log,
                      const mc_note_witness *w, size_t nw)
{
    *known = *good = 0;
    *wit = -1;
    if (sl < 4)
        return MC_OK;
    if ((!log->name || strcmp(name, log->name) == 0) && memcmp(s, log->id, 4) == 0) {
        *known = 1;
        return verify(good, log->key, s + 4, sl - 4, text, tn);
    }
    for (size_t i = 0; i < nw; i++) {
        if (strcmp(name, w[i].name) != 0 || memcmp(s, w[i].id, 4) != 0)
            continue;
        *known = 1;
        *wit = (int)i;
        if (sl != 4 + 8 + 64)
            return MC_OK;
        uint64_t ts = 0;
        for (int k = 0; k < 8; k++)
            ts = ts << 8 | s[4 + k];
        char head[64];
        int hn = snprintf(head, sizeof head, "cosignature/v1\ntime %llu\n",
                          (unsigned long long)ts);
        char *msg = malloc((size_t)hn + tn);
        if (!msg)
            return mc_error_nomem();
        memcpy(msg, head, (size_t)hn);
        memcpy(msg + hn, text, tn);
        int rc = ts >> 63 ? MC_OK : verify(good, w[i].key, s + 12, 64, msg, (size_t)hn + tn);
        free(msg);
        return rc;
    }
    return MC_OK;
}

int mc_checkpoint_open(int *ok, char *why, size_t ws, mc_note_checkpoint *cp, const char *note,
                       size_t len, const mc_note_key *log, const mc_note_witness *w, size_t nw)
{
    *ok = 0;
    const char *sep = NULL;
    for (size_t i = 0; i + 1 < len && !sep; i++)
        if (note[i] == '\n' && note[i + 1] == '\n')
            sep = note + i;
    if (len > MC_NOTE_MAX || !sep || sep == note || note[len - 1] != '\n' ||
        nw > MC_NOTE_MAX_WITNESSES) {
        snprintf(why, ws, "the checkpoint is not a signed note (text, a blank line, signatures)");
        return MC_OK;
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)note[i] < 0x20 && note[i] != '\n') {
            snprintf(why, ws, "the checkpoint has a control character at byte %zu", i);
            return MC_OK;
        }
    size_t tn = (size_t)(sep - note) + 1;
    if (!parse_text(cp, why, ws, note, tn))
        return MC_OK;
    if (log->name && strcmp(cp->origin, log->name) != 0) {
        snprintf(why, ws, "the checkpoint's origin '%.100s' is not the log's '%.100s'", cp->origin,
                 log->name);
        return MC_OK;
    }
    int log_ok = 0, rc = MC_OK, lines = 0;
    unsigned char seen[MC_NOTE_MAX_WITNESSES] = {0};
    for (const char *p = sep + 2; p < note + len; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(note + len - p));
        size_t ll = (size_t)(nl - p);
        const char *sp = ll > 4 && memcmp(p, EM_DASH, 4) == 0 ? memchr(p + 4, ' ', ll - 4) : NULL;
        char name[MC_NOTE_MAX_NAME], b64[512];
        size_t nn = sp ? (size_t)(sp - p - 4) : 0, bn = sp ? ll - (size_t)(sp + 1 - p) : 0;
        if (lines >= MC_NOTE_MAX_SIGS || !sp || nn == 0 || nn >= sizeof name || bn == 0 ||
            bn >= sizeof b64 || memchr(p + 4, '+', nn)) {
            snprintf(why, ws, lines >= MC_NOTE_MAX_SIGS ? "the checkpoint has over %d signature "
                     "lines" : "the checkpoint's signature line %d is not '— NAME BASE64'",
                     lines >= MC_NOTE_MAX_SIGS ? MC_NOTE_MAX_SIGS : lines + 1);
            return MC_OK;
        }
        memcpy(name, p + 4, nn);
        name[nn] = 0;
        memcpy(b64, sp + 1, bn);
        b64[bn] = 0;
        unsigned char *s = NULL;
        size_t sl = 0;
        int known = 0, good = 0, wit = -1;
        if ((rc = mc_base64_decode(&s, &sl, b64, sizeof b64)) == MC_ENOMEM)
            return rc;
        if (rc) {
            snprintf(why, ws, "the checkpoint's signature line %d is not base64", lines + 1);
            return MC_OK;
        }
        rc = judge_line(&known, &good, &wit, name, s, sl, note, tn, log, w, nw);
        free(s);
        if (rc)
            return rc;
        if (known && !good) {
            snprintf(why, ws, wit < 0 ? "the checkpoint's signature by %.100s does not verify "
                     "with the log's key" : "the cosignature of witness %.100s does not verify",
                     name);
            return MC_OK;
        }
        if (known && wit < 0)
            log_ok = 1;
        else if (known)
            seen[wit] = 1;
        p = nl + 1;
    }
    if (!log_ok) {
        snprintf(why, ws, "the checkpoint is not signed by the log's key (no signature line of "
                 "%.100s with key id %02x%02x%02x%02x)", log->name ? log->name : "the log",
                 log->id[0], log->id[1], log->id[2], log->id[3]);
        return MC_OK;
    }
    for (size_t i = 0; i < nw; i++)
        if (!seen[i]) {
            snprintf(why, ws, "the checkpoint is not cosigned by witness %.100s", w[i].name);
            return MC_OK;
        }
    *ok = 1;
    return MC_OK;
}
