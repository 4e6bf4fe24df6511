#!/usr/bin/env python3
"""Summarizes Verilator coverage of rtl/ (scripts/coverage.sh, docs/verification.md).

    scripts/coverage_report.py MERGED.dat [--uncovered FILE] [--require-covers]
                               [--min-line PCT] [--min-toggle PCT]
                               [--waivers FILE] [--min-toggle-waived PCT]

MERGED.dat is `verilator_coverage --write` output of coverage builds (ModelParameters.coverage)
of any parameter sets. A point is counted once however many instances and parameter sets
have it: line points (Verilator's v_line and v_branch: a block or a branch arm) by file, line,
column and kind; toggle points (v_toggle: one per signal bit) by module and bit name; cover
points (v_user: the `cover property` statements in rtl/) by file and label. A point is hit if
its count is at least 1 in any instance of any build.

Prints line and toggle coverage per module and for rtl/, then every functional cover point
with its hit count. --uncovered FILE writes every line point not hit (file:line, kind, module)
and every toggle bit not hit. Exit status 1 if --require-covers and a cover point was never
hit, or a figure is below --min-line / --min-toggle; 2 on bad arguments or an unreadable file.

--waivers FILE (scripts/coverage-waivers.json) names toggle bits that are left out of a second
toggle figure, each with its class and reason: constant (cannot change in any build; if such a
bit toggled, the waiver is wrong and the report fails), counter (upper bits of counters), tied
(signals tied off at the mesh edges or driving nothing, bits tied to a tile's position) and
range (bits above what the coverage builds' parameters let the value reach). Only bits that
never toggled are left out; a waived bit that toggled counts as covered. A waiver that matches no toggle bit at all
fails the report (it is stale). --min-toggle-waived applies to that figure.
"""
import argparse
import json
import re
import sys
from collections import defaultdict


def parse(path):
    """Yields (fields, count) of every point of a Verilator coverage file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("C '"):
                continue
            end = line.rindex("'")
            body, count = line[3:end], int(line[end + 1:].strip())
            fields = {}
            for item in body.split("\x01")[1:]:
                key, _, value = item.partition("\x02")
                fields[key] = value
            yield fields, count


def module_of(page):
    # "v_toggle/stem_bias_init__A8_B20_S0" -> stem_bias_init (one name for every parameter set)
    name = page.split("/", 1)[1] if "/" in page else page
    return re.sub(r"__.*$", "", name)


WAIVER_CLASSES = ("constant", "counter", "tied", "range")


def parse_bits(text):
    """'0,5-7,12' -> set of ints."""
    bits = set()
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        lo, hi = int(lo), int(hi or lo)
        if lo > hi or lo < 0:
            raise ValueError(f"bad bit range {part!r}")
        bits.update(range(lo, hi + 1))
    return bits


def load_waivers(path):
    """The waivers of `path`, each with compiled patterns; raises ValueError naming the entry."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    waivers = []
    for n, w in enumerate(doc.get("waivers", [])):
        where = f"waiver {n} ({w.get('signal', '?')})"
        for key in ("module", "signal", "class", "why"):
            if not isinstance(w.get(key), str) or not w[key]:
                raise ValueError(f"{where}: '{key}' must be a non-empty string")
        if w["class"] not in WAIVER_CLASSES:
            raise ValueError(f"{where}: class {w['class']!r}, allowed are {', '.join(WAIVER_CLASSES)}")
        try:
            module, signal = re.compile(w["module"]), re.compile(w["signal"])
        except re.error as err:
            raise ValueError(f"{where}: {err}")
        bits = parse_bits(w["bits"]) if "bits" in w else None
        waivers.append({"module": module, "signal": signal, "bits": bits, "class": w["class"],
                        "why": w["why"], "name": where, "matched": 0})
    if not waivers:
        raise ValueError("no waivers")
    return waivers


def waiver_for(waivers, module, bit):
    """The first waiver naming toggle bit `bit` ('fmem[3][7]') of `module`, or None."""
    m = re.match(r"^(.*)\[(\d+)\]$", bit)
    name, index = (m.group(1), int(m.group(2))) if m else (bit, None)
    base = re.sub(r"\[\d+\]", "[]", name)
    for w in waivers:
        if w["module"].fullmatch(module) and w["signal"].fullmatch(base) \
                and (w["bits"] is None or (index is not None and index in w["bits"])):
            return w
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("merged")
    ap.add_argument("--uncovered")
    ap.add_argument("--require-covers", action="store_true")
    ap.add_argument("--min-line", type=float, default=0.0)
    ap.add_argument("--min-toggle", type=float, default=0.0)
    ap.add_argument("--waivers")
    ap.add_argument("--min-toggle-waived", type=float, default=0.0)
    args = ap.parse_args()
    if args.min_toggle_waived and not args.waivers:
        print("--min-toggle-waived needs --waivers", file=sys.stderr)
        return 2
    waivers = []
    if args.waivers:
        try:
            waivers = load_waivers(args.waivers)
        except (OSError, ValueError) as err:
            print(f"coverage_report: --waivers {args.waivers}: {err}", file=sys.stderr)
            return 2
    for name in ("min_line", "min_toggle", "min_toggle_waived"):
        value = getattr(args, name)
        if not 0.0 <= value <= 100.0:
            print(f"--{name.replace('_', '-')} {value}: allowed are 0...100", file=sys.stderr)
            return 2

    line_pts = {}    # key -> [count, module, file, line, kind]
    toggle_pts = {}  # key -> [count, module, bit]
    covers = {}      # key -> [count, module, label, file, line]
    try:
        for fields, count in parse(args.merged):
            page = fields.get("page", "")
            kind = page.split("/", 1)[0]
            module = module_of(page)
            f, ln = fields.get("f", "?"), int(fields.get("l", "0"))
            if not f.startswith("rtl/"):
                continue
            if kind in ("v_line", "v_branch"):
                key = (f, ln, fields.get("n", ""), fields.get("o", ""))
                e = line_pts.setdefault(key, [0, module, f, ln, fields.get("o", "")])
            elif kind == "v_toggle":
                key = (module, fields.get("o", ""))
                e = toggle_pts.setdefault(key, [0, module, fields.get("o", "")])
            elif kind == "v_user":
                key = (f, fields.get("o", ""))
                e = covers.setdefault(key, [0, module, fields.get("o", ""), f, ln])
            else:
                continue
            e[0] += count
    except (OSError, ValueError) as err:
        print(f"coverage_report: {args.merged}: {err}", file=sys.stderr)
        return 2
    if not line_pts:
        print(f"coverage_report: {args.merged} holds no line points of rtl/ (not a coverage build?)",
              file=sys.stderr)
        return 2

    per = defaultdict(lambda: [0, 0, 0, 0])  # module -> line hit, line total, toggle hit, toggle total
    waived = defaultdict(int)                 # module -> untoggled bits waived
    waived_by_class = defaultdict(int)
    waived_bits = {}                          # (module, bit) -> class of an untoggled waived bit
    broken = []                               # constant waivers whose bit toggled
    for c, m, *_ in line_pts.values():
        per[m][0] += c > 0
        per[m][1] += 1
    for c, m, bit in toggle_pts.values():
        per[m][2] += c > 0
        per[m][3] += 1
        w = waiver_for(waivers, m, bit) if waivers else None
        if w is None:
            continue
        w["matched"] += 1
        if c > 0:
            if w["class"] == "constant":
                broken.append(f"{m} {bit} toggled {c} times, but {w['name']} says it is constant")
            continue
        waived[m] += 1
        waived_by_class[w["class"]] += 1
        waived_bits[(m, bit)] = w["class"]

    def pct(h, t):
        return f"{100.0 * h / t:6.2f}%" if t else "    -  "

    extra = f"  {'toggle, waived':>16} {'':>7}" if waivers else ""
    print(f"{'module':<18} {'line points':>16} {'':>7}  {'toggle bits':>16} {'':>7}{extra}")
    tot = [0, 0, 0, 0]
    for m in sorted(per):
        lh, lt, th, tt = per[m]
        tot = [a + b for a, b in zip(tot, per[m])]
        extra = f"  {th:>7} / {tt - waived[m]:<6} {pct(th, tt - waived[m])}" if waivers else ""
        print(f"{m:<18} {lh:>7} / {lt:<6} {pct(lh, lt)}  {th:>7} / {tt:<6} {pct(th, tt)}{extra}")
    total_waived = sum(waived.values())
    extra = f"  {tot[2]:>7} / {tot[3] - total_waived:<6} {pct(tot[2], tot[3] - total_waived)}" if waivers else ""
    print(f"{'rtl/ (all)':<18} {tot[0]:>7} / {tot[1]:<6} {pct(tot[0], tot[1])}  {tot[2]:>7} / {tot[3]:<6} {pct(tot[2], tot[3])}{extra}")
    if waivers:
        classes = ", ".join(f"{k} {waived_by_class[k]}" for k in WAIVER_CLASSES)
        print(f"waived toggle bits (never toggled, {args.waivers}): {total_waived} ({classes})")

    print()
    hit = sum(1 for c, *_ in covers.values() if c > 0)
    print(f"functional cover points: {hit} of {len(covers)} hit")
    for (f, label), (c, m, _, _, ln) in sorted(covers.items(), key=lambda kv: (kv[1][3], kv[1][4])):
        print(f"  {'ok  ' if c else 'MISS'} {m:<16} {label:<24} {c:>12}   {f}:{ln}")

    if args.uncovered:
        with open(args.uncovered, "w", encoding="utf-8") as out:
            out.write("# line points never hit (file:line kind module)\n")
            for c, m, f, ln, kind in sorted(line_pts.values(), key=lambda e: (e[2], e[3])):
                if c == 0:
                    out.write(f"{f}:{ln} {kind} {m}\n")
            out.write("# toggle bits never toggled (module bit [waiver class])\n")
            for c, m, bit in sorted(toggle_pts.values(), key=lambda e: (e[1], e[2])):
                if c == 0:
                    cls = waived_bits.get((m, bit))
                    out.write(f"{m} {bit}" + (f" waived:{cls}" if cls else "") + "\n")

    status = 0
    line_pct = 100.0 * tot[0] / tot[1] if tot[1] else 0.0
    toggle_pct = 100.0 * tot[2] / tot[3] if tot[3] else 0.0
    if args.require_covers and hit < len(covers):
        print(f"FAILED: {len(covers) - hit} functional cover points never hit", file=sys.stderr)
        status = 1
    if line_pct < args.min_line:
        print(f"FAILED: line coverage {line_pct:.2f}% is below {args.min_line}%", file=sys.stderr)
        status = 1
    if toggle_pct < args.min_toggle:
        print(f"FAILED: toggle coverage {toggle_pct:.2f}% is below {args.min_toggle}%", file=sys.stderr)
        status = 1
    if waivers:
        waived_pct = 100.0 * tot[2] / (tot[3] - total_waived) if tot[3] > total_waived else 0.0
        if waived_pct < args.min_toggle_waived:
            print(f"FAILED: toggle coverage with waivers {waived_pct:.2f}% is below {args.min_toggle_waived}%",
                  file=sys.stderr)
            status = 1
        for line in broken:
            print(f"FAILED: {line}", file=sys.stderr)
            status = 1
        for w in waivers:
            if w["matched"] == 0:
                print(f"FAILED: {w['name']} of {args.waivers} matches no toggle bit (stale?)", file=sys.stderr)
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
