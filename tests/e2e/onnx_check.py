#!/usr/bin/python3
"""python3-onnx's checker on an exported model (full check: types and shapes
inferred strictly), then its inputs and missing-value markers as JSON for
onnx_ort.js. usage: onnx_check.py MODEL.onnx OUT.json"""
import json
import sys

import onnx

model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
assert model.ir_version == 8, model.ir_version
opsets = {o.domain: o.version for o in model.opset_import}
assert opsets[""] >= 13, opsets
meta = {p.key: p.value for p in model.metadata_props}
names = {1: "float", 8: "string", 11: "double"}
inputs = [{"name": i.name, "type": names[i.type.tensor_type.elem_type]} for i in model.graph.input]
outputs = [o.name for o in model.graph.output]
with open(sys.argv[2], "w") as f:
    json.dump({"inputs": inputs, "outputs": outputs,
               "missing_values": json.loads(meta["modelcert.missing_values"]),
               "model_digest": meta["modelcert.model_digest"]}, f)
print(f"onnx checker: ok (IR {model.ir_version}, opset {opsets[''], opsets.get('ai.onnx.ml')}, "
      f"{len(model.graph.node)} nodes, inputs {len(inputs)})")
