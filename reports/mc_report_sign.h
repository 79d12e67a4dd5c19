/* Reports of sign, verify and digest (docs/signing.md). */
#ifndef MC_REPORT_SIGN_H
#define MC_REPORT_SIGN_H

#include <stdio.h>

#include "mc_certify.h"
#include "mc_sign.h"
#include "mc_sigstore_bundle.h"

/* "signed N resources of PATH: sha256:SUBJECT -> SIGNATURE" (and the key's
 * warning on err, when there is one). */
void mc_report_sign_text(FILE *f, FILE *err, const char *path, const mc_sign_result *r);
/* "verified: ..." or "FAILED: <reason>". */
void mc_report_verify_text(FILE *f, const char *path, const mc_verify_result *r);
/* "certified RUN_DIR: ..." with the files written (f NULL: only warnings and the
 * audit line, on err). */
void mc_report_certify_text(FILE *f, FILE *err, const char *run_dir, const mc_certify_result *r);
/* `sigstore verify-bundle`: "verified: ARTIFACT, signed by ..." or "FAILED: ARTIFACT: why". */
void mc_report_verify_bundle_text(FILE *f, const char *artifact,
                                  const mc_verify_bundle_result *r);
/* "sha256:SUBJECT  PATH" (as sha256sum lays a line out). */
void mc_report_digest_text(FILE *f, const char *path, const char *hex);

#endif
