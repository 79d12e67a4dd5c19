#!/usr/bin/env python3
"""Seeds of fuzz_onnx (tests/fuzz/README.md): each model given, prefixed with a small CSV
(the harness's layout: a little-endian u16 length, the CSV, the model's bytes).

usage: make_onnx_seeds.py OUT_DIR CSV MODEL.onnx...     (the first 6 lines of CSV are used)
"""
import os
import struct
import sys

out, csv_path, models = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(csv_path, "rb") as f:
    csv = b"".join(f.readlines()[:6])
os.makedirs(out, exist_ok=True)
for m in models:
    with open(m, "rb") as f:
        model = f.read()
    name = os.path.splitext(os.path.basename(m))[0] + ".bin"
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack("<H", len(csv)) + csv + model)
