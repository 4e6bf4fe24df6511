// stem_sc_files.h: the files the SystemC testbench reads and writes (docs/systemc.md):
//
//   stimulus.txt   "stem-stimulus 1" (stem_stimulus.h, shared with testbenches/stem_driver.cpp):
//                  parameters, configuration flits or backdoor writes, start, the host flits of
//                  every step
//   mesh.json      "stem-mesh-export" 1: the build parameters and the mapping (which tile holds
//                  which neurons of which layer), to turn monitor events into (layer, neuron)
//   *.jsonl        the spike record, exactly as `stemsim run --spikes` writes it
//   summary.json   "stem-systemc-summary" 1: cycles, per-step cycles, overflows, simulated time
//
// Nothing here depends on SystemC or on the Verilated model, so the readers can be reused.
#ifndef STEM_SC_FILES_H
#define STEM_SC_FILES_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "stem_hw_interface.h"
#include "stem_stimulus.h"

namespace stemsc {

// ------------------------------------------------------------------------------------------
// Flit fields (docs/hardware-interface.md, "The flit")
// ------------------------------------------------------------------------------------------
// (the generated names of stem_hw_interface.h, from rtl/stem_interface.json)
inline bool flit_is_config(uint64_t f) { return stem_get_flit_kind(f) == STEM_KIND_CONFIG; }
inline bool flit_to_host(uint64_t f) { return stem_get_flit_host(f) != 0; }
inline unsigned flit_dst_x(uint64_t f) { return unsigned(stem_get_flit_dst_x(f)); }
inline unsigned flit_dst_y(uint64_t f) { return unsigned(stem_get_flit_dst_y(f)); }
inline unsigned flit_axon(uint64_t f) { return unsigned(stem_get_spike_axon(f)); }

/// The word address of status word `index` (region Status) in a tile's address map.
inline uint32_t status_address(unsigned index) {
    return uint32_t(stem_put_addr_region(STEM_REGION_STATUS) | stem_put_addr_index(index));
}

/// The build parameters of a mesh (docs/hardware-interface.md, "Build parameters").
struct BuildParams {
    unsigned time_steps = 0, weight_bits = 0, acc_bits = 0, saturate = 0;
    unsigned num_neurons = 0, num_axons = 0, mult_bits = 0, bias_bits = 0, max_fanout = 0;
    unsigned mesh_x = 0, mesh_y = 0, fifo_depth = 0;

    unsigned num_tiles() const { return mesh_x * mesh_y; }
    /// The value of a stimulus `param` name (time_steps, ...); false if the name is unknown.
    bool lookup(const std::string& name, uint64_t& value) const;
    /// "TimeSteps=8 WeightBits=8 ..." (the Verilator parameter names).
    std::string describe() const;
};

// ------------------------------------------------------------------------------------------
// The stimulus ("stem-stimulus 1")
// ------------------------------------------------------------------------------------------
using ConfigItem = stemstim::ConfigItem;
using Stimulus = stemstim::Stimulus;

/// Reads a stimulus file (stemstim::read_stimulus). Throws InputError naming the file and line.
Stimulus read_stimulus(const std::string& file);
/// Checks the stimulus against the parameters the testbench was built with. Throws InputError.
void check_stimulus(const Stimulus& s, const BuildParams& built);

// ------------------------------------------------------------------------------------------
// The mesh description (mesh.json)
// ------------------------------------------------------------------------------------------
struct CoreDescription {
    unsigned tile = 0, x = 0, y = 0, layer = 0;
    unsigned first_neuron = 0, neurons = 0, fan_in = 0;
};

struct MeshDescription {
    std::string file;
    BuildParams params;
    std::vector<unsigned> layer_widths;  // [0] the inputs, [1..L] the layers
    bool input_signed = false;
    uint64_t samples = 0, steps = 0;
    std::string configuration_path;  // "packets" or "backdoor"
    std::vector<CoreDescription> cores;
    int64_t golden_overflows = -1;  // -1: not given
    std::string stimulus_name = "stimulus.txt", golden_name = "golden.jsonl";

    unsigned depth() const { return unsigned(layer_widths.size()) - 1; }
    unsigned time_steps() const { return params.time_steps; }
};

/// Reads mesh.json. Throws InputError naming the file and the JSON path.
MeshDescription read_mesh_description(const std::string& file);
/// Checks the description against the build and the stimulus. Throws InputError.
void check_mesh_description(const MeshDescription& m, const BuildParams& built, const Stimulus& s);

// ------------------------------------------------------------------------------------------
// The spike record
// ------------------------------------------------------------------------------------------

/// A spike seen on the monitor: the core of `tile` sent a spike of its local neuron `neuron`
/// while the mesh's step counter (step_o) was `step`.
struct MonitorEvent {
    uint32_t step = 0;
    uint16_t tile = 0, neuron = 0;
};

/// What one step produced, as the initiator saw it.
struct StepObservation {
    std::vector<uint64_t> host_in;       // the flits the host injected
    std::vector<MonitorEvent> monitor;   // the spikes on the monitor, in order
    std::vector<uint64_t> host_out;      // the flits that reached the host, in order
    uint64_t cycles = 0;                 // clock cycles from the step pulse to the barrier
};

/// Turns what the mesh did in a step into a line of the spike record: layer 0 from the axons
/// of the host's spike flits, layers 1..L from the monitor (tile, neuron) through the
/// mapping. Checks what the spike record alone would not show: every monitor event belongs to
/// the step and to a mapped neuron, no neuron spikes twice, and the flits reaching the host are
/// exactly the output layer's spikes.
class RecordBuilder {
public:
    explicit RecordBuilder(const MeshDescription& mesh);
    /// The record line (newline included) of step `tau`. Throws RunError on a hardware fault.
    std::string line(uint64_t tau, const StepObservation& step);
    /// The spikes of the last line, per layer 0..L.
    const std::vector<std::vector<int32_t>>& spikes() const { return layers_; }

private:
    const MeshDescription& mesh_;
    std::vector<int> tile_layer_;     // 0 = unused
    std::vector<unsigned> tile_base_, tile_count_;
    std::vector<std::vector<int32_t>> layers_;
};

/// `{"t":tau,"spikes":[[l,n],...]}` plus a newline, as `stemsim run --spikes` writes it.
std::string record_line(uint64_t tau, const std::vector<std::vector<int32_t>>& layers);

/// An output file that appears under its name only when complete (temporary file + rename).
class AtomicFile {
public:
    explicit AtomicFile(const std::string& path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    void write(const std::string& text);
    /// Closes and renames into place. Throws RunError.
    void commit();
    const std::string& path() const { return path_; }

private:
    std::string path_, tmp_;
    std::FILE* f_ = nullptr;
    bool failed_ = false;
};

/// The lines of a spike record file (for --check). Throws InputError.
std::vector<std::string> read_lines(const std::string& file);

// ------------------------------------------------------------------------------------------
// The summary
// ------------------------------------------------------------------------------------------
struct RunSummary {
    std::string initiator;  // "pin" (the pin-level testbench) or "tlm" (the CPU model via TLM-2.0)
    BuildParams params;
    uint64_t samples = 0, layers = 0;
    double clock_mhz = 100;
    bool clock_given = false;
    double clock_period_ps = 10000;
    uint64_t reset_cycles = 0, config_cycles = 0, start_cycles = 0;
    std::vector<uint64_t> step_cycles;
    uint64_t total_cycles = 0;          // clock cycles of the whole simulation
    uint64_t config_flits = 0, backdoor_writes = 0;
    uint64_t host_flits_in = 0, host_flits_out = 0, spikes = 0;
    std::vector<std::pair<unsigned, int64_t>> overflows;  // (tile, count) of every used tile
    double sim_time_ns = 0;             // sc_time_stamp() at the end
    double run_time_ns = 0;             // simulated time from the start of step 0 to the end
                                        // of the last step (initiator overhead included)
    uint64_t host_out_stalls = 0;       // cycles host_out was held (TLM: output queue full)
    uint64_t bus_reads = 0, bus_writes = 0;  // TLM: the initiator's transactions

    uint64_t run_cycles() const;
    int64_t overflow_total() const;
    std::string json() const;
    std::string text() const;
};

}  // namespace stemsc

#endif  // STEM_SC_FILES_H
