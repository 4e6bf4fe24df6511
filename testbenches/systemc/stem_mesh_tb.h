// stem_mesh_tb.h: the pin-level SystemC testbench around the Verilated stem_mesh.
//
//   stem_mesh_tb
//   |-- clk            sc_clock (period from --clock-mhz, default 100 MHz)
//   |-- mesh           Vstem_mesh, the Verilated RTL (verilator --sc)
//   |-- source         stimulus_source: reset, configuration (flits through the host port or
//   |                  debug-port writes), start, then every step: the step pulse, the host's
//   |                  flits while host_in_ready_o, and the step barrier (idle_o high, nothing
//   |                  waiting at host_out); at the end the overflow counters through the
//   |                  debug port
//   `-- sink           monitor_sink: at every clock, the spikes on the monitor ports and the
//                      flit taken from host_out (with its mesh cycle), filed under the mesh's
//                      own step counter (step_o)
//
// After the run, finish() checks that the run completed and fills in the summary; `steps`
// holds the raw events of every step (stem_sc_files.h, events_text), `outside` those the mesh
// sent outside the steps.
#ifndef STEM_MESH_TB_H
#define STEM_MESH_TB_H

#include <string>
#include <vector>

#include <systemc>

#include "stem_sc_files.h"
#include "stem_sc_mesh.h"

namespace stemsc {

/// Drives the mesh through the step protocol (an SC_THREAD on the falling clock edge).
class stimulus_source : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;

    SC_HAS_PROCESS(stimulus_source);
    stimulus_source(sc_core::sc_module_name name, MeshSignals& signals, const Stimulus& stimulus,
                    std::vector<StepObservation>& steps, RunSummary& summary, uint64_t cycle_limit);

    /// True while the steps run (the sink files events only then).
    sc_core::sc_signal<bool> recording{"recording", false};
    /// The error that stopped the run, if any.
    std::string error;

private:
    void run();

    MeshSignals& s_;
    const Stimulus& stimulus_;
    std::vector<StepObservation>& steps_;
    RunSummary& summary_;
    uint64_t cycle_limit_;
};

/// Records what the mesh sends (an SC_METHOD on the falling clock edge).
class monitor_sink : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;

    SC_HAS_PROCESS(monitor_sink);
    monitor_sink(sc_core::sc_module_name name, MeshSignals& signals, const sc_core::sc_signal<bool>& recording,
                 std::vector<StepObservation>& steps, StepObservation& outside);

private:
    void sample();

    MeshSignals& s_;
    const sc_core::sc_signal<bool>& recording_;
    std::vector<StepObservation>& steps_;
    StepObservation& outside_;
    MeshCycle mesh_cycle_;
};

/// The whole pin-level testbench.
class stem_mesh_tb : public sc_core::sc_module {
public:
    stem_mesh_tb(sc_core::sc_module_name name, const Stimulus& stimulus, const sc_core::sc_time& clock_period,
                 uint64_t cycle_limit);

    sc_core::sc_clock clk;
    MeshSignals signals;
    Vstem_mesh mesh;
    std::vector<StepObservation> steps;
    StepObservation outside;
    RunSummary summary;
    stimulus_source source;
    monitor_sink sink;

    /// After sc_start(): completes the summary; throws RunError if the run failed.
    void finish();
};

}  // namespace stemsc

#endif  // STEM_MESH_TB_H
