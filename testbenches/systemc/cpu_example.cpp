// cpu_example.cpp: see cpu_example.h.
#include "cpu_example.h"

#include <algorithm>
#include <cstring>

#include "stem_mesh_tlm_regs.h"
#include "stem_sc_errors.h"

namespace stemsc {

cpu_example::cpu_example(sc_core::sc_module_name name, const Stimulus& stimulus, const BuildParams& expected,
                         uint64_t base)
    : sc_core::sc_module(name), socket("socket"), irq("irq"), stimulus_(stimulus), expected_(expected), base_(base) {
    SC_THREAD(program);
}

// ------------------------------------------------------------------------------------------
// Bus access: one blocking transaction at a time, synchronized after each (its delay waited)
// ------------------------------------------------------------------------------------------

void cpu_example::transact(tlm::tlm_command cmd, uint64_t offset, unsigned char* data, unsigned length) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(base_ + offset);
    t.set_data_ptr(data);
    t.set_data_length(length);
    t.set_streaming_width(length);
    t.set_byte_enable_ptr(nullptr);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(t, delay);
    if (t.is_response_error()) {
        throw RunError(strprintf("bus %s of offset 0x%02llx (%u bytes) failed: %s",
                                 cmd == tlm::TLM_READ_COMMAND ? "read" : "write",
                                 static_cast<unsigned long long>(offset), length, t.get_response_string().c_str()));
    }
    if (cmd == tlm::TLM_READ_COMMAND) {
        summary.bus_reads++;
    } else {
        summary.bus_writes++;
    }
    sc_core::wait(delay);
}

uint32_t cpu_example::read32(uint64_t offset) {
    uint32_t v = 0;
    transact(tlm::TLM_READ_COMMAND, offset, reinterpret_cast<unsigned char*>(&v), 4);
    return v;
}

uint64_t cpu_example::read64(uint64_t offset) {
    uint64_t v = 0;
    transact(tlm::TLM_READ_COMMAND, offset, reinterpret_cast<unsigned char*>(&v), 8);
    return v;
}

void cpu_example::write32(uint64_t offset, uint32_t value) {
    transact(tlm::TLM_WRITE_COMMAND, offset, reinterpret_cast<unsigned char*>(&value), 4);
}

void cpu_example::write64(uint64_t offset, uint64_t value) {
    transact(tlm::TLM_WRITE_COMMAND, offset, reinterpret_cast<unsigned char*>(&value), 8);
}

// ------------------------------------------------------------------------------------------
// Driver routines
// ------------------------------------------------------------------------------------------

uint64_t cpu_example::command(uint32_t ctrl) {
    write32(tlm_reg::CTRL, ctrl);
    for (;;) {
        const uint32_t pending = read32(tlm_reg::IRQ_STATUS);
        if (pending & tlm_irq::ERROR) {
            throw RunError(strprintf("the device reports error code %u", read32(tlm_reg::ERROR_CODE)));
        }
        if (pending & tlm_irq::OUT) drain_out();
        if (pending & tlm_irq::MON) drain_mon();
        if (pending & tlm_irq::DONE) {
            write32(tlm_reg::IRQ_STATUS, tlm_irq::DONE);
            return read32(tlm_reg::LAST_CYCLES);
        }
        // Sleep until the interrupt line rises (it may already be high again: then look again).
        if (!irq.read()) sc_core::wait(irq.posedge_event());
    }
}

void cpu_example::drain_out() {
    for (uint32_t n = read32(tlm_reg::OUT_LEVEL); n > 0; --n) {
        const uint64_t cycle = read64(tlm_reg::OUT_CYCLE_LO);
        current_->host_out.push_back(HostFlit{read64(tlm_reg::OUT_LO), cycle});
    }
}

void cpu_example::drain_mon() {
    for (uint32_t n = read32(tlm_reg::MON_LEVEL); n > 0; --n) {
        const uint64_t e = read64(tlm_reg::MON_LO);
        current_->monitor.push_back(MonitorEvent{uint32_t(e >> 32), uint16_t(e >> 16), uint16_t(e)});
    }
}

void cpu_example::push(const std::vector<uint64_t>& flits, size_t from, size_t n) {
    for (size_t k = from; k < from + n; ++k) write64(tlm_reg::TX_LO, flits[k]);
}

// ------------------------------------------------------------------------------------------
// The program
// ------------------------------------------------------------------------------------------

void cpu_example::program() {
    current_ = &outside;
    try {
        while (read32(tlm_reg::STATUS) & tlm_status::BUSY) {
        }
        if (read32(tlm_reg::ID) != tlm_reg::ID_VALUE) throw RunError("the device at the base address is not stem_mesh_tlm");
        const BuildParams& p = expected_;
        const uint32_t param0 = read32(tlm_reg::PARAM0), param1 = read32(tlm_reg::PARAM1);
        const bool fits = param0 == (p.time_steps | p.weight_bits << 8 | p.acc_bits << 16 | p.saturate << 24) &&
                          param1 == (p.mesh_x | p.mesh_y << 8 | p.max_fanout << 16 | p.fifo_depth << 24) &&
                          read32(tlm_reg::NUM_NEURONS) == p.num_neurons && read32(tlm_reg::NUM_AXONS) == p.num_axons;
        if (!fits) throw RunError("the device's PARAM registers differ from the stimulus's parameters " + p.describe());
        tx_depth_ = read32(tlm_reg::TX_DEPTH);
        // Serve the output queue when it is half full and the monitor queue when it is a quarter
        // full, so neither fills while a step runs.
        write32(tlm_reg::OUT_THRESHOLD, std::max(1u, read32(tlm_reg::OUT_DEPTH) / 2));
        write32(tlm_reg::MON_THRESHOLD, std::max(1u, read32(tlm_reg::MON_DEPTH) / 4));
        write32(tlm_reg::IRQ_ENABLE, tlm_irq::DONE | tlm_irq::OUT | tlm_irq::MON | tlm_irq::ERROR);

        configure();
        summary.start_cycles = command(tlm_ctrl::START);
        run_steps();
        read_overflows();
        drain_mon();
        drain_out();
        if (read32(tlm_reg::MON_DROPPED) != 0) throw RunError("the monitor queue overflowed (MON_DROPPED)");
        summary.host_out_stalls = read32(tlm_reg::OUT_STALLS);
        const uint32_t lo = read32(tlm_reg::CYCLE_LO);
        summary.total_cycles = uint64_t(read32(tlm_reg::CYCLE_HI)) << 32 | lo;
    } catch (const std::exception& e) {
        error = e.what();
    }
    sc_core::sc_stop();
}

void cpu_example::configure() {
    std::vector<uint64_t> flits;
    auto flush = [&] {
        for (size_t k = 0; k < flits.size(); k += tx_depth_) {
            const size_t n = std::min<size_t>(tx_depth_, flits.size() - k);
            push(flits, k, n);
            summary.config_cycles += command(tlm_ctrl::SEND);
        }
        flits.clear();
    };
    for (const ConfigItem& c : stimulus_.config) {
        if (c.backdoor) {
            flush();
            write32(tlm_reg::DBG_TILE, c.tile);
            write32(tlm_reg::DBG_ADDR, c.address);
            write32(tlm_reg::DBG_WDATA, c.data);
            summary.config_cycles += 1;
            summary.backdoor_writes++;
        } else {
            flits.push_back(c.flit);
            summary.config_flits++;
        }
    }
    flush();
}

void cpu_example::run_steps() {
    const double t0 = sc_core::sc_time_stamp().to_seconds() * 1e9;
    for (size_t tau = 0; tau < stimulus_.steps.size(); ++tau) {
        const std::vector<uint64_t>& in = stimulus_.steps[tau];
        steps.emplace_back();
        StepObservation& step = steps.back();
        step.host_in = in.size();
        current_ = &step;
        // A step's flits go in with STEP; more than TX holds follow with SEND (same step).
        size_t sent = std::min<size_t>(tx_depth_, in.size());
        push(in, 0, sent);
        step.cycles = command(tlm_ctrl::STEP);
        while (sent < in.size()) {
            const size_t n = std::min<size_t>(tx_depth_, in.size() - sent);
            push(in, sent, n);
            sent += n;
            step.cycles += command(tlm_ctrl::SEND);
        }
        drain_mon();
        drain_out();
        current_ = &outside;
        summary.step_cycles.push_back(step.cycles);
        summary.host_flits_in += in.size();
        summary.host_flits_out += step.host_out.size();
        summary.spikes += step.monitor.size();
    }
    summary.run_time_ns = sc_core::sc_time_stamp().to_seconds() * 1e9 - t0;
}

void cpu_example::read_overflows() {
    for (unsigned tile = 0; tile < expected_.num_tiles(); ++tile) {
        write32(tlm_reg::DBG_TILE, tile);
        write32(tlm_reg::DBG_ADDR, status_address(STEM_STAT_OVERFLOWS));
        summary.overflows.emplace_back(tile, int64_t(read64(tlm_reg::DBG_RDATA_LO)));
    }
}

}  // namespace stemsc
