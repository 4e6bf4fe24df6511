#!/usr/bin/env python3
"""Writes examples/graph-small: a small residual CNN in network format version 2 and inputs.

input [1,8,8] -> c1 conv 3x3 pad 1 [4,8,8] (per-channel m, n) -> p1 average pool 2x2 [4,4,4]
-> c2 conv 3x3 pad 1 [4,4,4] -> r1 = conv 1x1 of c2 + identity shortcut from p1 [4,4,4]
-> fc dense [10]. Seeded, so it is the same every time: python3 examples/graph-small/make.py
"""
import json, os, random

rng = random.Random(12)
B, WB = 6, 6
here = os.path.dirname(os.path.abspath(__file__))

def w(): return rng.choice([0] + list(range(-31, 32)))
def conv(cout, cin, k): return [[[[w() for _ in range(k)] for _ in range(k)] for _ in range(cin)] for _ in range(cout)]

layers = [
    {"name": "c1", "shape": [4, 8, 8],
     "inputs": [{"from": "input", "kind": "conv", "kernel": [3, 3], "stride": [1, 1], "padding": [1, 1],
                 "weights": conv(4, 1, 3)}],
     "bias": [4, -2, 0, 6], "biasMode": "output", "shift": 0, "multiplier": [3, 5, 7, 3], "postShift": [8, 9, 9, 8],
     "rot": 0, "drlo": 0},
    {"name": "p1", "shape": [4, 4, 4], "inputs": [{"from": "c1", "kind": "pool", "kernel": [2, 2], "stride": [2, 2]}],
     "multiplier": 1, "postShift": 2},
    {"name": "c2", "shape": [4, 4, 4],
     "inputs": [{"from": "p1", "kind": "conv", "kernel": [3, 3], "padding": [1, 1], "weights": conv(4, 4, 3)}],
     "bias": [8, 8, 8, 8], "multiplier": [5, 3, 7, 5], "postShift": [10, 9, 10, 10]},
    {"name": "r1", "shape": [4, 4, 4],
     "inputs": [{"from": "c2", "kind": "conv", "kernel": [1, 1], "weights": conv(4, 4, 1)},
                {"from": "p1", "kind": "identity", "weights": [16, 16, 16, 16]}],
     "biasMode": "accumulator", "bias": [0, 32, -32, 0], "multiplier": 1, "postShift": 5},
    {"name": "fc", "shape": [10], "inputs": [{"from": "r1", "kind": "dense",
                                              "weights": [[w() for _ in range(64)] for _ in range(10)]}],
     "multiplier": 3, "postShift": 9, "bias": [16] * 10},
]
network = {"format": "stem-network", "version": 2, "timeSteps": B, "weightBits": WB, "accumulatorBits": 32,
           "overflow": "wrap", "input": {"shape": [1, 8, 8], "signed": False}, "layers": layers}
samples = [[rng.randrange(0, 1 << B) if rng.random() < 0.6 else 0 for _ in range(64)] for _ in range(8)]
with open(os.path.join(here, "network.json"), "w") as f:
    json.dump(network, f, separators=(",", ":"))
    f.write("\n")
with open(os.path.join(here, "inputs.json"), "w") as f:
    json.dump({"format": "stem-inputs", "version": 1, "samples": samples, "labels": [k % 10 for k in range(8)]}, f,
              separators=(",", ":"))
    f.write("\n")
