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

/* The canonical encoder, streamed: for a document written key by key, in
 * canonical key order (checked), without building a json_t first (the audit
 * trail hashes every event this way). Errors are sticky: check once, at
 * mc_json_writer_finish. */
#define MC_JSON_WRITER_DEPTH 8
typedef struct mc_json_writer {
    mc_buf buf;
    int depth, error;
    int first[MC_JSON_WRITER_DEPTH];        /* no member written yet at this depth */
    const char *last[MC_JSON_WRITER_DEPTH]; /* the previous key at this depth */
} mc_json_writer;

void mc_json_writer_begin_object(mc_json_writer *w);
void mc_json_writer_end_object(mc_json_writer *w);
/* A member's key; keys must come in canonical (RFC 8785) order, each
 * greater than the one before (else MC_EINTERNAL at finish). The caller keeps
 * key alive until the object ends. */
void mc_json_writer_key(mc_json_writer *w, const char *key);
/* Values: s as a string (its bytes as they are; NULL writes null), an
 * integer, a json_t in canonical form, or text that is already canonical
 * JSON, copied as it is. */
void mc_json_writer_string(mc_json_writer *w, const char *s);
void mc_json_writer_integer(mc_json_writer *w, long long v);
void mc_json_writer_value(mc_json_writer *w, const json_t *v);
void mc_json_writer_raw(mc_json_writer *w, const char *canonical_text);
/* The document (caller frees *out) or the first error; the writer is emptied. */
int mc_json_writer_finish(mc_json_writer *w, char **out, size_t *len);

/* Building documents without losing a value: v is taken over (NULL means an
 * allocation already failed), and a failed insertion is MC_ENOMEM, recorded,
 * never a document with a key or item missing. Chain them with `rc = rc ? rc :
 * mc_json_set(obj, key, json_string(s))` when the value is made in the call (after an
 * error it is never made), or check each. A value built beforehand must not be chained
 * that way: after an earlier error the call is skipped and the value leaks; give it to
 * mc_json_set unconditionally (it is freed on failure), or free it on the error path. */
int mc_json_set(json_t *obj, const char *key, json_t *v);
int mc_json_append(json_t *arr, json_t *v);

/* Overwrites the values of v in place before it is freed (numbers set to 0, strings'
 * bytes wiped with OPENSSL_cleanse), for a document that held secret knowledge (a decrypted
 * model's header: its fitted preprocessing). Values another reference also holds
 * (refcount > 1) are left alone; object keys are not wiped. NULL is fine. */
void mc_json_wipe(json_t *v);

#endif
