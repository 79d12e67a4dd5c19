/* JSON on top of jansson: one canonical encoding (RFC 8785, JCS: keys sorted by
 * UTF-16 code units, numbers in ECMAScript shortest round-trip form, no
 * insignificant whitespace) used for every digest and signature, and the same
 * ordering and number form, indented, for people to read. We never parse JSON
 * ourselves: jansson does. */
#ifndef MC_JSON_H
#define MC_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "mc_buf.h"

/* Canonical bytes of `v` (NUL-terminated, *len excludes the NUL). Fails with
 * MC_EINPUT on NaN or infinity, which JSON cannot carry. Caller frees *out. */
int mc_json_canonical(char **out, size_t *len, const json_t *v);
/* Like mc_json_canonical, but indented by `indent` spaces per level, with a
 * trailing newline: the form modelcert prints and writes for people. */
int mc_json_pretty(char **out, size_t *len, const json_t *v, int indent);
/* Shortest round-trip decimal of a finite double, in ECMAScript form
 * (1, 0.001, 1e-7, 1.5e+300). buf needs 32 bytes. Returns MC_EINPUT for NaN/Inf. */
int mc_json_format_number(char buf[32], double x);

/* Building documents without losing a value: v is taken over (NULL means an
 * allocation already failed), and a failed insertion is MC_ENOMEM, recorded,
 * never a document with a key or item missing. Chain them with `rc = rc ? rc :
 * mc_json_set(...)`, or check each. */
int mc_json_set(json_t *obj, const char *key, json_t *v);
int mc_json_append(json_t *arr, json_t *v);

#endif
