#!/usr/bin/env python3
"""Train the digits CNN with a residual block and quantize it to the STEM integer semantics.

Trains a small ReLU CNN on scikit-learn's 8x8 digits (the data ships inside the scikit-learn
package; nothing is downloaded), in numpy alone (im2col convolutions, hand-written backward
pass, Adam):

    input [1,8,8] -> c1 conv3x3 pad 1, 8 ch [8,8,8] -> c2 conv3x3 stride 2 pad 1, 16 ch [16,4,4]
    -> r1 conv3x3 pad 1 [16,4,4] -> r2 conv3x3 pad 1 of r1 + identity shortcut of c2 [16,4,4]
    -> p1 2x2 average pool [16,2,2] -> fc dense [10]

quantizes it to 8-bit signed weights per output channel and 8-bit unsigned activations with
per-channel requantization (`multiplier`/`postShift` arrays, bias in output scale), computes
the integer-only quantized ANN of docs/stem-spec.md section 10 with numpy, checks every value
of every layer on every test sample against scripts/graph_reference.py (an independent
spike-level implementation of the version-2 semantics) run on the JSON text about to be
written, and writes

    examples/digits-cnn/network.json   the quantized network ("stem-network", version 2)
    examples/digits-cnn/test.json      the held-out test set (64 unsigned 8-bit inputs per sample)
    examples/digits-cnn/calibration.json  the training split in the same format: the calibration
                                       set of `stemsim sweep --scaled auto` (never the test set)

Same data split and input quantization as scripts/train_digits.py (test.json is the same
test set). Deterministic: fixed seeds and single-threaded BLAS; running it twice on the same
machine gives byte-identical files. The scheme is described in docs/digits.md.

    pip install -r scripts/requirements.txt && python3 scripts/train_digits_cnn.py

Exit status 0 when written, 1 when the integer model and the reference disagree (nothing
written), 2 on bad usage. A planted bug (--plant NAME) changes the numpy integer model on
purpose (not the files); the check must then fail with exit 1.
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
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SCRIPTS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(SCRIPTS)
sys.path.insert(0, SCRIPTS)
import graph_reference  # noqa: E402  (the independent version-2 reference beside this script)

SEED = 0
TEST_SIZE = 0.2
TIME_STEPS = 8            # B: activation bits = time steps per window
WEIGHT_BITS = 8
ACCUMULATOR_BITS = 32     # as the digits MLP; the accumulator sweep varies it
OVERFLOW = "wrap"
ACT_MAX = (1 << TIME_STEPS) - 1          # 255
W_MAX = (1 << (WEIGHT_BITS - 1)) - 1     # 127 (symmetric: -127..127)
MULT_MAX = 65535
POST_SHIFT_MAX = 62
INPUT_GAIN = 15           # x_q = 15 * pixel: pixel 0..16 -> 0..240, exact (scale 1/240 of x/16)
HIDDEN_PERCENTILE = 99.9  # hidden scale: this percentile of the training set's ReLU outputs -> 255
OUTPUT_MARGIN = 1.25      # output scale: the training set's winning-logit range, widened 25%

EPOCHS = 60
BATCH = 32
LEARNING_RATE = 5e-3      # Adam, cosine decay to 0 over the epochs
WEIGHT_DECAY = 1e-4       # L2 on the weights (not the biases)

# The architecture: (name, source, kind, out channels, stride); every conv is 3x3 pad 1.
CONVS = [("c1", "input", 8, 1), ("c2", "c1", 16, 2), ("r1", "c2", 16, 1), ("r2", "r1", 16, 1)]
SHORTCUT = ("r2", "c2")   # r2 also receives c2 through an identity connection
CLASSES = 10


# --- convolution by im2col (float and exact int64 alike) -----------------------------------

def im2col(x, stride, pad=1, k=3):
    """x [N,C,H,W] -> columns [N*OH*OW, C*k*k] (column order ci, ky, kx) and (OH, OW)."""
    n, c, h, w = x.shape
    oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((n, c, k, k, oh, ow), dtype=x.dtype)
    for ky in range(k):
        for kx in range(k):
            cols[:, :, ky, kx] = xp[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, c * k * k), (oh, ow)


def col2im(dcols, shape, stride, pad=1, k=3):
    """The adjoint of im2col: columns [N*OH*OW, C*k*k] -> gradient [N,C,H,W]."""
    n, c, h, w = shape
    oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    d = dcols.reshape(n, oh, ow, c, k, k).transpose(0, 3, 4, 5, 1, 2)
    dxp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=dcols.dtype)
    for ky in range(k):
        for kx in range(k):
            dxp[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride] += d[:, :, ky, kx]
    return dxp[:, :, pad:pad + h, pad:pad + w]


def conv(x, w, stride):
    """x [N,C,H,W], w [Co,C,3,3] -> [N,Co,OH,OW] (no bias), and the columns for backward."""
    cols, (oh, ow) = im2col(x, stride)
    out = cols @ w.reshape(w.shape[0], -1).T
    return out.reshape(x.shape[0], oh, ow, w.shape[0]).transpose(0, 3, 1, 2), cols


def pool_sum(x):
    """2x2 sum pooling, stride 2: [N,C,H,W] -> [N,C,H/2,W/2]."""
    return x[:, :, 0::2, 0::2] + x[:, :, 0::2, 1::2] + x[:, :, 1::2, 0::2] + x[:, :, 1::2, 1::2]


# --- the float model ------------------------------------------------------------------------

def init_params(rng):
    params = {}
    cin = 1
    for name, _, cout, _ in CONVS:
        fan_in = cin * 9
        params[name + ".w"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), (cout, cin, 3, 3))
        params[name + ".b"] = np.zeros(cout)
        cin = cout
    params["r2.w"] *= 0.5  # the residual branch starts small (the block starts near identity)
    params["fc.w"] = rng.normal(0.0, np.sqrt(1.0 / 64), (CLASSES, 64))
    params["fc.b"] = np.zeros(CLASSES)
    return params


def forward(params, x):
    """Float forward pass; returns the logits and the cache for backward (pre-activations
    are kept for the calibration)."""
    cache = {"input": x}
    acts = {"input": x}
    for name, src, _, stride in CONVS:
        z, cols = conv(acts[src], params[name + ".w"], stride)
        z = z + params[name + ".b"][None, :, None, None]
        if name == SHORTCUT[0]:
            z = z + acts[SHORTCUT[1]]
        cache[name + ".cols"] = cols
        cache[name + ".z"] = z
        acts[name] = np.maximum(z, 0.0)
    p = pool_sum(acts["r2"]) * 0.25
    acts["p1"] = p
    flat = p.reshape(p.shape[0], -1)                   # index c*H*W + y*W + x
    logits = flat @ params["fc.w"].T + params["fc.b"]
    cache["acts"] = acts
    cache["flat"] = flat
    return logits, cache


def backward(params, cache, dlogits):
    grads = {}
    acts = cache["acts"]
    grads["fc.w"] = dlogits.T @ cache["flat"]
    grads["fc.b"] = dlogits.sum(axis=0)
    dp = (dlogits @ params["fc.w"]).reshape(acts["p1"].shape) * 0.25
    dact = {name: None for name, _, _, _ in CONVS}
    dact["r2"] = np.repeat(np.repeat(dp, 2, axis=2), 2, axis=3)
    for name, src, cout, stride in reversed(CONVS):
        dz = dact[name] * (cache[name + ".z"] > 0)
        w = params[name + ".w"]
        dzm = dz.transpose(0, 2, 3, 1).reshape(-1, cout)
        grads[name + ".w"] = (dzm.T @ cache[name + ".cols"]).reshape(w.shape)
        grads[name + ".b"] = dzm.sum(axis=0)
        if name == SHORTCUT[0]:
            dact[SHORTCUT[1]] = dz.copy()
        if src != "input":
            dx = col2im(dzm @ w.reshape(cout, -1), acts[src].shape, stride)
            dact[src] = dx if dact[src] is None else dact[src] + dx
    return grads


def softmax_xent(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-12))
    d = p.copy()
    d[np.arange(len(labels)), labels] -= 1.0
    return loss, d / len(labels)


def train(x_train, y_train):
    rng = np.random.default_rng(SEED)
    params = init_params(rng)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    steps_per_epoch = (len(x_train) + BATCH - 1) // BATCH
    total = EPOCHS * steps_per_epoch
    for epoch in range(EPOCHS):
        order = rng.permutation(len(x_train))
        for b in range(steps_per_epoch):
            idx = order[b * BATCH:(b + 1) * BATCH]
            logits, cache = forward(params, x_train[idx])
            _, dlogits = softmax_xent(logits, y_train[idx])
            grads = backward(params, cache, dlogits)
            lr = LEARNING_RATE * 0.5 * (1 + np.cos(np.pi * step / total))
            step += 1
            for k in params:
                g = grads[k]
                if k.endswith(".w"):
                    g = g + WEIGHT_DECAY * params[k]
                m[k] = beta1 * m[k] + (1 - beta1) * g
                v[k] = beta2 * v[k] + (1 - beta2) * g * g
                mh = m[k] / (1 - beta1 ** step)
                vh = v[k] / (1 - beta2 ** step)
                params[k] = params[k] - lr * mh / (np.sqrt(vh) + eps)
    return params


# --- the integer semantics (docs/stem-spec.md) ---------------------------------------------

def round_shift(a, s):
    """floor((a + 2^(s-1)) / 2^s) for s > 0, a for s = 0; exact on int64 arrays; s may be an
    array broadcast against a."""
    a = np.asarray(a, dtype=np.int64)
    s = np.asarray(s, dtype=np.int64)
    shifted = ((a >> np.maximum(s - 1, 0)) + 1) >> 1
    return np.where(s == 0, a, shifted)


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


def layer_sums(q, values, name):
    """The integer sum over a layer's connections (no requantization), per neuron, for a
    batch: values maps each source name to its int64 values [N,C,H,W]."""
    layer = q[name]
    if name == "p1":
        return pool_sum(values["r2"])
    if name == "fc":
        flat = values["p1"].reshape(values["p1"].shape[0], -1)
        return flat @ layer["weights"].T
    acc, _ = conv(values[layer["from"]], layer["weights"], layer["stride"])
    if "identity" in layer:
        acc = acc + layer["identity"][None, :, None, None] * values[SHORTCUT[1]]
    return acc


def requantize(acc, layer):
    """y = clamp(round_shift(acc * m_c, n_c) + b_c, 0, 2^B - 1) (output bias), per channel c."""
    extra = (None,) * (acc.ndim - 2)
    m = layer["multiplier"][(slice(None),) + extra]
    n = layer["postShift"][(slice(None),) + extra]
    b = layer["bias"][(slice(None),) + extra]
    assert np.abs(acc).max(initial=0) < (1 << 47)
    if layer.get("truncate"):   # the planted bug "rounding": floor instead of round half up
        return np.clip(((acc * m) >> n) + b, 0, ACT_MAX)
    return np.clip(round_shift(acc * m, n) + b, 0, ACT_MAX)


def planted(q, plant):
    """The integer layers the numpy model uses: q itself, or q with a planted bug (the files
    are always written from q)."""
    if plant is None:
        return q
    model = {name: dict(layer) for name, layer in q.items()}
    if plant == "shortcut":     # channel 0's identity weight one too large
        model["r2"]["identity"] = q["r2"]["identity"] + (np.arange(16) == 0)
    elif plant == "rounding":   # c1 requantizes by truncation
        model["c1"]["truncate"] = True
    return model


ORDER = ["c1", "c2", "r1", "r2", "p1", "fc"]


def qann_forward(q, x_q):
    """The integer-only quantized ANN on inputs x_q [N,64]; returns every layer's values
    (int64, [N,C,H,W] or [N,10]) and every layer's sums."""
    values = {"input": x_q.reshape(-1, 1, 8, 8).astype(np.int64)}
    sums = {}
    for name in ORDER:
        sums[name] = layer_sums(q, values, name)
        values[name] = requantize(sums[name], q[name])
    return values, sums


def window_peaks(q, values):
    """Per layer, the largest |V| the STEM accumulator reaches inside a window (shift 0, MSB
    first): V after step t is the layer's sum over the sources' values truncated to their top
    t+1 bits (section 3; the sum is linear in its sources)."""
    peaks = {}
    for name in ORDER:
        peak = 0
        for t in range(TIME_STEPS):
            low = TIME_STEPS - 1 - t
            truncated = {k: (v >> low) << low for k, v in values.items()}
            peak = max(peak, int(np.abs(layer_sums(q, truncated, name)).max(initial=0)))
        peaks[name] = peak
    return peaks


def predict(outputs):
    return np.argmax(outputs, axis=1)  # numpy's argmax takes the lowest index on ties (spec 8)


# --- quantization --------------------------------------------------------------------------

def quantize(params, x_train):
    """Scales calibrated on the training set; returns the integer layers and a table of the
    scales for the printout."""
    _, cache = forward(params, x_train)
    acts = cache["acts"]
    scale = {"input": 1.0 / (16 * INPUT_GAIN)}   # x = p/16 = (15 p) / 240 exactly
    for name, _, _, _ in CONVS:
        scale[name] = np.percentile(acts[name], HIDDEN_PERCENTILE) / ACT_MAX
    scale["p1"] = scale["r2"]                    # average pool: m = 1, n = 2 keeps the scale
    q = {}
    for name, src, cout, stride in CONVS:
        w = params[name + ".w"]
        wmax = np.abs(w).reshape(cout, -1).max(axis=1)
        s_w = wmax / W_MAX
        layer = {"from": src, "stride": stride}
        if name == SHORTCUT[0]:
            # The shortcut's integer weight k_c makes c2's values count in the conv path's
            # accumulator unit s_w[c] * s_r1: k_c * s_w[c] * s_r1 = s_c2 exactly, by choosing
            # s_w[c] = s_c2 / (k_c * s_r1) with the largest k_c <= 127 that keeps the weights
            # within -127..127.
            ratio = scale[SHORTCUT[1]] / scale[src]
            k = np.minimum(W_MAX, np.floor(W_MAX * ratio / wmax)).astype(np.int64)
            if k.min() < 1:
                raise ValueError("the shortcut weight does not fit: the residual branch is too large")
            s_w = scale[SHORTCUT[1]] / (k * scale[src])
            layer["identity"] = k
        w_q = np.round(w / s_w[:, None, None, None]).astype(np.int64)
        assert np.abs(w_q).max() <= W_MAX
        mn = [requantizer(s * scale[src] / scale[name]) for s in s_w]
        layer.update(weights=w_q, multiplier=np.array([a for a, _ in mn], dtype=np.int64),
                     postShift=np.array([b for _, b in mn], dtype=np.int64),
                     bias=np.round(params[name + ".b"] / scale[name]).astype(np.int64),
                     s_w=s_w)
        q[name] = layer
    q["p1"] = {"multiplier": np.ones(16, dtype=np.int64), "postShift": np.full(16, 2, dtype=np.int64),
               "bias": np.zeros(16, dtype=np.int64)}
    # Output layer: the semantics clamp it to 0..255 too. The argmax needs only the winning
    # logit in range: map the training set's range of winning logits (widened by the margin
    # around its centre) onto 0..255 with a common offset (the argmax is invariant to it).
    logits, _ = forward(params, x_train)
    win = logits.max(axis=1)
    lo, hi = win.min(), win.max()
    mid, half = (lo + hi) / 2, (hi - lo) / 2 * OUTPUT_MARGIN
    s_out = 2 * half / ACT_MAX
    offset = int(round(-(mid - half) / s_out))
    scale["fc"] = s_out
    w = params["fc.w"]
    s_w = np.abs(w).max(axis=1) / W_MAX
    w_q = np.round(w / s_w[:, None]).astype(np.int64)
    mn = [requantizer(s * scale["p1"] / s_out) for s in s_w]
    q["fc"] = {"weights": w_q, "multiplier": np.array([a for a, _ in mn], dtype=np.int64),
               "postShift": np.array([b for _, b in mn], dtype=np.int64),
               "bias": np.round(params["fc.b"] / s_out).astype(np.int64) + offset,
               "s_w": s_w, "offset": offset}
    for name in ORDER:
        layer = q[name]
        assert np.abs(layer["bias"]).max() < (1 << 31)
        assert layer["multiplier"].min() >= 1 and layer["multiplier"].max() <= MULT_MAX
        assert layer["postShift"].min() >= 0 and layer["postShift"].max() <= POST_SHIFT_MAX
    return q, scale


# --- output files --------------------------------------------------------------------------

def dumps(value):
    return json.dumps(value, separators=(",", ":"))


def ints(values):
    return dumps([int(v) for v in values])


def network_json(q):
    """Version 2, one output channel's kernel (or one dense row) per line."""
    lines = ['{"format":"stem-network","version":2,'
             f'"timeSteps":{TIME_STEPS},"weightBits":{WEIGHT_BITS},'
             f'"accumulatorBits":{ACCUMULATOR_BITS},"overflow":"{OVERFLOW}",',
             ' "input":{"shape":[1,8,8],"signed":false},',
             ' "layers":[']
    shapes = {"c1": [8, 8, 8], "c2": [16, 4, 4], "r1": [16, 4, 4], "r2": [16, 4, 4],
              "p1": [16, 2, 2], "fc": [CLASSES]}
    for k, name in enumerate(ORDER):
        layer = q[name]
        lines.append(f'  {{"name":"{name}","shape":{dumps(shapes[name])},')
        if name == "p1":
            lines.append('   "inputs":[{"from":"r2","kind":"pool","kernel":[2,2],"stride":[2,2]}],')
            tail = (f'   "bias":{ints(layer["bias"])},"biasMode":"output","shift":0,"multiplier":1,'
                    '"postShift":2,"rot":0,"drlo":0}')
        else:
            if name == "fc":
                lines.append('   "inputs":[{"from":"p1","kind":"dense","weights":[')
            else:
                s = layer["stride"]
                lines.append(f'   "inputs":[{{"from":"{layer["from"]}","kind":"conv","kernel":[3,3],'
                             f'"stride":[{s},{s}],"padding":[1,1],"weights":[')
            rows = layer["weights"]
            for r, row in enumerate(rows):
                lines.append(f'    {dumps(row.tolist())}' + ("," if r < len(rows) - 1 else ""))
            if "identity" in layer:
                lines.append(f'   ]}},{{"from":"{SHORTCUT[1]}","kind":"identity",'
                             f'"weights":{ints(layer["identity"])}}}],')
            else:
                lines.append('   ]}],')
            tail = (f'   "bias":{ints(layer["bias"])},"biasMode":"output","shift":0,'
                    f'"multiplier":{ints(layer["multiplier"])},"postShift":{ints(layer["postShift"])},'
                    '"rot":0,"drlo":0}')
        lines.append(tail + ("," if k < len(ORDER) - 1 else ""))
    lines.append(' ]}')
    return "\n".join(lines) + "\n"


def test_json(x_test, y_test):
    """The format of examples/digits/test.json."""
    lines = ['{"samples":[']
    for k, sample in enumerate(x_test):
        lines.append(f' [{",".join(str(int(v)) for v in sample)}]' + ("," if k < len(x_test) - 1 else ""))
    lines.append(f'],"labels":[{",".join(str(int(v)) for v in y_test)}]}}')
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


# --- the check against scripts/graph_reference.py ------------------------------------------

def reference_check(net_text, test_text, values):
    """Runs graph_reference.Graph (spike by spike, plain Python integers) on the JSON text
    about to be written, decodes every layer's values of every sample from its spike record
    (layer l sends sample k in window k + stage(l), MSB first) and compares them with the
    numpy integer model. Returns (samples agreeing in every layer, samples, overflows, sops,
    first difference or None)."""
    net, test = json.loads(net_text), json.loads(test_text)
    graph = graph_reference.Graph(net)
    samples = test["samples"]
    record, outputs, sops, overflows = graph.run(samples)
    B = graph.B
    decoded = [[[0] * layer["N"] for _ in samples] for layer in graph.layers]
    for tau, spikes in enumerate(record):
        w, t = divmod(tau, B)
        for (l, j) in spikes:
            if l == 0:
                continue
            k = w - graph.stage[l]
            if 0 <= k < len(samples):
                decoded[l - 1][k][j] |= 1 << (B - 1 - t)
    agree, first = 0, None
    for k in range(len(samples)):
        same = True
        for l, name in enumerate(ORDER):
            expected = values[name][k].reshape(-1).tolist()
            if decoded[l][k] != expected:
                same = False
                if first is None:
                    diff = next(j for j, (a, b) in enumerate(zip(decoded[l][k], expected)) if a != b)
                    first = (f"sample {k}, layer {name} neuron {diff}: reference "
                             f"{decoded[l][k][diff]}, numpy {expected[diff]}")
        if outputs[k] != values["fc"][k].tolist():
            same = False
        agree += same
    return agree, len(samples), overflows, sops, first


# --- main ----------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "examples", "digits-cnn"),
                        help="output directory (default: examples/digits-cnn)")
    parser.add_argument("--plant", choices=["shortcut", "rounding"], default=None,
                        help="plant a bug in the numpy integer model (the check must then fail)")
    args = parser.parse_args()
    parent = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(parent):
        print(f"--out: {args.out}: the folder {parent} does not exist", file=sys.stderr)
        return 2
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        print(f"--out: {args.out}: exists and is not a folder", file=sys.stderr)
        return 2

    started = time.monotonic()
    digits = load_digits()
    pixels = digits.data.astype(np.int64)                   # 0..16
    labels = digits.target.astype(np.int64)
    p_train, p_test, y_train, y_test = train_test_split(
        pixels, labels, test_size=TEST_SIZE, random_state=SEED, stratify=labels)
    x_train = (p_train / 16.0).reshape(-1, 1, 8, 8)
    x_test = (p_test / 16.0).reshape(-1, 1, 8, 8)

    params = train(x_train, y_train)
    trained = time.monotonic()
    float_train_acc = float(np.mean(predict(forward(params, x_train)[0]) == y_train))
    float_pred = predict(forward(params, x_test)[0])
    float_correct = int(np.sum(float_pred == y_test))

    q, scale = quantize(params, x_train)
    model = planted(q, args.plant)
    xq_train, xq_test = p_train * INPUT_GAIN, p_test * INPUT_GAIN
    train_values, _ = qann_forward(model, xq_train)
    train_qacc = float(np.mean(predict(train_values["fc"]) == y_train))
    values, sums = qann_forward(model, xq_test)
    quant_pred = predict(values["fc"])
    quant_correct = int(np.sum(quant_pred == y_test))
    n_test = len(y_test)

    print(f"digits: {len(p_train)} training, {n_test} test samples; CNN c1 conv3x3 8 -> "
          f"c2 conv3x3/2 16 -> r1, r2 conv3x3 16 (+ identity from c2) -> 2x2 average pool -> "
          f"dense 10, ReLU; seed {SEED}; {EPOCHS} epochs in {trained - started:.1f} s")
    print(f"calibration (training set): hidden scale = {HIDDEN_PERCENTILE}th percentile / "
          f"{ACT_MAX}, output = winning-logit range x {OUTPUT_MARGIN} onto 0..{ACT_MAX}")
    print(f"float accuracy      train {float_train_acc * 100:6.2f}%   "
          f"test {float_correct / n_test * 100:6.2f}% ({float_correct}/{n_test})")
    print(f"quantized accuracy  train {train_qacc * 100:6.2f}%   "
          f"test {quant_correct / n_test * 100:6.2f}% ({quant_correct}/{n_test})"
          "   <- the Swift tool must reproduce this bit-exactly")
    top = np.sort(values["fc"], axis=1)
    ties = int(np.sum(top[:, -1] == top[:, -2]))
    print(f"float and quantized predictions differ on {int(np.sum(quant_pred != float_pred))} "
          f"test samples; {ties} test samples have a tie for the top output")

    print("per layer (test set):")
    print("  layer  shape       s_out      m range        n range  max|sum|  bits  "
          "max|V| in window  bits  outputs at 0 / at 255")
    peaks = window_peaks(model, {"input": values["input"], **{k: values[k] for k in ORDER}})
    widest = 0
    for name in ORDER:
        layer, acc, y = q[name], sums[name], values[name]
        biggest = int(np.abs(acc).max())
        need = max(bits_needed(int(acc.min())), bits_needed(int(acc.max())))
        peak_need = bits_needed(peaks[name])
        widest = max(widest, need, peak_need)
        shape = "x".join(map(str, y.shape[1:]))
        m, n = layer["multiplier"], layer["postShift"]
        zeros, sat = float(np.mean(y == 0)) * 100, float(np.mean(y == ACT_MAX)) * 100
        print(f"  {name:5s}  {shape:10s}  {scale[name]:.4e}  {m.min():5d}..{m.max():5d}  "
              f"{n.min():2d}..{n.max():2d}  {biggest:8d}  {need:4d}  {peaks[name]:16d}  "
              f"{peak_need:4d}  {zeros:5.1f}% / {sat:4.1f}%")
    print(f"identity shortcut weights (c2 -> r2): {q['r2']['identity'].tolist()}; "
          f"output offset {q['fc']['offset']}")
    print(f"accumulator: {ACCUMULATOR_BITS} bits written ({OVERFLOW}); on the test set the sums "
          f"and the MSB-first window partials (shift 0) need at most {widest} bits")
    assert widest <= ACCUMULATOR_BITS
    assert xq_test.min() >= 0 and xq_test.max() <= ACT_MAX

    net_text, test_text = network_json(q), test_json(xq_test, y_test)
    checking = time.monotonic()
    agree, total, overflows, sops, first = reference_check(net_text, test_text, values)
    print(f"graph_reference.py on the JSON text: {agree}/{total} test samples agree with the "
          f"numpy integer model in every value of every layer; {overflows} overflow events, "
          f"{sops} SOPs ({time.monotonic() - checking:.1f} s)")
    if agree != total or overflows != 0:
        print("error: the quantized integer model and scripts/graph_reference.py disagree"
              + (f" (first: {first})" if first else f" ({overflows} overflow events)")
              + "; nothing written", file=sys.stderr)
        return 1
    if args.plant is not None:
        print(f"error: the planted bug {args.plant!r} was not caught; nothing written", file=sys.stderr)
        return 0

    os.makedirs(args.out, exist_ok=True)
    paths = [os.path.join(args.out, name) for name in ("network.json", "test.json", "calibration.json")]
    texts = [net_text, test_text, test_json(xq_train, y_train)]
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
    print(f"total {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
