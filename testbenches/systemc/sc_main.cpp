// sc_main.cpp: stem_systemc, the SystemC testbench of the Verilated stem_mesh.
//
//   stem_systemc DIR [--tlm] [--events FILE] [--summary FILE] [--clock-mhz F] [--vcd FILE]
//                    [--cycle-limit N] [--tx-depth N] [--out-depth N] [--mon-depth N] [--quiet]
//   stem_systemc --params
//
// DIR is a folder written by `stemsim export` (docs/systemc.md); the testbench reads only
// DIR/stimulus.txt. Without --tlm the pin-level testbench (stem_mesh_tb) runs it; with --tlm
// the CPU model (cpu_example) runs it through the TLM-2.0 wrapper (stem_mesh_tlm). Both record
// the same raw events (per step: the monitor's (step, tile, neuron) events and the flits
// reaching the host with their arrival cycle); turning them into a spike record of (layer,
// neuron) and comparing it with the golden model is stemsim's job (SystemCEngine). Exit codes:
// 0 ok, 2 bad usage or input, 3 the run failed.
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <systemc>

#include "cpu_example.h"
#include "stem_mesh_tb.h"
#include "stem_mesh_tlm.h"
#include "stem_sc_errors.h"
#include "stem_sc_files.h"
#include "stem_sc_mesh.h"

using namespace stemsc;

namespace {

const char* kUsage =
    "usage: stem_systemc DIR [options]      run an export folder (stemsim export) on the mesh\n"
    "       stem_systemc --params           print the parameters this binary was built for\n"
    "options:\n"
    "  --tlm              drive the mesh with the CPU model through stem_mesh_tlm (TLM-2.0\n"
    "                     b_transport) instead of the pin-level testbench\n"
    "  --events FILE      write the raw events (stem-systemc-events 1: per step the monitor's\n"
    "                     (step, tile, neuron) events and the host's flits with their cycle)\n"
    "  --summary FILE     write the summary (JSON: cycles, per-step cycles, overflows, time)\n"
    "  --clock-mhz F      the clock frequency (default 100): sets the simulated time\n"
    "  --vcd FILE         pin-level: write the mesh's ports as a VCD waveform\n"
    "  --cycle-limit N    clock cycles a step barrier may take (default 10000000)\n"
    "  --tx-depth N, --out-depth N, --mon-depth N   TLM: the device's queue depths\n"
    "  --quiet            print nothing on success\n";

struct Options {
    std::string dir, events, summary, vcd;
    bool tlm = false, quiet = false, params = false;
    double clock_mhz = 100;
    bool clock_given = false;
    uint64_t cycle_limit = 10000000;
    stem_mesh_tlm::Options device;
};

uint64_t number(const std::string& option, const std::string& v, uint64_t lo, uint64_t hi) {
    char* end = nullptr;
    const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || v[0] == '-' || x < lo || x > hi) {
        throw InputError(strprintf("%s %s: expected a whole number in %llu...%llu", option.c_str(), v.c_str(),
                                   static_cast<unsigned long long>(lo), static_cast<unsigned long long>(hi)));
    }
    return x;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        auto value = [&]() -> std::string {
            if (k + 1 >= argc) throw InputError(a + " needs a value");
            return argv[++k];
        };
        if (a == "--tlm") {
            o.tlm = true;
        } else if (a == "--events") {
            o.events = value();
        } else if (a == "--summary") {
            o.summary = value();
        } else if (a == "--quiet") {
            o.quiet = true;
        } else if (a == "--params") {
            o.params = true;
        } else if (a == "--vcd") {
            o.vcd = value();
        } else if (a == "--clock-mhz") {
            const std::string v = value();
            char* end = nullptr;
            o.clock_mhz = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || !std::isfinite(o.clock_mhz) || o.clock_mhz < 0.001 || o.clock_mhz > 100000) {
                throw InputError("--clock-mhz " + v + ": expected a frequency in MHz, 0.001...100000");
            }
            o.clock_given = true;
        } else if (a == "--cycle-limit") {
            o.cycle_limit = number(a, value(), 1, UINT64_MAX / 2);
        } else if (a == "--tx-depth") {
            o.device.tx_depth = unsigned(number(a, value(), 1, 1u << 24));
        } else if (a == "--out-depth") {
            o.device.out_depth = unsigned(number(a, value(), 1, 1u << 24));
        } else if (a == "--mon-depth") {
            o.device.mon_depth = unsigned(number(a, value(), 1, 1u << 24));
        } else if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (!a.empty() && a[0] != '-' && o.dir.empty()) {
            o.dir = a;
        } else {
            throw InputError("unknown argument " + a + "\n" + kUsage);
        }
    }
    if (!o.params && o.dir.empty()) throw InputError(std::string("no export folder given\n") + kUsage);
    if (o.tlm && !o.vcd.empty()) throw InputError("--vcd records the pin-level testbench (not --tlm)");
    if (!o.vcd.empty() && (o.vcd.size() < 5 || o.vcd.compare(o.vcd.size() - 4, 4, ".vcd") != 0)) {
        throw InputError("--vcd " + o.vcd + ": the file name must end in .vcd");
    }
    return o;
}

std::string join(const std::string& dir, const std::string& name) {
    return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

int run(const Options& o) {
    const BuildParams built = model_params();
    if (o.params) {
        std::printf("%s\n", built.describe().c_str());
        return 0;
    }
    const Stimulus stimulus = read_stimulus(join(o.dir, "stimulus.txt"));
    check_stimulus(stimulus, built);
    // A bad output path fails before the run.
    if (!o.events.empty()) check_writable(o.events);
    if (!o.summary.empty()) check_writable(o.summary);

    const sc_core::sc_time period(1e6 / o.clock_mhz, sc_core::SC_PS);
    std::string events;
    RunSummary summary;
    if (!o.tlm) {
        stem_mesh_tb tb("tb", stimulus, period, o.cycle_limit);
        // The waveform goes to a temporary name and is renamed when the run succeeded.
        sc_core::sc_trace_file* vcd = nullptr;
        const std::string vcd_base = o.vcd.empty() ? "" : o.vcd.substr(0, o.vcd.size() - 4) + strprintf(".tmp-%d", int(getpid()));
        if (!o.vcd.empty()) {
            vcd = sc_core::sc_create_vcd_trace_file(vcd_base.c_str());
            vcd->set_time_unit(1, sc_core::SC_PS);
            sc_core::sc_trace(vcd, tb.clk, "clk_i");
            tb.signals.trace(vcd);
        }
        struct RemoveUnlessKept {
            std::string path;
            ~RemoveUnlessKept() {
                if (!path.empty()) std::remove(path.c_str());
            }
        } vcd_temporary{vcd ? vcd_base + ".vcd" : ""};
        sc_core::sc_start();
        if (vcd) sc_core::sc_close_vcd_trace_file(vcd);
        tb.mesh.final();
        tb.finish();
        events = events_text("pin", tb.steps, tb.outside);
        if (vcd) {
            if (std::rename(vcd_temporary.path.c_str(), o.vcd.c_str()) != 0) {
                throw RunError(o.vcd + ": cannot move into place: " + std::strerror(errno));
            }
            vcd_temporary.path.clear();
        }
        summary = tb.summary;
        summary.initiator = "pin";
    } else {
        sc_core::sc_clock clk("clk", period);
        sc_core::sc_signal<bool> irq("irq");
        stem_mesh_tlm::Options device = o.device;
        device.access_latency = period;
        device.cycle_limit = o.cycle_limit;
        stem_mesh_tlm dev("stem_mesh_tlm", device);
        cpu_example cpu("cpu", stimulus, built, 0);
        cpu.socket.bind(dev.socket);
        dev.clk(clk);
        dev.irq(irq);
        cpu.irq(irq);
        sc_core::sc_start();
        if (!cpu.error.empty()) {
            throw RunError(cpu.error + (dev.last_error().empty() ? "" : ": " + dev.last_error()));
        }
        events = events_text("tlm", cpu.steps, cpu.outside);
        summary = cpu.summary;
        summary.initiator = "tlm";
    }
    summary.params = built;
    summary.clock_mhz = o.clock_mhz;
    summary.clock_given = o.clock_given;
    summary.clock_period_ps = period.to_seconds() * 1e12;
    summary.sim_time_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;

    if (!o.events.empty()) write_file(o.events, events);
    if (!o.summary.empty()) write_file(o.summary, summary.json());
    if (!o.quiet) std::fputs(summary.text().c_str(), stdout);
    return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
    // SystemC's own messages: warnings are printed, errors end the run with its message.
    sc_core::sc_report_handler::set_actions(sc_core::SC_ID_NO_SC_START_ACTIVITY_, sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);  // "stopped by user", ...
    try {
        const Options o = parse(argc, argv);
        return run(o);
    } catch (const InputError& e) {
        std::fprintf(stderr, "stem_systemc: error: %s\n", e.what());
        return 2;
    } catch (const RunError& e) {
        std::fprintf(stderr, "stem_systemc: run failed: %s\n", e.what());
        return 3;
    } catch (const sc_core::sc_report& e) {
        std::fprintf(stderr, "stem_systemc: SystemC: %s\n", e.what());
        return 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "stem_systemc: %s\n", e.what());
        return 3;
    }
}

// SystemC 2.3 prints its banner when the kernel starts unless SC_COPYRIGHT_MESSAGE=DISABLE; the
// banner is noise in a tool's output (set SC_COPYRIGHT_MESSAGE=ENABLE to see it).
int main(int argc, char** argv) {
    setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
