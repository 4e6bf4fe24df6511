#!/usr/bin/env python3
"""Train the bundled digits classifier and quantize it to the STEM integer semantics.

Trains a 64-64-32-10 ReLU MLP on scikit-learn's 8x8 digits (the data ships inside the
scikit-learn package; nothing is downloaded), quantizes it to 8-bit weights and 8-bit
activations with symmetric per-layer weight quantization and bias calibration (bias stored
in output scale, `biasMode: "output"`), checks the integer-only quantized ANN of
docs/stem-spec.md section 10 in Python, and writes

    examples/digits/network.json   the quantized network ("stem-network", version 1)
    examples/digits/test.json      the held-out test set (64 unsigned 8-bit inputs per sample)
    examples/digits/calibration.json  the training split in the same format: the calibration
                                   set of `stemsim sweep --scaled auto` (never the test set)

Deterministic: a fixed seed, a fixed stratified split and single-threaded BLAS; running it
twice on the same machine gives byte-identical files. The scheme is described in
docs/digits.md.

    pip install -r scripts/requirements.txt && python3 scripts/train_digits.py
"""

import os

# Single-threaded BLAS before numpy is imported: summation order stays fixed.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import sys
import tempfile
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

SEED = 0
TEST_SIZE = 0.2
HIDDEN = (64, 32)
TIME_STEPS = 8            # B: activation bits = time steps per window
WEIGHT_BITS = 8
ACCUMULATOR_BITS = 32     # written into network.json; the accumulator sweep varies it
OVERFLOW = "wrap"
ACT_MAX = (1 << TIME_STEPS) - 1          # 255
W_MAX = (1 << (WEIGHT_BITS - 1)) - 1     # 127 (symmetric: -127..127)
MULT_MAX = 65535
POST_SHIFT_MAX = 62
INPUT_GAIN = 15           # x_q = 15 * pixel: pixel 0..16 -> 0..240, exact (scale 1/240 of x/16)
HIDDEN_PERCENTILE = 99.9  # hidden scale: this percentile of the training set's ReLU outputs -> 255
OUTPUT_MARGIN = 1.25      # output scale: the training set's winning-logit range, widened 25%

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- the integer semantics (docs/stem-spec.md) ---------------------------------------------

def round_shift(a, s):
    """floor((a + 2^(s-1)) / 2^s) for s > 0, a for s = 0; exact on int64 arrays."""
    a = np.asarray(a, dtype=np.int64)
    if s == 0:
        return a
    return ((a >> (s - 1)) + 1) >> 1


def bits_needed(v):
    """The smallest A whose A-bit two's-complement range holds the integer v."""
    v = int(v)
    return (v.bit_length() if v >= 0 else (-v - 1).bit_length()) + 1


def requantizer(real_factor):
    """(m, n) with m / 2^n ~= real_factor, m in 1..65535 using as many bits as fit."""
    if not real_factor > 0:
        raise ValueError(f"requantization factor must be positive, got {real_factor}")
    best = None
    for n in range(POST_SHIFT_MAX + 1):
        m = int(round(real_factor * (1 << n)))
        if m > MULT_MAX:
            break
        if m >= 1:
            best = (m, n)
    if best is None:
        raise ValueError(f"requantization factor {real_factor} does not fit m <= {MULT_MAX}")
    return best


def qann_layer(x_q, layer):
    """One layer of the integer-only quantized ANN, output bias (spec section 10).

    Returns (y, acc): y = clamp(round_shift(acc * m, n) + b, 0, 2^B - 1), acc = sum_i w_ji x_i.
    """
    w = layer["weights"]
    acc = x_q.astype(np.int64) @ w.T.astype(np.int64)         # exact: |acc| < 2^31 here
    assert np.abs(acc).max(initial=0) < (1 << 47)
    y_pre = round_shift(acc * layer["multiplier"], layer["postShift"]) + layer["bias"]
    return np.clip(y_pre, 0, ACT_MAX), acc


def qann_forward(x_q, layers):
    """All layers; returns the output layer's values and each layer's accumulator sums."""
    accs = []
    y = x_q
    for layer in layers:
        y, acc = qann_layer(y, layer)
        accs.append(acc)
    return y, accs


def predict(outputs):
    return np.argmax(outputs, axis=1)  # numpy's argmax takes the lowest index on ties (spec 8)


def window_partials(x_q, w):
    """The STEM accumulator during a window (shift 0, unsigned inputs, no fit):
    V after step t = sum_{t' <= t} I(t') * 2^(B-1-t'), MSB first. Returns (max |V|, final V)."""
    x_q = x_q.astype(np.int64)
    w = w.astype(np.int64)
    v = np.zeros((x_q.shape[0], w.shape[0]), dtype=np.int64)
    peak = 0
    for t in range(TIME_STEPS):
        bit = (x_q >> (TIME_STEPS - 1 - t)) & 1          # the spikes of step t
        v = v + (bit @ w.T) * (1 << (TIME_STEPS - 1 - t))
        peak = max(peak, int(np.abs(v).max(initial=0)))
    return peak, v


# --- training and quantization -------------------------------------------------------------

def load_split():
    digits = load_digits()
    pixels = digits.data.astype(np.int64)                   # 0..16
    labels = digits.target.astype(np.int64)
    return train_test_split(pixels, labels, test_size=TEST_SIZE, random_state=SEED,
                            stratify=labels)


def train(p_train, y_train):
    mlp = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam",
                        alpha=1e-3, learning_rate_init=1e-3, batch_size=64, max_iter=400,
                        tol=1e-6, n_iter_no_change=400, shuffle=True, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # fixed epoch count on purpose
        mlp.fit(p_train / 16.0, y_train)
    return mlp


def float_activations(mlp, x):
    """Pre-activation values of every layer (float), inputs x = pixels / 16."""
    pre = []
    h = x
    for i, (w, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        z = h @ w + b
        pre.append(z)
        h = np.maximum(z, 0.0) if i < len(mlp.coefs_) - 1 else z
    return pre


def quantize(mlp, p_train, hidden_percentile, output_margin):
    """Quantize with the given calibration choices (computed on the training set only)."""
    pre = float_activations(mlp, p_train / 16.0)
    layers = []
    s_in = 1.0 / (16 * INPUT_GAIN)      # input scale: x = p/16 = (15 p) / 240 exactly
    n_layers = len(mlp.coefs_)
    for i, (w_f, b_f) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        w_f = w_f.T                                          # rows = neurons of this layer
        s_w = np.abs(w_f).max() / W_MAX
        w_q = np.clip(np.round(w_f / s_w), -W_MAX, W_MAX).astype(np.int64)
        if i < n_layers - 1:
            # Hidden layer: unsigned 8-bit ReLU output, scale from a high percentile.
            top = np.percentile(np.maximum(pre[i], 0.0), hidden_percentile)
            s_out = top / ACT_MAX
            offset = 0
        else:
            # Output layer: the semantics clamp it to 0..255 too. The argmax needs only the
            # winning logit in range, so map the training set's range of winning logits
            # (widened by the margin around its centre) onto 0..255 with a common offset
            # (the argmax is invariant to it).
            win = pre[i].max(axis=1)
            lo, hi = win.min(), win.max()
            mid, half = (lo + hi) / 2, (hi - lo) / 2 * output_margin
            s_out = 2 * half / ACT_MAX
            offset = int(round(-(mid - half) / s_out))
        m, n = requantizer(s_w * s_in / s_out)
        b_q = np.round(b_f / s_out).astype(np.int64) + offset
        assert np.abs(b_q).max() < (1 << 31)
        layers.append({"weights": w_q, "bias": b_q, "multiplier": m, "postShift": n,
                       "scales": (s_w, s_in, s_out), "offset": offset})
        s_in = s_out
    return layers


def check_files(net_text, test_text):
    """Re-read the written JSON and run the integer formula with plain Python integers (an
    independent path from the numpy one above); returns the output values and the labels."""
    net, test = json.loads(net_text), json.loads(test_text)
    outputs = []
    for sample in test["samples"]:
        x = sample
        for layer in net["layers"]:
            m, n = layer["multiplier"], layer["postShift"]
            y = []
            for row, b in zip(layer["weights"], layer["bias"]):
                a = sum(w * v for w, v in zip(row, x)) * m
                y_pre = (a + (1 << (n - 1))) // (1 << n) if n > 0 else a   # floor division
                y.append(min(max(y_pre + b, 0), ACT_MAX))
            x = y
        outputs.append(x)
    return outputs, test["labels"]


# --- output files --------------------------------------------------------------------------

def ints(values):
    return ",".join(str(int(v)) for v in values)


def network_json(layers):
    lines = ['{"format":"stem-network","version":1,'
             f'"timeSteps":{TIME_STEPS},"weightBits":{WEIGHT_BITS},'
             f'"accumulatorBits":{ACCUMULATOR_BITS},"overflow":"{OVERFLOW}",',
             f' "inputSize":{layers[0]["weights"].shape[1]},"inputSigned":false,',
             ' "layers":[']
    for k, layer in enumerate(layers):
        rows = layer["weights"]
        lines.append('  {"weights":[')
        for r, row in enumerate(rows):
            lines.append(f'    [{ints(row)}]' + ("," if r < len(rows) - 1 else ""))
        lines.append(f'   ],"bias":[{ints(layer["bias"])}],')
        lines.append(f'   "biasMode":"output","shift":0,"multiplier":{layer["multiplier"]},'
                     f'"postShift":{layer["postShift"]},"rot":0,"drlo":0}}'
                     + ("," if k < len(layers) - 1 else ""))
    lines.append(' ]}')
    return "\n".join(lines) + "\n"


def test_json(x_test, y_test):
    lines = ['{"samples":[']
    for k, sample in enumerate(x_test):
        lines.append(f' [{ints(sample)}]' + ("," if k < len(x_test) - 1 else ""))
    lines.append(f'],"labels":[{ints(y_test)}]}}')
    return "\n".join(lines) + "\n"


def write_atomically(path, text):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        return tmp
    except BaseException:
        os.unlink(tmp)
        raise


# --- main ----------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "examples", "digits"),
                        help="output directory (default: examples/digits)")
    args = parser.parse_args()

    p_train, p_test, y_train, y_test = load_split()
    mlp = train(p_train, y_train)
    float_acc = float(np.mean(mlp.predict(p_test / 16.0) == y_test))
    float_train_acc = float(np.mean(mlp.predict(p_train / 16.0) == y_train))

    layers = quantize(mlp, p_train, HIDDEN_PERCENTILE, OUTPUT_MARGIN)
    x_train, x_test = p_train * INPUT_GAIN, p_test * INPUT_GAIN
    train_out, _ = qann_forward(x_train, layers)
    train_qacc = float(np.mean(predict(train_out) == y_train))
    out, accs = qann_forward(x_test, layers)
    quant_pred = predict(out)
    quant_acc = float(np.mean(quant_pred == y_test))
    float_pred = mlp.predict(p_test / 16.0)

    sizes = [layers[0]["weights"].shape[1]] + [l["weights"].shape[0] for l in layers]
    print(f"digits: {len(p_train)} training, {len(p_test)} test samples; "
          f"network {'-'.join(map(str, sizes))}, ReLU; seed {SEED}")
    print(f"calibration (training set): hidden scale = {HIDDEN_PERCENTILE}th percentile / "
          f"{ACT_MAX}, output = winning-logit range x {OUTPUT_MARGIN} onto 0..{ACT_MAX}")
    print(f"float accuracy      train {float_train_acc * 100:6.2f}%   "
          f"test {float_acc * 100:6.2f}% ({int(round(float_acc * len(y_test)))}/{len(y_test)})")
    print(f"quantized accuracy  train {train_qacc * 100:6.2f}%   "
          f"test {quant_acc * 100:6.2f}% ({int(np.sum(quant_pred == y_test))}/{len(y_test)})"
          "   <- the Swift tool must reproduce this bit-exactly")
    top = np.sort(out, axis=1)
    ties = int(np.sum(top[:, -1] == top[:, -2]))
    print(f"float and quantized predictions differ on {int(np.sum(quant_pred != float_pred))} "
          f"test samples; {ties} test samples have a tie for the top output")

    print("per layer (test set):")
    print("  layer  neurons  m      n   M=m/2^n     max|sum w*x|  bits  "
          "max|V| in window  bits  outputs at 0 / at 255")
    y = x_test
    widest_partial = 0
    for k, (layer, acc) in enumerate(zip(layers, accs), start=1):
        peak, final = window_partials(y, layer["weights"])
        assert np.array_equal(final, acc), "bit-serial sum differs from sum w*x"
        y, _ = qann_layer(y, layer)
        lo, hi = int(acc.min()), int(acc.max())
        biggest = max(abs(lo), abs(hi))
        need = max(bits_needed(lo), bits_needed(hi))
        peak_need = max(bits_needed(peak), bits_needed(-peak))
        widest_partial = max(widest_partial, peak_need)
        m, n = layer["multiplier"], layer["postShift"]
        zeros, sat = float(np.mean(y == 0)) * 100, float(np.mean(y == ACT_MAX)) * 100
        print(f"  {k:5d}  {layer['weights'].shape[0]:7d}  {m:5d}  {n:2d}  {m / (1 << n):.6e}  "
              f"{biggest:12d}  {need:4d}  {peak:16d}  {peak_need:4d}  "
              f"{zeros:5.1f}% / {sat:4.1f}%")
    widest = max(max(bits_needed(int(a.min())), bits_needed(int(a.max()))) for a in accs)
    print(f"accumulator: {ACCUMULATOR_BITS} bits written ({OVERFLOW}); on the test set the sums "
          f"need {widest} bits and the MSB-first window partials (shift 0) "
          f"{widest_partial} bits")

    # Sanity checks against the format's ranges before anything is written.
    for k, layer in enumerate(layers):
        assert np.abs(layer["weights"]).max() <= W_MAX, f"layers[{k}].weights out of range"
        assert 1 <= layer["multiplier"] <= MULT_MAX, f"layers[{k}].multiplier out of range"
        assert 0 <= layer["postShift"] <= POST_SHIFT_MAX, f"layers[{k}].postShift out of range"
    assert x_test.min() >= 0 and x_test.max() <= ACT_MAX

    net_text, test_text = network_json(layers), test_json(x_test, y_test)
    file_out, file_labels = check_files(net_text, test_text)
    if file_out != out.tolist() or file_labels != y_test.tolist():
        sys.exit("internal error: the JSON files do not reproduce the quantized model")
    print("re-read check: the JSON files, run with plain Python integers, give the same "
          f"output values for all {len(file_out)} test samples")

    paths = [os.path.join(args.out, name) for name in ("network.json", "test.json", "calibration.json")]
    texts = [net_text, test_text, test_json(x_train, y_train)]
    temporaries = []
    try:
        for path, text in zip(paths, texts):
            temporaries.append(write_atomically(path, text))
    except BaseException:
        for tmp in temporaries:
            os.unlink(tmp)
        raise
    for tmp, path in zip(temporaries, paths):
        os.replace(tmp, path)
    for path in paths:
        shown = os.path.relpath(path)
        print(f"wrote {path if shown.startswith('..') else shown} ({os.path.getsize(path)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
