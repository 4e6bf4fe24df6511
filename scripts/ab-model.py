#!/usr/bin/env python3
"""Paired A/B speed of two stem_mesh model libraries on one stimulus (docs/performance.md,
"Model speed"). Python standard library only.

  scripts/ab-model.py --driver stem_driver --stimulus S.txt A.so B.so [--rounds 9] [--repeat 2]

Runs the C++ driver (testbenches/stem_driver.cpp; scripts/build-tb.sh builds it) on A and on B
alternately, round by round (A then B, then B then A in the next round, so neither side always
goes first), --repeat passes of the stimulus each, and reports per side the median of the
driver's cycles/s (wall clock, configuration not timed) and of the process's user CPU seconds,
and the median over the rounds of the pair ratios B/A with their quartiles: a drift of the
machine's speed (other jobs) moves both runs of a round alike and cancels in its ratio. It checks
that both libraries run the same number of cycles (the same behaviour, cycle for cycle) and,
with --spikes, that they produce the same spikes and host flits in every step.

Exit 2: a bad option (named, with its value and range); 1: the libraries disagree; 3: the
driver failed.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile


def fail(code, message):
    print(f"ab-model.py: {message}", file=sys.stderr)
    sys.exit(code)


def bounded(option, text, low, high):
    try:
        value = int(text)
    except ValueError:
        fail(2, f"{option} {text}: not an integer (allowed {low}...{high})")
    if not low <= value <= high:
        fail(2, f"{option} {text}: out of range {low}...{high}")
    return value


def run(driver, library, stimulus, repeat, spikes=None):
    command = [driver, library, stimulus, "--repeat", str(repeat)]
    if spikes:
        command += ["--spikes", spikes]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        fail(3, f"{' '.join(command)} failed:\n{output[-2000:]}")
    m = re.search(r"steps=(\d+) cycles=(\d+) seconds=([0-9.e+-]+) steps_per_s=([0-9.e+-]+) cycles_per_s=([0-9.e+-]+)", output)
    if not m:
        fail(3, f"{' '.join(command)}: no result line in its output:\n{output[-2000:]}")
    return {"cycles": int(m.group(2)), "cycles_per_s": float(m.group(5)), "user_s": usage.ru_utime}


def quantile(values, q):
    values = sorted(values)
    position = q * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--driver", required=True)
    parser.add_argument("--stimulus", required=True)
    parser.add_argument("--rounds", default="9")
    parser.add_argument("--repeat", default="2")
    parser.add_argument("--spikes", action="store_true", help="compare the two libraries' spikes step by step first")
    args = parser.parse_args()
    rounds = bounded("--rounds", args.rounds, 1, 1000)
    repeat = bounded("--repeat", args.repeat, 1, 1000)
    for option, path in (("--driver", args.driver), ("--stimulus", args.stimulus), ("A", args.a), ("B", args.b)):
        if not os.path.isfile(path):
            fail(2, f"{option} {path}: no such file")

    if args.spikes:
        with tempfile.TemporaryDirectory() as folder:
            records = []
            for name, library in (("a", args.a), ("b", args.b)):
                path = os.path.join(folder, name + ".txt")
                run(args.driver, library, args.stimulus, 1, spikes=path)
                with open(path) as f:
                    records.append(f.read())
            if records[0] != records[1]:
                first = next(i for i, (x, y) in enumerate(zip(records[0].splitlines(), records[1].splitlines())) if x != y)
                fail(1, f"the spike records differ (first at line {first + 1})")
            print(f"spikes     identical ({len(records[0].splitlines())} steps)")

    sides = {"A": [], "B": []}
    for r in range(rounds):
        order = [("A", args.a), ("B", args.b)] if r % 2 == 0 else [("B", args.b), ("A", args.a)]
        for name, library in order:
            sides[name].append(run(args.driver, library, args.stimulus, repeat))
        if sides["A"][-1]["cycles"] != sides["B"][-1]["cycles"]:
            fail(1, f"A ran {sides['A'][-1]['cycles']} cycles, B {sides['B'][-1]['cycles']}: not the same behaviour")
    speed = [b["cycles_per_s"] / a["cycles_per_s"] for a, b in zip(sides["A"], sides["B"])]
    cpu = [a["user_s"] / b["user_s"] for a, b in zip(sides["A"], sides["B"])]
    print(f"cycles     {sides['A'][0]['cycles']} per run ({repeat} passes), the same on both sides")
    for name, library in (("A", args.a), ("B", args.b)):
        runs = sides[name]
        print(f"{name}          {library}: median {quantile([x['cycles_per_s'] for x in runs], 0.5):.4g} cycles/s, "
              f"{quantile([x['user_s'] for x in runs], 0.5):.3f} s user CPU")
    print(f"speed      B/A cycles/s = {quantile(speed, 0.5):.3f} (median of {rounds} pairs; quartiles "
          f"{quantile(speed, 0.25):.3f}...{quantile(speed, 0.75):.3f}, range {min(speed):.3f}...{max(speed):.3f})")
    print(f"cpu        A/B user CPU = {quantile(cpu, 0.5):.3f} (quartiles {quantile(cpu, 0.25):.3f}...{quantile(cpu, 0.75):.3f}; "
          f"> 1: B needs less CPU)")


if __name__ == "__main__":
    main()
