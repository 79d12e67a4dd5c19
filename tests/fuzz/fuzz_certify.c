/* libFuzzer harness: the inputs `certify` and `verify --certificate` trust (tests/fuzz/README.md):
 * a run directory's validation.json, run.json and spec.json as the release facts reader takes
 * them (verbs/mc_release.c), and a release certificate as mc_release_verify reads it
 * (verbs/mc_release_verify.c) with a fixed P-256 key.
 *
 * The input is four parts separated by NUL bytes: validation.json, run.json, spec.json and the
 * certificate (JSON Lines). So that the fuzzer gets past the digest checks, the placeholders
 * @MODEL@, @SPEC@, @DATA@ and @VALIDATION@ in a part are replaced by the sha256 of the run's
 * model.mcm (fixed bytes), of the canonical spec.json, of the data file (fixed bytes) and of
 * validation.json as written. The files go to a private temporary directory (fuzz_tmp.h).
 * The facts are read as certify reads them (with the data file); when they hold, the
 * certificate is verified as given, and then each of its lines is taken as an in-toto
 * statement, signed with the key into a DSSE envelope line, and the signed certificate
 * verified, so that every line reaches the statement checks. Beside the sanitizers: facts
 * that read say the validation passed and record a data digest. */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmp.h"
#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_hash.h"
#include "mc_json.h"
#include "mc_oms.h"
#include "mc_release.h"
#include "mc_run_dir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef FUZZ_DEBUG /* -DFUZZ_DEBUG: say where each input stopped */
#define DEBUG_SAY(what) fprintf(stderr, "%s: %s\n", what, mc_error_last()->message)
#else
#define DEBUG_SAY(what) ((void)0)
#endif

static const char *const files[] = {MC_RUN_FILE_VALIDATION, MC_RUN_FILE_RECORD,
                                    MC_RUN_FILE_SPEC, MC_RUN_FILE_MODEL, "data.csv",
                                    "release.intoto.jsonl"};
static const char model_bytes[] = "MCM fuzz model bytes\n";
static const char data_bytes[] = "x,y\n1,0\n2,1\n";
static EVP_PKEY *key;
static char model_hex[MC_SHA256_HEX_LEN + 1], data_hex[MC_SHA256_HEX_LEN + 1];

static void setup(void)
{
    fuzz_tmp_setup("certify", files, (int)(sizeof files / sizeof *files));
    fuzz_tmp_write(MC_RUN_FILE_MODEL, model_bytes, sizeof model_bytes - 1);
    fuzz_tmp_write("data.csv", data_bytes, sizeof data_bytes - 1);
    if (!(key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) ||
        mc_sha256_hex(model_hex, model_bytes, sizeof model_bytes - 1) ||
        mc_sha256_hex(data_hex, data_bytes, sizeof data_bytes - 1))
        abort();
}

/* p[0..n) with every placeholder replaced (NULL value: left alone); caller frees. */
static char *expand(const uint8_t *p, size_t n, const char *const *names,
                    const char *const *values, int count, size_t *out_len)
{
    char *out = malloc(n * 11 + 1); /* 64-byte digests for placeholders of >= 6 bytes */
    size_t o = 0;
    if (!out)
        abort();
    for (size_t i = 0; i < n;) {
        int hit = 0;
        /* every placeholder starts with '@': the rest is copied without comparisons (a
           quarter of the harness's time went to them, traced by the fuzzer) */
        for (int k = 0; k < count && !hit && p[i] == '@'; k++) {
            size_t l = strlen(names[k]);
            if (values[k] && n - i >= l && memcmp(p + i, names[k], l) == 0) {
                memcpy(out + o, values[k], MC_SHA256_HEX_LEN);
                o += MC_SHA256_HEX_LEN;
                i += l;
                hit = 1;
            }
        }
        if (!hit)
            out[o++] = (char)p[i++];
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* Each line of cert taken as a statement, signed into an envelope line. */
static char *sign_lines(const char *cert, size_t *out_len)
{
    size_t cap = 1024, o = 0;
    char *out = malloc(cap);
    if (!out)
        abort();
    for (const char *line = cert; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        json_t *env = NULL;
        char *text = NULL;
        size_t len = 0;
        if (n && mc_dsse_sign(&env, key, "", MC_OMS_PAYLOAD_TYPE, line, n) == MC_OK &&
            mc_json_canonical(&text, &len, env) == MC_OK) {
            if (o + len + 2 > cap) {
                cap = (o + len + 2) * 2;
                if (!(out = realloc(out, cap)))
                    abort();
            }
            memcpy(out + o, text, len);
            o += len;
            out[o++] = '\n';
        }
        free(text);
        json_decref(env);
        line = nl ? nl + 1 : line + n;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!key)
        setup();
    if (size > (1u << 18))
        return 0;
    const uint8_t *part[4];
    size_t len[4];
    int n = fuzz_split(data, size, part, len, 4);
    for (int i = n; i < 4; i++) {
        part[i] = (const uint8_t *)"";
        len[i] = 0;
    }
    const char *names[] = {"@MODEL@", "@DATA@", "@SPEC@", "@VALIDATION@"};
    const char *values[] = {model_hex, data_hex, NULL, NULL};
    char spec_hex[MC_SHA256_HEX_LEN + 1], val_hex[MC_SHA256_HEX_LEN + 1];
    char dir[4200], data_path[4200], cert_path[4200];
    fuzz_tmp_path(dir, sizeof dir, "");
    dir[strlen(dir) - 1] = '\0';
    fuzz_tmp_path(data_path, sizeof data_path, "data.csv");
    fuzz_tmp_path(cert_path, sizeof cert_path, "release.intoto.jsonl");

    /* spec.json first: its canonical digest may appear in the others. */
    size_t l = 0;
    char *spec = expand(part[2], len[2], names, values, 2, &l);
    fuzz_tmp_write(MC_RUN_FILE_SPEC, spec, l);
    free(spec);
    json_t *sj = NULL;
    char *canon = NULL;
    size_t clen = 0;
    if (mc_run_dir_read_json(&sj, dir, MC_RUN_FILE_SPEC) == MC_OK &&
        mc_json_canonical(&canon, &clen, sj) == MC_OK && mc_sha256_hex(spec_hex, canon, clen) == 0)
        values[2] = spec_hex;
    free(canon);
    json_decref(sj);

    char *val = expand(part[0], len[0], names, values, 3, &l);
    fuzz_tmp_write(MC_RUN_FILE_VALIDATION, val, l);
    if (mc_sha256_hex(val_hex, val, l) == 0)
        values[3] = val_hex;
    free(val);
    char *run = expand(part[1], len[1], names, values, 4, &l);
    fuzz_tmp_write(MC_RUN_FILE_RECORD, run, l);
    free(run);

    mc_release_facts f = {0};
    int facts = mc_release_facts_read(&f, dir, data_path, 1);
    if (facts == MC_OK) {
        const char *verdict = mc_release_str(f.validation, "verdict", NULL);
        if (!verdict || strcmp(verdict, "pass") != 0 || !f.data_digest)
            abort(); /* only a passing validation is certified */
    }
    mc_release_facts_free(&f);
    DEBUG_SAY("facts");
    mc_error_clear();
    if (facts != MC_OK)
        return 0; /* verify reads the facts first: it would stop at the same place */

    char *cert = expand(part[3], len[3], names, values, 4, &l);
    fuzz_tmp_write("release.intoto.jsonl", cert, l);
    mc_release_verify(dir, cert_path, key, NULL);
    DEBUG_SAY("verify as given");
    mc_error_clear();
    size_t slen = 0;
    char *signed_cert = sign_lines(cert, &slen);
    fuzz_tmp_write("release.intoto.jsonl", signed_cert, slen);
    mc_release_verify(dir, cert_path, key, NULL);
    DEBUG_SAY("verify signed");
    mc_error_clear();
    free(signed_cert);
    free(cert);
    return 0;
}
