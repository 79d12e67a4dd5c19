/* libFuzzer harness: the CSV reader on arbitrary bytes (tests/fuzz/README.md). */
#include <stddef.h>
#include <stdint.h>
#include "mc_csv.h"
#include "mc_error.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const missing[] = {"", "NA", "NaN", "null"};
    mc_csv_options o = {.delimiter = ',', .missing = missing, .n_missing = 4};
    mc_table *t = NULL;
    if (mc_csv_parse(&t, "fuzz.csv", (const char *)data, size, &o) == MC_OK)
        mc_table_free(t);
    return 0;
}
