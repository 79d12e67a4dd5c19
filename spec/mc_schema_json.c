/* A bound spec as JSON, every default filled in and keys in canonical order:
 * the normalised form that `check --print-normalized` prints and the spec
 * digest covers. */
#include "mc_schema.h"

#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_json.h"

/* The variant of a tagged union that is in effect. */
static const mc_variant *variant_in_effect(const mc_schema *schema, const void *obj)
{
    if (!schema->tag)
        return NULL;
    int idx = *(const int *)((const unsigned char *)obj + schema->tag_off);
    return idx >= 0 && (size_t)idx < schema->n_variants ? &schema->variants[idx] : NULL;
}

static int object_to_json(json_t **out, const mc_schema *s, const void *obj);
static int value_to_json(json_t **out, const mc_field *f, const void *base);

static int cmp_json_str(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* A set (unique scalars) is written sorted: its order carries no meaning (unless the field is
 * MC_FF_ORDERED, as model.inputs, the columns of a tensor in order).
 * Sorts the strings of array a in place. */
static int sort_strings(json_t *a)
{
    size_t n = json_array_size(a);
    json_t **tmp = malloc((n ? n : 1) * sizeof *tmp);
    int rc = tmp ? MC_OK : mc_error_nomem();
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        tmp[i] = json_array_get(a, i);
    qsort(tmp, n, sizeof *tmp, cmp_json_str);
    /* Replacing in place allocates nothing: no item can go missing. */
    for (size_t i = 0; i < n; i++)
        json_incref(tmp[i]);
    for (size_t i = 0; rc == MC_OK && i < n; i++)
        if (json_array_set(a, i, tmp[i]) != 0)
            rc = mc_error_set(MC_EINTERNAL, "normalised spec: a list item could not be placed");
    for (size_t i = 0; i < n; i++)
        json_decref(tmp[i]);
    free(tmp);
    return rc;
}

static int list_to_json(json_t **out, const mc_field *f, const mc_list *l)
{
    json_t *a = json_array();
    int rc = a ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < l->count; i++) {
        json_t *v = NULL;
        if ((rc = value_to_json(&v, f->elem, (const unsigned char *)l->items + i * f->elem_size)))
            break;
        rc = mc_json_append(a, v);
    }
    if (rc == MC_OK && (f->flags & MC_FF_UNIQUE) && !(f->flags & MC_FF_ORDERED) &&
        (f->elem->type == MC_FT_STRING || f->elem->type == MC_FT_ENUM))
        rc = sort_strings(a);
    if (rc) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return MC_OK;
}

static int map_to_json(json_t **out, const mc_field *f, const mc_list *l)
{
    json_t *o = json_object();
    int rc = o ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < l->count; i++) {
        const unsigned char *elem = (const unsigned char *)l->items + i * f->elem_size;
        json_t *v = NULL;
        if ((rc = value_to_json(&v, f->elem, elem)))
            break;
        rc = mc_json_set(o, *(char *const *)elem, v);
    }
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return MC_OK;
}

/* *out = the value of field f of the struct at base, a new reference. */
static int value_to_json(json_t **out, const mc_field *f, const void *base)
{
    const void *addr = (const unsigned char *)base + f->off;
    json_t *v = NULL;
    switch (f->type) {
    case MC_FT_STRING: {
        const char *s = *(char *const *)addr;
        if (!s) /* binding fills every string of a valid spec */
            return mc_error_set(MC_EINTERNAL, "normalised spec: a value of '%s' is missing",
                                f->key ? f->key : "a list");
        v = json_string(s);
        break;
    }
    case MC_FT_INT: {
        long long i = *(const long long *)addr;
        v = (f->flags & MC_FF_AUTO) && i == 0 ? json_string("auto") : json_integer(i);
        break;
    }
    case MC_FT_NUMBER: v = json_real(*(const double *)addr); break; /* finite: binding checks */
    case MC_FT_BOOL: v = json_boolean(*(const bool *)addr); break;
    case MC_FT_ENUM: v = json_string(f->names[*(const int *)addr]); break;
    case MC_FT_OBJECT: return object_to_json(out, f->sub, addr);
    case MC_FT_LIST: return list_to_json(out, f, addr);
    case MC_FT_MAP: return map_to_json(out, f, addr);
    }
    if (!v)
        return mc_error_nomem();
    *out = v;
    return MC_OK;
}

static int fields_to_json(json_t *o, const mc_field *fields, size_t n, const void *obj)
{
    int rc = MC_OK;
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        const mc_field *f = &fields[i];
        if (f->present_off >= 0 && !*(const bool *)((const unsigned char *)obj + f->present_off))
            continue;
        if (f->applies && !f->applies(obj))
            continue;
        if (f->type == MC_FT_STRING && !*(char *const *)((const unsigned char *)obj + f->off))
            continue;
        json_t *v = NULL;
        if ((rc = value_to_json(&v, f, obj)) == MC_OK)
            rc = mc_json_set(o, f->key, v);
    }
    return rc;
}

static int object_to_json(json_t **out, const mc_schema *s, const void *obj)
{
    json_t *o = json_object();
    int rc = o ? MC_OK : mc_error_nomem();
    const mc_variant *var = variant_in_effect(s, obj);
    if (rc == MC_OK && var)
        rc = mc_json_set(o, s->tag, json_string(var->name));
    if (rc == MC_OK)
        rc = fields_to_json(o, s->fields, s->n_fields, obj);
    if (rc == MC_OK && var)
        rc = fields_to_json(o, var->fields, var->n_fields, obj);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return MC_OK;
}

int mc_schema_to_json(json_t **out, const mc_schema *schema, const void *obj)
{
    return object_to_json(out, schema, obj);
}
