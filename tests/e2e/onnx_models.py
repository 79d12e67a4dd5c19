#!/usr/bin/env python3
"""Models for tests/e2e/onnx_predict.sh, written by independent tools: PyTorch's
torch.onnx.export (Debian's python3-torch) for dense networks, python3-onnx's helper for
hostile graphs, and the data they run on (seeded numpy).

usage: onnx_models.py OUT_DIR

Writes OUT_DIR/data.csv (f1..f5 numeric, a categorical 'segment' and a target 'y'),
OUT_DIR/features.csv (f1..f5 only), torch_*.onnx (see MODELS) and hostile_*.onnx.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
from torch import nn

OUT = sys.argv[1]
F = 5
rng = np.random.default_rng(25)
torch.manual_seed(25)


def write_data():
    n = 500
    x = rng.normal(0.0, 1.5, size=(n, F))
    x[:, 2] = rng.uniform(-3, 3, size=n)
    seg = rng.choice(["east", "west", "north"], size=n)
    y = (x[:, 0] - x[:, 1] > 0).astype(int)
    with open(os.path.join(OUT, "data.csv"), "w") as f, \
            open(os.path.join(OUT, "features.csv"), "w") as g:
        f.write("f1,f2,segment,f3,f4,f5,y\n")
        g.write("f1,f2,f3,f4,f5\n")
        for i in range(n):
            v = [repr(float(round(a, 6))) for a in x[i]]
            f.write(",".join(v[:2] + [seg[i]] + v[2:] + [str(y[i])]) + "\n")
            g.write(",".join(v) + "\n")


class Columns(nn.Module):
    """One [N, 1] input per column, concatenated: the by-name binding."""

    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, f1, f2, f3, f4, f5):
        return self.body(torch.cat([f1, f2, f3, f4, f5], dim=1))


def bn(width):
    b = nn.BatchNorm1d(width)
    with torch.no_grad():  # running statistics and affine parameters that matter
        b.running_mean.copy_(torch.randn(width) * 0.5)
        b.running_var.copy_(torch.rand(width) * 2.0 + 0.5)
        b.weight.copy_(torch.rand(width) + 0.5)
        b.bias.copy_(torch.randn(width) * 0.2)
    return b


MODELS = {
    # name: (opset, body)
    "binary_o11": (11, lambda: nn.Sequential(nn.Linear(F, 16), nn.ReLU(), nn.Linear(16, 1),
                                             nn.Sigmoid())),
    "binary_bn_dropout_o17": (17, lambda: nn.Sequential(
        nn.Linear(F, 16), bn(16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 8), nn.Tanh(),
        nn.Linear(8, 1), nn.Sigmoid())),
    "multiclass_o11": (11, lambda: nn.Sequential(nn.Linear(F, 16), nn.LeakyReLU(0.1),
                                                 nn.Linear(16, 3), nn.Softmax(dim=1))),
    "multiclass_bn_dropout_o17": (17, lambda: nn.Sequential(
        nn.Linear(F, 12), bn(12), nn.ReLU(), nn.Dropout(0.2), nn.Linear(12, 8), nn.ReLU(),
        nn.Linear(8, 3), nn.LogSoftmax(dim=1))),
    "regression_o17": (17, lambda: nn.Sequential(nn.Linear(F, 16), nn.ReLU(), nn.Linear(16, 8),
                                                 nn.Sigmoid(), nn.Linear(8, 1))),
    "regression_bn_dropout_o11": (11, lambda: nn.Sequential(
        nn.Linear(F, 16), bn(16), nn.Tanh(), nn.Dropout(0.5), nn.Linear(16, 1))),
    "columns_multiclass_o13": (13, lambda: Columns(nn.Sequential(
        nn.Linear(F, 8), nn.ReLU(), nn.Linear(8, 3), nn.Softmax(dim=1)))),
}


def write_torch():
    for name, (opset, make) in MODELS.items():
        model = make().eval()
        path = os.path.join(OUT, "torch_%s.onnx" % name)
        if name.startswith("columns"):
            args = tuple(torch.randn(4, 1) for _ in range(F))
            names = ["f%d" % (i + 1) for i in range(F)]
        else:
            args = (torch.randn(4, F),)
            names = ["x"]
        torch.onnx.export(model, args, path, input_names=names, output_names=["y"],
                          dynamic_axes={**{k: {0: "N"} for k in names}, "y": {0: "N"}},
                          opset_version=opset)
        onnx.checker.check_model(onnx.load(path))


def graph_model(nodes, inputs, outputs, inits=(), opset=17, name="hostile"):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def tensor_in(name, width=F, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, ["N", width])


def write_hostile():
    w = numpy_helper.from_array(rng.normal(size=(F, 3)).astype(np.float32), "W")
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])
    models = {}
    # a cycle: a -> b -> a
    models["cycle"] = graph_model(
        [helper.make_node("Relu", ["b"], ["a"], name="relu_a"),
         helper.make_node("Add", ["a", "x"], ["b"], name="add_b"),
         helper.make_node("MatMul", ["b", "W"], ["y"], name="mm")],
        [tensor_in("x")], [y], [w])
    # a dangling input: 'ghost' is produced by nothing
    models["dangling"] = graph_model(
        [helper.make_node("Add", ["x", "ghost"], ["s"], name="add_ghost"),
         helper.make_node("MatMul", ["s", "W"], ["y"], name="mm")],
        [tensor_in("x")], [y], [w])
    # a shape mismatch: [N,5] x [4,3]
    w4 = numpy_helper.from_array(np.ones((4, 3), np.float32), "W")
    models["shape_mismatch"] = graph_model(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm_bad")], [tensor_in("x")], [y],
        [w4])
    # a huge dimension: Reshape to [N, 2^40]
    shape = numpy_helper.from_array(np.array([-1, 1 << 40], np.int64), "shape")
    models["huge_dim"] = graph_model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_huge")],
        [tensor_in("x")], [y], [shape])
    # an element count over the memory budget: OneHot of depth 2^30 on every row
    depth = numpy_helper.from_array(np.array([1 << 30], np.int64), "depth")
    vals = numpy_helper.from_array(np.array([0, 1], np.float32), "vals")
    models["over_budget"] = graph_model(
        [helper.make_node("OneHot", ["x", "depth", "vals"], ["y"], name="onehot_big")],
        [tensor_in("x")], [y], [depth, vals])
    # a 2 GB initializer claimed in a small file: dims say 2^29 floats, the data is 16 bytes
    big = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[1 << 29], raw_data=b"\0" * 16)
    models["claim_2gb"] = graph_model(
        [helper.make_node("Identity", ["x"], ["y"], name="id")], [tensor_in("x")], [y], [big])
    # NaN weights
    wn = rng.normal(size=(F, 3)).astype(np.float32)
    wn[2, 1] = np.nan
    models["nan_weights"] = graph_model(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [tensor_in("x")], [y],
        [numpy_helper.from_array(wn, "W")])
    # an unsupported operator
    models["unsupported_op"] = graph_model(
        [helper.make_node("MatMul", ["x", "W"], ["h"], name="mm"),
         helper.make_node("Erf", ["h"], ["y"], name="erf_1")], [tensor_in("x")], [y], [w])
    # an unsupported opset
    models["opset_18"] = graph_model(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [tensor_in("x")], [y], [w],
        opset=18)
    # external data
    ext = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[F, 3])
    ext.data_location = TensorProto.EXTERNAL
    e = ext.external_data.add()
    e.key, e.value = "location", "weights.bin"
    models["external_data"] = graph_model(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], [tensor_in("x")], [y], [ext])
    for name, m in models.items():
        with open(os.path.join(OUT, "hostile_%s.onnx" % name), "wb") as f:
            f.write(m.SerializeToString())


def write_fusion():
    """Graphs where a Relu follows a Gemm but may not be fused into it (mc_onnx_run.c): the
    Gemm's output is also a graph output, or another node reads it too; and one where it is
    fused. Each must give ONNX Runtime's outputs."""
    w = numpy_helper.from_array(rng.normal(size=(4, F)).astype(np.float32), "W")
    b = numpy_helper.from_array(rng.normal(size=(4,)).astype(np.float32), "b")
    out = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 4])
    gemm = helper.make_node("Gemm", ["x", "W", "b"], ["h"], name="gemm", transB=1)
    relu = helper.make_node("Relu", ["h"], ["r"], name="relu")
    models = {
        "fused": graph_model([gemm, relu], [tensor_in("x")], [out("r")], [w, b], name="f"),
        "also_output": graph_model([gemm, relu], [tensor_in("x")], [out("r"), out("h")],
                                   [w, b], name="f"),
        "two_readers": graph_model([gemm, relu, helper.make_node("Sub", ["r", "h"], ["d"],
                                                                 name="sub")],
                                   [tensor_in("x")], [out("d")], [w, b], name="f"),
    }
    for name, m in models.items():
        onnx.checker.check_model(m)
        with open(os.path.join(OUT, "fusion_%s.onnx" % name), "wb") as f:
            f.write(m.SerializeToString())


write_data()
write_torch()
write_hostile()
write_fusion()
