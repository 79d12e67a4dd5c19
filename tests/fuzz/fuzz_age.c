/* libFuzzer harness: age files as `decrypt` reads them (tests/fuzz/README.md), through the
 * library (signing/mc_age.h): armor detection and decoding, the header's grammar and limits,
 * the X25519 and scrypt stanzas, the MAC, STREAM. Decrypted to memory with a fixed X25519
 * identity (the age testkit's) and a fixed passphrase ("password") whose scrypt work factor
 * is capped at 2^10, so a stanza cannot cost more than a millisecond or two. Beside the
 * sanitizers, the harness checks what the library promises: success is MC_OK with result
 * MC_AGE_OK and a plaintext of the size reported; a refusal of the file is MC_EINPUT with a
 * failure class and a message; nothing else but MC_ENOMEM is returned. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mc_age.h"
#include "mc_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IDENTITY "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"

static mc_age_identities *ids;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ids && (mc_age_identities_new(&ids) != MC_OK ||
                 mc_age_identities_add(ids, IDENTITY) != MC_OK ||
                 mc_age_identities_add_passphrase(ids, "password", 10) != MC_OK))
        abort();
    unsigned char *out = NULL;
    size_t len = 0;
    mc_age_info info;
    mc_error_clear();
    int rc = mc_age_decrypt_memory(&out, &len, &info, data, size, ids, SIZE_MAX);
    if (rc == MC_OK) {
        if (info.result != MC_AGE_OK || !out || info.plaintext != len || !info.type[0])
            abort();
        OPENSSL_clear_free(out, len ? len : 1);
    } else if (rc == MC_EINPUT) {
        if (info.result == MC_AGE_OK || info.result == MC_AGE_ERROR ||
            !mc_error_last()->message[0] || out)
            abort();
    } else if (rc != MC_ENOMEM) {
        abort();
    }
    return 0;
}
