/* Running a loaded ONNX graph (docs/onnx.md "How it runs"): the inputs checked against the
 * declared types and shapes, then two walks of the nodes in topological order with the same
 * kernels: the first infers every output's shape and counts the bytes alive at each step
 * against the budget (no data, no arithmetic), the second allocates and computes. A value is
 * freed after the last node that reads it, in both walks, so both count the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "mc_onnx_model.h"

#define ABSENT ((size_t)-1)

static mc_onnx_tensor *value(const mc_onnx_model *m, mc_onnx_tensor *vals, size_t id)
{
    return m->consts[id].data ? &m->consts[id] : &vals[id];
}

static int bind_inputs(const mc_onnx_model *m, mc_onnx_tensor *vals, const mc_onnx_tensor *in,
                       int exec)
{
    char ta[16], tb[16];
    for (size_t i = 0; i < m->n_inputs; i++) {
        const mc_onnx_io *io = &m->inputs[i];
        const mc_onnx_tensor *t = &in[i];
        if (t->dtype != io->dtype)
            return mc_error_set(MC_EINPUT, "graph input '%.128s' is %s, given %s", io->name,
                                mc_onnx_dtype_name(io->dtype, ta),
                                mc_onnx_dtype_name(t->dtype, tb));
        if (io->rank >= 0 && t->rank != io->rank)
            return mc_error_set(MC_EINPUT, "graph input '%.128s' has rank %d, given %d",
                                io->name, io->rank, t->rank);
        for (int d = 0; io->rank >= 0 && d < io->rank; d++)
            if (io->dims[d] >= 0 && io->dims[d] != t->dims[d])
                return mc_error_set(MC_EINPUT, "graph input '%.128s': dimension %d is %lld, "
                                    "given %lld", io->name, d, (long long)io->dims[d],
                                    (long long)t->dims[d]);
        mc_onnx_tensor *v = &vals[m->input_ids[i]];
        *v = *t;
        v->borrowed = 1;
        if (!exec)
            v->data = NULL;
    }
    return MC_OK;
}

/* Whether node i is a Gemm whose one output only the next node, a Relu, reads: the Relu is then
 * fused into the Gemm's kernel (max(0, y) as the Gemm writes y) and its output is the Gemm's
 * tensor, renamed; no pass, no tensor of its own. The same in both walks, so they count the
 * same bytes. */
static int relu_follows(const mc_onnx_model *m, const unsigned char *keep, size_t i)
{
    const mc_onnx_rt_node *n = &m->nodes[i], *r = i + 1 < m->n_nodes ? &m->nodes[i + 1] : NULL;
    return r && strcmp(n->p->op_type, "Gemm") == 0 && strcmp(r->p->op_type, "Relu") == 0 &&
           n->n_out == 1 && n->out[0] != ABSENT && r->n_in == 1 && r->in[0] == n->out[0] &&
           r->n_out == 1 && r->out[0] != ABSENT && !keep[n->out[0]] &&
           m->last_use[n->out[0]] == i + 1;
}

/* One walk: exec 0 plans (shapes and bytes only), exec 1 computes. */
static int walk(const mc_onnx_model *m, mc_onnx_tensor *vals, const mc_onnx_tensor *in,
                int exec)
{
    size_t used = 0, max_io = 1;
    for (size_t i = 0; i < m->n_nodes; i++) {
        if (m->nodes[i].n_in > max_io)
            max_io = m->nodes[i].n_in;
        if (m->nodes[i].n_out > max_io)
            max_io = m->nodes[i].n_out;
    }
    mc_onnx_tensor **ins = calloc(max_io, sizeof *ins);
    mc_onnx_tensor *outs = calloc(max_io, sizeof *outs);
    unsigned char *keep = calloc(m->n_values + 1, 1);
    int rc = ins && outs && keep ? MC_OK : mc_error_nomem();
    if (rc == MC_OK)
        rc = bind_inputs(m, vals, in, exec);
    for (size_t i = 0; rc == MC_OK && i < m->n_inputs; i++)
        keep[m->input_ids[i]] = 1;
    for (size_t i = 0; rc == MC_OK && i < m->n_outputs; i++)
        keep[m->output_ids[i]] = 1;
    for (size_t i = 0; rc == MC_OK && i < m->n_nodes; i++) {
        const mc_onnx_rt_node *n = &m->nodes[i];
        if (strcmp(n->p->op_type, "Constant") == 0)
            continue; /* evaluated when the model was loaded */
        for (size_t j = 0; j < n->n_in; j++)
            ins[j] = n->in[j] == ABSENT ? NULL : value(m, vals, n->in[j]);
        int fuse = relu_follows(m, keep, i);
        mc_onnx_call c = {n, ins, n->n_in, outs, n->n_out, exec, &used, fuse};
        rc = n->op->fn(&c);
        for (size_t j = 0; j < n->n_out; j++) {
            if (rc == MC_OK && n->out[j] != ABSENT) {
                vals[n->out[j]] = outs[j];
                memset(&outs[j], 0, sizeof outs[j]);
            } else {
                used -= mc_onnx_tensor_bytes(&outs[j]);
                mc_onnx_tensor_release(&outs[j]);
            }
        }
        for (size_t j = 0; rc == MC_OK && j < n->n_in + n->n_out; j++) {
            size_t v = n->in[j]; /* inputs, then outputs (n->out follows n->in) */
            if (v == ABSENT || keep[v] || m->consts[v].data || m->last_use[v] != i)
                continue;
            used -= mc_onnx_tensor_bytes(&vals[v]);
            mc_onnx_tensor_release(&vals[v]);
        }
        if (rc == MC_OK && fuse) { /* the Relu's output is the Gemm's, already max(0, y) */
            i++;
            vals[m->nodes[i].out[0]] = vals[n->out[0]];
            memset(&vals[n->out[0]], 0, sizeof vals[n->out[0]]);
        }
    }
    free(ins);
    free(outs);
    free(keep);
    return rc;
}

static void release_all(const mc_onnx_model *m, mc_onnx_tensor *vals)
{
    for (size_t v = 0; v < m->n_values; v++)
        mc_onnx_tensor_release(&vals[v]);
}

int mc_onnx_model_run(mc_onnx_tensor *out, const mc_onnx_model *m, const mc_onnx_tensor *in)
{
    mc_onnx_tensor *vals = calloc(m->n_values + 1, sizeof *vals);
    mc_onnx_tensor *res = calloc(m->n_outputs + 1, sizeof *res);
    int rc = vals && res ? MC_OK : mc_error_nomem();
    if (rc == MC_OK)
        rc = walk(m, vals, in, 0);
    if (vals)
        release_all(m, vals);
    if (rc == MC_OK)
        rc = walk(m, vals, in, 1);
    for (size_t j = 0; rc == MC_OK && j < m->n_outputs; j++) {
        const mc_onnx_tensor *t = value(m, vals, m->output_ids[j]);
        res[j] = *t;
        res[j].data = NULL;
        if ((rc = mc_onnx_tensor_alloc(&res[j])))
            break;
        memcpy(res[j].data, t->data, mc_onnx_tensor_bytes(t));
    }
    if (rc == MC_OK) {
        memcpy(out, res, m->n_outputs * sizeof *out);
        memset(res, 0, m->n_outputs * sizeof *res);
    }
    for (size_t j = 0; res && j < m->n_outputs; j++)
        mc_onnx_tensor_release(&res[j]);
    if (vals)
        release_all(m, vals);
    free(vals);
    free(res);
    return rc;
}
