#!/usr/bin/env python3
"""Mutation score of the RTL cross-check (docs/verification.md, "Mutation score").

Generates deterministic source-level mutants of rtl/*.sv (one change each: an operator swapped,
a constant moved by one, a condition negated, a negation dropped), builds each into a model
library (scripts/build-model.sh --assertions with STEM_RTL_DIR at a copy of rtl/ holding the
change: the RTL's simulation assertions are compiled in, as in scripts/build-tb.sh's test
libraries, so a failing one kills the mutant too) and
judges it with the existing random cross-check against the independent C++ reference
(`tb_stem --random-only`, testbenches/stem_ref.h) and, for NoC mutants, the NoC scoreboard
(tb_noc). The stages, each run only if the mutant survived the ones before:

  1. mesh   stem_mesh 2x2, TimeSteps 4, WeightBits 6, AccBits 12, wrap, 8 neurons, 8 axons,
            fan-out 2: random networks of up to 4 layers (tb_stem's "mesh" seeds), --seeds each
  2. alt    stem_mesh 3x1, TimeSteps 5, WeightBits 5, AccBits 10, saturate, 7 neurons, 6 axons,
            fan-out 3, FIFO depth 1: the same random test, other sizes and the saturate path;
            its pass length (7 = 2^3 - 1) fills the core's pass counter, so a wrong bound of
            the clearing pass wraps
  3. noc    (mutants of stem_fifo, stem_mesh_router, stem_noc and stem_pkg's routing only)
            stem_noc 3x3, FIFO depth 2: tb_noc's scoreboard runs
  4. formal (survivors in stem_fifo, stem_mesh_router, stem_core, the routing function)
            scripts/formal.sh with the mutant's rtl/ (STEM_FORMAL_RTL), that file's sets;
            counted apart ("by formal"); a set Yosys cannot read is no kill

Outcomes: killed (a stage failed; a test that does not finish within --timeout counts as killed
and is marked so), survived, equivalent (a survivor listed with its reason in
scripts/mutation-equivalent.json), stillborn (Verilator refuses the mutant: not in the score).
Score = killed / (killed + survived).

  scripts/mutate.py --list                        every mutation site
  scripts/mutate.py [--count 120] [--seed 1]      the benchmark: --count mutants chosen with --seed
  scripts/mutate.py --sample 3 --seed 7           CI: a few mutants; exit 1 unless every one is
                                                  killed, stillborn or a listed equivalent
Options: --jobs N (mutants at once, 1..8; default 2), --seeds N (random seeds per stage,
1..1000; default 20), --timeout S (per test run, 10..3600 s; default 300), --out DIR (default
.build-mutation; results.json there, resumable: mutants already judged are not rerun),
--report FILE (the JSON report; default DIR/report.json), --only ID (one mutant by id or key,
repeatable; with --sample, judged besides the drawn ones),
--no-formal (leave out stage 4). Builds use ccache when it is installed (OBJCACHE).
Exit codes: 0 done (benchmark) or every sampled mutant killed (sample), 1 a sampled mutant
survived, 2 bad usage, 3 a tool failure (stemsim, a testbench or the reference build failed).
Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The library parameters of the stages (scripts/build-model.sh Name=Value).
MESH_PARAMS = ["MeshX=2", "MeshY=2", "TimeSteps=4", "WeightBits=6", "AccBits=12", "Saturate=0",
               "NumNeurons=8", "NumAxons=8", "MaxFanout=2"]
ALT_PARAMS = ["MeshX=3", "MeshY=1", "TimeSteps=5", "WeightBits=5", "AccBits=10", "Saturate=1",
              "NumNeurons=7", "NumAxons=6", "MaxFanout=3", "FifoDepth=1"]
NOC_PARAMS = ["MeshX=3", "MeshY=3", "FifoDepth=2"]
STAGES = [("mesh", "stem_mesh", MESH_PARAMS), ("alt", "stem_mesh", ALT_PARAMS), ("noc", "stem_noc", NOC_PARAMS),
          ("formal", None, None)]
# The formal property sets (scripts/formal.sh) of the files they prove: the last stage, for the
# mutants of these files the simulations leave alive (fairness, for instance, is no simulation's
# pass/fail criterion). Its kills are counted apart from the cross-check's.
FORMAL_SETS = {"stem_fifo.sv": ["fifo-d3", "fifo-d1"], "stem_mesh_router.sv": ["router-d1", "router-d2"],
               "stem_core.sv": ["core"]}
# Files whose mutants also face the NoC scoreboard (stem_pkg: the routing function).
NOC_FILES = {"stem_fifo.sv", "stem_mesh_router.sv", "stem_noc.sv"}

EQUIVALENT_FILE = os.path.join(ROOT, "scripts", "mutation-equivalent.json")

# ------------------------------------------------------------------------------------------
# Mutation sites
# ------------------------------------------------------------------------------------------

# (name, pattern, replacement): every match on a statement line is one site. Binary operators
# need a space on each side, so that part selects (-:) stay; nothing inside [...] is mutated
# (index wiring: such mutants mostly select out of range, which Verilator refuses).
# `<=` is not mutated (it is also the non-blocking assignment).
SIMPLE_OPS = [
    ("add-sub", r" \+ ", " - "),
    ("sub-add", r" - ", " + "),
    ("lt-le", r" < ", " <= "),
    ("gt-ge", r" > ", " >= "),
    ("ge-gt", r" >= ", " > "),
    ("eq-ne", r" == ", " != "),
    ("ne-eq", r" != ", " == "),
    ("and-or", r" && ", " || "),
    ("or-and", r" \|\| ", " && "),
    ("band-bor", r" & ", " | "),
    ("bor-band", r" \| ", " & "),
    ("xor-or", r" \^ ", " | "),
    ("drop-not", r"!(?=[\w(])", ""),
    ("drop-inv", r"~(?=[\w(])", ""),
    ("sra-srl", r">>>", ">>"),
    ("drop-neg", r"(?<=[?(=,] )-(?=[A-Za-z_(])", ""),
    ("b0-b1", r"1'b0", "1'b1"),
    ("b1-b0", r"1'b1", "1'b0"),
]
# Constants: a sized or cast literal moved by one (X'(1) -> X'(2), 3'd1 -> 3'd0).
CONST_RE = re.compile(r"(?<=')(\(\d+\)|d\d+)")
# Declarations and other lines without behaviour to mutate.
SKIP_LINE_RE = re.compile(r"^\s*(input|output|inout|logic|wire|reg|parameter|localparam|typedef|"
                          r"module|endmodule|function|endfunction|package|endpackage|import|`|"
                          r"for \(genvar|\$error|\$display|state_e|\) [a-z_]+ \()")


def strip_comment(line):
    """The code part of a line (line comments and one-line block comments removed)."""
    code = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), line)
    k = code.find("//")
    return code if k < 0 else code[:k]


def statement_lines(text):
    """(line number, code) of the lines whose operators are mutated: outside `ifdef FORMAL`
    and `ifndef SYNTHESIS` blocks (properties, simulation-only checks), outside the
    elaboration-time parameter checks (`if (...) begin : g_bad_...`) and not declarations."""
    out = []
    stack = []  # one entry per open `ifdef/`ifndef: True if its lines are skipped
    bad_depth = 0
    for n, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if s.startswith("`ifdef") or s.startswith("`ifndef"):
            name = s.split()[1] if len(s.split()) > 1 else ""
            stack.append((s.startswith("`ifdef") and name == "FORMAL") or
                         (s.startswith("`ifndef") and name == "SYNTHESIS"))
            continue
        if s.startswith("`else"):
            if stack:
                stack[-1] = not stack[-1]
            continue
        if s.startswith("`endif"):
            if stack:
                stack.pop()
            continue
        if any(stack):
            continue
        code = strip_comment(line)
        if bad_depth == 0 and re.search(r"begin\s*:\s*g_bad_", code):
            bad_depth = 1
            continue
        if bad_depth > 0:
            bad_depth += len(re.findall(r"\bbegin\b", code))
            bad_depth -= len(re.findall(r"\bend\b", code))
            continue
        if not code.strip() or SKIP_LINE_RE.match(code):
            continue
        out.append((n, code))
    return out


def matching_paren(code, start):
    depth = 0
    for k in range(start, len(code)):
        if code[k] == "(":
            depth += 1
        elif code[k] == ")":
            depth -= 1
            if depth == 0:
                return k
    return -1


class Mutant:
    def __init__(self, file, line, col, op, old, new, text, key):
        self.file, self.line, self.col, self.op = file, line, col, op
        self.old, self.new, self.text, self.key = old, new, text, key

    @property
    def id(self):
        return "%s:%d:%d:%s" % (self.file[:-3], self.line, self.col, self.op)

    def apply(self, source):
        lines = source.split("\n")
        ln = lines[self.line - 1]
        assert ln[self.col:self.col + len(self.old)] == self.old, (self.id, ln)
        lines[self.line - 1] = ln[:self.col] + self.new + ln[self.col + len(self.old):]
        return "\n".join(lines)

    def describe(self):
        return "%s line %d: `%s` -> `%s` in `%s`" % (self.file, self.line, self.old.strip() or self.old,
                                                     self.new.strip() or "(nothing)", self.text.strip())


def sites(rtl_dir):
    """Every mutation site of rtl/*.sv, in file and line order."""
    result = []
    for name in sorted(os.listdir(rtl_dir)):
        if not name.endswith(".sv"):
            continue
        text = open(os.path.join(rtl_dir, name), encoding="utf-8").read()
        raw = text.split("\n")
        seen_text = {}
        for n, code in statement_lines(text):
            line = raw[n - 1]
            nth = seen_text.get(line.strip(), 0)
            seen_text[line.strip()] = nth + 1
            found = []
            for op, pat, rep in SIMPLE_OPS:
                for m in re.finditer(pat, code):
                    found.append((m.start(), op, m.group(0), rep))
            for m in CONST_RE.finditer(code):
                tok = m.group(0)
                num = int(tok.strip("()d"))
                bumped = str(num + 1) if num <= 1 else str(num - 1)
                new = "(%s)" % bumped if tok.startswith("(") else "d" + bumped
                found.append((m.start(), "const", tok, new))
            for m in re.finditer(r"\bif \(", code):
                open_k = m.end() - 1
                close_k = matching_paren(code, open_k)
                if close_k < 0:
                    continue
                cond = code[open_k:close_k + 1]
                found.append((open_k, "neg-cond", cond, "(!" + cond + ")"))
            depth, inside = 0, []
            for ch in code:  # columns inside [...]: index and part-select arithmetic
                depth += ch == "["
                inside.append(depth > 0)
                depth -= ch == "]"
            for col, op, old, new in sorted(found):
                if inside[col]:
                    continue
                key_src = "%s|%s|%s|%d|%d|%s" % (name, op, line.strip(), nth, col, old)
                key = hashlib.sha256(key_src.encode()).hexdigest()[:12]
                result.append(Mutant(name, n, col, op, old, new, line, key))
    return result


def choose(all_sites, count, seed):
    """`count` mutants, at least two of every file that has sites, the rest in proportion
    (every site when `count` is at least their number)."""
    if count >= len(all_sites):
        return list(all_sites)
    rng = random.Random(seed)
    by_file = {}
    for m in all_sites:
        by_file.setdefault(m.file, []).append(m)
    total = len(all_sites)
    quota = {f: max(2, round(count * len(ms) / total)) for f, ms in by_file.items()}
    while sum(quota.values()) > count:
        f = max(quota, key=lambda k: (quota[k], k))
        quota[f] -= 1
    chosen = []
    for f in sorted(by_file):
        ms = by_file[f]
        chosen.extend(rng.sample(ms, min(quota[f], len(ms))))
    return sorted(chosen, key=lambda m: (m.file, m.line, m.col, m.op))


# ------------------------------------------------------------------------------------------
# Building and judging
# ------------------------------------------------------------------------------------------

class ToolFailure(Exception):
    pass


def run(cmd, timeout, env=None, cwd=None):
    """(returncode, output, timed_out); the process group is killed on a timeout."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                         start_new_session=True, text=True, errors="replace")
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out, False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)
        out, _ = p.communicate()
        return None, out, True


class Judge:
    def __init__(self, args, tools, outdir):
        self.args = args
        self.tools = tools  # dir with tb_stem, tb_noc
        self.outdir = outdir
        self.ref_lock = threading.Lock()
        self.ref_ok = set()

    def reference(self, stage):
        """The unmutated RTL must pass a stage before a mutant failing it counts as killed
        (else a broken testbench would kill everything). Checked once per stage and per
        content of rtl/, Sources/CStemShim/, testbenches/ and --seeds (DIR/reference.json)."""
        with self.ref_lock:
            if stage in self.ref_ok:
                return
            stamp = os.path.join(self.outdir, "reference.json")
            key = source_digest() + "|%d|assertions" % self.args.seeds
            done = json.load(open(stamp)) if os.path.exists(stamp) else {}
            if done.get("key") != key:
                done = {"key": key, "stages": {}}
            if stage not in done["stages"]:
                print("reference: the unmutated RTL through stage %s" % stage, flush=True)
                start = time.time()
                null = Mutant("stem_noc.sv", 1, 0, "none", "", "", "", "reference-" + stage)
                res = self.judge(null, os.path.join(self.outdir, "work"), only=stage)
                if res["outcome"] != "survived":
                    raise ToolFailure("the unmutated RTL fails stage %s (%s: %s)" % (stage, res["outcome"], res["detail"]))
                done["stages"][stage] = round(time.time() - start, 1)
                tmp = stamp + ".tmp"
                json.dump(done, open(tmp, "w"))
                os.replace(tmp, stamp)
                print("reference: passes stage %s (%.0f s)" % (stage, done["stages"][stage]), flush=True)
            self.ref_ok.add(stage)

    def build(self, src_root, outdir, top, params):
        env = dict(os.environ, STEM_RTL_DIR=src_root, STEMSIM=self.args.stemsim, JOBS="1")
        if shutil.which("ccache"):
            # Most of a mutant's C++ (Verilator's runtime, the shim, the modules the change
            # does not touch) is the same for every mutant: Verilator's make takes OBJCACHE.
            env["OBJCACHE"] = "ccache"
            env.setdefault("CCACHE_DIR", os.path.join(self.outdir, "ccache"))
        # --assertions: the RTL's simulation assertions (`ifndef SYNTHESIS) are compiled in, as
        # in the test libraries of scripts/build-tb.sh; a failing one fails the test run, so
        # they count as checks.
        code, out, timed_out = run([os.path.join(ROOT, "scripts", "build-model.sh"), "--assertions", outdir, top,
                                    "none"] + params,
                                   timeout=self.args.build_timeout, env=env)
        if timed_out:
            raise ToolFailure("build of %s timed out after %d s" % (outdir, self.args.build_timeout))
        if code != 0:
            return None, out
        return os.path.join(outdir, "libstem_model.so"), out

    def judge(self, m, workdir, only=None):
        """The outcome of one mutant: a dict for results.json (`only`: that stage alone, for
        the reference)."""
        start = time.time()
        mroot = os.path.join(workdir, m.key)
        shutil.rmtree(mroot, ignore_errors=True)
        os.makedirs(os.path.join(mroot, "Sources"))
        shutil.copytree(os.path.join(ROOT, "rtl"), os.path.join(mroot, "rtl"))
        shutil.copytree(os.path.join(ROOT, "Sources", "CStemShim"), os.path.join(mroot, "Sources", "CStemShim"))
        path = os.path.join(mroot, "rtl", m.file)
        src = open(path, encoding="utf-8").read()
        open(path, "w", encoding="utf-8").write(m.apply(src))
        res = {"id": m.id, "key": m.key, "file": m.file, "line": m.line, "op": m.op,
               "change": m.describe(), "stages": []}
        try:
            routing = m.file == "stem_pkg.sv" and self.in_xy_route(m)
            noc = m.file in NOC_FILES or routing
            formal_sets = FORMAL_SETS.get(m.file, FORMAL_SETS["stem_mesh_router.sv"] if routing else [])
            stages = [st for st in STAGES if (st[0] != "noc" or noc) and
                      (st[0] != "formal" or (formal_sets and not self.args.no_formal))]
            if only:
                stages = [st for st in STAGES if st[0] == only]
                formal_sets = sorted({s for v in FORMAL_SETS.values() for s in v})
            for name, top, params in stages:
                if not only:
                    self.reference(name)
                if name == "formal":
                    env = dict(os.environ, STEM_FORMAL_RTL=os.path.join(mroot, "rtl"))
                    code, out, timed_out = run([os.path.join(ROOT, "scripts", "formal.sh")] + formal_sets,
                                               timeout=self.args.formal_timeout, env=env)
                    res["stages"].append(name)
                    if timed_out:
                        raise ToolFailure("scripts/formal.sh %s timed out after %d s" % (" ".join(formal_sets),
                                                                                          self.args.formal_timeout))
                    fails = [l for l in out.split("\n") if "FAIL" in l]
                    if code != 0 and fails and all("(yosys" in l for l in fails):
                        # Yosys refused the mutant (e.g. an inverted asynchronous reset): the
                        # proofs cannot judge it, which is no kill.
                        res["note"] = "formal: yosys refused the mutant, no proof ran"
                        continue
                    if code != 0:
                        res["outcome"] = "killed"
                        res["detail"] = "formal: " + (fails[0] if fails else out.strip().split("\n")[-1])[:300]
                        break
                    continue
                lib, log = self.build(mroot, os.path.join(mroot, "lib-" + name), top, params)
                if lib is None:
                    res["outcome"] = "stillborn"
                    res["detail"] = "verilator refused it: " + last_error_line(log)
                    break
                if top == "stem_noc":
                    cmd = [os.path.join(self.tools, "tb_noc"), lib]
                else:
                    cmd = [os.path.join(self.tools, "tb_stem"), "--random-only", "--mesh", lib,
                           "--seeds", str(self.args.seeds)]
                code, out, timed_out = run(cmd, timeout=self.args.timeout)
                res["stages"].append(name)
                if timed_out:
                    res["outcome"] = "killed"
                    res["detail"] = "%s: timeout (%d s)" % (name, self.args.timeout)
                    break
                if code != 0:
                    res["outcome"] = "killed"
                    res["detail"] = "%s: %s" % (name, first_failure(out))
                    break
            else:
                res["outcome"] = "survived"
                res["detail"] = "passed " + ", ".join(res["stages"]) + ("; " + res["note"] if "note" in res else "")
        finally:
            if not self.args.keep:
                shutil.rmtree(mroot, ignore_errors=True)
        res["seconds"] = round(time.time() - start, 1)
        return res

    @staticmethod
    def in_xy_route(m):
        src = open(os.path.join(ROOT, "rtl", m.file), encoding="utf-8").read().split("\n")
        begin = next(k for k, l in enumerate(src) if "function automatic logic [2:0] xy_route" in l)
        end = next(k for k in range(begin, len(src)) if "endfunction" in src[k])
        return begin < m.line - 1 < end


def last_error_line(log):
    lines = [l for l in log.split("\n") if "%Error" in l or "%Warning" in l]
    return (lines[0] if lines else log.strip().split("\n")[-1] if log.strip() else "")[:300]


def first_failure(out):
    for l in out.split("\n"):
        if l.startswith("FAIL") or l.startswith("ERROR"):
            return l[:300]
    return out.strip().split("\n")[-1][:300] if out.strip() else "exit status non-zero"


def build_tools(args, outdir):
    """tb_stem and tb_noc, built from testbenches/."""
    tools = os.path.join(outdir, "tools")
    os.makedirs(tools, exist_ok=True)
    cxx = os.environ.get("CXX", "g++")
    for prog in ("tb_stem", "tb_noc"):
        code, out, _ = run([cxx, "-O2", "-std=c++17", "-I" + os.path.join(ROOT, "Sources", "CStemShim", "include"),
                            "-I" + os.path.join(ROOT, "testbenches"), os.path.join(ROOT, "testbenches", prog + ".cpp"),
                            "-o", os.path.join(tools, prog), "-ldl"], timeout=600)
        if code != 0:
            raise ToolFailure("%s does not build:\n%s" % (prog, out[-2000:]))
    return tools


def source_digest():
    """SHA-256 of what the stages compile and run: rtl/, Sources/CStemShim/, testbenches/."""
    digest = hashlib.sha256()
    for d in ("rtl", os.path.join("Sources", "CStemShim"), "testbenches"):
        for base, dirs, files in os.walk(os.path.join(ROOT, d)):
            dirs.sort()
            for f in sorted(files):
                digest.update(os.path.relpath(os.path.join(base, f), ROOT).encode())
                digest.update(open(os.path.join(base, f), "rb").read())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------

def load_equivalent():
    if not os.path.exists(EQUIVALENT_FILE):
        return {}
    data = json.load(open(EQUIVALENT_FILE))
    return {e["key"]: e for e in data["equivalent"]}


COLUMNS = ("killed", "timeout", "by formal", "survived", "equivalent", "stillborn")


def report(results, chosen, equivalent, path):
    rows = {}
    listed = []
    for m in chosen:
        r = results.get(m.key)
        if r is None:
            continue
        outcome = r["outcome"]
        if outcome == "survived" and m.key in equivalent:
            outcome = "equivalent"
        r = dict(r, outcome=outcome, id=m.id, change=m.describe())
        if outcome == "equivalent":
            r["reason"] = equivalent[m.key]["reason"]
        listed.append(r)
        mod = m.file[:-3]
        row = rows.setdefault(mod, dict.fromkeys(COLUMNS, 0))
        row[outcome] += 1
        if outcome == "killed" and r.get("detail", "").startswith("formal:"):
            row["by formal"] += 1
        elif outcome == "killed" and "timeout" in r.get("detail", ""):
            row["timeout"] += 1
    total = {k: sum(r[k] for r in rows.values()) for k in COLUMNS}
    judged = total["killed"] + total["survived"]
    score = 100.0 * total["killed"] / judged if judged else 0.0
    sim = total["killed"] - total["by formal"]
    sim_score = 100.0 * sim / judged if judged else 0.0
    print("%-18s" % "module" + "".join("%11s" % c for c in COLUMNS))
    for mod in sorted(rows):
        print("%-18s" % mod + "".join("%11d" % rows[mod][c] for c in COLUMNS))
    print("%-18s" % "total" + "".join("%11d" % total[c] for c in COLUMNS))
    print("(timeout, by formal: of the killed; by formal: alive after the simulations, killed by scripts/formal.sh)")
    print("mutants judged %d of %d chosen; score %.1f%% of non-equivalent mutants killed (%d/%d); "
          "by the simulations alone %.1f%% (%d/%d)" %
          (len(listed), len(chosen), score, total["killed"], judged, sim_score, sim, judged))
    for r in listed:
        if r["outcome"] in ("survived", "equivalent"):
            print("  %s %s: %s%s" % (r["outcome"].upper(), r["id"], r["change"],
                                    (" -- " + r["reason"]) if r.get("reason") else ""))
    doc = {"per_module": rows, "total": total, "score_percent": round(score, 2),
           "simulation_score_percent": round(sim_score, 2), "judged": len(listed),
           "chosen": len(chosen), "mutants": listed}
    tmp = path + ".tmp"
    json.dump(doc, open(tmp, "w"), indent=1)
    os.replace(tmp, path)
    return listed


# ------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------

def bounded(name, lo, hi):
    def parse(text):
        try:
            v = int(text)
        except ValueError:
            v = None
        if v is None or v < lo or v > hi:
            sys.stderr.write("mutate.py: %s %s is not an integer in %d...%d\n" % (name, text, lo, hi))
            sys.exit(2)
        return v
    return parse


def main():
    ap = argparse.ArgumentParser(description="Mutation score of the RTL cross-check.")
    ap.add_argument("--list", action="store_true", help="print every mutation site and exit")
    ap.add_argument("--count", type=bounded("--count", 1, 100000), default=120)
    ap.add_argument("--sample", type=bounded("--sample", 1, 1000), default=None)
    ap.add_argument("--seed", type=bounded("--seed", 0, 2**31 - 1), default=1)
    ap.add_argument("--jobs", type=bounded("--jobs", 1, 8), default=2)
    ap.add_argument("--seeds", type=bounded("--seeds", 1, 1000), default=20)
    ap.add_argument("--timeout", type=bounded("--timeout", 10, 3600), default=300)
    ap.add_argument("--build-timeout", type=bounded("--build-timeout", 60, 7200), default=1800)
    ap.add_argument("--formal-timeout", type=bounded("--formal-timeout", 60, 14400), default=3600)
    ap.add_argument("--no-formal", action="store_true", help="leave out the formal stage")
    ap.add_argument("--out", default=os.path.join(ROOT, ".build-mutation"))
    ap.add_argument("--report", default=None)
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--keep", action="store_true", help="keep each mutant's folder and libraries")
    ap.add_argument("--stemsim", default=os.environ.get("STEMSIM", os.path.join(ROOT, ".build", "debug", "stemsim")))
    args = ap.parse_args()

    all_sites = sites(os.path.join(ROOT, "rtl"))
    if args.list:
        for m in all_sites:
            print("%-12s %-40s %s" % (m.key, m.id, m.describe()))
        print("%d sites" % len(all_sites))
        return 0
    equivalent = load_equivalent()
    chosen = []
    if args.only:
        by_id = {m.id: m for m in all_sites}
        by_id.update({m.key: m for m in all_sites})
        missing = [i for i in args.only if i not in by_id]
        if missing:
            sys.stderr.write("mutate.py: --only %s is not a mutant id or key (see --list)\n" % missing[0])
            return 2
        chosen = [by_id[i] for i in args.only]
    if args.sample is not None:
        # --sample with --only: the drawn mutants and the named ones.
        pool = all_sites  # (a listed equivalent may be drawn: reported, not a failure)
        if args.sample > len(pool):
            sys.stderr.write("mutate.py: --sample %d is more than the %d mutants\n" % (args.sample, len(pool)))
            return 2
        drawn = random.Random(args.seed).sample(pool, args.sample)
        named = {m.key for m in chosen}
        chosen = sorted(chosen + [m for m in drawn if m.key not in named], key=lambda m: (m.file, m.line, m.col))
    elif not args.only:
        chosen = choose(all_sites, args.count, args.seed)

    if not os.path.exists(args.stemsim):
        print("building stemsim (swift build --product stemsim) for the Verilator command", flush=True)
        code, out, _ = run(["swift", "build", "--product", "stemsim"], timeout=7200, cwd=ROOT)
        if code != 0:
            sys.stderr.write(out[-3000:])
            return 3
    os.makedirs(args.out, exist_ok=True)
    results_path = os.path.join(args.out, "results.json")
    results = json.load(open(results_path)) if os.path.exists(results_path) else {}
    lock = threading.Lock()
    try:
        tools = build_tools(args, args.out)
        judge = Judge(args, tools, args.out)
    except ToolFailure as e:
        sys.stderr.write("mutate.py: %s\n" % e)
        return 3
    todo = [m for m in chosen if m.key not in results]
    print("%d mutants chosen (%d sites), %d already judged in %s, %d to run with --jobs %d" %
          (len(chosen), len(all_sites), len(chosen) - len(todo), results_path, len(todo), args.jobs), flush=True)
    failures = []

    def work(m):
        try:
            r = judge.judge(m, os.path.join(args.out, "work"))
        except ToolFailure as e:
            failures.append(str(e))
            print("  ERROR %s: %s" % (m.id, e), flush=True)
            return
        with lock:
            results[m.key] = r
            tmp = results_path + ".tmp"
            json.dump(results, open(tmp, "w"), indent=1)
            os.replace(tmp, results_path)
            print("  %-9s %-38s %5.0f s  %s | %s" % (r["outcome"], m.id, r["seconds"], m.describe(), r["detail"]),
                  flush=True)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(work, todo))
    listed = report(results, chosen, equivalent, args.report or os.path.join(args.out, "report.json"))
    if failures:
        sys.stderr.write("mutate.py: %d mutants could not be judged (tool failures); rerun to resume\n" % len(failures))
        return 3
    if args.sample is not None or args.only:
        bad = [r for r in listed if r["outcome"] == "survived"]
        if bad:
            sys.stderr.write("mutate.py: %d sampled mutants survived the cross-check\n" % len(bad))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
