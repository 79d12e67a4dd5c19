/* The ONNX project's own node conformance cases through modelcert's interpreter
 * (tests/e2e/onnx_conformance.sh; the cases: tests/e2e/onnx_node_cases.py, from python3-onnx's
 * onnx/backend/test/case/node, the vectors every ONNX backend is tested with). For each case
 * directory: model.onnx loaded and run on input_<i>.pb, each output compared with
 * output_<k>.pb: the same type and shape, numbers within the case's tolerance as ONNX's
 * backend test compares them (|got - want| <= atol + rtol * |want|, NaN where NaN), integers,
 * booleans and strings exactly. Prints one line per case; exits 1 when any case fails.
 * usage: onnx_conformance CASE_DIR... */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_onnx_ops.h"
#include "mc_onnx_rt.h"
#include "onnx.pb-c.h"

#define MAX_IO 16

static Onnx__TensorProto *read_proto(const char *dir, const char *kind, size_t i)
{
    char path[4096], *buf = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s_%zu.pb", dir, kind, i);
    if (mc_file_read_all(&buf, &len, path, (size_t)1 << 28) != MC_OK)
        return NULL;
    Onnx__TensorProto *p = onnx__tensor_proto__unpack(NULL, len, (const uint8_t *)buf);
    free(buf);
    return p;
}

static double num(const mc_onnx_tensor *t, size_t i)
{
    switch (t->dtype) {
    case MC_OT_FLOAT: return ((const float *)t->data)[i];
    case MC_OT_DOUBLE: return ((const double *)t->data)[i];
    case MC_OT_INT64: return (double)((const int64_t *)t->data)[i];
    default: return ((const unsigned char *)t->data)[i] != 0;
    }
}

/* NULL when got equals want, else why not (in buf). */
static const char *compare(const mc_onnx_tensor *got, const mc_onnx_tensor *want, double rtol,
                           double atol, char *buf, size_t cap)
{
    char a[16], b[16];
    if (got->dtype != want->dtype) {
        snprintf(buf, cap, "type %s, want %s", mc_onnx_dtype_name(got->dtype, a),
                 mc_onnx_dtype_name(want->dtype, b));
        return buf;
    }
    int same = got->rank == want->rank;
    for (int d = 0; same && d < got->rank; d++)
        same = got->dims[d] == want->dims[d];
    if (!same || got->n != want->n) {
        snprintf(buf, cap, "shape of rank %d (%zu elements), want rank %d (%zu elements)",
                 got->rank, got->n, want->rank, want->n);
        return buf;
    }
    for (size_t i = 0; i < got->n; i++) {
        if (got->dtype == MC_OT_STRING) {
            const mc_onnx_str *x = (const mc_onnx_str *)got->data + i;
            const mc_onnx_str *y = (const mc_onnx_str *)want->data + i;
            if (x->n != y->n || (x->n && memcmp(x->p, y->p, x->n) != 0)) {
                snprintf(buf, cap, "string %zu differs", i);
                return buf;
            }
            continue;
        }
        double x = num(got, i), y = num(want, i);
        int exact = got->dtype == MC_OT_INT64 || got->dtype == MC_OT_BOOL;
        if ((isnan(x) && isnan(y)) || x == y)
            continue;
        if (exact || isnan(x) || isnan(y) || !(fabs(x - y) <= atol + rtol * fabs(y))) {
            snprintf(buf, cap, "element %zu is %.9g, want %.9g", i, x, y);
            return buf;
        }
    }
    return NULL;
}

static int run_case(const char *dir)
{
    char path[4096], why[1024];
    char *bytes = NULL;
    size_t len = 0;
    double rtol = 1e-3, atol = 1e-7;
    snprintf(path, sizeof path, "%s/tol", dir);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%lf %lf", &rtol, &atol) != 2)
            rtol = 1e-3, atol = 1e-7;
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    mc_onnx_model *m = NULL;
    Onnx__TensorProto *pin[MAX_IO] = {0}, *pout[MAX_IO] = {0};
    mc_onnx_tensor in[MAX_IO] = {0}, out[MAX_IO] = {0}, want[MAX_IO] = {0};
    const mc_onnx_io *io;
    const char *fail = NULL;
    int rc = mc_file_read_all(&bytes, &len, path, (size_t)1 << 28);
    if (rc == MC_OK)
        rc = mc_onnx_model_load(&m, (const unsigned char *)bytes, len, path);
    size_t n_in = rc == MC_OK ? mc_onnx_model_inputs(m, &io) : 0;
    size_t n_out = rc == MC_OK ? mc_onnx_model_outputs(m, &io) : 0;
    if (rc == MC_OK && (n_in > MAX_IO || n_out > MAX_IO))
        fail = "too many inputs or outputs for this harness";
    for (size_t i = 0; !fail && rc == MC_OK && i < n_in; i++)
        if (!(pin[i] = read_proto(dir, "input", i)))
            fail = "an input_<i>.pb is missing or does not decode";
        else
            rc = mc_onnx_tensor_from_proto(&in[i], pin[i], "input", 1);
    for (size_t k = 0; !fail && rc == MC_OK && k < n_out; k++)
        if (!(pout[k] = read_proto(dir, "output", k)))
            fail = "an output_<k>.pb is missing or does not decode";
        else
            rc = mc_onnx_tensor_from_proto(&want[k], pout[k], "output", 1);
    if (!fail && rc == MC_OK)
        rc = mc_onnx_model_run(out, m, in);
    for (size_t k = 0; !fail && rc == MC_OK && k < n_out; k++)
        fail = compare(&out[k], &want[k], rtol, atol, why, sizeof why);
    if (!fail && rc != MC_OK)
        fail = mc_error_last()->message;
    const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    if (fail)
        printf("FAIL %s: %s\n", name, fail);
    else
        printf("ok %s\n", name);
    for (size_t i = 0; i < MAX_IO; i++) {
        mc_onnx_tensor_release(&in[i]);
        mc_onnx_tensor_release(&out[i]);
        mc_onnx_tensor_release(&want[i]);
        if (pin[i])
            onnx__tensor_proto__free_unpacked(pin[i], NULL);
        if (pout[i])
            onnx__tensor_proto__free_unpacked(pout[i], NULL);
    }
    mc_onnx_model_free(m);
    free(bytes);
    return fail != NULL;
}

int main(int argc, char **argv)
{
    int failed = 0;
    for (int i = 1; i < argc; i++)
        failed += run_case(argv[i]);
    printf("%d of %d ONNX node cases pass\n", argc - 1 - failed, argc - 1);
    return failed ? 1 : 0;
}
