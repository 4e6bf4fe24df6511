// stem_sc_files.cpp: see stem_sc_files.h.
#include "stem_sc_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "stem_sc_errors.h"

namespace stemsc {

std::string strprintf(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return "(formatting error)";
    if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
    std::string s(static_cast<size_t>(n) + 1, '\0');
    va_start(ap, fmt);
    std::vsnprintf(&s[0], s.size(), fmt, ap);
    va_end(ap);
    s.resize(static_cast<size_t>(n));
    return s;
}

// ------------------------------------------------------------------------------------------
// BuildParams
// ------------------------------------------------------------------------------------------

bool BuildParams::lookup(const std::string& name, uint64_t& value) const {
    const std::pair<const char*, unsigned> table[] = {
        {"time_steps", time_steps}, {"weight_bits", weight_bits}, {"acc_bits", acc_bits},
        {"saturate", saturate},     {"num_neurons", num_neurons}, {"num_axons", num_axons},
        {"max_fanout", max_fanout}, {"mesh_x", mesh_x},           {"mesh_y", mesh_y},
        {"fifo_depth", fifo_depth},
    };
    for (const auto& [key, v] : table) {
        if (name == key) {
            value = v;
            return true;
        }
    }
    return false;
}

std::string BuildParams::describe() const {
    return strprintf("TimeSteps=%u WeightBits=%u AccBits=%u Saturate=%u NumNeurons=%u NumAxons=%u "
                     "MaxFanout=%u MeshX=%u MeshY=%u FifoDepth=%u",
                     time_steps, weight_bits, acc_bits, saturate, num_neurons, num_axons, max_fanout, mesh_x,
                     mesh_y, fifo_depth);
}

// ------------------------------------------------------------------------------------------
// The stimulus
// ------------------------------------------------------------------------------------------

Stimulus read_stimulus(const std::string& file) {
    try {
        return stemstim::read_stimulus(file);
    } catch (const stemstim::StimulusError& e) {
        throw InputError(e.what());  // bad input: exit 2
    }
}

void check_stimulus(const Stimulus& s, const BuildParams& built) {
    // Every parameter must be given: the stimulus is only valid on the mesh it was made for.
    std::istringstream names(stemstim::kParamNames);
    for (std::string name; names >> name;) {
        bool given = false;
        for (const auto& p : s.params) given = given || p.first == name;
        if (!given) {
            throw InputError(s.file + ": no 'param " + name + "' line (the stimulus must name all of " +
                             stemstim::kParamNames + ")");
        }
    }
    for (const auto& [name, value] : s.params) {
        uint64_t have = 0;
        if (!built.lookup(name, have)) {
            throw InputError(s.file + ": unknown param '" + name +
                             "' (allowed: " + stemstim::kParamNames + ")");
        }
        if (have != value) {
            throw InputError(strprintf("%s: param %s is %llu but this testbench was built with %llu (%s); build "
                                       "one for the stimulus's parameters",
                                       s.file.c_str(), name.c_str(), static_cast<unsigned long long>(value),
                                       static_cast<unsigned long long>(have), built.describe().c_str()));
        }
    }
    for (const auto& c : s.config) {
        if (c.backdoor && c.tile >= built.num_tiles()) {
            throw InputError(strprintf("%s: backdoor write to tile %u, but the mesh has tiles 0..%u", s.file.c_str(),
                                       c.tile, built.num_tiles() - 1));
        }
        if (!c.backdoor && !flit_to_host(c.flit) && (flit_dst_x(c.flit) >= built.mesh_x || flit_dst_y(c.flit) >= built.mesh_y)) {
            throw InputError(strprintf("%s: configuration flit %016llx goes to tile (%u,%u) outside the %ux%u mesh",
                                       s.file.c_str(), static_cast<unsigned long long>(c.flit), flit_dst_x(c.flit),
                                       flit_dst_y(c.flit), built.mesh_x, built.mesh_y));
        }
    }
    for (size_t t = 0; t < s.steps.size(); ++t) {
        for (const uint64_t f : s.steps[t]) {
            if (!flit_to_host(f) && (flit_dst_x(f) >= built.mesh_x || flit_dst_y(f) >= built.mesh_y)) {
                throw InputError(strprintf("%s: step %zu: flit %016llx goes to tile (%u,%u) outside the %ux%u mesh",
                                           s.file.c_str(), t, static_cast<unsigned long long>(f), flit_dst_x(f),
                                           flit_dst_y(f), built.mesh_x, built.mesh_y));
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// The events
// ------------------------------------------------------------------------------------------

namespace {

void append_events(std::string& text, const StepObservation& o) {
    for (const MonitorEvent& e : o.monitor) text += strprintf("spike %u %u %u\n", e.step, e.tile, e.neuron);
    for (const HostFlit& f : o.host_out) {
        text += strprintf("host %016llx %llu\n", static_cast<unsigned long long>(f.bits),
                          static_cast<unsigned long long>(f.cycle));
    }
}

}  // namespace

std::string events_text(const std::string& initiator, const std::vector<StepObservation>& steps,
                        const StepObservation& outside) {
    std::string text = "stem-systemc-events 1\ninitiator " + initiator + "\n";
    for (size_t tau = 0; tau < steps.size(); ++tau) {
        text += strprintf("step %zu %llu\n", tau, static_cast<unsigned long long>(steps[tau].cycles));
        append_events(text, steps[tau]);
    }
    if (!outside.monitor.empty() || !outside.host_out.empty()) {
        text += "outside\n";
        append_events(text, outside);
    }
    text += "end\n";
    return text;
}

void write_file(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) throw RunError(path + ": cannot create: " + std::strerror(errno));
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
    const int err = errno;
    if (std::fclose(f) != 0 || !written) {
        std::remove(path.c_str());
        throw RunError(path + ": cannot write: " + std::strerror(written ? errno : err));
    }
}

void check_writable(const std::string& path) {
    struct stat st;
    const bool existed = ::stat(path.c_str(), &st) == 0;
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (!f) throw InputError(path + ": cannot create: " + std::strerror(errno));
    std::fclose(f);
    if (!existed) std::remove(path.c_str());
}

// ------------------------------------------------------------------------------------------
// The summary
// ------------------------------------------------------------------------------------------

uint64_t RunSummary::run_cycles() const {
    uint64_t total = 0;
    for (const uint64_t c : step_cycles) total += c;
    return total;
}

int64_t RunSummary::overflow_total() const {
    int64_t total = 0;
    for (const auto& o : overflows) total += o.second;
    return total;
}

namespace {

uint64_t max_step(const RunSummary& s) {
    uint64_t m = 0;
    for (const uint64_t c : s.step_cycles) m = std::max(m, c);
    return m;
}

std::string num(double v) { return strprintf("%.6f", v); }

std::string time_text(double ns) {
    if (ns >= 1e6) return strprintf("%.3f ms", ns / 1e6);
    if (ns >= 1e3) return strprintf("%.3f us", ns / 1e3);
    return strprintf("%.1f ns", ns);
}

}  // namespace

std::string RunSummary::json() const {
    const double busy_ns = double(run_cycles()) * 1000.0 / clock_mhz;
    std::string j = "{\n";
    j += "  \"format\": \"stem-systemc-summary\",\n  \"version\": 2,\n";
    j += "  \"initiator\": \"" + initiator + "\",\n";
    j += strprintf("  \"parameters\": {\"TimeSteps\": %u, \"WeightBits\": %u, \"AccBits\": %u, \"Saturate\": %u, "
                   "\"NumNeurons\": %u, \"NumAxons\": %u, \"MaxFanout\": %u, \"MeshX\": %u, \"MeshY\": %u, "
                   "\"FifoDepth\": %u},\n",
                   params.time_steps, params.weight_bits, params.acc_bits, params.saturate, params.num_neurons,
                   params.num_axons, params.max_fanout, params.mesh_x, params.mesh_y, params.fifo_depth);
    j += strprintf("  \"steps\": %zu,\n", step_cycles.size());
    j += strprintf("  \"cycles\": {\"reset\": %llu, \"configuration\": %llu, \"start\": %llu, \"run\": %llu, "
                   "\"total\": %llu, \"maxStep\": %llu},\n",
                   static_cast<unsigned long long>(reset_cycles), static_cast<unsigned long long>(config_cycles),
                   static_cast<unsigned long long>(start_cycles), static_cast<unsigned long long>(run_cycles()),
                   static_cast<unsigned long long>(total_cycles), static_cast<unsigned long long>(max_step(*this)));
    j += "  \"stepCycles\": [";
    for (size_t k = 0; k < step_cycles.size(); ++k) {
        j += (k ? "," : "") + std::to_string(step_cycles[k]);
    }
    j += "],\n";
    j += strprintf("  \"flits\": {\"configuration\": %llu, \"backdoorWrites\": %llu, \"fromHost\": %llu, \"toHost\": %llu},\n",
                   static_cast<unsigned long long>(config_flits), static_cast<unsigned long long>(backdoor_writes),
                   static_cast<unsigned long long>(host_flits_in), static_cast<unsigned long long>(host_flits_out));
    j += strprintf("  \"spikes\": %llu,\n", static_cast<unsigned long long>(spikes));
    j += strprintf("  \"overflows\": %lld,\n  \"overflowsPerTile\": [", static_cast<long long>(overflow_total()));
    for (size_t k = 0; k < overflows.size(); ++k) {
        j += strprintf("%s{\"tile\": %u, \"overflows\": %lld}", k ? ", " : "", overflows[k].first,
                       static_cast<long long>(overflows[k].second));
    }
    j += "],\n";
    j += strprintf("  \"hostOutStalls\": %llu,\n", static_cast<unsigned long long>(host_out_stalls));
    j += strprintf("  \"bus\": {\"reads\": %llu, \"writes\": %llu},\n", static_cast<unsigned long long>(bus_reads),
                   static_cast<unsigned long long>(bus_writes));
    j += "  \"clock\": {\"mhz\": " + num(clock_mhz) + ", \"periodPs\": " + num(clock_period_ps) +
         ", \"given\": " + (clock_given ? "true" : "false") + "},\n";
    j += "  \"simulatedTimeNs\": {\"total\": " + num(sim_time_ns) + ", \"run\": " + num(run_time_ns) +
         ", \"meshBusy\": " + num(busy_ns) + "}\n";
    j += "}\n";
    return j;
}

std::string RunSummary::text() const {
    const size_t n = step_cycles.size();
    const double mean = n ? double(run_cycles()) / double(n) : 0;
    const double busy_ns = double(run_cycles()) * 1000.0 / clock_mhz;
    std::string s;
    s += strprintf("initiator   %s\n", initiator == "tlm" ? "CPU model through stem_mesh_tlm (TLM-2.0 b_transport)"
                                                          : "pin-level testbench (Verilated stem_mesh ports)");
    s += strprintf("mesh        stem_mesh %s\n", params.describe().c_str());
    s += strprintf("cycles      reset %llu, configuration %llu (%llu flits, %llu backdoor writes), start %llu\n",
                   static_cast<unsigned long long>(reset_cycles), static_cast<unsigned long long>(config_cycles),
                   static_cast<unsigned long long>(config_flits), static_cast<unsigned long long>(backdoor_writes),
                   static_cast<unsigned long long>(start_cycles));
    s += strprintf("            %zu steps: %llu (%.1f per step, at most %llu), whole simulation %llu\n", n,
                   static_cast<unsigned long long>(run_cycles()), mean,
                   static_cast<unsigned long long>(max_step(*this)), static_cast<unsigned long long>(total_cycles));
    s += strprintf("traffic     %llu spikes on the monitor, %llu flits from the host, %llu to the host",
                   static_cast<unsigned long long>(spikes), static_cast<unsigned long long>(host_flits_in),
                   static_cast<unsigned long long>(host_flits_out));
    if (host_out_stalls) s += strprintf(", host_out held %llu cycles", static_cast<unsigned long long>(host_out_stalls));
    s += "\n";
    if (initiator == "tlm") {
        s += strprintf("bus         %llu reads, %llu writes\n", static_cast<unsigned long long>(bus_reads),
                       static_cast<unsigned long long>(bus_writes));
    }
    s += strprintf("overflows   %lld (status word 0 of every tile, read through the debug port)\n",
                   static_cast<long long>(overflow_total()));
    s += strprintf("sim time    %s in all, steps %s (mesh busy %s) at %.6g MHz%s\n", time_text(sim_time_ns).c_str(),
                   time_text(run_time_ns).c_str(), time_text(busy_ns).c_str(), clock_mhz,
                   clock_given ? "" : " (the default clock; --clock-mhz sets it)");
    return s;
}

}  // namespace stemsc
