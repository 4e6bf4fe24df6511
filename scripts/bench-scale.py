#!/usr/bin/env python3
"""How the cost of an RTL run grows with the mesh and the network (docs/performance.md,
"Cost against mesh size"). Python standard library only.

For every mesh size of --meshes and every fill of --fills it writes a random network that
fills that share of the mesh's tiles (a chain of dense layers, each exactly one core of
--neurons neurons: input --neurons wide, k layers of --neurons, k = max(1, round(fill * tiles))),
random unsigned inputs, and measures with the stemsim binary (--stemsim):

  build   the model library of the mesh (one per mesh size: the network does not change it),
          built by `stemsim run --engine rtl --limit 1` into the cache --cache (default: a new,
          empty one in OUT/cache, so every build is cold): Verilator's seconds as stemsim
          reports them ("built ... in X s"; build_cold 0 if the library was cached), the CPU
          seconds (user + system) and the peak resident memory of that process tree (Verilator
          and the C++ compiler, getrusage of the child). ccache is not used unless
          OBJCACHE=ccache is set in the environment (Verilator's makefile; an unset OBJCACHE
          is set to nothing, although stemsim would use ccache); the CSV says which.
  run     `stemsim run --engine rtl` over all --samples samples (the library cached by then):
          the clock cycles it reports, its wall and CPU seconds (configuration included), cycles
          per CPU second (the figure that holds when other jobs share the machine), and the peak
          resident memory of the process.
  speed   `stemsim bench-rtl --rounds --passes 1`: steps/s and cycles/s of the RTL driven by
          Swift (RTLEngine) and by the bare C++ driver, configuration not timed, the median of
          the rounds; cycles per step. These are wall-clock rates: on a machine shared with other
          jobs they fall with the load.
  cpu     cycles per CPU second of the model alone: the C++ driver (testbenches/stem_driver.cpp,
          compiled once per run of this script) on the stimulus of `stemsim export`, with the
          library of `stemsim cache build` (the same cache entry), run with --repeat 1 and
          --repeat 3; the difference of their user + system CPU seconds is two passes of the
          steps without configuration or start, and holds under load.

Outputs in OUT: bench-scale.csv, bench-scale.json and bench-scale.svg (four log-log panels
against tiles: build CPU seconds, cycles per CPU second, steps/s, peak memory of a run; one
line per fill).

  scripts/bench-scale.py --out DIR [--meshes 1x1,2x2,4x4,8x8] [--fills 0.25,1] [--samples 64]
      [--neurons 64] [--rounds 3] [--seed 1] [--budget 3600] [--cache DIR] [--stemsim PATH]
  scripts/bench-scale.py --check DIR     checks DIR's three files are well formed and agree
  scripts/bench-scale.py --merge DIR1,DIR2,... --out DIR
                                         one CSV, JSON and SVG of several runs' points; of two
                                         points of the same mesh and cores the one with a cold
                                         build is kept, else the later DIR's, and a point whose
                                         build was warm takes the build figures of a cold point
                                         of its mesh (so a long 8x8 run can go beside the rest,
                                         sharing their cache)

Every option is checked before anything runs (exit 2 naming the option, the value and the
allowed range). --budget bounds the whole run in seconds: a child still running when it is
spent is stopped (its process group), the points not measured are listed as skipped, and the
exit code is 1. Exit 3: a stemsim command failed (its output's tail is printed).
"""

import argparse
import json
import math
import os
import random
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The CSV's columns, in order: the one definition the writer and --check share.
COLUMNS = [
    ("mesh", str), ("tiles", int), ("fill", float), ("cores", int), ("neurons", int),
    ("layers", str), ("samples", int), ("steps", int), ("cycles_per_step", float),
    ("build_s", float), ("build_cpu_s", float), ("build_cold", int), ("ccache", int), ("build_peak_mb", float),
    ("run_cycles", int), ("run_wall_s", float), ("run_cpu_s", float), ("run_cycles_per_cpu_s", float),
    ("run_peak_mb", float),
    ("swift_steps_per_s", float), ("swift_cycles_per_s", float),
    ("cpp_steps_per_s", float), ("cpp_cycles_per_s", float), ("cpp_cycles_per_cpu_s", float),
]
COLUMN_NAMES = [name for name, _ in COLUMNS]
# The columns the SVG plots, one panel each.
SVG_KEYS = ["build_cpu_s", "cpp_cycles_per_cpu_s", "swift_steps_per_s", "run_peak_mb"]

BOUNDS = {  # option: (low, high)
    "--samples": (1, 100000),
    "--neurons": (4, 1024),
    "--rounds": (1, 100),
    "--seed": (0, 2**63 - 1),
    "--budget": (10, 7 * 24 * 3600),
    "mesh side": (1, 16),
    "--fills": (0.0, 1.0),
}


def usage_error(message):
    print(f"bench-scale.py: {message}", file=sys.stderr)
    sys.exit(2)


def bounded_int(option, text):
    low, high = BOUNDS[option]
    try:
        value = int(text)
    except ValueError:
        usage_error(f"{option} {text}: not an integer (allowed {low}...{high})")
    if not low <= value <= high:
        usage_error(f"{option} {text}: out of range {low}...{high}")
    return value


def parse_meshes(text):
    low, high = BOUNDS["mesh side"]
    meshes = []
    for part in text.split(","):
        m = re.fullmatch(r"(\d+)x(\d+)", part.strip())
        if not m:
            usage_error(f"--meshes {text}: '{part}' is not a size like 2x2 (sides {low}...{high})")
        x, y = int(m.group(1)), int(m.group(2))
        if not (low <= x <= high and low <= y <= high):
            usage_error(f"--meshes {text}: '{part}' has a side out of range {low}...{high}")
        if (x, y) in meshes:
            usage_error(f"--meshes {text}: '{part}' is given twice")
        meshes.append((x, y))
    return meshes


def parse_fills(text):
    fills = []
    for part in text.split(","):
        try:
            value = float(part)
        except ValueError:
            usage_error(f"--fills {text}: '{part}' is not a number (allowed: above 0, at most 1)")
        if not (0.0 < value <= 1.0) or not math.isfinite(value):
            usage_error(f"--fills {text}: '{part}' is out of range (allowed: above 0, at most 1)")
        if value in fills:
            usage_error(f"--fills {text}: '{part}' is given twice")
        fills.append(value)
    return sorted(fills)


# MARK: the workload

def calibrated_layer(rng, inputs, width, time_steps):
    """A dense layer of random 8-bit weights whose multiplier and postShift map the 90th
    percentile of the positive potentials of `inputs` to the top of the output range, so that
    spikes keep flowing down a long chain. Returns the layer and its outputs on `inputs`."""
    fan_in = len(inputs[0])
    weights = [[rng.randint(-128, 127) for _ in range(fan_in)] for _ in range(width)]
    potentials = [[sum(w * x for w, x in zip(row, sample)) for row in weights] for sample in inputs]
    positive = sorted(v for sample in potentials for v in sample if v > 0)
    top = positive[int(0.9 * (len(positive) - 1))] if positive else 1
    post_shift = 16
    multiplier = max(1, min(65535, round((2**time_steps - 1) * 2**post_shift / max(1, top))))
    limit = 2**time_steps - 1

    def requantize(v):
        scaled = v * multiplier
        rounded = (scaled + (1 << (post_shift - 1))) >> post_shift
        return max(0, min(limit, rounded))

    outputs = [[requantize(v) for v in sample] for sample in potentials]
    layer = {"weights": weights, "bias": [0] * width, "biasMode": "output", "shift": 0,
             "multiplier": multiplier, "postShift": post_shift, "rot": 0, "drlo": 0}
    return layer, outputs


def write_workload(folder, layers, neurons, samples, seed):
    """network.json and inputs.json of a chain of `layers` dense layers, each `neurons` wide."""
    rng = random.Random(seed)
    time_steps = 8
    inputs = [[rng.randint(0, 2**time_steps - 1) for _ in range(neurons)] for _ in range(samples)]
    calibration = inputs[:min(samples, 16)]
    net_layers = []
    for _ in range(layers):
        layer, calibration = calibrated_layer(rng, calibration, neurons, time_steps)
        net_layers.append(layer)
    network = {"format": "stem-network", "version": 1, "timeSteps": time_steps, "weightBits": 8,
               "accumulatorBits": 32, "overflow": "wrap", "inputSize": neurons, "inputSigned": False,
               "layers": net_layers}
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "network.json"), "w") as f:
        json.dump(network, f)
    with open(os.path.join(folder, "inputs.json"), "w") as f:
        json.dump({"format": "stem-inputs", "version": 1, "samples": inputs}, f)
    return os.path.join(folder, "network.json"), os.path.join(folder, "inputs.json")


# MARK: running stemsim

class BudgetSpent(Exception):
    pass


class CommandFailed(Exception):
    pass


def run_child(command, env, deadline):
    """Runs `command` in its own process group; returns (stdout, stderr, wall seconds, peak
    resident MB of the process and the children it waited for). Stops the group when the
    budget is spent."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise BudgetSpent()
    started = time.monotonic()
    out_path = "/tmp/bench-scale-%d.out" % os.getpid()
    err_path = "/tmp/bench-scale-%d.err" % os.getpid()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err, start_new_session=True)
        status = None
        usage = None
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid == child.pid:
                break
            if time.monotonic() > deadline:
                os.killpg(child.pid, signal.SIGTERM)
                time.sleep(2)
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.wait4(child.pid, 0)
                raise BudgetSpent()
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    with open(out_path) as f:
        stdout = f.read()
    with open(err_path) as f:
        stderr = f.read()
    os.unlink(out_path)
    os.unlink(err_path)
    if child.returncode != 0:
        tail = "\n".join((stdout + stderr).splitlines()[-15:])
        raise CommandFailed(f"{' '.join(command)} exited with {child.returncode}:\n{tail}")
    return stdout, stderr, wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def find(pattern, text, what):
    m = re.search(pattern, text, re.MULTILINE)
    if not m:
        raise CommandFailed(f"cannot find {what} in the output:\n{text[-2000:]}")
    return m


def measure_point(args, env, deadline, mesh, fill, cores, network, inputs, build):
    x, y = mesh
    mesh_options = ["--mesh", f"{x}x{y}", "--neurons", str(args.neurons), "--axons", str(args.neurons)]
    row = {"mesh": f"{x}x{y}", "tiles": x * y, "fill": fill, "cores": cores, "neurons": args.neurons,
           "layers": "-".join([str(args.neurons)] * (cores + 1)), "samples": args.samples,
           "ccache": 1 if env.get("OBJCACHE", "") == "ccache" else 0}
    if build is None:
        _, stderr, wall, peak, cpu = run_child([args.stemsim, "run", "--engine", "rtl", "--network", network,
                                           "--inputs", inputs, "--limit", "1"] + mesh_options, env, deadline)
        built = re.search(r"built .* in ([0-9.]+) s", stderr)
        build = {"build_s": float(built.group(1)) if built else wall, "build_cpu_s": cpu,
                 "build_cold": 1 if built else 0, "build_peak_mb": peak}
    row.update(build)
    stdout, _, wall, peak, cpu = run_child([args.stemsim, "run", "--engine", "rtl", "--network", network,
                                            "--inputs", inputs] + mesh_options, env, deadline)
    row["run_wall_s"] = wall
    row["run_cpu_s"] = cpu
    row["run_peak_mb"] = peak
    row["run_cycles"] = int(find(r"^cycles\s+(\d+) ", stdout, "the cycles line of stemsim run").group(1))
    row["run_cycles_per_cpu_s"] = row["run_cycles"] / max(cpu, 1e-6)
    m = find(r"^mesh\s+(\d+)x(\d+) tiles, (\d+) cores", stdout, "the mesh line of stemsim run")
    if (int(m.group(1)), int(m.group(2)), int(m.group(3))) != (x, y, cores):
        raise CommandFailed(f"stemsim run mapped the network onto {m.group(0)}, expected {x}x{y} with {cores} cores")
    stdout, _, _, _, _ = run_child([args.stemsim, "bench-rtl", "--network", network, "--inputs", inputs,
                                 "--rounds", str(args.rounds), "--passes", "1"] + mesh_options, env, deadline)
    m = find(r"^network .*, (\d+) steps per pass", stdout, "the network line of bench-rtl")
    row["steps"] = int(m.group(1))
    for side, key in (("C\\+\\+", "cpp"), ("Swift", "swift")):
        m = find(rf"^{side}\s+([0-9.e]+) steps/s, ([0-9.e]+) cycles/s", stdout, f"the {side} line of bench-rtl")
        row[f"{key}_steps_per_s"] = float(m.group(1))
        row[f"{key}_cycles_per_s"] = float(m.group(2))
    row["cycles_per_step"] = row["run_cycles"] / row["steps"]
    row["cpp_cycles_per_cpu_s"] = driver_cycles_per_cpu_second(args, env, deadline, mesh_options, network, inputs)
    for key in ("cpp", "swift"):
        if not rates_agree(row, key):
            raise CommandFailed(f"bench-rtl's {key} cycles/s over steps/s is not the run's {row['cycles_per_step']:.2f} cycles per step")
    return row, build


def printed_error(value):
    """The largest relative rounding error of a rate as bench-rtl prints it: whole numbers below
    1e6, three decimals of millions above."""
    return (500.0 if value >= 1e6 else 0.5) / value


def driver_cycles_per_cpu_second(args, env, deadline, mesh_options, network, inputs):
    """Cycles per CPU second of the C++ driver on the run's stimulus: (--repeat 3) - (--repeat 1)."""
    folder = os.path.join(os.path.dirname(network), "export")
    run_child([args.stemsim, "export", "--network", network, "--inputs", inputs, "--out", folder, "--force"]
              + mesh_options, env, deadline)
    with open(os.path.join(folder, "mesh.json")) as f:
        parameters = json.load(f)["parameters"]
    stdout, _, _, _, _ = run_child([args.stemsim, "cache", "build"] + [f"{k}={v}" for k, v in parameters.items()],
                                   env, deadline)
    library = stdout.strip().splitlines()[-1]
    runs = {}
    for repeat in (1, 3):
        stdout, _, _, _, cpu = run_child([args.driver, library, os.path.join(folder, "stimulus.txt"),
                                          "--repeat", str(repeat)], env, deadline)
        cycles = int(find(r"cycles=(\d+)", stdout, "the driver's result line").group(1))
        runs[repeat] = (cycles, cpu)
    cycles = runs[3][0] - runs[1][0]
    cpu = runs[3][1] - runs[1][1]
    if cycles <= 0 or cpu <= 0:
        raise CommandFailed(f"the driver's --repeat 3 and --repeat 1 runs differ by {cycles} cycles and {cpu:.3f} CPU s")
    return cycles / cpu


def compile_driver(folder, deadline):
    """testbenches/stem_driver.cpp as scripts/build-tb.sh compiles it."""
    output = os.path.join(folder, "stem_driver")
    run_child([os.environ.get("CXX", "g++"), "-O2", "-std=c++17", "-I" + os.path.join(ROOT, "Sources/CStemShim/include"),
               "-I" + os.path.join(ROOT, "testbenches"), os.path.join(ROOT, "testbenches/stem_driver.cpp"),
               "-o", output, "-ldl"], dict(os.environ), deadline)
    return output


def rates_agree(row, key):
    """bench-rtl's cycles/s over its steps/s is the run's cycles per step, within the rounding
    of the two printed rates."""
    cycles, steps = row[f"{key}_cycles_per_s"], row[f"{key}_steps_per_s"]
    tolerance = printed_error(cycles) + printed_error(steps) + 1e-6
    return abs(cycles / steps - row["cycles_per_step"]) <= tolerance * row["cycles_per_step"]


# MARK: outputs

def write_csv(path, rows):
    with open(path, "w") as f:
        f.write(",".join(COLUMN_NAMES) + "\n")
        for row in rows:
            f.write(",".join(format_value(row[name], kind) for name, kind in COLUMNS) + "\n")


def format_value(value, kind):
    if kind is float:
        return f"{value:.6g}"
    return str(value)


def write_svg(path, rows):
    """Four log-log panels against tiles, one polyline per fill."""
    panels = [("build_cpu_s", "model build, CPU s (cold)"), ("cpp_cycles_per_cpu_s", "cycles per CPU second (C++ driver)"),
              ("swift_steps_per_s", "steps/s (RTLEngine)"), ("run_peak_mb", "peak memory of a run, MB")]
    width, height, pw, ph = 900, 640, 360, 220
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    fills = sorted({row["fill"] for row in rows})
    tiles = sorted({row["tiles"] for row in rows})
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">'
           f'stem_mesh RTL: cost against mesh size (log-log; one line per share of tiles filled)</text>']
    assert [key for key, _ in panels] == SVG_KEYS
    for index, (key, title) in enumerate(panels):
        ox = 70 + (index % 2) * (pw + 90)
        oy = 50 + (index // 2) * (ph + 80)
        values = [row[key] for row in rows if plotted(row, key)] or [1.0]
        lo_y, hi_y = log_range(values)
        lo_x, hi_x = log_range(tiles)

        def px(v):
            return ox + (math.log10(v) - lo_x) / (hi_x - lo_x) * pw

        def py(v):
            return oy + ph - (math.log10(v) - lo_y) / (hi_y - lo_y) * ph

        out.append(f'<rect x="{ox}" y="{oy}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
        out.append(f'<text x="{ox + pw / 2}" y="{oy - 6}" text-anchor="middle">{title}</text>')
        out.append(f'<text x="{ox + pw / 2}" y="{oy + ph + 32}" text-anchor="middle">tiles</text>')
        for t in tiles:
            out.append(f'<line x1="{px(t):.1f}" y1="{oy + ph}" x2="{px(t):.1f}" y2="{oy + ph + 4}" stroke="#444"/>')
            out.append(f'<text x="{px(t):.1f}" y="{oy + ph + 16}" text-anchor="middle">{t}</text>')
        for e in range(math.floor(lo_y), math.ceil(hi_y) + 1):
            if lo_y <= e <= hi_y:
                out.append(f'<line x1="{ox}" y1="{py(10 ** e):.1f}" x2="{ox + pw}" y2="{py(10 ** e):.1f}" stroke="#ddd"/>')
                out.append(f'<text x="{ox - 4}" y="{py(10 ** e) + 4:.1f}" text-anchor="end">1e{e}</text>')
        for n, fill in enumerate(fills):
            points = sorted((row["tiles"], row[key]) for row in rows if row["fill"] == fill and plotted(row, key))
            color = colors[n % len(colors)]
            text = " ".join(f"{px(t):.1f},{py(v):.1f}" for t, v in points)
            out.append(f'<polyline class="series" data-key="{key}" data-fill="{fill:g}" points="{text}" '
                       f'fill="none" stroke="{color}" stroke-width="1.5"/>')
            for t, v in points:
                out.append(f'<circle class="point" data-key="{key}" data-fill="{fill:g}" data-tiles="{t}" '
                           f'data-value="{v:.6g}" cx="{px(t):.1f}" cy="{py(v):.1f}" r="3" fill="{color}"/>')
    for n, fill in enumerate(fills):
        y = height - 14
        x = 70 + n * 150
        out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 20}" y2="{y - 4}" stroke="{colors[n % len(colors)]}" stroke-width="2"/>')
        out.append(f'<text x="{x + 24}" y="{y}">fill {fill:g} of the tiles</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def plotted(row, key):
    """Whether the SVG shows `key` of `row`: build figures only of cold builds (a warm one is
    a cache hit, not a build)."""
    return row[key] > 0 and (row["build_cold"] == 1 or not key.startswith("build_"))


def log_range(values):
    lo, hi = math.log10(min(values)), math.log10(max(values))
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


# MARK: --check

def check(folder):
    """Returns a list of problems with folder's bench-scale.csv, .json and .svg (empty: fine)."""
    problems = []
    try:
        with open(os.path.join(folder, "bench-scale.csv")) as f:
            lines = f.read().splitlines()
        with open(os.path.join(folder, "bench-scale.json")) as f:
            document = json.load(f)
        svg = ET.parse(os.path.join(folder, "bench-scale.svg")).getroot()
    except (OSError, ValueError, ET.ParseError) as error:
        return [f"cannot read the outputs: {error}"]
    if not lines or lines[0] != ",".join(COLUMN_NAMES):
        problems.append(f"bench-scale.csv: the header is not {','.join(COLUMN_NAMES)}")
        return problems
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        if len(cells) != len(COLUMNS):
            problems.append(f"bench-scale.csv:{number}: {len(cells)} columns, expected {len(COLUMNS)}")
            continue
        row = {}
        for (name, kind), cell in zip(COLUMNS, cells):
            try:
                row[name] = kind(cell)
            except ValueError:
                problems.append(f"bench-scale.csv:{number}: {name} '{cell}' is not {kind.__name__}")
                continue
            if kind in (int, float) and not (math.isfinite(row[name]) and row[name] >= 0):
                problems.append(f"bench-scale.csv:{number}: {name} {cell} is not a finite value >= 0")
        if len(row) != len(COLUMNS):
            continue
        for name in ("tiles", "cores", "steps", "run_cycles", "run_cycles_per_cpu_s", "cpp_cycles_per_cpu_s", "cycles_per_step", "swift_steps_per_s", "swift_cycles_per_s",
                     "cpp_steps_per_s", "cpp_cycles_per_s", "run_peak_mb", "build_peak_mb"):
            if row[name] <= 0:
                problems.append(f"bench-scale.csv:{number}: {name} is {row[name]}, expected > 0")
        x, y = (int(v) for v in row["mesh"].split("x"))
        if x * y != row["tiles"] or not 1 <= row["cores"] <= row["tiles"]:
            problems.append(f"bench-scale.csv:{number}: mesh {row['mesh']}, tiles {row['tiles']}, cores {row['cores']} disagree")
        if len(row["layers"].split("-")) != row["cores"] + 1:
            problems.append(f"bench-scale.csv:{number}: layers {row['layers']} is not input plus {row['cores']} layers")
        if abs(row["run_cycles"] / row["steps"] - row["cycles_per_step"]) > 1e-5 * row["cycles_per_step"]:
            problems.append(f"bench-scale.csv:{number}: run_cycles over steps is not cycles_per_step")
        for key in ("cpp", "swift"):
            if not rates_agree(row, key):
                problems.append(f"bench-scale.csv:{number}: {key}_cycles_per_s over {key}_steps_per_s is not cycles_per_step")
        rows.append(row)
    if not rows:
        problems.append("bench-scale.csv: no rows")
    points = document.get("points") if isinstance(document, dict) else None
    if not isinstance(points, list) or len(points) != len(rows):
        problems.append(f"bench-scale.json: 'points' does not hold the CSV's {len(rows)} rows")
    else:
        for number, (point, row) in enumerate(zip(points, rows), start=2):
            for name, kind in COLUMNS:
                if format_value(point.get(name), kind) != format_value(row[name], kind):
                    problems.append(f"bench-scale.json: points[{number - 2}].{name} is {point.get(name)}, "
                                    f"the CSV (line {number}) says {row[name]}")
    circles = [c for c in svg.iter("{http://www.w3.org/2000/svg}circle") if c.get("class") == "point"]
    expected = sum(1 for row in rows for key in SVG_KEYS if plotted(row, key))
    if len(circles) != expected:
        problems.append(f"bench-scale.svg: {len(circles)} points, expected {expected}")
    return problems


def write_outputs(folder, rows, document):
    write_csv(os.path.join(folder, "bench-scale.csv"), rows)
    write_svg(os.path.join(folder, "bench-scale.svg"), rows)
    with open(os.path.join(folder, "bench-scale.json"), "w") as f:
        json.dump(dict(document, columns=COLUMN_NAMES, points=rows), f, indent=1)
        f.write("\n")


def merge(folders, out):
    """The points of several runs' folders (each passing --check) as one set of outputs."""
    points, commands, skipped = {}, [], []
    for folder in folders:
        problems = check(folder)
        if problems:
            usage_error(f"--merge {folder}: not a well-formed bench-scale folder: {problems[0]}")
        with open(os.path.join(folder, "bench-scale.json")) as f:
            document = json.load(f)
        commands.append(document.get("command"))
        skipped += document.get("skipped", [])
        for point in document["points"]:
            key = (point["mesh"], point["cores"])
            if key not in points or point["build_cold"] or not points[key]["build_cold"]:
                points[key] = point
    cold = {p["mesh"]: p for p in points.values() if p["build_cold"]}
    for point in points.values():
        if not point["build_cold"] and point["mesh"] in cold:
            for name in ("build_s", "build_cpu_s", "build_cold", "build_peak_mb", "ccache"):
                point[name] = cold[point["mesh"]][name]
    rows = sorted(points.values(), key=lambda p: (p["tiles"], p["cores"]))
    done = {f"{p['mesh']} fill {p['fill']:g} ({p['cores']} cores)" for p in rows}
    os.makedirs(out, exist_ok=True)
    write_outputs(out, rows, {"merged": folders, "commands": commands,
                              "skipped": [s for s in skipped if s not in done]})


# MARK: main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out")
    parser.add_argument("--check", metavar="DIR")
    parser.add_argument("--merge", metavar="DIR,DIR")
    parser.add_argument("--meshes", default="1x1,2x2,4x4,8x8")
    parser.add_argument("--fills", default="0.25,1")
    parser.add_argument("--samples", default="64")
    parser.add_argument("--neurons", default="64")
    parser.add_argument("--rounds", default="3")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--budget", default="3600")
    parser.add_argument("--cache")
    parser.add_argument("--stemsim", default=os.path.join(ROOT, ".build", "debug", "stemsim"))
    args = parser.parse_args()

    if args.check:
        if args.out:
            usage_error("--check DIR takes no --out")
        problems = check(args.check)
        for problem in problems:
            print(f"bench-scale.py --check: {problem}", file=sys.stderr)
        if problems:
            sys.exit(1)
        print(f"bench-scale.py --check: {args.check} is well formed")
        return
    if not args.out:
        usage_error("--out DIR is required (or --check DIR)")
    if args.merge:
        merge(args.merge.split(","), args.out)
        return
    meshes = parse_meshes(args.meshes)
    fills = parse_fills(args.fills)
    args.samples = bounded_int("--samples", args.samples)
    args.neurons = bounded_int("--neurons", args.neurons)
    args.rounds = bounded_int("--rounds", args.rounds)
    seed = bounded_int("--seed", args.seed)
    budget = bounded_int("--budget", args.budget)
    if not (os.path.isfile(args.stemsim) and os.access(args.stemsim, os.X_OK)):
        usage_error(f"--stemsim {args.stemsim}: not an executable file (build it with swift build)")
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        usage_error(f"--out {args.out}: exists and is not a folder")
    os.makedirs(args.out, exist_ok=True)
    cache = args.cache or os.path.join(args.out, "cache")
    os.makedirs(cache, exist_ok=True)
    env = dict(os.environ, STEM_CACHE_DIR=os.path.abspath(cache))
    # stemsim compiles through ccache when it is installed and OBJCACHE is unset: an unset
    # OBJCACHE is set to nothing here, so a cold build stays cold.
    env.setdefault("OBJCACHE", "")
    deadline = time.monotonic() + budget

    rows, skipped, failure = [], [], None
    plan = []
    for mesh in meshes:
        tiles = mesh[0] * mesh[1]
        seen = set()
        for fill in fills:
            cores = max(1, round(fill * tiles))
            if cores not in seen:
                seen.add(cores)
                plan.append((mesh, fill, cores))
    builds = {}
    try:
        args.driver = compile_driver(args.out, deadline)
    except (BudgetSpent, CommandFailed) as error:
        print(f"bench-scale.py: compiling testbenches/stem_driver.cpp: {error}", file=sys.stderr)
        sys.exit(3)
    for mesh, fill, cores in plan:
        label = f"{mesh[0]}x{mesh[1]} fill {fill:g} ({cores} cores)"
        if failure or time.monotonic() > deadline:
            skipped.append(label)
            continue
        folder = os.path.join(args.out, "work", f"{mesh[0]}x{mesh[1]}-{cores}")
        network, inputs = write_workload(folder, cores, args.neurons, args.samples, seed + cores)
        print(f"bench-scale: {label} ...", file=sys.stderr, flush=True)
        try:
            row, builds[mesh] = measure_point(args, env, deadline, mesh, fill, cores, network, inputs, builds.get(mesh))
            rows.append(row)
            write_outputs(args.out, rows, {"command": sys.argv, "budget_s": budget, "partial": True,
                                           "ccache": env.get("OBJCACHE", "") == "ccache", "skipped": skipped})
            print(f"bench-scale: {label}: build {row['build_s']:.1f} s ({row['build_cpu_s']:.0f} s CPU), "
                  f"{row['cpp_cycles_per_cpu_s']:.4g} cycles per CPU s, {row['cpp_cycles_per_s']:.4g} cycles/s, "
                  f"{row['swift_steps_per_s']:.4g} steps/s, run peak {row['run_peak_mb']:.0f} MB",
                  file=sys.stderr, flush=True)
        except BudgetSpent:
            skipped.append(label)
        except CommandFailed as error:
            failure = str(error)
            skipped.append(label)
    if rows:
        write_outputs(args.out, rows, {"command": sys.argv, "budget_s": budget,
                                       "ccache": env.get("OBJCACHE", "") == "ccache", "skipped": skipped})
    if failure:
        print(f"bench-scale.py: {failure}", file=sys.stderr)
        sys.exit(3)
    if skipped:
        print(f"bench-scale.py: budget of {budget} s spent; not measured: {', '.join(skipped)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
