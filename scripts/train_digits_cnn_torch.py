#!/usr/bin/env python3
"""Trains the digits CNN in PyTorch, quantizes it and exports it as a QDQ ONNX model
(docs/import.md, "The PyTorch example").

The network has the shape of examples/digits-cnn (scripts/train_digits_cnn.py), on the same
data split of scikit-learn's 8x8 digits (the data ships inside scikit-learn; nothing is
downloaded):

    input [1,8,8] -> conv1 3x3 pad 1, 8 ch -> conv2 3x3 stride 2 pad 1, 16 ch [16,4,4]
    -> res1 conv3x3 pad 1 -> res2 conv3x3 pad 1, + shortcut of conv2 -> 2x2 average pool
    [16,2,2] -> flatten -> fc [10]

It trains the float model (Adam, cross entropy), then quantizes it with PyTorch's own fake
quantization: weights per output channel (`torch.fake_quantize_per_channel_affine`, int8
symmetric, scale max|w|/127), activations per tensor (`torch.fake_quantize_per_tensor_affine`,
uint8 at zero point 0, scale from the 99.9th percentile of the training set's values), the
logits uint8 at zero point 128; a few epochs of quantization-aware fine-tuning (straight-through
gradients) follow. `torch.onnx.export` (the TorchScript exporter, opset 13) writes every fake
quantization as a QuantizeLinear/DequantizeLinear pair: the QDQ form. The residual is an Add
of two quantized tensors, as the importer needs it.

Writes examples/onnx/digits-cnn-torch.onnx; its test samples are digits-cnn-x.npy and
digits-cnn-y.npy (float32 [360,1,8,8], pixels/16, and int64 labels: the same split, which it
checks). Prints the float, fake-quantized PyTorch and ONNX Runtime accuracies. Deterministic on one machine (fixed seeds,
one thread).

    python3 -m pip install torch   (a CPU wheel is enough)
    python3 scripts/train_digits_cnn_torch.py
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import onnx
import onnxruntime as ort
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn import functional as F

SEED = 0
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "onnx")
NAME = "digits-cnn-torch"
PERCENTILE = 99.9


def digits():
    """The split of scripts/make_onnx_fixtures.py and scripts/train_digits.py: 360 test samples."""
    data = load_digits()
    x = data.images.astype(np.float32) / 16.0
    return train_test_split(x, data.target.astype(np.int64), test_size=360, random_state=SEED,
                            stratify=data.target)


def weight_scale(w):
    """Symmetric int8 per output channel: max|w| / 127."""
    return (w.detach().abs().amax(dim=tuple(range(1, w.dim()))) / 127).clamp(min=1e-8)


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.res1 = nn.Conv2d(16, 16, 3, padding=1)
        self.res2 = nn.Conv2d(16, 16, 3, padding=1)
        self.fc = nn.Linear(64, 10)
        # per-tensor activation scales, set by calibrate(); None: the float model
        self.scales = None
        # per-channel weight scales fixed for the export (constants in the ONNX graph)
        self.frozen = None

    def act(self, name, x, zero=0):
        """A quantized activation (uint8 at `zero`), or x itself in the float model."""
        if self.scales is None:
            return x
        return torch.fake_quantize_per_tensor_affine(x, self.scales[name], zero, 0, 255)

    def weight(self, layer):
        if self.scales is None:
            return layer.weight
        w = layer.weight
        scale = self.frozen[id(layer)] if self.frozen else weight_scale(w)
        return torch.fake_quantize_per_channel_affine(w, scale, torch.zeros_like(scale, dtype=torch.int32), 0, -128, 127)

    def forward(self, x, record=None):
        def keep(name, value):
            if record is not None:
                record.setdefault(name, []).append(value.detach().reshape(-1))
            return value

        x = self.act("input", x)
        c1 = self.act("conv1", keep("conv1", F.relu(F.conv2d(x, self.weight(self.conv1), self.conv1.bias, padding=1))))
        c2 = self.act("conv2", keep("conv2", F.relu(F.conv2d(c1, self.weight(self.conv2), self.conv2.bias, stride=2, padding=1))))
        r1 = self.act("res1", keep("res1", F.relu(F.conv2d(c2, self.weight(self.res1), self.res1.bias, padding=1))))
        r2 = self.act("res2", keep("res2", F.relu(F.conv2d(r1, self.weight(self.res2), self.res2.bias, padding=1))))
        s = self.act("add", keep("add", r2 + c2))
        p = self.act("pool", keep("pool", F.avg_pool2d(s, 2)))
        y = F.linear(torch.flatten(p, 1), self.weight(self.fc), self.fc.bias)
        keep("fc", y)
        return self.act("fc", y, zero=128)


def train(model, x, y, epochs, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()


def calibrate(model, x):
    """Per-tensor activation scales from the float model on the training set."""
    record = {}
    model.scales = None
    with torch.no_grad():
        model(x, record)
    scales = {"input": 1.0 / 255}
    for name, values in record.items():
        v = torch.cat(values).numpy()
        if name == "fc":  # signed logits, uint8 at zero point 128
            scales[name] = float(np.percentile(np.abs(v), 100)) / 127
        else:
            scales[name] = float(np.percentile(v, PERCENTILE)) / 255
    model.scales = scales


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    x_train, x_test, y_train, y_test = digits()
    xt, xs = torch.tensor(x_train).unsqueeze(1), torch.tensor(x_test).unsqueeze(1)
    yt, ys = torch.tensor(y_train), torch.tensor(y_test)
    model = DigitsCNN()
    train(model, xt, yt, epochs=40, lr=3e-3)
    train(model, xt, yt, epochs=20, lr=1e-3)
    model.eval()
    float_accuracy = accuracy(model, xs, ys)
    calibrate(model, xt)
    ptq_accuracy = accuracy(model, xs, ys)
    train(model, xt, yt, epochs=5, lr=3e-4)  # quantization-aware fine-tuning, scales fixed
    qat_accuracy = accuracy(model, xs, ys)
    print(f"accuracy: float {float_accuracy * 100:.2f}%, fake-quantized {ptq_accuracy * 100:.2f}% "
          f"(after QAT fine-tuning {qat_accuracy * 100:.2f}%)")

    model.frozen = {id(layer): weight_scale(layer.weight).clone()
                    for layer in (model.conv1, model.conv2, model.res1, model.res2, model.fc)}
    path = os.path.join(OUT, NAME + ".onnx")
    torch.onnx.export(model, (xs[:1],), path, input_names=["x"], output_names=["logits"], opset_version=13,
                      dynamo=False, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    # the test samples are those of digits-cnn.onnx (scripts/make_onnx_fixtures.py): the same split
    committed_x, committed_y = np.load(os.path.join(OUT, "digits-cnn-x.npy")), np.load(os.path.join(OUT, "digits-cnn-y.npy"))
    if not (np.array_equal(committed_x.reshape(x_test.shape), x_test) and np.array_equal(committed_y, y_test)):
        raise SystemExit("examples/onnx/digits-cnn-x.npy/-y.npy are not this split's test samples")
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    predictions = [session.run(None, {"x": x_test[k].reshape(1, 1, 8, 8)})[0].argmax() for k in range(len(x_test))]
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes); "
          f"ONNX Runtime accuracy {np.mean(np.array(predictions) == y_test) * 100:.2f}%")


if __name__ == "__main__":
    main()
