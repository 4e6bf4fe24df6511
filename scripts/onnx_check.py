#!/usr/bin/env python3
"""Checks an imported ONNX model against ONNX Runtime, sample by sample (docs/onnx.md).

    python3 scripts/onnx_check.py examples/onnx/digits-cnn.onnx \\
        --npy examples/onnx/digits-cnn-x.npy --labels examples/onnx/digits-cnn-y.npy

Runs `stemsim import` and `stemsim import-inputs`, then `stemsim run --engine golden` with a
report and a spike record, and ONNX Runtime on the same float samples. Compares:
  - the quantized outputs: STEM's output values y against ONNX Runtime's q - qmin (q recovered
    from the model's dequantized float output): exactly equal, within one step;
  - top-1 (argmax, lowest index on ties) agreement, and the accuracy of both with labels;
  - per layer, where the layer's quantized ONNX tensor can be exposed as an extra output, the
    share of neuron values equal and within one step (the STEM values read off the spike
    record).
Needs onnx, onnxruntime and numpy (pip install onnx==1.23.2 onnxruntime==1.32.0 numpy).
Exit 0 when it ran (the figures are the result), 2 on bad usage, 3 when a tool fails.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper

LINEAR = {"Conv", "Gemm", "MatMul", "Add", "AveragePool", "GlobalAveragePool"}
PASS_THROUGH = {"Relu", "BatchNormalization"}


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(f"onnx_check.py: {' '.join(cmd)} failed ({result.returncode}):\n{result.stderr}")
        sys.exit(3)
    return result.stdout


def constants(model):
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return values


def layer_tensors(model):
    """{STEM layer name: (quantized ONNX tensor, qmin)} for every activation QuantizeLinear (or
    the Clip after it), named as the importer names layers (the operator before the Q, through
    Relu/BN/bias Add)."""
    consts = constants(model)
    producer = {out: node for node in model.graph.node for out in node.output}
    result = {}
    for node in model.graph.node:
        if node.op_type != "QuantizeLinear" or node.input[0] in consts:
            continue
        source = producer.get(node.input[0])
        while source is not None:
            if source.op_type == "Add" and any(i in consts or (producer.get(i) and producer[i].op_type == "DequantizeLinear"
                                                              and producer[i].input[0] in consts) for i in source.input):
                source = producer.get(source.input[0]) if source.input[1] in consts or producer[source.input[1]].input[0] in consts \
                    else producer.get(source.input[1])
                continue
            if source.op_type in PASS_THROUGH:
                source = producer.get(source.input[0])
                continue
            break
        if source is None or source.op_type not in LINEAR:
            continue
        zero = consts.get(node.input[2]) if len(node.input) > 2 else np.uint8(0)
        qmin = int(np.iinfo(np.asarray(zero).dtype).min)
        tensor = node.output[0]
        clip = next((n for n in model.graph.node if n.op_type == "Clip" and n.input[0] == tensor), None)
        result.setdefault(source.name or source.output[0], (clip.output[0] if clip else tensor, qmin))
    return result


def stem_layer_values(network, spikes_path, samples):
    """Per layer name, [samples, neurons] values read off the spike record (MSB first)."""
    layers = network["layers"]
    b = network["timeSteps"]
    names = ["input"] + [layer["name"] for layer in layers]
    stage = {"input": 0}
    for layer in layers:
        stage[layer["name"]] = 1 + max(stage[c["from"]] for c in layer["inputs"])
    sizes = {layer["name"]: int(np.prod(layer["shape"])) for layer in layers}
    values = {name: np.zeros((samples, sizes[name]), dtype=np.int64) for name in sizes}
    with open(spikes_path) as f:
        for line in f:
            step = json.loads(line)
            window, t = divmod(step["t"], b)
            for l, j in step["spikes"]:
                if l == 0:
                    continue
                name = names[l]
                k = window - stage[name]
                if 0 <= k < samples:
                    values[name][k, j] += 1 << (b - 1 - t)
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--npy", required=True, help="float samples [S, ...]")
    parser.add_argument("--labels", help="integer labels [S]")
    parser.add_argument("--stemsim", default=".build/debug/stemsim")
    parser.add_argument("--limit", type=int, help="only the first N samples")
    parser.add_argument("--no-optimization", action="store_true",
                        help="run ONNX Runtime without graph optimizations (QDQ evaluated in float, no QLinear fusion)")
    args = parser.parse_args()
    for path in [args.model, args.npy, args.stemsim] + ([args.labels] if args.labels else []):
        if not os.path.exists(path):
            sys.stderr.write(f"onnx_check.py: {path}: no such file\n")
            sys.exit(2)

    x = np.load(args.npy).astype(np.float32)
    y = np.load(args.labels) if args.labels else None
    if args.limit:
        x, y = x[:args.limit], (y[:args.limit] if y is not None else None)
    with tempfile.TemporaryDirectory() as tmp:
        net_path, inputs_path = os.path.join(tmp, "network.json"), os.path.join(tmp, "inputs.json")
        npy_path, labels_path = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
        report_path, spikes_path = os.path.join(tmp, "report.json"), os.path.join(tmp, "spikes.jsonl")
        np.save(npy_path, x)
        table = run([args.stemsim, "import", args.model, "--out", net_path])
        cmd = [args.stemsim, "import-inputs", "--model", args.model, "--npy", npy_path, "--out", inputs_path]
        if y is not None:
            np.save(labels_path, y)
            cmd += ["--labels", labels_path]
        run(cmd)
        run([args.stemsim, "run", "--engine", "golden", "--network", net_path, "--inputs", inputs_path,
             "--report", report_path, "--spikes", spikes_path])
        network = json.load(open(net_path))
        report = json.load(open(report_path))
        layer_values = stem_layer_values(network, spikes_path, len(x))

    model = onnx.load(args.model)
    consts = constants(model)
    producer = {out: node for node in model.graph.node for out in node.output}
    out_name = model.graph.output[0].name
    dq = producer[out_name]
    scale = float(consts[dq.input[1]])
    zero = consts[dq.input[2]] if len(dq.input) > 2 else np.uint8(0)
    qmin = int(np.iinfo(np.asarray(zero).dtype).min)

    options = ort.SessionOptions()
    if args.no_optimization:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    in_shape = [1] + list(session.get_inputs()[0].shape[1:])

    # intermediate layers: a second session with every layer's quantized tensor as an output
    tensors = layer_tensors(model)
    exposed = onnx.load(args.model)
    known = {o.name for o in exposed.graph.output}
    for name, (tensor, _) in tensors.items():
        if tensor not in known:
            exposed.graph.output.append(helper.make_empty_tensor_value_info(tensor))
    inner = ort.InferenceSession(exposed.SerializeToString(), options, providers=["CPUExecutionProvider"])
    inner_names = [o.name for o in inner.get_outputs()]

    ort_q, stem_y = [], np.array([s["outputs"] for s in report["samples"]], dtype=np.int64)
    per_layer = {name: [0, 0, 0] for name in tensors}  # equal, within one, total
    for k in range(len(x)):
        out = session.run(None, {input_name: x[k].reshape(in_shape)})[0].reshape(-1)
        q = np.rint(out.astype(np.float64) / scale).astype(np.int64) + int(zero)
        ort_q.append(q - qmin)
        inner_out = dict(zip(inner_names, inner.run(None, {input_name: x[k].reshape(in_shape)})))
        for name, (tensor, layer_qmin) in tensors.items():
            if name not in layer_values:
                continue
            a = inner_out[tensor].reshape(-1).astype(np.int64) - layer_qmin
            b = layer_values[name][k]
            if a.shape != b.shape:
                continue
            per_layer[name][0] += int((a == b).sum())
            per_layer[name][1] += int((abs(a - b) <= 1).sum())
            per_layer[name][2] += a.size
    ort_q = np.array(ort_q)
    n = len(x)
    equal = (ort_q == stem_y)
    ort_pred = ort_q.argmax(axis=1)
    stem_pred = np.array([s["prediction"] for s in report["samples"]])
    print(table, end="")
    print(f"model        {args.model} ({n} samples, ONNX Runtime {ort.__version__}, "
          f"graph optimizations {'off' if args.no_optimization else 'on'})")
    print(f"outputs      {equal.mean() * 100:.2f}% of output values equal, "
          f"{(abs(ort_q - stem_y) <= 1).mean() * 100:.2f}% within one step; "
          f"{equal.all(axis=1).sum()}/{n} samples with every output equal")
    print(f"top-1        {(ort_pred == stem_pred).sum()}/{n} samples agree ({(ort_pred == stem_pred).mean() * 100:.2f}%)")
    if y is not None:
        print(f"accuracy     ONNX Runtime {(ort_pred == y).mean() * 100:.2f}%, STEM golden {report['accuracy'] * 100:.2f}%, "
              f"QANN {report['qannAccuracy'] * 100:.2f}% (golden = QANN on {report['qannMatches']}/{n} samples)")
    for name, (eq, near, total) in per_layer.items():
        if total:
            print(f"layer        {name}: {eq / total * 100:.2f}% of values equal, {near / total * 100:.2f}% within one step")
    print(f"overflows    {report['overflows']}")


if __name__ == "__main__":
    main()
