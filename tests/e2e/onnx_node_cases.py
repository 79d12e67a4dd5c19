#!/usr/bin/env python3
"""The ONNX project's own operator conformance cases (onnx/backend/test/case/node in Debian's
python3-onnx: the node test vectors the ONNX project writes and ONNX Runtime and every backend
run, credit to the ONNX authors, Apache-2.0) for the operators modelcert's interpreter supports,
written in the backend test data layout for tests/e2e/onnx_conformance.c.

usage: onnx_node_cases.py OUT_DIR SUPPORTED_OPS(comma separated)

Writes OUT_DIR/<case>/model.onnx, input_<i>.pb, output_<k>.pb (TensorProto) and tol (rtol
atol), one data set per case. A case whose operators are all supported, whose opsets are 11-17
and whose tensors are float, double, int64, bool or string is written; the others are counted
by reason on standard output. An input that the interpreter requires to be constant (the shape
of Reshape, the axes of Squeeze/Unsqueeze, the split of Split, the depth and values of OneHot,
Clip's min and max) becomes an initializer holding the case's value: modelcert infers every
shape before it runs, so a shape must not be computed.
"""
import os
import warnings
import sys

import numpy as np
warnings.simplefilter("ignore")
for _a, _b in (("float", float), ("int", int), ("bool", bool), ("object", object)):
    if not hasattr(np, _a):  # python3-onnx 1.12's cases use aliases newer numpy removed
        setattr(np, _a, _b)
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from onnx.backend.test.case import node  # noqa: E402

OUT = sys.argv[1]
SUPPORTED = set(sys.argv[2].split(","))
TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.INT64,
         onnx.TensorProto.BOOL, onnx.TensorProto.STRING}
CONST_INPUTS = {"Reshape": {1}, "Squeeze": {1}, "Unsqueeze": {1}, "Split": {1},
                "OneHot": {1, 2}, "Clip": {1, 2}}

skipped = {}
written = 0
for case in node.collect_testcases(""):
    m = case.model
    ops = {n.op_type for n in m.graph.node}
    why = None
    if not ops <= SUPPORTED:
        why = "operator not supported: " + ",".join(sorted(ops - SUPPORTED))
    elif any(o.version > 17 or (o.domain in ("", "ai.onnx") and o.version < 11)
             for o in m.opset_import):
        why = "opset outside 11-17"
    elif any(v.type.tensor_type.elem_type not in TYPES
             for v in list(m.graph.input) + list(m.graph.output)):
        why = "tensor type not computed (float16, int32, uint8, ...)"
    elif not case.data_sets:
        why = "no data set"
    if why:
        skipped[why.split(":")[0]] = skipped.get(why.split(":")[0], 0) + 1
        continue
    inputs, outputs = case.data_sets[0]
    names = [v.name for v in m.graph.input]
    const = set()
    for n in m.graph.node:
        for k in CONST_INPUTS.get(n.op_type, ()):
            if k < len(n.input) and n.input[k] in names:
                const.add(n.input[k])
    keep = []
    for name, value in zip(names, inputs):
        if name in const:
            m.graph.initializer.append(numpy_helper.from_array(np.asarray(value), name))
        else:
            keep.append((name, value))
    for v in [v for v in m.graph.input if v.name in const]:
        m.graph.input.remove(v)
    d = os.path.join(OUT, case.name)
    os.makedirs(d)
    onnx.save(m, os.path.join(d, "model.onnx"))
    for i, (name, value) in enumerate(keep):
        with open(os.path.join(d, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(value), name).SerializeToString())
    for k, value in enumerate(outputs):
        with open(os.path.join(d, "output_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(value)).SerializeToString())
    with open(os.path.join(d, "tol"), "w") as f:
        f.write("%r %r\n" % (case.rtol, case.atol))
    written += 1
print("written %d" % written)
for why, n in sorted(skipped.items()):
    print("skipped %d: %s" % (n, why))
