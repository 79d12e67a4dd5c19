/* The ONNX graph builder (mc_onnx_graph.h): protobuf-c messages in one arena. */
#include "mc_onnx_graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_arena.h"
#include "mc_error.h"

/* A growable array of message pointers (the arena cannot grow a block). */
typedef struct ptr_list {
    void **v;
    size_t n, cap;
} ptr_list;

struct mc_onnx_graph {
    mc_arena *arena;
    int rc;
    unsigned next_value, next_const;
    ptr_list nodes, inits, inputs, outputs, annotations, meta;
};

static void *list_push(mc_onnx_graph *g, ptr_list *l, void *p)
{
    if (g->rc || !p)
        return NULL;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        void **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            g->rc = mc_error_nomem();
            return NULL;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = p;
    return p;
}

/* Zeroed arena memory; records MC_ENOMEM. */
static void *galloc(mc_onnx_graph *g, size_t size)
{
    if (g->rc)
        return NULL;
    void *p = mc_arena_alloc(g->arena, size ? size : 1);
    if (!p)
        g->rc = mc_error_nomem();
    return p;
}

static char *gstrdup(mc_onnx_graph *g, const char *s)
{
    if (g->rc)
        return NULL;
    char *p = mc_arena_strdup(g->arena, s);
    if (!p)
        g->rc = mc_error_nomem();
    return p;
}

static char *gname(mc_onnx_graph *g, char prefix, unsigned *counter)
{
    char buf[32];
    snprintf(buf, sizeof buf, "mc/%c%u", prefix, (*counter)++); /* inputs never start "mc/" */
    return gstrdup(g, buf);
}

int mc_onnx_graph_create(mc_onnx_graph **out)
{
    mc_onnx_graph *g = calloc(1, sizeof *g);
    if (!g)
        return mc_error_nomem();
    int rc = mc_arena_create(&g->arena);
    if (rc) {
        free(g);
        return rc;
    }
    *out = g;
    return MC_OK;
}

void mc_onnx_graph_free(mc_onnx_graph *g)
{
    if (!g)
        return;
    free(g->nodes.v);
    free(g->inits.v);
    free(g->inputs.v);
    free(g->outputs.v);
    free(g->meta.v);
    free(g->annotations.v);
    mc_arena_free(g->arena);
    free(g);
}

int mc_onnx_graph_status(const mc_onnx_graph *g)
{
    return g->rc;
}

/* ---- values --------------------------------------------------------------------- */

/* A tensor type: elem_type, dims (-1: the symbolic batch size N). */
static Onnx__ValueInfoProto *value_info(mc_onnx_graph *g, const char *name, int elem_type,
                                        const int64_t *dims, size_t n_dims)
{
    Onnx__ValueInfoProto *vi = galloc(g, sizeof *vi);
    Onnx__TypeProto *tp = galloc(g, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = galloc(g, sizeof *tt);
    Onnx__TensorShapeProto *shape = galloc(g, sizeof *shape);
    Onnx__TensorShapeProto__Dimension **dv = galloc(g, n_dims * sizeof *dv);
    if (g->rc)
        return NULL;
    onnx__value_info_proto__init(vi);
    onnx__type_proto__init(tp);
    onnx__type_proto__tensor__init(tt);
    onnx__tensor_shape_proto__init(shape);
    for (size_t i = 0; i < n_dims; i++) {
        Onnx__TensorShapeProto__Dimension *d = galloc(g, sizeof *d);
        if (!d)
            return NULL;
        onnx__tensor_shape_proto__dimension__init(d);
        if (dims[i] < 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = gstrdup(g, "N");
        } else {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i];
        }
        dv[i] = d;
    }
    shape->n_dim = n_dims;
    shape->dim = dv;
    tt->has_elem_type = 1;
    tt->elem_type = elem_type;
    tt->shape = shape;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    vi->name = gstrdup(g, name);
    vi->type = tp;
    return g->rc ? NULL : vi;
}

void mc_onnx_input(mc_onnx_graph *g, const char *name, int elem_type, int64_t width)
{
    int64_t dims[2] = {-1, width};
    list_push(g, &g->inputs, value_info(g, name, elem_type, dims, 2));
}

void mc_onnx_output(mc_onnx_graph *g, const char *name, int elem_type, int64_t width)
{
    int64_t dims[2] = {-1, width};
    list_push(g, &g->outputs, value_info(g, name, elem_type, dims, 2));
}

void mc_onnx_annotate(mc_onnx_graph *g, const char *name, int elem_type, const int64_t *dims,
                      size_t n_dims)
{
    if (name)
        list_push(g, &g->annotations, value_info(g, name, elem_type, dims, n_dims));
}

/* ---- attributes ----------------------------------------------------------------- */

static mc_onnx_attr *attr_new(mc_onnx_graph *g, const char *name,
                              Onnx__AttributeProto__AttributeType type)
{
    mc_onnx_attr *a = galloc(g, sizeof *a);
    if (!a)
        return NULL;
    onnx__attribute_proto__init(a);
    a->name = gstrdup(g, name);
    a->has_type = 1;
    a->type = type;
    return g->rc ? NULL : a;
}

mc_onnx_attr *mc_onnx_attr_int(mc_onnx_graph *g, const char *name, int64_t v)
{
    mc_onnx_attr *a = attr_new(g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    if (a) {
        a->has_i = 1;
        a->i = v;
    }
    return a;
}

mc_onnx_attr *mc_onnx_attr_float(mc_onnx_graph *g, const char *name, float v)
{
    mc_onnx_attr *a = attr_new(g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if (a) {
        a->has_f = 1;
        a->f = v;
    }
    return a;
}

mc_onnx_attr *mc_onnx_attr_ints(mc_onnx_graph *g, const char *name, const int64_t *v, size_t n)
{
    mc_onnx_attr *a = attr_new(g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    int64_t *copy = galloc(g, n * sizeof *copy);
    if (!a || !copy)
        return NULL;
    memcpy(copy, v, n * sizeof *copy);
    a->n_ints = n;
    a->ints = copy;
    return a;
}

mc_onnx_attr *mc_onnx_attr_strings(mc_onnx_graph *g, const char *name, const char *const *v,
                                   size_t n)
{
    mc_onnx_attr *a = attr_new(g, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
    ProtobufCBinaryData *s = galloc(g, n * sizeof *s);
    if (!a || !s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[i].data = (uint8_t *)gstrdup(g, v[i]);
        s[i].len = strlen(v[i]);
    }
    a->n_strings = n;
    a->strings = s;
    return g->rc ? NULL : a;
}

/* ---- nodes ---------------------------------------------------------------------- */

const char *mc_onnx_node(mc_onnx_graph *g, const char *op, const char *domain,
                         const char *const *in, size_t n_in, mc_onnx_attr *const *attrs,
                         size_t n_attrs, size_t n_out, const char **outs, const char *out_name)
{
    for (size_t i = 0; i < n_in; i++)
        if (!in[i] && !g->rc) /* a failed earlier call: its error is recorded already */
            g->rc = mc_error_set(MC_EINTERNAL, "onnx: an input of %s is missing", op);
    for (size_t i = 0; i < n_attrs; i++)
        if (!attrs[i] && !g->rc)
            g->rc = mc_error_set(MC_EINTERNAL, "onnx: an attribute of %s is missing", op);
    Onnx__NodeProto *node = galloc(g, sizeof *node);
    char **ins = galloc(g, n_in * sizeof *ins);
    char **os = galloc(g, n_out * sizeof *os);
    Onnx__AttributeProto **as = galloc(g, n_attrs * sizeof *as);
    if (g->rc)
        return NULL;
    onnx__node_proto__init(node);
    for (size_t i = 0; i < n_in; i++)
        ins[i] = gstrdup(g, in[i]);
    for (size_t i = 0; i < n_out; i++) {
        os[i] = out_name && n_out == 1 ? gstrdup(g, out_name) : gname(g, 't', &g->next_value);
        if (outs)
            outs[i] = os[i];
    }
    for (size_t i = 0; i < n_attrs; i++)
        as[i] = attrs[i];
    node->n_input = n_in;
    node->input = ins;
    node->n_output = n_out;
    node->output = os;
    node->op_type = gstrdup(g, op);
    node->domain = domain ? gstrdup(g, domain) : NULL;
    node->name = gname(g, 'n', &g->next_value);
    node->n_attribute = n_attrs;
    node->attribute = as;
    if (!list_push(g, &g->nodes, node))
        return NULL;
    return os[0];
}

const char *mc_onnx_op1(mc_onnx_graph *g, const char *op, const char *a)
{
    return mc_onnx_node(g, op, NULL, &a, 1, NULL, 0, 1, NULL, NULL);
}

const char *mc_onnx_op2(mc_onnx_graph *g, const char *op, const char *a, const char *b)
{
    const char *in[2] = {a, b};
    return mc_onnx_node(g, op, NULL, in, 2, NULL, 0, 1, NULL, NULL);
}

const char *mc_onnx_cast(mc_onnx_graph *g, const char *a, int elem_type)
{
    mc_onnx_attr *to = mc_onnx_attr_int(g, "to", elem_type);
    return mc_onnx_node(g, "Cast", NULL, &a, 1, &to, 1, 1, NULL, NULL);
}

/* ---- constants ------------------------------------------------------------------ */

static Onnx__TensorProto *tensor_new(mc_onnx_graph *g, int type, const int64_t *dims,
                                     size_t n_dims)
{
    Onnx__TensorProto *t = galloc(g, sizeof *t);
    int64_t *d = galloc(g, n_dims * sizeof *d);
    if (g->rc)
        return NULL;
    onnx__tensor_proto__init(t);
    if (n_dims)
        memcpy(d, dims, n_dims * sizeof *d);
    t->n_dims = n_dims;
    t->dims = d;
    t->has_data_type = 1;
    t->data_type = type;
    t->name = gname(g, 'c', &g->next_const);
    return list_push(g, &g->inits, t);
}

const char *mc_onnx_const_double(mc_onnx_graph *g, double v)
{
    Onnx__TensorProto *t = tensor_new(g, MC_ONNX_DOUBLE, NULL, 0);
    double *d = galloc(g, sizeof *d);
    if (!t || !d)
        return NULL;
    *d = v;
    t->n_double_data = 1;
    t->double_data = d;
    return t->name;
}

const char *mc_onnx_const_float(mc_onnx_graph *g, float v)
{
    int64_t one = 1;
    const char *name = mc_onnx_const_floats(g, &v, &one, 0);
    return name;
}

const char *mc_onnx_const_floats(mc_onnx_graph *g, const float *v, const int64_t *dims,
                                 size_t n_dims)
{
    size_t n = 1;
    for (size_t i = 0; i < n_dims; i++)
        n *= (size_t)dims[i];
    Onnx__TensorProto *t = tensor_new(g, MC_ONNX_FLOAT, dims, n_dims);
    float *d = galloc(g, n * sizeof *d);
    if (!t || !d)
        return NULL;
    memcpy(d, v, n * sizeof *d);
    t->n_float_data = n;
    t->float_data = d;
    return t->name;
}

const char *mc_onnx_const_int64s(mc_onnx_graph *g, const int64_t *v, size_t n)
{
    int64_t dim = (int64_t)n;
    Onnx__TensorProto *t = tensor_new(g, MC_ONNX_INT64, &dim, 1);
    int64_t *d = galloc(g, n * sizeof *d);
    if (!t || !d)
        return NULL;
    memcpy(d, v, n * sizeof *d);
    t->n_int64_data = n;
    t->int64_data = d;
    return t->name;
}

void mc_onnx_metadata(mc_onnx_graph *g, const char *key, const char *value)
{
    Onnx__StringStringEntryProto *e = galloc(g, sizeof *e);
    if (!e)
        return;
    onnx__string_string_entry_proto__init(e);
    e->key = gstrdup(g, key);
    e->value = gstrdup(g, value);
    list_push(g, &g->meta, e);
}

/* ---- the model ------------------------------------------------------------------ */

int mc_onnx_graph_pack(unsigned char **out, size_t *len, mc_onnx_graph *g, int64_t ir_version,
                       int64_t opset, int64_t ml_opset, const char *producer_version,
                       const char *graph_name, const char *doc)
{
    Onnx__ModelProto *model = galloc(g, sizeof *model);
    Onnx__GraphProto *graph = galloc(g, sizeof *graph);
    Onnx__OperatorSetIdProto *ops = galloc(g, 2 * sizeof *ops);
    Onnx__OperatorSetIdProto **opv = galloc(g, 2 * sizeof *opv);
    if (g->rc)
        return g->rc;
    onnx__model_proto__init(model);
    onnx__graph_proto__init(graph);
    for (int i = 0; i < 2; i++) {
        onnx__operator_set_id_proto__init(&ops[i]);
        ops[i].has_version = 1;
        opv[i] = &ops[i];
    }
    ops[0].domain = gstrdup(g, "");
    ops[0].version = opset;
    ops[1].domain = gstrdup(g, "ai.onnx.ml");
    ops[1].version = ml_opset;
    graph->name = gstrdup(g, graph_name);
    graph->doc_string = gstrdup(g, doc);
    graph->n_node = g->nodes.n;
    graph->node = (Onnx__NodeProto **)g->nodes.v;
    graph->n_initializer = g->inits.n;
    graph->initializer = (Onnx__TensorProto **)g->inits.v;
    graph->n_input = g->inputs.n;
    graph->input = (Onnx__ValueInfoProto **)g->inputs.v;
    graph->n_output = g->outputs.n;
    graph->output = (Onnx__ValueInfoProto **)g->outputs.v;
    graph->n_value_info = g->annotations.n;
    graph->value_info = (Onnx__ValueInfoProto **)g->annotations.v;
    model->has_ir_version = 1;
    model->ir_version = ir_version;
    model->n_opset_import = 2;
    model->opset_import = opv;
    model->producer_name = gstrdup(g, "modelcert");
    model->producer_version = gstrdup(g, producer_version);
    model->graph = graph;
    model->n_metadata_props = g->meta.n;
    model->metadata_props = (Onnx__StringStringEntryProto **)g->meta.v;
    if (g->rc)
        return g->rc;
    size_t n = onnx__model_proto__get_packed_size(model);
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf)
        return g->rc = mc_error_nomem();
    size_t written = onnx__model_proto__pack(model, buf);
    if (written != n) {
        free(buf);
        return g->rc = mc_error_set(MC_EINTERNAL, "onnx: packed %zu bytes of %zu", written, n);
    }
    *out = buf;
    *len = n;
    return MC_OK;
}
