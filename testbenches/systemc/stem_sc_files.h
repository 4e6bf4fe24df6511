// stem_sc_files.h: the files the SystemC testbench reads and writes (docs/systemc.md):
//
//   stimulus.txt   "stem-stimulus 1" (stem_stimulus.h, shared with testbenches/stem_driver.cpp):
//                  parameters, configuration flits or backdoor writes, start, the host flits of
//                  every step
//   events         "stem-systemc-events 1": per step its cycles, the monitor events
//                  (step, tile, neuron) and the flits reaching the host (bits, arrival cycle);
//                  stemsim maps them to (layer, neuron) with the network's mapping
//   summary.json   "stem-systemc-summary" 2: cycles, per-step cycles, overflows, simulated time
//
// Nothing here depends on SystemC or on the Verilated model, so the readers can be reused.
#ifndef STEM_SC_FILES_H
#define STEM_SC_FILES_H

#include <cstdint>
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
// The raw events ("stem-systemc-events 1")
// ------------------------------------------------------------------------------------------

/// A spike seen on the monitor: the core of `tile` sent a spike of its local neuron `neuron`
/// while the mesh's step counter (step_o) was `step`.
struct MonitorEvent {
    uint32_t step = 0;
    uint16_t tile = 0, neuron = 0;
};

/// A flit that reached the host, and the mesh cycle it arrived in: the cycles since rst_ni
/// was released (the counter whose low bits stamp the flits), as the C shim counts them.
struct HostFlit {
    uint64_t bits = 0, cycle = 0;
};

/// What one step produced, as the initiator saw it.
struct StepObservation {
    uint64_t host_in = 0;                // the number of flits the host injected
    std::vector<MonitorEvent> monitor;   // the spikes on the monitor, in order
    std::vector<HostFlit> host_out;      // the flits that reached the host, in order
    uint64_t cycles = 0;                 // clock cycles from the step pulse to the barrier
};

/// The events file: what the mesh did, step by step, without interpretation (the testbench
/// knows nothing of layers; stemsim maps tiles to layers, docs/systemc.md):
///
///   stem-systemc-events 1
///   initiator <pin|tlm>
///   step <tau> <cycles>              step tau of the stimulus ran, pulse to barrier
///   spike <step_o> <tile> <neuron>   a monitor event of that step (step_o: the mesh's counter)
///   host <flit> <cycle>              a flit that reached the host in it (hex), its mesh cycle
///   outside                          the events after this line came outside every step
///   end                              the last line (a file without it is incomplete)
///
/// Numbers are decimal except the flit (16 hexadecimal digits).
std::string events_text(const std::string& initiator, const std::vector<StepObservation>& steps,
                        const StepObservation& outside);

/// Writes `text` to `path` (created or replaced). Throws RunError naming the file.
void write_file(const std::string& path, const std::string& text);
/// Checks before the run that `path` can be written (creates and removes it). Throws InputError.
void check_writable(const std::string& path);

// ------------------------------------------------------------------------------------------
// The summary
// ------------------------------------------------------------------------------------------
struct RunSummary {
    std::string initiator;  // "pin" (the pin-level testbench) or "tlm" (the CPU model via TLM-2.0)
    BuildParams params;
    double clock_mhz = 100;
    bool clock_given = false;
    double clock_period_ps = 10000;
    uint64_t reset_cycles = 0, config_cycles = 0, start_cycles = 0;
    std::vector<uint64_t> step_cycles;
    uint64_t total_cycles = 0;          // clock cycles of the whole simulation
    uint64_t config_flits = 0, backdoor_writes = 0;
    uint64_t host_flits_in = 0, host_flits_out = 0, spikes = 0;
    std::vector<std::pair<unsigned, int64_t>> overflows;  // (tile, count) of every tile
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
