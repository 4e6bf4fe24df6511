#!/usr/bin/env python3
"""An independent reference of the version-2 (layer graph) STEM semantics, written from the
text of docs/stem-spec.md and docs/formats.md alone, in plain Python: it shares no code with
the Swift golden model. It generates random graph networks, runs them here and through
`stemsim run --engine golden --spikes --report`, and compares every spike of every step, the
outputs, the SOP count and the overflow count.

    scripts/graph_reference.py --stemsim .build/debug/stemsim --networks 40 [--seed 1]

Exit status 0 when every network agrees, 1 on the first difference (printed), 2 on bad usage.
A planted bug (--plant NAME) changes this reference on purpose; the check must then fail.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile


def round_shift(a, s):
    return a if s == 0 else (a + (1 << (s - 1))) >> s  # Python's >> floors: rounds half up


def fit(v, bits, saturate):
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if lo <= v <= hi:
        return v, False
    if saturate:
        return (lo if v < lo else hi), True
    return ((v + (1 << (bits - 1))) % (1 << bits)) - (1 << (bits - 1)), True


def rot(y, r, B):
    if r == 0:
        return y
    return min(round_shift(y, r) << r, (((1 << B) - 1) >> r) << r)


def drlo(y, K):
    if K == 0:
        return y
    out, kept = 0, 0
    for bit in reversed(range(64)):
        if y >> bit & 1 and kept < K:
            out |= 1 << bit
            kept += 1
    return out


def shape3(shape):
    return tuple(shape) if len(shape) == 3 else (shape[0], 1, 1)


class Graph:
    """The network as the reference sees it: per layer, a list of (source, kind, pairs) where
    pairs maps each source neuron to its (target neuron, weight) list."""

    def __init__(self, net, plant=None):
        self.B = net["timeSteps"]
        self.A = net["accumulatorBits"]
        self.saturate = net.get("overflow", "wrap") == "saturate"
        self.signed = net["input"].get("signed", False)
        self.shapes = [shape3(net["input"]["shape"])]
        self.names = {"input": 0}
        self.layers = []
        self.plant = plant
        for index, spec in enumerate(net["layers"]):
            shape = shape3(spec["shape"])
            C, H, W = shape
            N = C * H * W
            conns = []
            for c in spec["inputs"]:
                src = self.names[c["from"]]
                sC, sH, sW = self.shapes[src]
                fan = {}  # source neuron -> [(target, weight)]
                kind = c["kind"]
                if kind == "dense":
                    for o in range(N):
                        for i, w in enumerate(c["weights"][o]):
                            fan.setdefault(i, []).append((o, w))
                elif kind == "conv":
                    KH, KW = c["kernel"]
                    SH, SW = c.get("stride", [1, 1])
                    PH, PW = c.get("padding", [0, 0])
                    if plant == "padding":
                        PH += 1
                    for co in range(C):
                        for oy in range(H):
                            for ox in range(W):
                                o = co * H * W + oy * W + ox
                                for ci in range(sC):
                                    for ky in range(KH):
                                        for kx in range(KW):
                                            y, x = oy * SH - PH + ky, ox * SW - PW + kx
                                            if 0 <= y < sH and 0 <= x < sW:
                                                w = c["weights"][co][ci][ky][kx]
                                                fan.setdefault(ci * sH * sW + y * sW + x, []).append((o, w))
                elif kind == "pool":
                    KH, KW = c["kernel"]
                    SH, SW = c.get("stride", c["kernel"])
                    for ch in range(C):
                        for oy in range(H):
                            for ox in range(W):
                                o = ch * H * W + oy * W + ox
                                for ky in range(KH):
                                    for kx in range(KW):
                                        y, x = oy * SH + ky, ox * SW + kx
                                        fan.setdefault(ch * sH * sW + y * sW + x, []).append((o, 1))
                elif kind == "identity":
                    for ch in range(C):
                        for p in range(H * W):
                            fan.setdefault(ch * H * W + p, []).append((ch * H * W + p, c["weights"][ch]))
                conns.append((src, kind, fan))
            bias = spec.get("bias", [0] * N)
            if len(bias) == C and N != C:
                bias = [bias[j // (H * W)] for j in range(N)]
            def per_channel(key, default):
                v = spec.get(key, default)
                return v if isinstance(v, list) else [v] * C
            layer = dict(shape=shape, N=N, conns=conns, bias=bias,
                         accBias=spec.get("biasMode", "output") == "accumulator",
                         shift=spec.get("shift", 0), m=per_channel("multiplier", 1),
                         n=per_channel("postShift", 0), rot=spec.get("rot", 0), drlo=spec.get("drlo", 0))
            self.layers.append(layer)
            self.shapes.append(shape)
            self.names[spec["name"]] = index + 1
        self.stage = [0]
        for layer in self.layers:
            self.stage.append(1 + max(self.stage[src] for src, _, _ in layer["conns"]))
        if plant == "delay":
            self.delay_fix = -1
        else:
            self.delay_fix = 0

    def run(self, samples):
        B, L = self.B, len(self.layers)
        S = len(samples)
        D = max(self.stage)
        steps = (S + D) * B
        sizes = [self.shapes[0][0] * self.shapes[0][1] * self.shapes[0][2]] + [l["N"] for l in self.layers]
        # fan-out SOP cost per (layer, neuron): nonzero weights over all connections leaving it
        cost = [[0] * n for n in sizes]
        for layer in self.layers:
            for src, _, fan in layer["conns"]:
                for i, pairs in fan.items():
                    cost[src][i] += sum(1 for _, w in pairs if w != 0)
        sent = [[] for _ in range(steps)]  # per step: list of (layer, neuron)
        V = [[0] * l["N"] for l in self.layers]
        Y = [[0] * l["N"] for l in self.layers]  # the value being sent in the current window
        overflows = 0
        sops = 0
        outputs = [None] * S
        record = []
        for tau in range(steps):
            w, t = divmod(tau, B)
            spikes = set()
            # layer 0 sends sample w
            if w < S:
                for i, x in enumerate(samples[w]):
                    bits = x & ((1 << B) - 1)
                    if bits >> (B - 1 - t) & 1:
                        spikes.add((0, i))
            for l, layer in enumerate(self.layers, start=1):
                st = self.stage[l]
                # sending: window w carries sample w - st
                if st <= w <= S + st - 1:
                    for j in range(layer["N"]):
                        if Y[l - 1][j] >> (B - 1 - t) & 1:
                            spikes.add((l, j))
            # accumulate: layer l in window w accumulates sample w - st + 1
            for l, layer in enumerate(self.layers, start=1):
                st = self.stage[l]
                if not (st - 1 <= w <= S + st - 2):
                    continue
                C, H, Wd = layer["shape"]
                if t == 0:
                    for j in range(layer["N"]):
                        if layer["accBias"]:
                            v, o = fit(round_shift(layer["bias"][j], layer["shift"]), self.A, self.saturate)
                            overflows += o
                            V[l - 1][j] = v
                        else:
                            V[l - 1][j] = 0
                I = [0] * layer["N"]
                for src, kind, fan in layer["conns"]:
                    d = st - 1 - self.stage[src] + (self.delay_fix if self.stage[src] < st - 1 else 0)
                    at = tau - d * B
                    if at < 0:
                        continue
                    sign = -1 if (src == 0 and self.signed and t == 0) else 1
                    for (sl, si) in sent[at] if at < tau else []:
                        if sl != src:
                            continue
                        for o, wgt in fan.get(si, []):
                            I[o] += sign * wgt
                    if at == tau:
                        for (sl, si) in spikes:
                            if sl != src:
                                continue
                            for o, wgt in fan.get(si, []):
                                I[o] += sign * wgt
                for j in range(layer["N"]):
                    if I[j] == 0:
                        continue
                    term = round_shift(I[j] * (1 << (B - 1 - t)), layer["shift"])
                    v, o = fit(V[l - 1][j] + term, self.A, self.saturate)
                    overflows += o
                    V[l - 1][j] = v
            sent[tau] = sorted(spikes)
            for (l, i) in spikes:
                sops += cost[l][i]
            record.append(sorted(spikes))
            # end of window: accumulating layers produce y for the next window
            if t == B - 1:
                for l, layer in enumerate(self.layers, start=1):
                    st = self.stage[l]
                    C, H, Wd = layer["shape"]
                    if st - 1 <= w <= S + st - 2:
                        for j in range(layer["N"]):
                            c = j // (H * Wd)
                            y = round_shift(V[l - 1][j] * layer["m"][c], layer["n"][c])
                            if not layer["accBias"]:
                                y += layer["bias"][j]
                            y = max(0, min(y, (1 << B) - 1))
                            y = drlo(rot(y, layer["rot"], B), layer["drlo"])
                            Y[l - 1][j] = y
                    else:
                        Y[l - 1] = [0] * layer["N"]
        # outputs: the last layer's spike train in window k + stage(L)
        last = len(self.layers)
        stL = self.stage[last]
        for k in range(S):
            values = [0] * self.layers[-1]["N"]
            for t in range(B):
                for (l, j) in record[(k + stL) * B + t]:
                    if l == last:
                        values[j] |= 1 << (B - 1 - t)
            outputs[k] = values
        return record, outputs, sops, overflows


def random_network(rng):
    B = rng.choice([3, 4, 5, 8])
    WB = rng.choice([3, 4, 6, 8])
    wmax = (1 << (WB - 1)) - 1
    signed = rng.random() < 0.3
    C0, H0 = rng.choice([1, 2, 3]), rng.choice([3, 4, 5, 6])
    W0 = rng.choice([H0, H0 + 1])
    shapes = {"input": (C0, H0, W0)}
    order = ["input"]
    layers = []
    count = rng.randint(2, 5)
    for index in range(count):
        name = f"l{index}"
        last = index == count - 1
        src = order[-1] if rng.random() < 0.7 else rng.choice(order)
        sC, sH, sW = shapes[src]
        kinds = ["dense"] if last else ["conv", "conv", "pool", "dense"]
        kind = rng.choice(kinds)
        if kind == "pool" and (sH < 2 or sW < 2):
            kind = "conv"
        conn = {"from": src, "kind": kind}
        if kind == "dense":
            N = rng.randint(2, 6)
            shape = [N]
            conn["weights"] = [[rng.randint(-wmax, wmax) if rng.random() < 0.7 else 0 for _ in range(sC * sH * sW)]
                               for _ in range(N)]
            out = (N, 1, 1)
        elif kind == "conv":
            KH, KW = rng.choice([1, 2, 3]), rng.choice([1, 2, 3])
            SH, SW = rng.choice([1, 1, 2]), rng.choice([1, 2])
            PH, PW = rng.randint(0, KH - 1), rng.randint(0, KW - 1)
            oH, oW = (sH + 2 * PH - KH) // SH + 1, (sW + 2 * PW - KW) // SW + 1
            if oH < 1 or oW < 1:
                KH = KW = 1; SH = SW = 1; PH = PW = 0; oH, oW = sH, sW
            C = rng.randint(1, 3)
            conn.update(kernel=[KH, KW], stride=[SH, SW], padding=[PH, PW])
            conn["weights"] = [[[[rng.randint(-wmax, wmax) for _ in range(KW)] for _ in range(KH)]
                                for _ in range(sC)] for _ in range(C)]
            shape = [C, oH, oW]
            out = (C, oH, oW)
        else:
            KH, KW = 2, 2
            SH, SW = rng.choice([[2, 2], [1, 1], [1, 2]])
            conn.update(kernel=[KH, KW], stride=[SH, SW])
            out = (sC, (sH - KH) // SH + 1, (sW - KW) // SW + 1)
            shape = list(out)
        inputs = [conn]
        # a shortcut: an identity from any earlier layer of the same shape
        same = [n for n in order if shapes[n] == out and n != src]
        if same and rng.random() < 0.6:
            inputs.append({"from": rng.choice(same), "kind": "identity",
                           "weights": [rng.randint(-wmax, wmax) for _ in range(out[0])]})
        C = out[0]
        N = out[0] * out[1] * out[2]
        layer = {"name": name, "shape": shape, "inputs": inputs}
        if rng.random() < 0.5:
            layer["bias"] = [rng.randint(-20, 20) for _ in range(rng.choice([N, C]))]
        layer["biasMode"] = rng.choice(["output", "accumulator"])
        layer["shift"] = rng.choice([0, 0, 0, 1, 2])
        if rng.random() < 0.5:
            layer["multiplier"] = [rng.randint(1, 300) for _ in range(C)]
            layer["postShift"] = [rng.randint(4, 10) for _ in range(C)]
        else:
            layer["multiplier"] = rng.randint(1, 300)
            layer["postShift"] = rng.randint(4, 10)
        layer["rot"] = rng.choice([0, 0, 1])
        layer["drlo"] = rng.choice([0, 0, 2])
        layers.append(layer)
        shapes[name] = out
        order.append(name)
    net = {"format": "stem-network", "version": 2, "timeSteps": B, "weightBits": WB,
           "accumulatorBits": rng.choice([12, 16, 24, 32]),
           "overflow": rng.choice(["wrap", "saturate"]),
           "input": {"shape": list(shapes["input"]), "signed": signed}, "layers": layers}
    n0 = C0 * H0 * W0
    lo, hi = (-(1 << (B - 1)), (1 << (B - 1)) - 1) if signed else (0, (1 << B) - 1)
    samples = [[rng.randint(lo, hi) for _ in range(n0)] for _ in range(rng.randint(1, 4))]
    return net, samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stemsim", required=True)
    parser.add_argument("--networks", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plant", choices=["padding", "delay"], default=None)
    args = parser.parse_args()
    if not 1 <= args.networks <= 100000:
        print("--networks must be in 1...100000", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    seen = {"overflowing": 0, "delayed shortcuts": 0, "signed inputs": 0, "per-channel scales": 0}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(args.networks):
            net, samples = random_network(rng)
            paths = {k: os.path.join(folder, k) for k in ["net.json", "in.json", "s.jsonl", "r.json"]}
            json.dump(net, open(paths["net.json"], "w"))
            json.dump({"samples": samples}, open(paths["in.json"], "w"))
            run = subprocess.run([args.stemsim, "run", "--engine", "golden", "--network", paths["net.json"],
                                  "--inputs", paths["in.json"], "--spikes", paths["s.jsonl"],
                                  "--report", paths["r.json"]], capture_output=True, text=True)
            if run.returncode != 0:
                print(f"network {n}: stemsim exited {run.returncode}: {run.stderr}", file=sys.stderr)
                json.dump(net, open(f"/tmp/graph-ref-fail-{n}.json", "w"))
                return 1
            graph = Graph(net, args.plant)
            record, outputs, sops, overflows = graph.run(samples)
            seen["overflowing"] += overflows > 0
            seen["signed inputs"] += graph.signed
            seen["per-channel scales"] += any(isinstance(l.get("multiplier"), list) for l in net["layers"])
            seen["delayed shortcuts"] += any(graph.stage[src] < graph.stage[l] - 1
                                             for l, layer in enumerate(graph.layers, start=1)
                                             for src, _, _ in layer["conns"])
            lines = [json.loads(line) for line in open(paths["s.jsonl"])]
            report = json.load(open(paths["r.json"]))
            problems = []
            if len(lines) != len(record):
                problems.append(f"{len(lines)} steps in the record, expected {len(record)}")
            for tau, (line, expected) in enumerate(zip(lines, record)):
                got = [tuple(p) for p in line["spikes"]]
                if line["t"] != tau or got != expected:
                    problems.append(f"step {tau}: stemsim {got}, reference {expected}")
                    break
            if report["sops"] != sops:
                problems.append(f"sops: stemsim {report['sops']}, reference {sops}")
            if report["overflows"] != overflows:
                problems.append(f"overflows: stemsim {report['overflows']}, reference {overflows}")
            got_outputs = [s["outputs"] for s in report["samples"]]
            if got_outputs != outputs:
                problems.append(f"outputs: stemsim {got_outputs}, reference {outputs}")
            if problems:
                keep = f"/tmp/graph-ref-fail-{n}"
                json.dump(net, open(keep + ".net.json", "w"))
                json.dump({"samples": samples}, open(keep + ".in.json", "w"))
                print(f"network {n} (seed {args.seed}) differs ({keep}.net.json):\n  " + "\n  ".join(problems))
                return 1
    print("networks with " + ", ".join(f"{k} {v}" for k, v in seen.items()))
    print(f"graph reference: all {args.networks} networks agree with stemsim, spike for spike")
    return 0


if __name__ == "__main__":
    sys.exit(main())
