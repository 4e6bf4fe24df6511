// stem_sc_mesh.cpp: see stem_sc_mesh.h.
#include "stem_sc_mesh.h"

namespace stemsc {

BuildParams model_params() {
    using P = Vstem_mesh_stem_mesh;
    BuildParams p;
    p.time_steps = P::TimeSteps;
    p.weight_bits = P::WeightBits;
    p.acc_bits = P::AccBits;
    p.saturate = P::Saturate;
    p.num_neurons = P::NumNeurons;
    p.num_axons = P::NumAxons;
    p.mult_bits = P::MultBits;
    p.bias_bits = P::BiasBits;
    p.max_fanout = P::MaxFanout;
    p.mesh_x = P::MeshX;
    p.mesh_y = P::MeshY;
    p.fifo_depth = P::FifoDepth;
    return p;
}

void MeshSignals::bind(Vstem_mesh& mesh) {
    mesh.rst_ni(rst_n);
    mesh.start_i(start);
    mesh.step_i(step);
    mesh.idle_o(idle);
    mesh.step_o(step_count);
    mesh.host_in_valid_i(host_in_valid);
    mesh.host_in_flit_i(host_in_flit);
    mesh.host_in_ready_o(host_in_ready);
    mesh.host_out_valid_o(host_out_valid);
    mesh.host_out_flit_o(host_out_flit);
    mesh.host_out_ready_i(host_out_ready);
    mesh.dbg_req_i(dbg_req);
    mesh.dbg_we_i(dbg_we);
    mesh.dbg_tile_i(dbg_tile);
    mesh.dbg_addr_i(dbg_addr);
    mesh.dbg_wdata_i(dbg_wdata);
    mesh.dbg_rdata_o(dbg_rdata);
    mesh.mon_valid_o(mon_valid);
    mesh.mon_neuron_o(mon_neuron);
}

void MeshSignals::trace(sc_core::sc_trace_file* tf) const {
    sc_core::sc_trace(tf, rst_n, "rst_ni");
    sc_core::sc_trace(tf, start, "start_i");
    sc_core::sc_trace(tf, step, "step_i");
    sc_core::sc_trace(tf, idle, "idle_o");
    sc_core::sc_trace(tf, step_count, "step_o");
    sc_core::sc_trace(tf, host_in_valid, "host_in_valid_i");
    sc_core::sc_trace(tf, host_in_flit, "host_in_flit_i");
    sc_core::sc_trace(tf, host_in_ready, "host_in_ready_o");
    sc_core::sc_trace(tf, host_out_valid, "host_out_valid_o");
    sc_core::sc_trace(tf, host_out_flit, "host_out_flit_o");
    sc_core::sc_trace(tf, host_out_ready, "host_out_ready_i");
    sc_core::sc_trace(tf, dbg_req, "dbg_req_i");
    sc_core::sc_trace(tf, dbg_we, "dbg_we_i");
    sc_core::sc_trace(tf, dbg_tile, "dbg_tile_i");
    sc_core::sc_trace(tf, dbg_addr, "dbg_addr_i");
    sc_core::sc_trace(tf, dbg_wdata, "dbg_wdata_i");
    sc_core::sc_trace(tf, dbg_rdata, "dbg_rdata_o");
    sc_core::sc_trace(tf, mon_valid, "mon_valid_o");
    sc_core::sc_trace(tf, mon_neuron, "mon_neuron_o");
}

MeshDriver::MeshDriver(MeshSignals& s, const sc_core::sc_event& falling_edge, uint64_t cycle_limit)
    : s_(s), falling_edge_(falling_edge), cycle_limit_(cycle_limit) {}

void MeshDriver::cycle() {
    sc_core::wait(falling_edge_);
    ++cycles_;
}

uint64_t MeshDriver::reset() {
    const uint64_t c0 = cycles_;
    s_.host_in_valid.write(false);
    s_.start.write(false);
    s_.step.write(false);
    s_.dbg_req.write(false);
    s_.dbg_we.write(false);
    s_.rst_n.write(false);
    for (int k = 0; k < 3; ++k) cycle();
    s_.rst_n.write(true);
    // The tiles zero their memories after reset (busy until done). rst_n reaches the model
    // in the next delta cycle, so the barrier looks at the mesh from the next edge on.
    cycle();
    settle(FlitSource{[](uint64_t&) { return false; }, [] {}}, "reset");
    return cycles_ - c0;
}

uint64_t MeshDriver::settle(FlitSource source, const std::string& what) {
    const uint64_t c0 = cycles_;
    uint64_t injected = 0;
    for (;;) {
        uint64_t flit = 0;
        const bool have = source.peek(flit);
        s_.host_in_valid.write(have);
        s_.host_in_flit.write(have ? flit : 0);
        if (!have && s_.idle.read() && !s_.host_out_valid.read()) break;
        if (cycles_ - c0 >= cycle_limit_) {
            s_.host_in_valid.write(false);
            throw RunError(strprintf("%s: the mesh is not quiescent after %llu cycles (cycle limit): %llu flits "
                                     "injected, %s, idle_o %d, host_out_valid_o %d",
                                     what.c_str(), static_cast<unsigned long long>(cycles_ - c0),
                                     static_cast<unsigned long long>(injected),
                                     have ? "more waiting (host_in_ready_o low)" : "none waiting",
                                     int(s_.idle.read()), int(s_.host_out_valid.read())));
        }
        const bool fire = have && s_.host_in_ready.read();
        cycle();
        if (fire) {
            source.pop();
            ++injected;
        }
    }
    s_.host_in_valid.write(false);
    return cycles_ - c0;
}

uint64_t MeshDriver::pulse(sc_core::sc_signal<bool>& line, FlitSource source, const std::string& what) {
    const uint64_t c0 = cycles_;
    line.write(true);
    s_.host_in_valid.write(false);
    cycle();
    line.write(false);
    settle(std::move(source), what);
    return cycles_ - c0;
}

void MeshDriver::debug_write(unsigned tile, uint32_t address, uint32_t data) {
    s_.dbg_req.write(true);
    s_.dbg_we.write(true);
    s_.dbg_tile.write(TileIndex(tile));
    s_.dbg_addr.write(Address(address));
    s_.dbg_wdata.write(WriteData(data));
    cycle();
    s_.dbg_req.write(false);
    s_.dbg_we.write(false);
}

uint64_t MeshDriver::debug_read(unsigned tile, uint32_t address) {
    s_.dbg_req.write(true);
    s_.dbg_we.write(false);
    s_.dbg_tile.write(TileIndex(tile));
    s_.dbg_addr.write(Address(address));
    cycle();
    const uint64_t value = uint64_t(s_.dbg_rdata.read());
    s_.dbg_req.write(false);
    return value;
}

MeshDriver::FlitSource MeshDriver::from_vector(const std::vector<uint64_t>& flits, size_t& next) {
    next = 0;
    return FlitSource{[&flits, &next](uint64_t& f) {
                          if (next >= flits.size()) return false;
                          f = flits[next];
                          return true;
                      },
                      [&next] { ++next; }};
}

}  // namespace stemsc
