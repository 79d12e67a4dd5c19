/* libFuzzer harness: the spec loader on arbitrary bytes (tests/fuzz/README.md). */
#include <stddef.h>
#include <stdint.h>
#include "mc_spec.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_diags *d = NULL;
    mc_spec *s = NULL;
    if (mc_diags_create(&d))
        return 0;
    if (mc_spec_load_buffer(&s, d, "/fuzz/spec.yaml", (const char *)data, size) == MC_OK) {
        char hex[65];
        json_t *j = NULL;
        mc_spec_digest(hex, s);
        mc_spec_normalized(&j, s);
        json_decref(j);
    }
    mc_spec_free(s);
    mc_diags_free(d);
    return 0;
}
