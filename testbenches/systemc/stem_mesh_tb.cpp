// stem_mesh_tb.cpp: see stem_mesh_tb.h.
#include "stem_mesh_tb.h"

namespace stemsc {

namespace {
double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }
}  // namespace

// ------------------------------------------------------------------------------------------
// stimulus_source
// ------------------------------------------------------------------------------------------

stimulus_source::stimulus_source(sc_core::sc_module_name name, MeshSignals& signals, const Stimulus& stimulus,
                                 std::vector<StepObservation>& steps, RunSummary& summary, uint64_t cycle_limit)
    : sc_core::sc_module(name),
      clk("clk"),
      s_(signals),
      stimulus_(stimulus),
      steps_(steps),
      summary_(summary),
      cycle_limit_(cycle_limit) {
    SC_THREAD(run);
}

void stimulus_source::run() {
    MeshDriver d(s_, clk.negedge_event(), cycle_limit_);
    try {
        summary_.reset_cycles = d.reset();

        // Configuration, in file order: runs of flits through the host port, debug-port writes.
        const uint64_t c0 = d.cycles();
        std::vector<uint64_t> flits;
        auto flush = [&] {
            if (flits.empty()) return;
            size_t next = 0;
            d.settle(MeshDriver::from_vector(flits, next), "configuration");
            flits.clear();
        };
        for (const ConfigItem& c : stimulus_.config) {
            if (c.backdoor) {
                flush();
                d.debug_write(c.tile, c.address, c.data);
                summary_.backdoor_writes++;
            } else {
                flits.push_back(c.flit);
                summary_.config_flits++;
            }
        }
        flush();
        summary_.config_cycles = d.cycles() - c0;

        const std::vector<uint64_t> none;
        size_t next = 0;
        summary_.start_cycles = d.pulse(s_.start, MeshDriver::from_vector(none, next), "start");

        // The steps. The first step after start has no step pulse; every later one closes the
        // step before it.
        recording.write(true);
        const double t0 = now_ns();
        for (size_t tau = 0; tau < stimulus_.steps.size(); ++tau) {
            const std::vector<uint64_t>& in = stimulus_.steps[tau];
            const std::string what = "step " + std::to_string(tau);
            const uint64_t cycles = tau == 0 ? d.settle(MeshDriver::from_vector(in, next), what)
                                             : d.pulse(s_.step, MeshDriver::from_vector(in, next), what);
            steps_[tau].host_in = in.size();
            steps_[tau].cycles = cycles;
        }
        summary_.run_time_ns = now_ns() - t0;
        recording.write(false);

        // The overflow counters (status word 0) of every tile, through the debug port.
        for (unsigned tile = 0; tile < kNumTiles; ++tile) {
            summary_.overflows.emplace_back(tile, int64_t(d.debug_read(tile, status_address(STEM_STAT_OVERFLOWS))));
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
    summary_.total_cycles = d.cycles();
    sc_core::sc_stop();
}

// ------------------------------------------------------------------------------------------
// monitor_sink
// ------------------------------------------------------------------------------------------

monitor_sink::monitor_sink(sc_core::sc_module_name name, MeshSignals& signals,
                           const sc_core::sc_signal<bool>& recording, std::vector<StepObservation>& steps,
                           StepObservation& outside)
    : sc_core::sc_module(name), clk("clk"), s_(signals), recording_(recording), steps_(steps), outside_(outside) {
    SC_METHOD(sample);
    sensitive << clk.neg();
    dont_initialize();
}

void monitor_sink::sample() {
    // host_out_ready_i stays high: the host takes every flit at once.
    const uint64_t cycle = mesh_cycle_.tick(s_.rst_n.read());
    const bool take = s_.host_out_valid.read() && s_.host_out_ready.read();
    const uint64_t tau = uint64_t(s_.step_count.read());
    const bool in_run = recording_.read() && tau < steps_.size();
    StepObservation& step = in_run ? steps_[tau] : outside_;
    s_.for_each_monitor_spike([&](unsigned tile, unsigned neuron) {
        step.monitor.push_back(MonitorEvent{uint32_t(tau), uint16_t(tile), uint16_t(neuron)});
    });
    if (take) step.host_out.push_back(HostFlit{uint64_t(s_.host_out_flit.read()), cycle});
}

// ------------------------------------------------------------------------------------------
// stem_mesh_tb
// ------------------------------------------------------------------------------------------

stem_mesh_tb::stem_mesh_tb(sc_core::sc_module_name name, const Stimulus& stimulus, const sc_core::sc_time& clock_period,
                           uint64_t cycle_limit)
    : sc_core::sc_module(name),
      clk("clk", clock_period),
      mesh("mesh"),
      steps(stimulus.steps.size()),
      source("source", signals, stimulus, steps, summary, cycle_limit),
      sink("sink", signals, source.recording, steps, outside) {
    mesh.clk_i(clk);
    signals.bind(mesh);
    source.clk(clk);
    sink.clk(clk);
}

void stem_mesh_tb::finish() {
    if (!source.error.empty()) throw RunError(source.error);
    for (const StepObservation& step : steps) {
        summary.step_cycles.push_back(step.cycles);
        summary.host_flits_in += step.host_in;
        summary.host_flits_out += step.host_out.size();
        summary.spikes += step.monitor.size();
    }
}

}  // namespace stemsc
