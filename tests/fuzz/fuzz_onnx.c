/* libFuzzer harness: an ONNX model and a small CSV through modelcert's ONNX interpreter, as
 * `modelcert predict MODEL.onnx DATA.csv` runs them (onnx/mc_onnx_predict.c), tests/fuzz/
 * README.md.
 *
 * Input layout:
 *   0     2  n, little-endian u16: the length of the CSV part (clamped to MAX_CSV and to
 *            what the input holds)
 *   2     n  the CSV part: the rows to predict
 *   2+n   .. the model's bytes (protobuf)
 *
 * The fuzz build lowers the interpreter's memory budget and its multiply-add cap
 * (MC_ONNX_FUZZ_LIMITS, onnx/mc_onnx_tensor.h), so every input runs quickly. */
#include <stdint.h>
#include <stdlib.h>

#include "mc_error.h"
#include "mc_onnx_predict.h"

#define MAX_CSV 2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t n = (size_t)data[0] | (size_t)data[1] << 8;
    if (n > MAX_CSV)
        n = MAX_CSV;
    if (n > size - 2)
        n = size - 2;
    mc_prediction p;
    if (mc_onnx_predict_bytes(&p, data + 2 + n, size - 2 - n, "fuzz.onnx",
                              (const char *)data + 2, n, "fuzz.csv", NULL) == MC_OK)
        mc_prediction_clear(&p);
    mc_error_clear();
    return 0;
}
