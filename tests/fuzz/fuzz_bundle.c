/* libFuzzer harness: OMS bundles and the statements inside them
 * (tests/fuzz/README.md). Each input is read twice, as `modelcert verify`
 * reads a bundle:
 *  1. as the bundle's text, verified with a fixed P-256 key (mc_oms_verify):
 *     the bundle, its verification material and the DSSE envelope's shape;
 *  2. as a statement: signed with that key into a DSSE envelope inside a
 *     bundle, then verified, so that the signature holds and every input
 *     reaches the statement's parser (types, serialization, resources,
 *     names, the subject digest). */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_json.h"
#include "mc_key.h"
#include "mc_manifest.h"
#include "mc_oms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mc_key *key;

static void setup(void)
{
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!pk || mc_key_from_pkey(&key, pk) != MC_OK)
        abort();
    EVP_PKEY_free(pk);
}

static void verify(const char *text, size_t len)
{
    mc_manifest *m = NULL;
    char signer[256];
    mc_oms_trust t = {.key = key};
    if (mc_oms_verify(&m, signer, sizeof signer, text, len, &t) == MC_OK && m->n > 0 &&
        !mc_sha256_hex_valid(m->subject))
        abort(); /* a verified manifest always has a subject digest */
    mc_manifest_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!key)
        setup();
    if (size > (1u << 20))
        return 0;
    verify((const char *)data, size);

    json_t *env = NULL, *bundle = NULL;
    char *text = NULL;
    size_t len = 0;
    if (mc_dsse_sign(&env, mc_key_pkey(key), "", MC_OMS_PAYLOAD_TYPE, data, size) == MC_OK &&
        (bundle = json_pack("{s:s,s:{s:{s:s},s:[]},s:o}", "mediaType", MC_OMS_BUNDLE_MEDIA_TYPE,
                            "verificationMaterial", "publicKey", "hint", mc_key_hint(key),
                            "tlogEntries", "dsseEnvelope", env))) {
        env = NULL;
        if (mc_json_canonical(&text, &len, bundle) == MC_OK)
            verify(text, len);
    }
    free(text);
    json_decref(bundle);
    json_decref(env);
    mc_error_clear();
    return 0;
}
