#!/usr/bin/env python3
"""Writes a CIFAR10Net-sized random graph network (network format version 2) and random inputs
for measuring the golden model on convolutional networks (docs/performance.md):

  python3 examples/cifar-size/make.py /tmp/cifar-size [samples]
  stemsim run --engine golden --network /tmp/cifar-size/network.json --inputs /tmp/cifar-size/inputs.json

input [3,32,32] -> conv 3x3 64 -> conv 3x3 64 -> pool 2 -> conv 3x3 128 -> conv 3x3 128 (+ a 1x1
conv shortcut from the pool, delayed one window) -> pool 2 -> conv 3x3 128 -> conv 3x3 128 (+ an
identity shortcut from the pool, delayed one window) -> pool 2 -> dense 10.
Weights are uniform 8-bit with 30% zeros; requantization spreads values over 0...255.
The files are large (about 3 MB), so they are generated, not kept in the repository.
"""
import json, math, os, random, sys

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/cifar-size"
samples = int(sys.argv[2]) if len(sys.argv) > 2 else 4
rng = random.Random(10)
B, WB = 8, 8
wmax = (1 << (WB - 1)) - 1

def weight():
    return 0 if rng.random() < 0.3 else rng.randint(-wmax - 1, wmax)

def conv(cout, cin, k):
    return [[[[weight() for _ in range(k)] for _ in range(k)] for _ in range(cin)] for _ in range(cout)]

def requant(fan_in):
    # m = 1 and n so that the typical |sum| (sqrt(fanIn) * weight std * mean activation) maps near 2^B.
    typical = math.sqrt(fan_in * 0.7) * (wmax / math.sqrt(3)) * (1 << (B - 1)) * 0.5
    return {"multiplier": 1, "postShift": max(0, int(math.log2(typical)) - B + 2), "bias": [0]}

def layer(name, shape, inputs, fan_in, **extra):
    fields = requant(fan_in)
    fields["bias"] = [rng.randint(-8, 8) for _ in range(shape[0])] if len(shape) == 3 else [0] * shape[0]
    fields.update(extra)
    return dict({"name": name, "shape": shape, "inputs": inputs}, **fields)

layers = [
    layer("c1", [64, 32, 32], [{"from": "input", "kind": "conv", "kernel": [3, 3], "padding": [1, 1],
                                "weights": conv(64, 3, 3)}], 27),
    layer("c2", [64, 32, 32], [{"from": "c1", "kind": "conv", "kernel": [3, 3], "padding": [1, 1],
                                "weights": conv(64, 64, 3)}], 576),
    {"name": "p1", "shape": [64, 16, 16], "inputs": [{"from": "c2", "kind": "pool", "kernel": [2, 2]}],
     "multiplier": 1, "postShift": 2},
    layer("c3", [128, 16, 16], [{"from": "p1", "kind": "conv", "kernel": [3, 3], "padding": [1, 1],
                                 "weights": conv(128, 64, 3)}], 576),
    layer("c4", [128, 16, 16], [{"from": "c3", "kind": "conv", "kernel": [3, 3], "padding": [1, 1],
                                 "weights": conv(128, 128, 3)},
                                {"from": "p1", "kind": "conv", "kernel": [1, 1], "weights": conv(128, 64, 1)}],
          1152 + 64),
    {"name": "p2", "shape": [128, 8, 8], "inputs": [{"from": "c4", "kind": "pool", "kernel": [2, 2]}],
     "multiplier": 1, "postShift": 2},
    layer("c5", [128, 8, 8], [{"from": "p2", "kind": "conv", "kernel": [3, 3], "padding": [1, 1],
                               "weights": conv(128, 128, 3)}], 1152),
    layer("c6", [128, 8, 8], [{"from": "c5", "kind": "conv", "kernel": [3, 3], "padding": [1, 1],
                               "weights": conv(128, 128, 3)},
                              {"from": "p2", "kind": "identity", "weights": [64] * 128}], 1152,
          multiplier=[rng.randint(2, 4) for _ in range(128)], postShift=[requant(1152)["postShift"] + 1] * 128),
    {"name": "p3", "shape": [128, 4, 4], "inputs": [{"from": "c6", "kind": "pool", "kernel": [2, 2]}],
     "multiplier": 1, "postShift": 2},
    layer("fc", [10], [{"from": "p3", "kind": "dense", "weights": [[weight() for _ in range(2048)] for _ in range(10)]}],
          2048),
]
network = {"format": "stem-network", "version": 2, "timeSteps": B, "weightBits": WB, "accumulatorBits": 32,
           "overflow": "wrap", "input": {"shape": [3, 32, 32], "signed": False}, "layers": layers}
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "network.json"), "w") as f:
    json.dump(network, f, separators=(",", ":"))
with open(os.path.join(out, "inputs.json"), "w") as f:
    json.dump({"samples": [[rng.randrange(0, 1 << B) for _ in range(3 * 32 * 32)] for _ in range(samples)]}, f,
              separators=(",", ":"))
print(f"wrote {out}/network.json and {out}/inputs.json ({samples} samples)")
