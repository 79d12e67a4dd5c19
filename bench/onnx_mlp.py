#!/usr/bin/python3
"""The benchmark's ONNX model: PyTorch's export (torch.onnx.export, opset 17) of the dense
network the engine benchmark trains (F inputs, Dense 128 ReLU, 64 ReLU, 1 sigmoid), with
seeded random weights; one input x [N, F], one output y [N, 1].

usage: onnx_mlp.py OUT.onnx F SEED
"""
import sys

import torch
from torch import nn

out, f, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.manual_seed(seed)
model = nn.Sequential(nn.Linear(f, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                      nn.Linear(64, 1), nn.Sigmoid()).eval()
torch.onnx.export(model, (torch.randn(4, f),), out, input_names=["x"], output_names=["y"],
                  dynamic_axes={"x": {0: "N"}, "y": {0: "N"}}, opset_version=17)
