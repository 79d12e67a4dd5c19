/* A bound spec as JSON, every default filled in and keys in canonical order:
 * the normalised form that `check --print-normalized` prints and the spec
 * digest covers. */
#include "mc_schema.h"

#include <stdlib.h>
#include <string.h>

#include "mc_error.h"

/* The variant of a tagged union that is in effect. */
static const mc_variant *variant_in_effect(const mc_schema *schema, const void *obj)
{
    if (!schema->tag)
        return NULL;
    int idx = *(const int *)((const unsigned char *)obj + schema->tag_off);
    return idx >= 0 && (size_t)idx < schema->n_variants ? &schema->variants[idx] : NULL;
}

static json_t *object_to_json(const mc_schema *s, const void *obj);

static int cmp_json_str(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static json_t *value_to_json(const mc_field *f, const void *base)
{
    const void *addr = (const unsigned char *)base + f->off;
    switch (f->type) {
    case MC_FT_STRING: {
        const char *s = *(char *const *)addr;
        return s ? json_string(s) : NULL;
    }
    case MC_FT_INT: {
        long long i = *(const long long *)addr;
        if ((f->flags & MC_FF_AUTO) && i == 0)
            return json_string("auto");
        return json_integer(i);
    }
    case MC_FT_NUMBER: return json_real(*(const double *)addr);
    case MC_FT_BOOL: return json_boolean(*(const bool *)addr);
    case MC_FT_ENUM: return json_string(f->names[*(const int *)addr]);
    case MC_FT_OBJECT: return object_to_json(f->sub, addr);
    case MC_FT_LIST: {
        const mc_list *l = addr;
        json_t *a = json_array();
        for (size_t i = 0; a && i < l->count; i++) {
            json_t *v = value_to_json(f->elem, (const unsigned char *)l->items + i * f->elem_size);
            if (!v || json_array_append_new(a, v) != 0) {
                json_decref(a);
                return NULL;
            }
        }
        /* A set (unique scalars) is written sorted: its order carries no meaning. */
        if (a && (f->flags & MC_FF_UNIQUE) &&
            (f->elem->type == MC_FT_STRING || f->elem->type == MC_FT_ENUM)) {
            size_t n = json_array_size(a);
            json_t **tmp = malloc((n ? n : 1) * sizeof *tmp);
            if (!tmp) {
                json_decref(a);
                return NULL;
            }
            for (size_t i = 0; i < n; i++)
                tmp[i] = json_incref(json_array_get(a, i));
            qsort(tmp, n, sizeof *tmp, cmp_json_str);
            json_array_clear(a);
            for (size_t i = 0; i < n; i++)
                json_array_append_new(a, tmp[i]);
            free(tmp);
        }
        return a;
    }
    case MC_FT_MAP: {
        const mc_list *l = addr;
        json_t *o = json_object();
        for (size_t i = 0; o && i < l->count; i++) {
            const unsigned char *elem = (const unsigned char *)l->items + i * f->elem_size;
            json_t *v = value_to_json(f->elem, elem);
            if (!v || json_object_set_new(o, *(char *const *)elem, v) != 0) {
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    }
    return NULL;
}

static int fields_to_json(json_t *o, const mc_field *fields, size_t n, const void *obj)
{
    for (size_t i = 0; i < n; i++) {
        const mc_field *f = &fields[i];
        if (f->present_off >= 0 && !*(const bool *)((const unsigned char *)obj + f->present_off))
            continue;
        if (f->applies && !f->applies(obj))
            continue;
        if (f->type == MC_FT_STRING && !*(char *const *)((const unsigned char *)obj + f->off))
            continue;
        json_t *v = value_to_json(f, obj);
        if (!v || json_object_set_new(o, f->key, v) != 0)
            return 0;
    }
    return 1;
}

static json_t *object_to_json(const mc_schema *s, const void *obj)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    const mc_variant *var = variant_in_effect(s, obj);
    if (var && json_object_set_new(o, s->tag, json_string(var->name)) != 0)
        goto fail;
    if (!fields_to_json(o, s->fields, s->n_fields, obj))
        goto fail;
    if (var && !fields_to_json(o, var->fields, var->n_fields, obj))
        goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

int mc_schema_to_json(json_t **out, const mc_schema *schema, const void *obj)
{
    *out = object_to_json(schema, obj);
    return *out ? MC_OK : mc_error_nomem();
}
