/* The protobuf JSON mapping on the reading side (mc_pbjson.h): Sigstore's bundles and trusted
 * roots are protobuf messages written as JSON by Go, Python, JavaScript and Rust clients, each
 * free to use a field's lowerCamelCase name or its proto name and to write null for an absent
 * field; this is the one place that knows it, so that every reader of those files agrees. */
#include "mc_pbjson.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"

int mc_pbjson_get(json_t **out, const json_t *obj, const char *json_name, const char *proto_name,
                  const char *where)
{
    json_t *a = json_is_object(obj) ? json_object_get(obj, json_name) : NULL;
    json_t *b = json_is_object(obj) && proto_name ? json_object_get(obj, proto_name) : NULL;
    if (json_is_null(a))
        a = NULL;
    if (json_is_null(b))
        b = NULL;
    if (a && b)
        return mc_error_set(MC_EINPUT, "%s: both %s and %s are given", where, json_name,
                            proto_name);
    *out = a ? a : b;
    return MC_OK;
}

static int typed(json_t **out, const json_t *obj, const char *json_name, const char *proto_name,
                 const char *where, json_type type, const char *what)
{
    json_t *v = NULL;
    int rc = mc_pbjson_get(&v, obj, json_name, proto_name, where);
    if (rc)
        return rc;
    if (v && json_typeof(v) != type)
        return mc_error_set(MC_EINPUT, "%s: %s must be %s", where, json_name, what);
    if (v && type == JSON_STRING && strlen(json_string_value(v)) != json_string_length(v))
        return mc_error_set(MC_EINPUT, "%s: %s holds a NUL character", where, json_name);
    *out = v;
    return MC_OK;
}

int mc_pbjson_object(json_t **out, const json_t *obj, const char *json_name,
                     const char *proto_name, const char *where)
{
    return typed(out, obj, json_name, proto_name, where, JSON_OBJECT, "an object");
}

int mc_pbjson_array(json_t **out, const json_t *obj, const char *json_name,
                    const char *proto_name, const char *where)
{
    return typed(out, obj, json_name, proto_name, where, JSON_ARRAY, "an array");
}

int mc_pbjson_string(const char **out, const json_t *obj, const char *json_name,
                     const char *proto_name, const char *where)
{
    json_t *v = NULL;
    int rc = typed(&v, obj, json_name, proto_name, where, JSON_STRING, "a string");
    if (rc == MC_OK)
        *out = v ? json_string_value(v) : NULL;
    return rc;
}

int mc_pbjson_int64(int64_t *out, int *present, const json_t *obj, const char *json_name,
                    const char *proto_name, const char *where)
{
    json_t *v = NULL;
    int rc = mc_pbjson_get(&v, obj, json_name, proto_name, where);
    *present = 0;
    if (rc || !v)
        return rc;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
    } else {
        const char *s = json_string_value(v);
        char *end = NULL;
        errno = 0;
        long long x = s && *s && strlen(s) <= 20 ? strtoll(s, &end, 10) : 0;
        if (!s || !*s || !end || *end || errno || strlen(s) > 20 || (s[0] != '-' &&
                                                                      (s[0] < '0' || s[0] > '9')))
            return mc_error_set(MC_EINPUT, "%s: %s must be an integer (a decimal string)",
                                where, json_name);
        *out = (int64_t)x;
    }
    *present = 1;
    return MC_OK;
}
