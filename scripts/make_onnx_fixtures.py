#!/usr/bin/env python3
"""Builds the quantized (QDQ) ONNX example models in examples/onnx/ (docs/import.md).

    pip install onnx==1.23.2 onnxruntime==1.32.0 numpy==2.4.6 scikit-learn==1.9.1
    python3 scripts/make_onnx_fixtures.py

The models are written with onnx.helper in the pattern PyTorch's and ONNX Runtime's QDQ
export produce (QuantizeLinear -> DequantizeLinear around every operator, int8 weights with
per-tensor or per-output-channel scales, int32 or float biases), trained or calibrated on
scikit-learn's 8x8 digits:

  digits-mlp.onnx  64 signed int8 inputs (pixels/16 - 0.5), Gemm 32 + Relu, Gemm 10 with
                   signed int8 logits; per-tensor weight scales, int32 biases (DequantizeLinear).
  digits-cnn.onnx  1x8x8 uint8 inputs; Conv 8 (3x3, pad 1, weights fake-quantized from float:
                   QuantizeLinear -> DequantizeLinear), Conv 16 (stride 2) + BatchNormalization,
                   a residual block (two Conv 16 + Relu and an Add with the block's input: both Add
                   inputs are unsigned quantized tensors),
                   AveragePool 2x2, Flatten, MatMul + Add 10 with uint8 logits at zero point 128;
                   per-channel weight scales. Random convolutions, the last layer trained.
  tiny-gap.onnx    a 2x6x6 input, Conv 4 (stride 2, pad 0) + Relu, GlobalAveragePool, Reshape,
                   Gemm 3: GlobalAveragePool and Reshape.
  tiny-gap-4bit.onnx  tiny-gap with Brevitas' Clip to 0...15 between every activation's
                   QuantizeLinear and DequantizeLinear (uint8 logits): 4-bit activations, B = 4.

Beside each model: <name>-x.npy (float32 test inputs) and <name>-y.npy (int64 labels).
Everything is seeded; reruns write the same files.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "onnx")
OPSET = 13
SEED = 0


# --- quantization as ONNX defines it (float32, round half to even, saturate) --------------

def quantize(x, scale, zero, lo, hi, axis=None):
    x = np.asarray(x, dtype=np.float32)
    scale = np.asarray(scale, dtype=np.float32)
    if axis is not None:
        shape = [1] * x.ndim
        shape[axis] = -1
        scale = scale.reshape(shape)
    return np.clip(np.rint(x / scale) + zero, lo, hi)


def fake(x, scale, zero, lo, hi, axis=None):
    q = quantize(x, scale, zero, lo, hi, axis)
    scale = np.asarray(scale, dtype=np.float32)
    if axis is not None:
        shape = [1] * q.ndim
        shape[axis] = -1
        scale = scale.reshape(shape)
    return ((q - zero) * scale).astype(np.float32)


def weight_scales(w, per_channel):
    if per_channel:
        m = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
    else:
        m = np.array([np.abs(w).max()])
    return np.maximum(m, 1e-8).astype(np.float32) / 127


def activation_scale(values, percentile=99.9):
    return np.float32(max(np.percentile(values, percentile), 1e-6) / 255)


# --- float operators (numpy, NCHW) ----------------------------------------------------------

def conv(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    co, ci, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, co, oh, ow), dtype=np.float32)
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, ky, kx])
    return out + b.reshape(1, -1, 1, 1)


def avgpool(x, k):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // k, k, w // k, k).mean(axis=(3, 5))


# --- graph building -------------------------------------------------------------------------

class Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, name, **attrs):
        out = name + "_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def qdq(self, x, name, scale, zero, dtype):
        """QuantizeLinear -> DequantizeLinear of an activation; returns the float output."""
        s = self.const(name + "_scale", np.float32(scale))
        z = self.const(name + "_zero", np.array(zero, dtype=dtype))
        q = self.node("QuantizeLinear", [x, s, z], name + "_quant")
        return self.node("DequantizeLinear", [q, s, z], name + "_dequant")

    def int_weight(self, name, q, scales, axis=0):
        """An int8 initializer -> DequantizeLinear (ONNX Runtime's pattern)."""
        w = self.const(name + "_q", q.astype(np.int8))
        s = self.const(name + "_wscale", scales if scales.size > 1 else np.float32(scales[0]))
        z = self.const(name + "_wzero", np.zeros(scales.size, np.int8) if scales.size > 1 else np.int8(0))
        return self.node("DequantizeLinear", [w, s, z], name + "_wdq", **({"axis": axis} if scales.size > 1 else {}))

    def fake_weight(self, name, w, scales, axis=0):
        """A float initializer -> QuantizeLinear -> DequantizeLinear (PyTorch's pattern)."""
        f = self.const(name + "_float", w.astype(np.float32))
        s = self.const(name + "_wscale", scales)
        z = self.const(name + "_wzero", np.zeros(scales.size, np.int8))
        q = self.node("QuantizeLinear", [f, s, z], name + "_wq", axis=axis)
        return self.node("DequantizeLinear", [q, s, z], name + "_wdq", axis=axis)

    def int_bias(self, name, b, scale):
        """An int32 bias at the accumulator's scale -> DequantizeLinear."""
        q = self.const(name + "_bq", np.round(b / scale).astype(np.int32))
        s = self.const(name + "_bscale", np.float32(scale))
        z = self.const(name + "_bzero", np.int32(0))
        return self.node("DequantizeLinear", [q, s, z], name + "_bdq")

    def save(self, path, in_shape, out_name, out_shape, doc):
        inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)
        out = helper.make_tensor_value_info(out_name, TensorProto.FLOAT, out_shape)
        graph = helper.make_graph(self.nodes, os.path.basename(path), [inp], [out], self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="stem-cosim make_onnx_fixtures.py")
        model.ir_version = 8
        model.doc_string = doc
        onnx.checker.check_model(model)
        onnx.save(model, path)
        print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def digits():
    data = load_digits()
    x = data.images.astype(np.float32) / 16.0
    return train_test_split(x, data.target.astype(np.int64), test_size=360, random_state=SEED,
                            stratify=data.target)


def save_inputs(name, x, y):
    np.save(os.path.join(OUT, name + "-x.npy"), x.astype(np.float32))
    np.save(os.path.join(OUT, name + "-y.npy"), y.astype(np.int64))


# --- digits-mlp -----------------------------------------------------------------------------

def make_mlp(x_train, y_train, x_test, y_test):
    xt, xs = x_train.reshape(len(x_train), 64) - 0.5, x_test.reshape(len(x_test), 64) - 0.5
    mlp = MLPClassifier(hidden_layer_sizes=(32,), max_iter=600, random_state=SEED).fit(xt, y_train)
    w1, b1 = mlp.coefs_[0].T.astype(np.float32), mlp.intercepts_[0].astype(np.float32)
    w2, b2 = mlp.coefs_[1].T.astype(np.float32), mlp.intercepts_[1].astype(np.float32)
    s_x = np.float32(0.5 / 127)
    s1, s2 = weight_scales(w1, False)[0], weight_scales(w2, False)[0]
    q1, q2 = quantize(w1, s1, 0, -127, 127), quantize(w2, s2, 0, -127, 127)
    # calibration on the training set, through the quantized model
    hx = fake(xt, s_x, 0, -128, 127)
    h = np.maximum(hx @ (q1 * s1).T + b1, 0)
    s_h = activation_scale(h)
    hq = fake(h, s_h, 0, 0, 255)
    logits = hq @ (q2 * s2).T + b2
    s_o = np.float32(np.abs(logits).max() / 127)

    g = Graph()
    a = g.qdq("x", "input", s_x, 0, np.int8)
    w = g.int_weight("fc1", q1, np.array([s1]))
    b = g.int_bias("fc1", b1, s_x * s1)
    h = g.node("Gemm", [a, w, b], "fc1", transB=1)
    h = g.node("Relu", [h], "relu1")
    h = g.qdq(h, "fc1", s_h, 0, np.uint8)
    w = g.int_weight("fc2", q2, np.array([s2]))
    b = g.int_bias("fc2", b2, s_h * s2)
    o = g.node("Gemm", [h, w, b], "fc2", transB=1)
    o = g.qdq(o, "logits", s_o, 0, np.int8)
    g.save(os.path.join(OUT, "digits-mlp.onnx"), [1, 64], o, [1, 10],
           "digits MLP 64-32-10, signed int8 input and logits, per-tensor weight scales")
    save_inputs("digits-mlp", xs, y_test)


# --- digits-cnn -----------------------------------------------------------------------------

def make_cnn(x_train, y_train, x_test, y_test):
    rng = np.random.default_rng(SEED)
    xt, xs = x_train[:, None], x_test[:, None]

    def he(shape):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / np.prod(shape[1:]))).astype(np.float32)

    w1, b1 = he((8, 1, 3, 3)), (rng.standard_normal(8) * 0.05).astype(np.float32)
    w2 = he((16, 8, 3, 3))
    gamma = rng.uniform(0.5, 1.5, 16).astype(np.float32)
    beta = (rng.standard_normal(16) * 0.1).astype(np.float32)
    mean = (rng.standard_normal(16) * 0.1).astype(np.float32)
    var = rng.uniform(0.5, 2.0, 16).astype(np.float32)
    w3, b3 = he((16, 16, 3, 3)), (rng.standard_normal(16) * 0.05).astype(np.float32)
    w4, b4 = he((16, 16, 3, 3)) * 0.5, np.zeros(16, np.float32)
    ws = [w1, w2, w3, w4]
    sw = [weight_scales(w, True) for w in ws]
    qw = [quantize(w, s, 0, -127, 127, axis=0) for w, s in zip(ws, sw)]
    fw = [(q * s.reshape(-1, 1, 1, 1)).astype(np.float32) for q, s in zip(qw, sw)]
    eps = 1e-5
    s_x = np.float32(1 / 255)

    def features(x, scales=None):
        """The quantized model up to the flattened pool; with scales None, calibrates them."""
        cal = scales is None
        scales = {} if cal else scales

        def q(name, v):
            if cal:
                scales[name] = activation_scale(v)
            return fake(v, scales[name], 0, 0, 255)
        a = fake(x, s_x, 0, 0, 255)
        c1 = q("c1", np.maximum(conv(a, fw[0], b1, 1, 1), 0))
        y = conv(c1, fw[1], np.zeros(16, np.float32), 2, 1)
        y = (y - mean.reshape(1, -1, 1, 1)) / np.sqrt(var.reshape(1, -1, 1, 1) + eps) * gamma.reshape(1, -1, 1, 1) \
            + beta.reshape(1, -1, 1, 1)
        c2 = q("c2", np.maximum(y, 0))
        c3 = q("c3", np.maximum(conv(c2, fw[2], b3, 1, 1), 0))
        c4 = q("c4", np.maximum(conv(c3, fw[3], b4, 1, 1), 0))
        r = q("add", np.maximum(c4 + c2, 0))
        p = q("pool", avgpool(r, 2))
        return p.reshape(len(x), -1), scales

    _, scales = features(xt)
    ft, _ = features(xt, scales)
    fs, _ = features(xs, scales)
    clf = LogisticRegression(max_iter=3000, C=1.0).fit(ft, y_train)
    w5, b5 = clf.coef_.T.astype(np.float32), clf.intercept_.astype(np.float32)  # [64, 10] for MatMul
    s5 = weight_scales(w5.T, True)
    q5 = quantize(w5, s5, 0, -127, 127, axis=1)
    logits = ft @ (q5 * s5.reshape(1, -1)) + b5
    s_o = np.float32(np.abs(logits).max() / 127)
    print(f"digits-cnn: float-feature logistic regression test accuracy {clf.score(fs, y_test):.3f}")

    g = Graph()
    a = g.qdq("x", "input", s_x, 0, np.uint8)
    w = g.fake_weight("conv1", w1, sw[0])
    h = g.node("Conv", [a, w, g.const("conv1_bias", b1)], "conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    h = g.node("Relu", [h], "relu1")
    c1 = g.qdq(h, "c1", scales["c1"], 0, np.uint8)
    w = g.int_weight("conv2", qw[1], sw[1])
    h = g.node("Conv", [c1, w], "conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
    h = g.node("BatchNormalization", [h, g.const("bn_gamma", gamma), g.const("bn_beta", beta),
                                      g.const("bn_mean", mean), g.const("bn_var", var)], "bn2", epsilon=eps)
    h = g.node("Relu", [h], "relu2")
    c2 = g.qdq(h, "c2", scales["c2"], 0, np.uint8)
    w = g.int_weight("conv3", qw[2], sw[2])
    h = g.node("Conv", [c2, w, g.const("conv3_bias", b3)], "conv3", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    h = g.node("Relu", [h], "relu3")
    c3 = g.qdq(h, "c3", scales["c3"], 0, np.uint8)
    w = g.int_weight("conv4", qw[3], sw[3])
    h = g.node("Conv", [c3, w], "conv4", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    h = g.node("Relu", [h], "relu4")
    c4 = g.qdq(h, "c4", scales["c4"], 0, np.uint8)
    s = g.node("Add", [c4, c2], "residual")
    s = g.node("Relu", [s], "relu_add")
    r = g.qdq(s, "add", scales["add"], 0, np.uint8)
    p = g.node("AveragePool", [r], "pool", kernel_shape=[2, 2], strides=[2, 2])
    p = g.qdq(p, "pool", scales["pool"], 0, np.uint8)
    f = g.node("Flatten", [p], "flatten", axis=1)
    w = g.int_weight("fc", q5, s5, axis=1)
    o = g.node("MatMul", [f, w], "fc")
    o = g.node("Add", [o, g.const("fc_bias", b5)], "fc_bias_add")
    o = g.qdq(o, "logits", s_o, 128, np.uint8)
    g.save(os.path.join(OUT, "digits-cnn.onnx"), [1, 1, 8, 8], o, [1, 10],
           "digits CNN: conv, strided conv + batch norm, residual block, average pooling, dense")
    save_inputs("digits-cnn", xs, y_test)


# --- tiny-gap -------------------------------------------------------------------------------

def make_tiny_gap():
    rng = np.random.default_rng(SEED + 1)
    x = rng.uniform(0, 1, (64, 2, 6, 6)).astype(np.float32)
    labels = rng.integers(0, 3, 64).astype(np.int64)
    w1 = rng.standard_normal((4, 2, 2, 2)).astype(np.float32)
    s1 = weight_scales(w1, True)
    q1 = quantize(w1, s1, 0, -127, 127, axis=0)
    w2 = rng.standard_normal((3, 4)).astype(np.float32)
    s2 = weight_scales(w2, False)[0]
    q2 = quantize(w2, s2, 0, -127, 127)
    s_x = np.float32(1 / 255)
    a = fake(x, s_x, 0, 0, 255)
    c = np.maximum(conv(a, q1 * s1.reshape(-1, 1, 1, 1), np.zeros(4, np.float32), 2, 0), 0)
    s_c = activation_scale(c)
    c = fake(c, s_c, 0, 0, 255)
    p = c.mean(axis=(2, 3))
    s_p = activation_scale(p, 100)
    p = fake(p, s_p, 0, 0, 255)
    s_o = np.float32(np.abs(p @ (q2 * s2).T).max() / 127)

    g = Graph()
    h = g.qdq("x", "input", s_x, 0, np.uint8)
    h = g.node("Conv", [h, g.int_weight("conv", q1, s1)], "conv", kernel_shape=[2, 2], strides=[2, 2])
    h = g.node("Relu", [h], "relu")
    h = g.qdq(h, "conv", s_c, 0, np.uint8)
    h = g.node("GlobalAveragePool", [h], "gap")
    h = g.qdq(h, "gap", s_p, 0, np.uint8)
    h = g.node("Reshape", [h, g.const("shape", np.array([1, 4], np.int64))], "reshape")
    h = g.node("Gemm", [h, g.int_weight("fc", q2, np.array([s2]))], "fc", transB=1)
    h = g.qdq(h, "logits", s_o, 0, np.int8)
    g.save(os.path.join(OUT, "tiny-gap.onnx"), [1, 2, 6, 6], h, [1, 3], "GlobalAveragePool and Reshape before Gemm")
    save_inputs("tiny-gap", x, labels)


def make_tiny_gap_4bit():
    model = onnx.load(os.path.join(OUT, "tiny-gap.onnx"))
    index = {t.name: i for i, t in enumerate(model.graph.initializer)}
    model.graph.initializer[index["logits_zero"]].CopyFrom(numpy_helper.from_array(np.uint8(0), "logits_zero"))
    model.graph.initializer.extend([numpy_helper.from_array(np.uint8(0), "clip_low"),
                                    numpy_helper.from_array(np.uint8(15), "clip_high")])
    nodes = list(model.graph.node)
    for name in ["input", "conv", "gap", "logits"]:
        q = next(i for i, n in enumerate(nodes) if n.name == name + "_quant")
        clip = helper.make_node("Clip", [nodes[q].output[0], "clip_low", "clip_high"], [name + "_clip_out"],
                                name=name + "_clip")
        next(n for n in nodes if n.name == name + "_dequant").input[0] = name + "_clip_out"
        nodes.insert(q + 1, clip)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    model.doc_string = "tiny-gap with 4-bit activations (Clip between QuantizeLinear and DequantizeLinear)"
    onnx.checker.check_model(model)
    path = os.path.join(OUT, "tiny-gap-4bit.onnx")
    onnx.save(model, path)
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def main():
    os.makedirs(OUT, exist_ok=True)
    x_train, x_test, y_train, y_test = digits()
    make_mlp(x_train, y_train, x_test, y_test)
    make_cnn(x_train, y_train, x_test, y_test)
    make_tiny_gap()
    make_tiny_gap_4bit()


if __name__ == "__main__":
    main()
