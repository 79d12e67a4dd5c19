/* libFuzzer harness: model artifact loading, past the checksum (tests/fuzz/README.md). */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include "mc_artifact.h"
#include "mc_error.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* The input is the file without its checksum; the checksum is appended, so
 * the fuzzer reaches the header and tensor checks. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *buf = malloc(size + 32);
    unsigned int n = 0;
    memcpy(buf, data, size);
    EVP_Digest(data, size, buf + size, &n, EVP_sha256(), NULL);
    mc_model *m = NULL;
    if (mc_artifact_decode(&m, buf, size + 32, "fuzz.mcm") == MC_OK) {
        float x[4096] = {0}, out[4096];
        if (m->nn->in <= 64 && m->nn->out <= 64)
            mc_nn_predict(m->nn, x, 1, out);
        mc_model_free(m);
    }
    free(buf);
    return 0;
}
