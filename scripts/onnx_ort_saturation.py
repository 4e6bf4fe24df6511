#!/usr/bin/env python3
"""ONNX Runtime against itself: its optimized run (QDQ fused into integer kernels) against its
unoptimized run (dequantize, float operator, quantize), on the example models as they are and
with every int8 weight halved (7-bit weights). On x86-64 with AVX2 and no VNNI the 8-bit models
differ and the 7-bit ones agree, which shows the u8s8 kernels' saturation (docs/import.md).

    python3 scripts/onnx_ort_saturation.py      (from the repository root)
"""
import numpy as np, onnx, onnxruntime as ort
from onnx import numpy_helper, helper
def run(model, x, opt):
    o = ort.SessionOptions()
    if not opt: o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(model.SerializeToString(), o, providers=["CPUExecutionProvider"])
    return np.array([s.run(None, {"x": x[k:k+1]})[0] for k in range(len(x))])
for name in ["digits-mlp", "digits-cnn"]:
    m = onnx.load(f"examples/onnx/{name}.onnx")
    x = np.load(f"examples/onnx/{name}-x.npy")
    x = x.reshape((len(x),) + tuple(d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim[1:]))
    for halve in [False, True]:
        mm = onnx.load(f"examples/onnx/{name}.onnx")
        if halve:
            for i, t in enumerate(mm.graph.initializer):
                a = numpy_helper.to_array(t)
                if t.name.endswith("_q") and a.dtype == np.int8:
                    mm.graph.initializer[i].CopyFrom(numpy_helper.from_array((a // 2).astype(np.int8), t.name))
                if t.name.endswith("_float"):
                    mm.graph.initializer[i].CopyFrom(numpy_helper.from_array((a / 2).astype(np.float32), t.name))
        a, b = run(mm, x, True), run(mm, x, False)
        print(name, "7-bit weights" if halve else "8-bit weights", "optimized == unoptimized outputs:", f"{(a == b).mean()*100:.2f}%")
