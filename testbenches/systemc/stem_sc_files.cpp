// stem_sc_files.cpp: see stem_sc_files.h.
#include "stem_sc_files.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "stem_sc_errors.h"
#include "stem_sc_json.h"

namespace stemsc {

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
// mesh.json
// ------------------------------------------------------------------------------------------

namespace {

class MeshReader {
public:
    explicit MeshReader(const std::string& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& path, const std::string& msg) const {
        throw InputError(file_ + ": " + (path.empty() ? "" : path + ": ") + msg);
    }

    const Json& member(const Json& obj, const std::string& path, const std::string& key) const {
        const Json* v = obj.find(key);
        if (!v) fail(path, "missing key \"" + key + "\"");
        return *v;
    }

    void only(const Json& obj, const std::string& path, std::initializer_list<const char*> keys) const {
        if (obj.kind != Json::Kind::Object) fail(path, std::string("expected an object, got ") + obj.kind_name());
        for (const auto& m : obj.object) {
            bool known = false;
            std::string allowed;
            for (const char* k : keys) {
                known = known || m.first == k;
                allowed += allowed.empty() ? k : std::string(", ") + k;
            }
            if (!known) fail(path, "unknown key \"" + m.first + "\" (allowed: " + allowed + ")");
        }
    }

    int64_t integer(const Json& v, const std::string& path, int64_t lo, int64_t hi) const {
        if (v.kind != Json::Kind::Integer) fail(path, std::string("expected an integer, got ") + v.kind_name());
        if (v.integer < lo || v.integer > hi) {
            fail(path, strprintf("%lld is out of range %lld...%lld", static_cast<long long>(v.integer),
                                 static_cast<long long>(lo), static_cast<long long>(hi)));
        }
        return v.integer;
    }

    int64_t integer(const Json& obj, const std::string& path, const std::string& key, int64_t lo, int64_t hi) const {
        return integer(member(obj, path, key), join(path, key), lo, hi);
    }

    static std::string join(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }

    std::string text(const Json& obj, const std::string& path, const std::string& key) const {
        const Json& v = member(obj, path, key);
        if (v.kind != Json::Kind::String) fail(join(path, key), std::string("expected a string, got ") + v.kind_name());
        return v.string;
    }

    const std::string& file_;
};

}  // namespace

MeshDescription read_mesh_description(const std::string& file) {
    const Json doc = read_json_file(file);
    MeshReader r(file);
    r.only(doc, "", {"format", "version", "parameters", "network", "samples", "steps", "configuration", "cores", "files",
                     "golden"});
    MeshDescription m;
    m.file = file;
    if (r.text(doc, "", "format") != "stem-mesh-export") r.fail("format", "expected \"stem-mesh-export\"");
    r.integer(doc, "", "version", 1, 1);

    const Json& p = r.member(doc, "", "parameters");
    r.only(p, "parameters", {"TimeSteps", "WeightBits", "AccBits", "Saturate", "NumNeurons", "NumAxons", "MaxFanout",
                             "MeshX", "MeshY", "FifoDepth"});
    m.params.time_steps = unsigned(r.integer(p, "parameters", "TimeSteps", 2, 16));
    m.params.weight_bits = unsigned(r.integer(p, "parameters", "WeightBits", 2, 16));
    m.params.acc_bits = unsigned(r.integer(p, "parameters", "AccBits", 2, 48));
    m.params.saturate = unsigned(r.integer(p, "parameters", "Saturate", 0, 1));
    m.params.num_neurons = unsigned(r.integer(p, "parameters", "NumNeurons", 1, 65536));
    m.params.num_axons = unsigned(r.integer(p, "parameters", "NumAxons", 1, 65536));
    m.params.max_fanout = unsigned(r.integer(p, "parameters", "MaxFanout", 1, 16));
    m.params.mesh_x = unsigned(r.integer(p, "parameters", "MeshX", 1, 16));
    m.params.mesh_y = unsigned(r.integer(p, "parameters", "MeshY", 1, 16));
    m.params.fifo_depth = unsigned(r.integer(p, "parameters", "FifoDepth", 2, 64));

    const Json& n = r.member(doc, "", "network");
    r.only(n, "network", {"layerWidths", "timeSteps", "inputSigned"});
    const Json& widths = r.member(n, "network", "layerWidths");
    if (widths.kind != Json::Kind::Array || widths.array.size() < 2) {
        r.fail("network.layerWidths", "expected an array of at least 2 widths (the inputs and a layer)");
    }
    for (size_t k = 0; k < widths.array.size(); ++k) {
        m.layer_widths.push_back(
            unsigned(r.integer(widths.array[k], "network.layerWidths[" + std::to_string(k) + "]", 1, 65536)));
    }
    const int64_t b = r.integer(n, "network", "timeSteps", 2, 16);
    if (unsigned(b) != m.params.time_steps) {
        r.fail("network.timeSteps", strprintf("%lld differs from parameters.TimeSteps %u", static_cast<long long>(b),
                                              m.params.time_steps));
    }
    const Json& sign = r.member(n, "network", "inputSigned");
    if (sign.kind != Json::Kind::Bool) r.fail("network.inputSigned", std::string("expected a boolean, got ") + sign.kind_name());
    m.input_signed = sign.boolean;

    m.samples = uint64_t(r.integer(doc, "", "samples", 1, INT64_MAX / 64));
    m.steps = uint64_t(r.integer(doc, "", "steps", 1, INT64_MAX));
    const uint64_t expected_steps = (m.samples + m.depth()) * m.params.time_steps;
    if (m.steps != expected_steps) {
        r.fail("steps", strprintf("%llu, but (samples + layers) * timeSteps = %llu",
                                  static_cast<unsigned long long>(m.steps), static_cast<unsigned long long>(expected_steps)));
    }

    const Json& c = r.member(doc, "", "configuration");
    r.only(c, "configuration", {"path", "writes"});
    m.configuration_path = r.text(c, "configuration", "path");
    if (m.configuration_path != "packets" && m.configuration_path != "backdoor") {
        r.fail("configuration.path", "\"" + m.configuration_path + "\" is not \"packets\" or \"backdoor\"");
    }
    r.integer(c, "configuration", "writes", 0, INT64_MAX);

    const Json& cores = r.member(doc, "", "cores");
    if (cores.kind != Json::Kind::Array || cores.array.empty()) r.fail("cores", "expected a non-empty array");
    std::set<unsigned> used;
    for (size_t k = 0; k < cores.array.size(); ++k) {
        const std::string path = "cores[" + std::to_string(k) + "]";
        const Json& o = cores.array[k];
        r.only(o, path, {"tile", "x", "y", "layer", "firstNeuron", "neurons", "fanIn"});
        CoreDescription core;
        core.tile = unsigned(r.integer(o, path, "tile", 0, int64_t(m.params.num_tiles()) - 1));
        core.x = unsigned(r.integer(o, path, "x", 0, m.params.mesh_x - 1));
        core.y = unsigned(r.integer(o, path, "y", 0, m.params.mesh_y - 1));
        if (core.tile != core.y * m.params.mesh_x + core.x) r.fail(path, "tile is not y * MeshX + x");
        if (!used.insert(core.tile).second) r.fail(path + ".tile", strprintf("tile %u holds two cores", core.tile));
        core.layer = unsigned(r.integer(o, path, "layer", 1, m.depth()));
        core.first_neuron = unsigned(r.integer(o, path, "firstNeuron", 0, m.layer_widths[core.layer] - 1));
        core.neurons = unsigned(r.integer(o, path, "neurons", 1, m.params.num_neurons));
        if (core.first_neuron + core.neurons > m.layer_widths[core.layer]) {
            r.fail(path, strprintf("neurons %u..%u leave layer %u (width %u)", core.first_neuron,
                                   core.first_neuron + core.neurons - 1, core.layer, m.layer_widths[core.layer]));
        }
        core.fan_in = unsigned(r.integer(o, path, "fanIn", 1, m.params.num_axons));
        m.cores.push_back(core);
    }
    // Every neuron of every layer is on exactly one core.
    for (unsigned l = 1; l <= m.depth(); ++l) {
        std::vector<int> covered(m.layer_widths[l], 0);
        for (const auto& core : m.cores) {
            if (core.layer != l) continue;
            for (unsigned j = 0; j < core.neurons; ++j) covered[core.first_neuron + j]++;
        }
        for (unsigned j = 0; j < covered.size(); ++j) {
            if (covered[j] != 1) r.fail("cores", strprintf("neuron %u of layer %u is on %d cores (must be 1)", j, l, covered[j]));
        }
    }

    if (const Json* files = doc.find("files")) {
        r.only(*files, "files", {"stimulus", "golden"});
        m.stimulus_name = r.text(*files, "files", "stimulus");
        m.golden_name = r.text(*files, "files", "golden");
    }
    if (const Json* golden = doc.find("golden")) {
        r.only(*golden, "golden", {"overflows", "sops"});
        m.golden_overflows = r.integer(*golden, "golden", "overflows", 0, INT64_MAX);
        r.integer(*golden, "golden", "sops", 0, INT64_MAX);
    }
    return m;
}

void check_mesh_description(const MeshDescription& m, const BuildParams& built, const Stimulus& s) {
    const BuildParams& p = m.params;
    const bool same = p.time_steps == built.time_steps && p.weight_bits == built.weight_bits &&
                      p.acc_bits == built.acc_bits && p.saturate == built.saturate &&
                      p.num_neurons == built.num_neurons && p.num_axons == built.num_axons &&
                      p.max_fanout == built.max_fanout && p.mesh_x == built.mesh_x && p.mesh_y == built.mesh_y &&
                      p.fifo_depth == built.fifo_depth;
    if (!same) {
        throw InputError(m.file + ": parameters " + p.describe() + " differ from this testbench's build " +
                         built.describe() + "; build one for the export's parameters");
    }
    if (s.steps.size() != m.steps) {
        throw InputError(strprintf("%s has %zu steps but %s says %llu", s.file.c_str(), s.steps.size(), m.file.c_str(),
                                   static_cast<unsigned long long>(m.steps)));
    }
}

// ------------------------------------------------------------------------------------------
// The spike record
// ------------------------------------------------------------------------------------------

std::string record_line(uint64_t tau, const std::vector<std::vector<int32_t>>& layers) {
    std::string text = "{\"t\":" + std::to_string(tau) + ",\"spikes\":[";
    bool first = true;
    for (size_t l = 0; l < layers.size(); ++l) {
        const std::string prefix = "[" + std::to_string(l) + ",";
        for (const int32_t n : layers[l]) {
            if (!first) text += ',';
            first = false;
            text += prefix;
            text += std::to_string(n);
            text += ']';
        }
    }
    text += "]}\n";
    return text;
}

RecordBuilder::RecordBuilder(const MeshDescription& mesh)
    : mesh_(mesh),
      tile_layer_(mesh.params.num_tiles(), 0),
      tile_base_(mesh.params.num_tiles(), 0),
      tile_count_(mesh.params.num_tiles(), 0),
      layers_(mesh.depth() + 1) {
    for (const auto& core : mesh.cores) {
        tile_layer_[core.tile] = int(core.layer);
        tile_base_[core.tile] = core.first_neuron;
        tile_count_[core.tile] = core.neurons;
    }
}

std::string RecordBuilder::line(uint64_t tau, const StepObservation& step) {
    for (auto& l : layers_) l.clear();
    for (const uint64_t f : step.host_in) {
        if (flit_is_config(f) || flit_to_host(f)) continue;
        layers_[0].push_back(int32_t(flit_axon(f)));
    }
    std::sort(layers_[0].begin(), layers_[0].end());
    layers_[0].erase(std::unique(layers_[0].begin(), layers_[0].end()), layers_[0].end());
    if (!layers_[0].empty() && unsigned(layers_[0].back()) >= mesh_.layer_widths[0]) {
        throw RunError(strprintf("step %llu: the host sent axon %d, but the input layer has %u neurons",
                                 static_cast<unsigned long long>(tau), layers_[0].back(), mesh_.layer_widths[0]));
    }
    for (const MonitorEvent& e : step.monitor) {
        if (e.step != tau) {
            throw RunError(strprintf("step %llu: a spike of tile %u neuron %u was seen while the mesh was in step %u",
                                     static_cast<unsigned long long>(tau), e.tile, e.neuron, e.step));
        }
        if (e.tile >= tile_layer_.size() || tile_layer_[e.tile] == 0) {
            throw RunError(strprintf("step %llu: unused tile %u sent a spike (neuron %u)",
                                     static_cast<unsigned long long>(tau), e.tile, e.neuron));
        }
        if (e.neuron >= tile_count_[e.tile]) {
            throw RunError(strprintf("step %llu: tile %u sent a spike of neuron %u, but it holds %u neurons",
                                     static_cast<unsigned long long>(tau), e.tile, e.neuron, tile_count_[e.tile]));
        }
        layers_[size_t(tile_layer_[e.tile])].push_back(int32_t(tile_base_[e.tile] + e.neuron));
    }
    for (size_t l = 1; l < layers_.size(); ++l) {
        auto& v = layers_[l];
        std::sort(v.begin(), v.end());
        const auto dup = std::adjacent_find(v.begin(), v.end());
        if (dup != v.end()) {
            throw RunError(strprintf("step %llu: neuron %d of layer %zu spiked twice", static_cast<unsigned long long>(tau),
                                     *dup, l));
        }
    }
    // The output layer's spikes reach the host as flits whose axon is the neuron's index.
    std::vector<int32_t> received;
    for (const uint64_t f : step.host_out) {
        if (flit_is_config(f) || !flit_to_host(f)) {
            throw RunError(strprintf("step %llu: the host received an unexpected flit %016llx",
                                     static_cast<unsigned long long>(tau), static_cast<unsigned long long>(f)));
        }
        received.push_back(int32_t(flit_axon(f)));
    }
    std::sort(received.begin(), received.end());
    if (received != layers_.back()) {
        auto list = [](const std::vector<int32_t>& v) {
            std::string s = "[";
            for (size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + std::to_string(v[k]);
            return s + "]";
        };
        throw RunError(strprintf("step %llu: the output cores sent %s but the host received %s",
                                 static_cast<unsigned long long>(tau), list(layers_.back()).c_str(),
                                 list(received).c_str()));
    }
    return record_line(tau, layers_);
}

AtomicFile::AtomicFile(const std::string& path) : path_(path) {
    tmp_ = path + strprintf(".tmp-%d", int(getpid()));
    f_ = std::fopen(tmp_.c_str(), "w");
    if (!f_) throw InputError(path + ": cannot create: " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
    if (f_) {
        std::fclose(f_);
        std::remove(tmp_.c_str());
    }
}

void AtomicFile::write(const std::string& text) {
    if (!f_) return;
    if (std::fwrite(text.data(), 1, text.size(), f_) != text.size()) failed_ = true;
}

void AtomicFile::commit() {
    const bool ok = !failed_ && std::fflush(f_) == 0;
    const int err = errno;
    const bool closed = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok || !closed) {
        std::remove(tmp_.c_str());
        throw RunError(path_ + ": cannot write: " + std::strerror(err));
    }
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
        const int rerr = errno;
        std::remove(tmp_.c_str());
        throw RunError(path_ + ": cannot move into place: " + std::strerror(rerr));
    }
}

std::vector<std::string> read_lines(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw InputError(file + ": cannot open: " + std::strerror(errno));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
    return lines;
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

struct Timing {
    double per_step_ns = 0, per_inference_ns = 0, latency_ns = 0, run_ns = 0;
    uint64_t max_step_cycles = 0;
    double mean_step_cycles = 0, cycles_per_inference = 0, latency_cycles = 0;
};

Timing timing(const RunSummary& s) {
    Timing t;
    const double period_ns = 1000.0 / s.clock_mhz;
    const uint64_t run = s.run_cycles();
    const size_t n = s.step_cycles.size();
    for (const uint64_t c : s.step_cycles) t.max_step_cycles = std::max(t.max_step_cycles, c);
    t.mean_step_cycles = n ? double(run) / double(n) : 0;
    t.cycles_per_inference = s.samples ? double(run) / double(s.samples) : 0;
    // Latency of sample k: from the start of window k (its first input step) to the end of
    // window k + L (its last output step), averaged over the samples.
    const uint64_t b = s.params.time_steps;
    double latency = 0;
    for (uint64_t k = 0; k < s.samples; ++k) {
        uint64_t cycles = 0;
        for (uint64_t tau = k * b; tau < (k + s.layers + 1) * b && tau < n; ++tau) cycles += s.step_cycles[tau];
        latency += double(cycles);
    }
    t.latency_cycles = s.samples ? latency / double(s.samples) : 0;
    t.per_step_ns = t.mean_step_cycles * period_ns;
    t.per_inference_ns = t.cycles_per_inference * period_ns;
    t.latency_ns = t.latency_cycles * period_ns;
    t.run_ns = double(run) * period_ns;
    return t;
}

std::string num(double v) { return strprintf("%.6f", v); }

std::string time_text(double ns) {
    if (ns >= 1e6) return strprintf("%.3f ms", ns / 1e6);
    if (ns >= 1e3) return strprintf("%.3f us", ns / 1e3);
    return strprintf("%.1f ns", ns);
}

}  // namespace

std::string RunSummary::json() const {
    const Timing t = timing(*this);
    std::string j = "{\n";
    j += "  \"format\": \"stem-systemc-summary\",\n  \"version\": 1,\n";
    j += "  \"initiator\": " + json_quoted(initiator) + ",\n";
    j += strprintf("  \"parameters\": {\"TimeSteps\": %u, \"WeightBits\": %u, \"AccBits\": %u, \"Saturate\": %u, "
                   "\"NumNeurons\": %u, \"NumAxons\": %u, \"MaxFanout\": %u, \"MeshX\": %u, \"MeshY\": %u, "
                   "\"FifoDepth\": %u},\n",
                   params.time_steps, params.weight_bits, params.acc_bits, params.saturate, params.num_neurons,
                   params.num_axons, params.max_fanout, params.mesh_x, params.mesh_y, params.fifo_depth);
    j += strprintf("  \"samples\": %llu,\n  \"layers\": %llu,\n  \"steps\": %zu,\n",
                   static_cast<unsigned long long>(samples), static_cast<unsigned long long>(layers), step_cycles.size());
    j += strprintf("  \"cycles\": {\"reset\": %llu, \"configuration\": %llu, \"start\": %llu, \"run\": %llu, "
                   "\"total\": %llu, \"maxStep\": %llu},\n",
                   static_cast<unsigned long long>(reset_cycles), static_cast<unsigned long long>(config_cycles),
                   static_cast<unsigned long long>(start_cycles), static_cast<unsigned long long>(run_cycles()),
                   static_cast<unsigned long long>(total_cycles), static_cast<unsigned long long>(t.max_step_cycles));
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
         ", \"meshBusy\": " + num(t.run_ns) + "},\n";
    j += "  \"estimate\": {\"cyclesPerStep\": " + num(t.mean_step_cycles) + ", \"cyclesPerInference\": " +
         num(t.cycles_per_inference) + ", \"latencyCycles\": " + num(t.latency_cycles) + ", \"nsPerStep\": " +
         num(t.per_step_ns) + ", \"nsPerInference\": " + num(t.per_inference_ns) + ", \"latencyNs\": " +
         num(t.latency_ns) + "}\n";
    j += "}\n";
    return j;
}

std::string RunSummary::text() const {
    const Timing t = timing(*this);
    std::string s;
    s += strprintf("initiator   %s\n", initiator == "tlm" ? "CPU model through stem_mesh_tlm (TLM-2.0 b_transport)"
                                                          : "pin-level testbench (Verilated stem_mesh ports)");
    s += strprintf("mesh        stem_mesh %s\n", params.describe().c_str());
    s += strprintf("run         %llu samples, %llu layers, %zu steps\n", static_cast<unsigned long long>(samples),
                   static_cast<unsigned long long>(layers), step_cycles.size());
    s += strprintf("cycles      reset %llu, configuration %llu (%llu flits, %llu backdoor writes), start %llu\n",
                   static_cast<unsigned long long>(reset_cycles), static_cast<unsigned long long>(config_cycles),
                   static_cast<unsigned long long>(config_flits), static_cast<unsigned long long>(backdoor_writes),
                   static_cast<unsigned long long>(start_cycles));
    s += strprintf("            run %llu (%.1f per step, at most %llu), whole simulation %llu\n",
                   static_cast<unsigned long long>(run_cycles()), t.mean_step_cycles,
                   static_cast<unsigned long long>(t.max_step_cycles), static_cast<unsigned long long>(total_cycles));
    s += strprintf("traffic     %llu spikes on the monitor, %llu flits from the host, %llu to the host",
                   static_cast<unsigned long long>(spikes), static_cast<unsigned long long>(host_flits_in),
                   static_cast<unsigned long long>(host_flits_out));
    if (host_out_stalls) s += strprintf(", host_out held %llu cycles", static_cast<unsigned long long>(host_out_stalls));
    s += "\n";
    if (initiator == "tlm") {
        s += strprintf("bus         %llu reads, %llu writes\n", static_cast<unsigned long long>(bus_reads),
                       static_cast<unsigned long long>(bus_writes));
    }
    s += strprintf("overflows   %lld (status word 0 of each used tile, read through the debug port)\n",
                   static_cast<long long>(overflow_total()));
    s += strprintf("sim time    %s in all, steps %s (mesh busy %s) at %.6g MHz%s\n", time_text(sim_time_ns).c_str(),
                   time_text(run_time_ns).c_str(), time_text(t.run_ns).c_str(), clock_mhz,
                   clock_given ? "" : " (the default clock; --clock-mhz sets it)");
    if (clock_given) {
        s += strprintf("estimate    at %.6g MHz: %s per step, %s per inference (%.1f cycles, pipelined throughput), "
                       "%s latency per inference (%.1f cycles, mean)\n",
                       clock_mhz, time_text(t.per_step_ns).c_str(), time_text(t.per_inference_ns).c_str(),
                       t.cycles_per_inference, time_text(t.latency_ns).c_str(), t.latency_cycles);
        s += "            an estimate for this microarchitecture (stem_mesh RTL cycles), not a Darwin3 figure\n";
    }
    return s;
}

}  // namespace stemsc
