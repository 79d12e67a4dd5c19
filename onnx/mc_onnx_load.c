/* Loading an ONNX model for the interpreter (docs/onnx.md "What is refused"): the bytes
 * bounded and unpacked by protobuf-c, then every field this interpreter relies on checked
 * before use: the IR version and opsets (ai.onnx 11..17, ai.onnx.ml 1..3), each node's domain,
 * operator and arity (an unsupported one named with the supported list), every value defined
 * once, every input produced by something (a dangling input names its node), the nodes sorted
 * topologically (a cycle names a node on it), initializers and Constant values inline or raw
 * (external data refused naming the tensor) with NaN weights refused, the declared inputs and
 * outputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "mc_onnx_model.h"

#define ABSENT ((size_t)-1)

typedef struct defn {
    const char *name;
    size_t id;
} defn;

static int defn_cmp(const void *a, const void *b)
{
    return strcmp(((const defn *)a)->name, ((const defn *)b)->name);
}

static size_t lookup(const defn *d, size_t n, const char *name)
{
    defn key = {name, 0};
    const defn *hit = n ? bsearch(&key, d, n, sizeof *d, defn_cmp) : NULL;
    return hit ? hit->id : ABSENT;
}

static int is_default_domain(const char *d)
{
    return !d || !*d || strcmp(d, "ai.onnx") == 0;
}

static int check_opsets(mc_onnx_model *m, const char *name)
{
    const Onnx__ModelProto *p = m->proto;
    if (!p->has_ir_version || p->ir_version < 3 || p->ir_version > 10)
        return mc_error_set(MC_EINPUT, "%s: IR version %lld is not supported (3 to 10)", name,
                            (long long)p->ir_version);
    for (size_t i = 0; i < p->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = p->opset_import[i];
        long long v = o->has_version ? (long long)o->version : 0;
        if (is_default_domain(o->domain)) {
            if (v < 11 || v > 17)
                return mc_error_set(MC_EINPUT, "%s: opset %lld of the default domain (ai.onnx) "
                                    "is not supported (11 to 17)", name, v);
            m->opset = (int)v;
        } else if (strcmp(o->domain, "ai.onnx.ml") == 0) {
            if (v < 1 || v > 3)
                return mc_error_set(MC_EINPUT, "%s: opset %lld of ai.onnx.ml is not supported "
                                    "(1 to 3)", name, v);
            m->ml_opset = (int)v;
        } else
            return mc_error_set(MC_EINPUT, "%s: operator domain '%.64s' is not supported "
                                "(ai.onnx, ai.onnx.ml)", name, o->domain);
    }
    if (!m->opset)
        return mc_error_set(MC_EINPUT, "%s: no opset of the default domain (ai.onnx) is imported",
                            name);
    if (!p->graph)
        return mc_error_set(MC_EINPUT, "%s: the model has no graph", name);
    if (p->graph->n_node > MC_ONNX_MAX_NODES)
        return mc_error_set(MC_EINPUT, "%s: %zu nodes, over the limit of %d", name,
                            p->graph->n_node, MC_ONNX_MAX_NODES);
    if (p->graph->n_sparse_initializer)
        return mc_error_set(MC_EINPUT, "%s: sparse initializers are not supported", name);
    return MC_OK;
}

/* The graph's value definitions, sorted by name: initializers, graph inputs that are not
 * initializers, node outputs. A name defined twice is refused. */
static int collect(defn **out, size_t *n_out, const Onnx__GraphProto *g, const char *name)
{
    size_t n = g->n_initializer + g->n_input, k = 0;
    for (size_t i = 0; i < g->n_node; i++)
        n += g->node[i]->n_output;
    if (n > MC_ONNX_MAX_VALUES)
        return mc_error_set(MC_EINPUT, "%s: %zu named values, over the limit of %d", name, n,
                            MC_ONNX_MAX_VALUES);
    defn *d = malloc((n ? n : 1) * sizeof *d);
    if (!d)
        return mc_error_nomem();
    for (size_t i = 0; i < g->n_initializer; i++)
        d[k++].name = g->initializer[i]->name ? g->initializer[i]->name : "";
    size_t n_init = k;
    for (size_t i = 0; i < g->n_input; i++) {
        const char *s = g->input[i]->name ? g->input[i]->name : "";
        int dup = 0;
        for (size_t j = 0; j < n_init && !dup; j++) /* IR < 4: inputs listing initializers */
            dup = strcmp(d[j].name, s) == 0;
        if (!dup)
            d[k++].name = s;
    }
    for (size_t i = 0; i < g->n_node; i++)
        for (size_t j = 0; j < g->node[i]->n_output; j++)
            if (g->node[i]->output[j] && *g->node[i]->output[j])
                d[k++].name = g->node[i]->output[j];
    for (size_t i = 0; i < k; i++)
        d[i].id = i;
    qsort(d, k, sizeof *d, defn_cmp);
    for (size_t i = 0; i < k; i++)
        if (!*d[i].name || (i + 1 < k && strcmp(d[i].name, d[i + 1].name) == 0)) {
            int rc = mc_error_set(MC_EINPUT, "%s: value '%.128s' is %s", name, d[i].name,
                                  *d[i].name ? "defined twice" : "unnamed");
            free(d);
            return rc;
        }
    *out = d;
    *n_out = k;
    return MC_OK;
}

static int read_io(mc_onnx_io *io, const Onnx__ValueInfoProto *v, const char *name,
                   const char *role)
{
    const Onnx__TypeProto *t = v->type;
    char tb[16];
    io->name = v->name;
    if (!t || t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !t->tensor_type ||
        !t->tensor_type->has_elem_type)
        return mc_error_set(MC_EINPUT, "%s: graph %s '%.128s' is not a tensor", name, role,
                            v->name);
    io->dtype = t->tensor_type->elem_type;
    if (!mc_onnx_dtype_size(io->dtype))
        return mc_error_set(MC_EINPUT, "%s: graph %s '%.128s' has data type %s (supported: "
                            "float, double, int64, bool, string)", name, role, v->name,
                            mc_onnx_dtype_name(io->dtype, tb));
    const Onnx__TensorShapeProto *s = t->tensor_type->shape;
    io->rank = s ? (int)(s->n_dim <= MC_ONNX_MAX_RANK ? s->n_dim : MC_ONNX_MAX_RANK + 1) : -1;
    if (io->rank > MC_ONNX_MAX_RANK)
        return mc_error_set(MC_EINPUT, "%s: graph %s '%.128s' has rank %zu, over the limit of "
                            "%d", name, role, v->name, s->n_dim, MC_ONNX_MAX_RANK);
    for (int i = 0; i < io->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = s->dim[i];
        io->dims[i] = -1;
        if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            if (d->dim_value < 0 || d->dim_value > MC_ONNX_MAX_DIM)
                return mc_error_set(MC_EINPUT, "%s: graph %s '%.128s': dimension %d is %lld, "
                                    "outside 0..%lld", name, role, v->name, i,
                                    (long long)d->dim_value, (long long)MC_ONNX_MAX_DIM);
            io->dims[i] = d->dim_value;
        }
    }
    return MC_OK;
}

/* Resolves each node's op and values; nodes[i] is the file's node i until sorted. */
static int resolve(mc_onnx_model *m, const defn *d, size_t nd, mc_onnx_rt_node *nodes,
                   const char *name)
{
    const Onnx__GraphProto *g = m->proto->graph;
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *p = g->node[i];
        mc_onnx_rt_node *n = &nodes[i];
        n->p = p;
        n->name = p->name && *p->name ? p->name : NULL;
        const char *op = p->op_type ? p->op_type : "";
        char tag[32];
        snprintf(tag, sizeof tag, "#%zu", i);
        const char *nn = n->name ? n->name : tag;
        int ml = !is_default_domain(p->domain);
        if (ml && strcmp(p->domain, "ai.onnx.ml") != 0)
            return mc_error_set(MC_EINPUT, "%s: node '%.128s' (%.64s): domain '%.64s' is not "
                                "supported (ai.onnx, ai.onnx.ml)", name, nn, op, p->domain);
        if (ml && !m->ml_opset)
            return mc_error_set(MC_EINPUT, "%s: node '%.128s' (%.64s): the model imports no "
                                "opset of ai.onnx.ml", name, nn, op);
        n->op = mc_onnx_op_find(op, ml);
        if (!n->op)
            return mc_error_set(MC_EINPUT, "%s: node '%.128s' (%.64s): operator %.64s of %s is "
                                "not supported; supported: %s", name, nn, op, op,
                                ml ? "ai.onnx.ml" : "ai.onnx", mc_onnx_op_list(ml));
        n->opset = ml ? m->ml_opset : m->opset;
        if (p->n_input < (size_t)n->op->min_in || p->n_input > (size_t)n->op->max_in ||
            p->n_output < (size_t)n->op->min_out || p->n_output > (size_t)n->op->max_out)
            return mc_error_set(MC_EINPUT, "%s: node '%.128s' (%s): %zu inputs and %zu outputs "
                                "(expected %d..%d and %d..%d)", name, nn, op, p->n_input,
                                p->n_output, n->op->min_in, n->op->max_in, n->op->min_out,
                                n->op->max_out);
        n->in = malloc((p->n_input + p->n_output + 1) * sizeof *n->in);
        if (!n->in)
            return mc_error_nomem();
        n->out = n->in + p->n_input;
        n->n_in = p->n_input;
        n->n_out = p->n_output;
        for (size_t j = 0; j < p->n_input; j++) {
            const char *v = p->input[j] ? p->input[j] : "";
            n->in[j] = *v ? lookup(d, nd, v) : ABSENT;
            if (*v && n->in[j] == ABSENT)
                return mc_error_set(MC_EINPUT, "%s: node '%.128s' (%s): input '%.128s' is not "
                                    "produced by any node, initializer or graph input (a "
                                    "dangling input)", name, nn, op, v);
        }
        for (size_t j = 0; j < p->n_output; j++) {
            const char *v = p->output[j] ? p->output[j] : "";
            n->out[j] = *v ? lookup(d, nd, v) : ABSENT;
        }
        if (!n->name && !(n->name = strdup(tag)))
            return mc_error_nomem();
    }
    return MC_OK;
}

/* Kahn's algorithm in file order; a node left over is on a cycle (or after one). */
static int sort_nodes(mc_onnx_model *m, mc_onnx_rt_node *nodes, size_t n, const char *name)
{
    size_t nv = m->n_values, *producer = malloc((nv + 1) * sizeof *producer);
    size_t *indeg = calloc(n + 1, sizeof *indeg), *order = malloc((n + 1) * sizeof *order);
    size_t *first = calloc(nv + 2, sizeof *first), *edges = NULL, total = 0, head = 0, k = 0;
    int rc = producer && indeg && order && first ? MC_OK : mc_error_nomem();
    for (size_t v = 0; rc == MC_OK && v < nv; v++)
        producer[v] = ABSENT;
    for (size_t i = 0; rc == MC_OK && i < n; i++)
        for (size_t j = 0; j < nodes[i].n_out; j++)
            if (nodes[i].out[j] != ABSENT)
                producer[nodes[i].out[j]] = i;
    for (size_t i = 0; rc == MC_OK && i < n; i++) /* consumers of each value, counted */
        for (size_t j = 0; j < nodes[i].n_in; j++)
            if (nodes[i].in[j] != ABSENT && producer[nodes[i].in[j]] != ABSENT) {
                first[nodes[i].in[j] + 1]++;
                indeg[i]++;
                total++;
            }
    if (rc == MC_OK && !(edges = malloc((total + 1) * sizeof *edges)))
        rc = mc_error_nomem();
    for (size_t v = 0; rc == MC_OK && v < nv; v++)
        first[v + 1] += first[v];
    size_t *fill = rc == MC_OK ? calloc(nv + 1, sizeof *fill) : NULL;
    if (rc == MC_OK && !fill)
        rc = mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < n; i++)
        for (size_t j = 0; j < nodes[i].n_in; j++) {
            size_t v = nodes[i].in[j];
            if (v != ABSENT && producer[v] != ABSENT)
                edges[first[v] + fill[v]++] = i;
        }
    for (size_t i = 0; rc == MC_OK && i < n; i++)
        if (!indeg[i])
            order[k++] = i;
    while (rc == MC_OK && head < k) {
        size_t i = order[head++];
        for (size_t j = 0; j < nodes[i].n_out; j++) {
            size_t v = nodes[i].out[j];
            for (size_t e = v == ABSENT ? 0 : first[v]; v != ABSENT && e < first[v + 1]; e++)
                if (--indeg[edges[e]] == 0)
                    order[k++] = edges[e];
        }
    }
    if (rc == MC_OK && k < n) {
        size_t i = 0;
        while (!indeg[i])
            i++;
        rc = mc_error_set(MC_EINPUT, "%s: node '%.128s' (%s) is on a cycle (%zu of %zu nodes "
                          "cannot be ordered)", name, nodes[i].name, nodes[i].p->op_type, n - k,
                          n);
    }
    if (rc == MC_OK) {
        for (size_t i = 0; i < n; i++)
            m->nodes[i] = nodes[order[i]];
        m->n_nodes = n;
    }
    free(fill);
    free(producer);
    free(indeg);
    free(order);
    free(first);
    free(edges);
    return rc;
}

/* Weights: a NaN is refused in any constant of more than one element, and in any constant a
 * Gemm, MatMul or BatchNormalization reads (a scalar NaN elsewhere is a marker, as
 * modelcert's own export uses for "no prediction"). */
static int check_nan(const mc_onnx_model *m, const char *name)
{
    unsigned char *weight = calloc(m->n_values + 1, 1);
    if (!weight)
        return mc_error_nomem();
    for (size_t i = 0; i < m->n_nodes; i++) {
        const char *op = m->nodes[i].p->op_type;
        if (!strcmp(op, "Gemm") || !strcmp(op, "MatMul") || !strcmp(op, "BatchNormalization"))
            for (size_t j = 0; j < m->nodes[i].n_in; j++)
                if (m->nodes[i].in[j] != ABSENT)
                    weight[m->nodes[i].in[j]] = 1;
    }
    int rc = MC_OK;
    for (size_t v = 0; rc == MC_OK && v < m->n_values; v++) {
        const mc_onnx_tensor *t = &m->consts[v];
        if (!t->data || (t->dtype != MC_OT_FLOAT && t->dtype != MC_OT_DOUBLE) ||
            (t->n <= 1 && !weight[v]))
            continue;
        for (size_t i = 0; i < t->n; i++)
            if (isnan(mc_onnx_get(t, i))) {
                rc = mc_error_set(MC_EINPUT, "%s: initializer '%.128s': element %zu is NaN (NaN "
                                  "weights are refused)", name, m->names[v], i);
                break;
            }
    }
    free(weight);
    return rc;
}

static int load_graph(mc_onnx_model *m, const char *name)
{
    const Onnx__GraphProto *g = m->proto->graph;
    defn *d = NULL;
    size_t nd = 0, n = g->n_node;
    mc_onnx_rt_node *nodes = NULL;
    int rc = collect(&d, &nd, g, name);
    if (rc)
        return rc;
    m->n_values = nd;
    m->names = calloc(nd + 1, sizeof *m->names);
    m->consts = calloc(nd + 1, sizeof *m->consts);
    m->last_use = malloc((nd + 1) * sizeof *m->last_use);
    m->nodes = calloc(n + 1, sizeof *m->nodes);
    nodes = calloc(n + 1, sizeof *nodes);
    if (!m->names || !m->consts || !m->last_use || !m->nodes || !nodes) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; i < nd; i++)
        m->names[d[i].id] = d[i].name;
    for (size_t i = 0; rc == MC_OK && i < g->n_initializer; i++) {
        char what[200];
        snprintf(what, sizeof what, "%s: initializer '%.128s'", name, m->names[i]);
        rc = mc_onnx_tensor_from_proto(&m->consts[i], g->initializer[i], what, 1);
    }
    if (rc == MC_OK)
        rc = resolve(m, d, nd, nodes, name);
    if (rc == MC_OK)
        rc = sort_nodes(m, nodes, n, name);
    if (rc) { /* the names of unsorted nodes are still in `nodes` */
        for (size_t i = 0; i < n; i++)
            if (nodes[i].p && nodes[i].name && nodes[i].name != nodes[i].p->name)
                free((char *)nodes[i].name);
        for (size_t i = 0; i < n; i++)
            free(nodes[i].in);
        goto cleanup;
    }
    for (size_t v = 0; v < nd; v++)
        m->last_use[v] = 0;
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        mc_onnx_rt_node *nd_ = &m->nodes[i];
        for (size_t j = 0; j < nd_->n_in; j++)
            if (nd_->in[j] != ABSENT)
                m->last_use[nd_->in[j]] = i;
        for (size_t j = 0; j < nd_->n_out; j++)
            if (nd_->out[j] != ABSENT && m->last_use[nd_->out[j]] < i)
                m->last_use[nd_->out[j]] = i;
        if (strcmp(nd_->p->op_type, "Constant") == 0 && nd_->out[0] != ABSENT) {
            size_t used = 0;
            mc_onnx_call c = {nd_, NULL, 0, &m->consts[nd_->out[0]], 1, 1, &used, 0};
            rc = nd_->op->fn(&c);
        }
    }
    if (rc == MC_OK)
        rc = check_nan(m, name);
    m->n_inputs = 0;
    m->inputs = calloc(g->n_input + 1, sizeof *m->inputs);
    m->input_ids = calloc(g->n_input + 1, sizeof *m->input_ids);
    m->outputs = calloc(g->n_output + 1, sizeof *m->outputs);
    m->output_ids = calloc(g->n_output + 1, sizeof *m->output_ids);
    if (rc == MC_OK && (!m->inputs || !m->input_ids || !m->outputs || !m->output_ids))
        rc = mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < g->n_input; i++) {
        size_t id = lookup(d, nd, g->input[i]->name ? g->input[i]->name : "");
        if (id == ABSENT || m->consts[id].data)
            continue; /* an initializer listed as an input (IR < 4) */
        m->input_ids[m->n_inputs] = id;
        rc = read_io(&m->inputs[m->n_inputs++], g->input[i], name, "input");
    }
    for (size_t i = 0; rc == MC_OK && i < g->n_output; i++) {
        size_t id = lookup(d, nd, g->output[i]->name ? g->output[i]->name : "");
        if (id == ABSENT)
            rc = mc_error_set(MC_EINPUT, "%s: graph output '%.128s' is not produced by any "
                              "node", name, g->output[i]->name ? g->output[i]->name : "");
        else {
            m->output_ids[i] = id;
            m->n_outputs = i + 1;
            rc = read_io(&m->outputs[i], g->output[i], name, "output");
        }
    }
    if (rc == MC_OK && !m->n_outputs)
        rc = mc_error_set(MC_EINPUT, "%s: the graph has no outputs", name);
cleanup:
    free(nodes);
    free(d);
    return rc;
}

/* protobuf-c's allocator, noting a failed allocation: unpack returns NULL for bytes that do not
 * decode and for out of memory alike, and only the second is MC_ENOMEM. */
static void *pb_alloc(void *data, size_t size)
{
    void *p = malloc(size);
    if (!p)
        *(int *)data = 1;
    return p;
}

static void pb_free(void *data, void *p)
{
    (void)data;
    free(p);
}

int mc_onnx_model_load(mc_onnx_model **out, const unsigned char *buf, size_t len,
                       const char *name)
{
    if (len > MC_ONNX_MAX_FILE)
        return mc_error_set(MC_EINPUT, "%s: %zu bytes, over the limit of %zu for a model file",
                            name, len, MC_ONNX_MAX_FILE);
    mc_onnx_model *m = calloc(1, sizeof *m);
    if (!m)
        return mc_error_nomem();
    int rc = MC_OK;
    int nomem = 0;
    ProtobufCAllocator pa = {pb_alloc, pb_free, &nomem};
    m->proto = onnx__model_proto__unpack(&pa, len, buf);
    if (!m->proto && nomem)
        rc = mc_error_nomem();
    else if (!m->proto)
        rc = mc_error_set(MC_EINPUT, "%s: not an ONNX model (the protobuf message does not "
                          "decode)", name);
    if (rc == MC_OK)
        rc = check_opsets(m, name);
    if (rc == MC_OK)
        rc = load_graph(m, name);
    if (rc == MC_OK) {
        *out = m;
        m = NULL;
    }
    mc_onnx_model_free(m);
    return rc;
}

void mc_onnx_model_free(mc_onnx_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->nodes && i < m->n_nodes; i++) {
        if (m->nodes[i].name != m->nodes[i].p->name)
            free((char *)m->nodes[i].name);
        free(m->nodes[i].in);
    }
    for (size_t v = 0; m->consts && v < m->n_values; v++)
        mc_onnx_tensor_release(&m->consts[v]);
    free(m->nodes);
    free(m->consts);
    free(m->names);
    free(m->last_use);
    free(m->inputs);
    free(m->input_ids);
    free(m->outputs);
    free(m->output_ids);
    if (m->proto) { /* allocated by pb_alloc: malloc, as protobuf-c's default */
        int unused = 0;
        ProtobufCAllocator pa = {pb_alloc, pb_free, &unused};
        onnx__model_proto__free_unpacked(m->proto, &pa);
    }
    free(m);
}

size_t mc_onnx_model_inputs(const mc_onnx_model *m, const mc_onnx_io **io)
{
    *io = m->inputs;
    return m->n_inputs;
}

size_t mc_onnx_model_outputs(const mc_onnx_model *m, const mc_onnx_io **io)
{
    *io = m->outputs;
    return m->n_outputs;
}

const char *mc_onnx_model_meta(const mc_onnx_model *m, const char *key)
{
    for (size_t i = 0; i < m->proto->n_metadata_props; i++) {
        const Onnx__StringStringEntryProto *e = m->proto->metadata_props[i];
        if (e->key && strcmp(e->key, key) == 0)
            return e->value;
    }
    return NULL;
}
