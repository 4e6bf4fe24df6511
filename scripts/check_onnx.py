#!/usr/bin/env python3
"""Checks an imported ONNX model against ONNX Runtime, sample by sample (docs/import.md).

    stemsim import model.onnx --out network.json
    stemsim import-inputs --model model.onnx --npy x.npy --labels y.npy --out inputs.json
    python3 scripts/check_onnx.py model.onnx inputs.json network.json \\
        [--npy x.npy] [--limit N] [--min-top1 P] [--min-equal P] [--min-within-one P]

Runs `stemsim run --engine golden --report --spikes` on the network and inputs, and ONNX Runtime
(CPU provider, graph optimizations off unless --ort-optimizations: the QDQ graph evaluated as
ONNX defines it) on the same samples: the inputs file's values dequantized with the model's
input scale (which the model's QuantizeLinear maps back to exactly those values), or the float
samples of --npy. Compares:
  - the quantized outputs: STEM's output values y against ONNX Runtime's q - qmin (q recovered
    from the model's dequantized float output): the share exactly equal, within one step, and
    the samples with every output equal;
  - top-1 (argmax, lowest index on ties) agreement, and, with labels, both accuracies;
  - per layer, where the layer's quantized ONNX tensor can be exposed as an extra output, the
    share of neuron values equal and within one step (the STEM values read off the spike
    record).
--min-top1, --min-equal, --min-within-one (percentages) turn it into a test: it ends with
"FAIL: ..." and exit 1 when a figure is below its threshold.
Needs onnx, onnxruntime and numpy (scripts/requirements-onnx.txt).
Exit 0 when it ran (and met the thresholds), 1 when a threshold was missed, 2 on bad usage or
files, 3 when a tool fails.
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
PROG = "check_onnx.py"


def fail(message, code):
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.exit(code)


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr}", 3)
    return result.stdout


def constants(model):
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return values


def qmin_of(consts, node):
    """The smallest value of a QuantizeLinear/DequantizeLinear node's quantized type."""
    zero = consts.get(node.input[2]) if len(node.input) > 2 and node.input[2] else np.uint8(0)
    return int(np.iinfo(np.asarray(zero).dtype).min), int(np.asarray(zero).reshape(-1)[0])


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
        qmin, _ = qmin_of(consts, node)
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


def input_scale(model, consts):
    """The scale of the QuantizeLinear that reads the graph input."""
    name = model.graph.input[0].name
    for node in model.graph.node:
        if node.op_type == "QuantizeLinear" and node.input[0] == name:
            return np.float32(np.asarray(consts[node.input[1]]).reshape(-1)[0])
    fail(f"the graph input {name!r} has no QuantizeLinear", 2)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as error:
        fail(f"{path}: {error}", 2)


def percentage(text):
    value = float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage in 0...100")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="the ONNX model")
    parser.add_argument("inputs", help="the inputs file (stemsim import-inputs)")
    parser.add_argument("network", help="the network file (stemsim import)")
    parser.add_argument("--npy", help="float samples [S, ...] for ONNX Runtime (default: the inputs file dequantized)")
    parser.add_argument("--stemsim", default=".build/debug/stemsim")
    parser.add_argument("--limit", type=int, help="only the first N samples")
    parser.add_argument("--ort-optimizations", action="store_true",
                        help="run ONNX Runtime with its graph optimizations (QDQ fused into integer kernels)")
    parser.add_argument("--min-top1", type=percentage, help="fail below this top-1 agreement (%%)")
    parser.add_argument("--min-equal", type=percentage, help="fail below this share of output values equal (%%)")
    parser.add_argument("--min-within-one", type=percentage, help="fail below this share of output values within one step (%%)")
    args = parser.parse_args()
    for path in [args.model, args.inputs, args.network, args.stemsim] + ([args.npy] if args.npy else []):
        if not os.path.isfile(path):
            fail(f"{path}: no such file", 2)
    if args.limit is not None and args.limit < 1:
        fail(f"--limit {args.limit}: must be at least 1", 2)

    inputs = load_json(args.inputs)
    network = load_json(args.network)
    model = onnx.load(args.model)
    consts = constants(model)
    samples = inputs.get("samples", [])
    n = min(len(samples), args.limit) if args.limit else len(samples)
    if args.npy:
        x = np.load(args.npy).astype(np.float32)
        if len(x) < n:
            fail(f"--npy {args.npy}: {len(x)} samples, the inputs file has {n}", 2)
        x = x[:n]
    else:
        x = np.array(samples[:n], dtype=np.float32) * input_scale(model, consts)
    labels = np.array(inputs["labels"][:n]) if "labels" in inputs else None

    with tempfile.TemporaryDirectory() as tmp:
        report_path, spikes_path = os.path.join(tmp, "report.json"), os.path.join(tmp, "spikes.jsonl")
        run([args.stemsim, "run", "--engine", "golden", "--network", args.network, "--inputs", args.inputs,
             "--limit", str(n), "--report", report_path, "--spikes", spikes_path])
        report = load_json(report_path)
        layer_values = stem_layer_values(network, spikes_path, n)

    producer = {out: node for node in model.graph.node for out in node.output}
    dq = producer[model.graph.output[0].name]
    scale = float(np.asarray(consts[dq.input[1]]).reshape(-1)[0])
    qmin, zero = qmin_of(consts, dq)

    options = ort.SessionOptions()
    if not args.ort_optimizations:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    # one session with the output and every layer's quantized tensor as extra outputs
    tensors = layer_tensors(model)
    exposed = onnx.load(args.model)
    known = {o.name for o in exposed.graph.output}
    for name, (tensor, _) in tensors.items():
        if tensor not in known:
            exposed.graph.output.append(helper.make_empty_tensor_value_info(tensor))
            known.add(tensor)
    session = ort.InferenceSession(exposed.SerializeToString(), options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    in_shape = [1] + list(session.get_inputs()[0].shape[1:])
    out_names = [o.name for o in session.get_outputs()]

    ort_q, stem_y = [], np.array([s["outputs"] for s in report["samples"]], dtype=np.int64)
    per_layer = {name: [0, 0, 0] for name in tensors}  # equal, within one, total
    for k in range(n):
        outs = dict(zip(out_names, session.run(None, {input_name: x[k].reshape(in_shape)})))
        out = outs[model.graph.output[0].name].reshape(-1)
        q = np.rint(out.astype(np.float64) / scale).astype(np.int64) + zero
        ort_q.append(q - qmin)
        for name, (tensor, layer_qmin) in tensors.items():
            if name not in layer_values:
                continue
            a = outs[tensor].reshape(-1).astype(np.int64) - layer_qmin
            b = layer_values[name][k]
            if a.shape != b.shape:
                continue
            per_layer[name][0] += int((a == b).sum())
            per_layer[name][1] += int((abs(a - b) <= 1).sum())
            per_layer[name][2] += a.size
    ort_q = np.array(ort_q)
    equal = (ort_q == stem_y)
    equal_pct = equal.mean() * 100
    within_pct = (abs(ort_q - stem_y) <= 1).mean() * 100
    ort_pred = ort_q.argmax(axis=1)
    stem_pred = np.array([s["prediction"] for s in report["samples"]])
    top1 = int((ort_pred == stem_pred).sum())
    top1_pct = top1 / n * 100
    print(f"model        {args.model} ({n} samples, ONNX Runtime {ort.__version__}, "
          f"graph optimizations {'on' if args.ort_optimizations else 'off'})")
    print(f"outputs      {equal_pct:.2f}% of output values equal, {within_pct:.2f}% within one step; "
          f"{equal.all(axis=1).sum()}/{n} samples with every output equal")
    print(f"top-1        {top1}/{n} samples agree ({top1_pct:.2f}%)")
    if labels is not None:
        print(f"accuracy     ONNX Runtime {(ort_pred == labels).mean() * 100:.2f}%, STEM golden {report['accuracy'] * 100:.2f}%, "
              f"QANN {report['qannAccuracy'] * 100:.2f}% (golden = QANN on {report['qannMatches']}/{n} samples)")
    for name, (eq, near, total) in per_layer.items():
        if total:
            print(f"layer        {name}: {eq / total * 100:.2f}% of values equal, {near / total * 100:.2f}% within one step")
    print(f"overflows    {report['overflows']}")
    missed = [f"{what} {value:.2f}% < {limit:g}%" for what, value, limit in
              [("top-1 agreement", top1_pct, args.min_top1), ("outputs equal", equal_pct, args.min_equal),
               ("outputs within one step", within_pct, args.min_within_one)] if limit is not None and value < limit]
    if missed:
        print(f"FAIL: {args.model}: " + "; ".join(missed))
        sys.exit(1)


if __name__ == "__main__":
    main()
