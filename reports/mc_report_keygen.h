/* Report of `modelcert keygen`: the files written, for people. */
#ifndef MC_REPORT_KEYGEN_H
#define MC_REPORT_KEYGEN_H

#include <stdio.h>

#include "mc_keygen.h"

/* "wrote NAME.key (P-256 private key, encrypted, mode 0600)" (when there is a .key) and
 * "wrote NAME.pub (P-256 public key, key hint HEX)" lines on f; nothing when quiet. */
void mc_report_keygen_text(FILE *f, const mc_keygen_result *r, int quiet);

#endif
