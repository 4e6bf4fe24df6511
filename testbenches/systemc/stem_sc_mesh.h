// stem_sc_mesh.h: the Verilated SystemC model of stem_mesh (verilator --sc) and what every
// initiator needs around it: the signals its ports bind to, access to the monitor ports
// (whose C++ type depends on the mesh size), and MeshDriver, the clocked step protocol of
// docs/hardware-interface.md written with SystemC waits.
//
// Timing convention (the same as the C shim's): the driver changes the model's inputs at the
// falling clock edge and reads its outputs there; the rising edge is where the RTL samples
// them. Every output the protocol looks at (idle_o, host_in_ready_o, host_out_valid_o,
// mon_*) depends only on flops, so what is read at the falling edge is what the rising edge
// acts on. Counting falling edges therefore counts exactly the clock cycles the C shim counts,
// and the per-step cycle counts of both agree.
#ifndef STEM_SC_MESH_H
#define STEM_SC_MESH_H

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>

#include <systemc>

#include "Vstem_mesh.h"
#include "Vstem_mesh_stem_mesh.h"
#include "stem_sc_errors.h"
#include "stem_sc_files.h"

namespace stemsc {

/// The build-time parameters of the Verilated model (public RTL parameters).
BuildParams model_params();

/// The number of tiles.
constexpr unsigned kNumTiles = Vstem_mesh_stem_mesh::MeshX * Vstem_mesh_stem_mesh::MeshY;

/// The C++ type of a Verilated SystemC port (bool, uint32_t, uint64_t or sc_bv<N>).
template <typename Port>
using port_data_t = typename std::remove_reference_t<Port>::data_type;

using MonValid = port_data_t<decltype(Vstem_mesh::mon_valid_o)>;
using MonNeuron = port_data_t<decltype(Vstem_mesh::mon_neuron_o)>;
using StepCount = port_data_t<decltype(Vstem_mesh::step_o)>;
using TileIndex = port_data_t<decltype(Vstem_mesh::dbg_tile_i)>;
using Address = port_data_t<decltype(Vstem_mesh::dbg_addr_i)>;
using WriteData = port_data_t<decltype(Vstem_mesh::dbg_wdata_i)>;
using ReadData = port_data_t<decltype(Vstem_mesh::dbg_rdata_o)>;
using FlitData = port_data_t<decltype(Vstem_mesh::host_in_flit_i)>;

// Bit access to the monitor ports, whatever their type.
inline bool port_bit(bool v, unsigned) { return v; }
inline bool port_bit(uint32_t v, unsigned i) { return (v >> i) & 1u; }
inline bool port_bit(uint64_t v, unsigned i) { return (v >> i) & 1u; }
template <int W>
inline bool port_bit(const sc_dt::sc_bv<W>& v, unsigned i) { return v[int(i)].to_bool(); }

inline bool port_any(bool v) { return v; }
inline bool port_any(uint32_t v) { return v != 0; }
inline bool port_any(uint64_t v) { return v != 0; }
template <int W>
inline bool port_any(const sc_dt::sc_bv<W>& v) { return v.or_reduce(); }

inline uint32_t port_field(uint32_t v, unsigned lsb, unsigned w) { return (v >> lsb) & ((1u << w) - 1); }
inline uint32_t port_field(uint64_t v, unsigned lsb, unsigned w) { return uint32_t(v >> lsb) & ((1u << w) - 1); }
template <int W>
inline uint32_t port_field(const sc_dt::sc_bv<W>& v, unsigned lsb, unsigned w) {
    return v.range(int(lsb + w - 1), int(lsb)).to_uint();
}

/// One signal per port of stem_mesh.
struct MeshSignals {
    sc_core::sc_signal<bool> rst_n{"rst_n", false};
    sc_core::sc_signal<bool> start{"start", false};
    sc_core::sc_signal<bool> step{"step", false};
    sc_core::sc_signal<bool> idle{"idle", false};
    sc_core::sc_signal<StepCount> step_count{"step_count"};
    sc_core::sc_signal<bool> host_in_valid{"host_in_valid", false};
    sc_core::sc_signal<FlitData> host_in_flit{"host_in_flit"};
    sc_core::sc_signal<bool> host_in_ready{"host_in_ready", false};
    sc_core::sc_signal<bool> host_out_valid{"host_out_valid", false};
    sc_core::sc_signal<FlitData> host_out_flit{"host_out_flit"};
    sc_core::sc_signal<bool> host_out_ready{"host_out_ready", true};
    sc_core::sc_signal<bool> dbg_req{"dbg_req", false};
    sc_core::sc_signal<bool> dbg_we{"dbg_we", false};
    sc_core::sc_signal<TileIndex> dbg_tile{"dbg_tile"};
    sc_core::sc_signal<Address> dbg_addr{"dbg_addr"};
    sc_core::sc_signal<WriteData> dbg_wdata{"dbg_wdata"};
    sc_core::sc_signal<ReadData> dbg_rdata{"dbg_rdata"};
    sc_core::sc_signal<MonValid> mon_valid{"mon_valid"};
    sc_core::sc_signal<MonNeuron> mon_neuron{"mon_neuron"};

    /// Binds every port of `mesh` except clk_i (bound by the owner) to these signals.
    void bind(Vstem_mesh& mesh);

    /// Calls f(tile, neuron) for every spike on the monitor in the current cycle.
    template <typename F>
    void for_each_monitor_spike(F&& f) const {
        const MonValid& valid = mon_valid.read();
        if (!port_any(valid)) return;
        const MonNeuron& neuron = mon_neuron.read();
        for (unsigned t = 0; t < kNumTiles; ++t) {
            if (port_bit(valid, t)) f(t, port_field(neuron, 16 * t, 16));
        }
    }

    /// Adds every signal to a VCD file.
    void trace(sc_core::sc_trace_file* tf) const;
};

/// The mesh's cycle counter as the C shim keeps it (the arrival cycles of the host's flits,
/// whose stamps hold its low bits): the cycles since rst_ni was released. tick() is called at
/// every falling edge with rst_ni as the last rising edge saw it (the value read there) and
/// returns the count that edge left.
struct MeshCycle {
    uint64_t value = 0;
    uint64_t tick(bool rst_n) { return value = rst_n ? value + 1 : 0; }
};

/// The step protocol at the pins, from inside an SC_THREAD: every call waits on the falling
/// clock edge and counts the cycles. Used by the pin-level testbench's stimulus source and by
/// the sequencer inside stem_mesh_tlm, so both run exactly the same cycles.
class MeshDriver {
public:
    /// Supplies the flits to inject: `peek` gives the next one (false when there is none),
    /// `pop` consumes it once the mesh has taken it.
    struct FlitSource {
        std::function<bool(uint64_t&)> peek;
        std::function<void()> pop;
    };

    MeshDriver(MeshSignals& s, const sc_core::sc_event& falling_edge, uint64_t cycle_limit);

    /// Waits for the next falling edge (one clock cycle).
    void cycle();
    /// Clock cycles waited so far.
    uint64_t cycles() const { return cycles_; }

    /// Asserts rst_ni for 3 cycles, then waits until the mesh is idle. Returns the cycles.
    uint64_t reset();
    /// Injects the flits while host_in_ready_o, then clocks until every flit is in, idle_o
    /// is high and no flit waits at host_out (the barrier). Returns the cycles. Throws
    /// RunError after the cycle limit.
    uint64_t settle(FlitSource source, const std::string& what);
    /// Pulses `line` (start_i or step_i) for one cycle, then settle(). Returns the cycles.
    uint64_t pulse(sc_core::sc_signal<bool>& line, FlitSource source, const std::string& what);
    /// One debug-port write (one cycle).
    void debug_write(unsigned tile, uint32_t address, uint32_t data);
    /// One debug-port read (one cycle: the address is driven for a cycle, the combinational
    /// data read at its end).
    uint64_t debug_read(unsigned tile, uint32_t address);

    /// A source over a vector of flits.
    static FlitSource from_vector(const std::vector<uint64_t>& flits, size_t& next);

private:
    MeshSignals& s_;
    const sc_core::sc_event& falling_edge_;
    uint64_t cycle_limit_;
    uint64_t cycles_ = 0;
};

}  // namespace stemsc

#endif  // STEM_SC_MESH_H
