/* Reading JSON that a protobuf library wrote (the protobuf JSON mapping, as Sigstore bundles
 * and trusted roots are): a field is found under its lowerCamelCase JSON name or its original
 * proto field name, a null value is the field absent, and fields nobody asks for are ignored.
 * A field given under both names is refused, as protobuf's parsers refuse it. */
#ifndef MC_PBJSON_H
#define MC_PBJSON_H

#include <jansson.h>
#include <stdint.h>

/* *out: obj's field json_name (or proto_name; NULL when they are spelled alike), NULL when
 * absent or null, or when obj is not an object. MC_EINPUT ("WHERE: both json_name and
 * proto_name are given") when both spellings carry a value. */
int mc_pbjson_get(json_t **out, const json_t *obj, const char *json_name, const char *proto_name,
                  const char *where);

/* The same, typed: a field that is present must be a JSON object (an array, a string without
 * NUL bytes); otherwise MC_EINPUT "WHERE: json_name must be an object" (an array, a string).
 * *out NULL when absent. */
int mc_pbjson_object(json_t **out, const json_t *obj, const char *json_name,
                     const char *proto_name, const char *where);
int mc_pbjson_array(json_t **out, const json_t *obj, const char *json_name,
                    const char *proto_name, const char *where);
int mc_pbjson_string(const char **out, const json_t *obj, const char *json_name,
                     const char *proto_name, const char *where);

/* An int64 field, which the mapping writes as a decimal string (or a number): *present 0
 * when absent; MC_EINPUT when it is neither, or out of range. */
int mc_pbjson_int64(int64_t *out, int *present, const json_t *obj, const char *json_name,
                    const char *proto_name, const char *where);

#endif
