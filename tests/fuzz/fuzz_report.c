/* libFuzzer harness: the inputs of `modelcert report` (tests/fuzz/README.md). The input is a
 * run directory's files separated by NUL bytes, in this order (a missing part: no such file):
 *   validation.json, metrics.json, spec.json, test_predictions.csv, history.csv
 * They are written to a private temporary directory (fuzz_tmp.h) and loaded as `report`
 * loads them (mc_report_doc_load, with the audit trail pointed at a file of that directory
 * that is never created, so the trail's absence is reported as a note), then rendered in
 * every format into memory (mc_report_render). Beside the sanitizers: a document that loads
 * renders in every format but JSON (whose refusal of a non-finite measured value is
 * MC_EINPUT) and the CycloneDX ML-BOM (which refuses, MC_EINPUT or MC_EIO, a run whose files
 * do not hold together), and a refusal is MC_EINPUT or MC_ENOMEM with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmp.h"
#include "mc_error.h"
#include "mc_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {"validation.json", "metrics.json", "spec.json",
                                    "test_predictions.csv", "history.csv", "trail.db"};
#define N_PARTS 5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        fuzz_tmp_setup("report", files, (int)(sizeof files / sizeof *files));
        ready = 1;
    }
    if (size > (1u << 20))
        return 0;
    const uint8_t *part[N_PARTS];
    size_t len[N_PARTS];
    int n = fuzz_split(data, size, part, len, N_PARTS);
    for (int i = 0; i < N_PARTS; i++)
        fuzz_tmp_write(files[i], i < n ? part[i] : NULL, i < n ? len[i] : 0);

    char vpath[4200], trail[4200];
    fuzz_tmp_path(vpath, sizeof vpath, files[0]);
    fuzz_tmp_path(trail, sizeof trail, "trail.db");
    mc_report_doc *d = NULL;
    int rc = mc_report_doc_load(&d, vpath, trail);
    if (rc == MC_OK) {
        for (int f = 0; f < MC_REPORT_FORMAT_COUNT; f++) {
            char *out = NULL;
            size_t olen = 0;
            rc = mc_report_render(&out, &olen, d, (mc_report_format)f);
            if (rc == MC_OK && (!out || strlen(out) != olen))
                abort(); /* a report is text of the length it says */
            if (rc != MC_OK && rc != MC_ENOMEM && !(f == MC_REPORT_JSON && rc == MC_EINPUT) &&
                !(f == MC_REPORT_CYCLONEDX && (rc == MC_EINPUT || rc == MC_EIO)))
                abort(); /* the ML-BOM refuses a run that does not hold together */
            free(out);
        }
        mc_report_doc_free(d);
    } else if ((rc != MC_EINPUT && rc != MC_ENOMEM && rc != MC_EIO) ||
               !mc_error_last()->message[0]) {
        abort();
    }
    fuzz_tmp_remove("trail.db");
    mc_error_clear();
    return 0;
}
