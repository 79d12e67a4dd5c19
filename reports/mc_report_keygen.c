/* The report of `modelcert keygen` (mc_report_keygen.h): which key files
 * were written, with their curve, mode and key hint. */
#include "mc_report_keygen.h"

void mc_report_keygen_text(FILE *f, const mc_keygen_result *r, int quiet)
{
    if (quiet)
        return;
    if (r->key_path)
        fprintf(f, "wrote %s (%s private key, %s, mode 0600)\n", r->key_path, r->curve,
                r->encrypted ? "encrypted" : "not encrypted");
    fprintf(f, "wrote %s (%s public key, key hint %s)\n", r->pub_path, r->curve, r->hint);
}
