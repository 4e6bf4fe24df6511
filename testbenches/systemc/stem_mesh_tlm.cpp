// stem_mesh_tlm.cpp: see stem_mesh_tlm.h.
#include "stem_mesh_tlm.h"
#include "stem_hw_interface.h"

#include <cstring>

namespace stemsc {

stem_mesh_tlm::stem_mesh_tlm(sc_core::sc_module_name name, const Options& options)
    : sc_core::sc_module(name), socket("socket"), clk("clk"), irq("irq"), opt_(options), mesh_("mesh") {
    mesh_.clk_i(clk);
    s_.bind(mesh_);
    socket.register_b_transport(this, &stem_mesh_tlm::b_transport);
    socket.register_transport_dbg(this, &stem_mesh_tlm::transport_dbg);

    SC_THREAD(sequencer);
    SC_METHOD(observe);
    sensitive << clk.neg();
    dont_initialize();
    SC_METHOD(update_irq);
    sensitive << irq_update_event_;
}

// ------------------------------------------------------------------------------------------
// The pins
// ------------------------------------------------------------------------------------------

void stem_mesh_tlm::sequencer() {
    MeshDriver d(s_, clk.negedge_event(), opt_.cycle_limit);
    try {
        d.reset();
        busy_ = false;
        for (;;) {
            while (!command_pending_ && !dbg_pending_) sc_core::wait(request_event_);
            d.cycle();  // act at a falling edge, like the pin-level testbench
            if (dbg_pending_) {
                if (dbg_write_) {
                    d.debug_write(dbg_req_tile_, dbg_req_addr_, dbg_req_data_);
                } else {
                    dbg_result_ = d.debug_read(dbg_req_tile_, dbg_req_addr_);
                }
                dbg_pending_ = false;
                dbg_done_event_.notify(sc_core::SC_ZERO_TIME);
                continue;
            }
            // A command sends the flits that were in TX when it was written.
            size_t budget = tx_.size();
            MeshDriver::FlitSource source{[this, &budget](uint64_t& f) {
                                              if (budget == 0 || tx_.empty()) return false;
                                              f = tx_.front();
                                              return true;
                                          },
                                          [this, &budget] {
                                              tx_.pop_front();
                                              --budget;
                                          }};
            uint64_t cycles = 0;
            switch (command_) {
                case tlm_ctrl::START:
                    cycles = d.pulse(s_.start, source, "START");
                    started_ = true;
                    first_step_ = true;
                    break;
                case tlm_ctrl::STEP:
                    cycles = first_step_ ? d.settle(source, "STEP") : d.pulse(s_.step, source, "STEP");
                    first_step_ = false;
                    break;
                case tlm_ctrl::SEND:
                    cycles = d.settle(source, "SEND");
                    break;
                case tlm_ctrl::RESET:
                    cycles = d.reset();
                    tx_.clear();
                    out_.clear();
                    out_cycles_.clear();
                    mon_.clear();
                    started_ = false;
                    first_step_ = true;
                    break;
            }
            last_cycles_ = cycles;
            command_pending_ = false;
            busy_ = false;
            irq_sticky_ |= tlm_irq::DONE;
            irq_update_event_.notify(sc_core::SC_ZERO_TIME);
        }
    } catch (const std::exception& e) {
        // A timeout at the barrier: the device is stuck; report it and end the command.
        dead_ = true;
        command_pending_ = false;
        dbg_pending_ = false;
        busy_ = false;
        fail(tlm_error::TIMEOUT, e.what());
        irq_sticky_ |= tlm_irq::DONE;
        irq_update_event_.notify(sc_core::SC_ZERO_TIME);
        dbg_done_event_.notify(sc_core::SC_ZERO_TIME);
    }
}

void stem_mesh_tlm::observe() {
    ++cycle_count_;
    const uint64_t cycle = mesh_cycle_.tick(s_.rst_n.read());
    const uint32_t tau = uint32_t(s_.step_count.read());
    const size_t before_out = out_.size(), before_mon = mon_.size();
    s_.for_each_monitor_spike([&](unsigned tile, unsigned neuron) {
        if (mon_.size() < opt_.mon_depth) {
            mon_.push_back(uint64_t(tau) << 32 | uint64_t(tile) << 16 | neuron);
        } else {
            ++mon_dropped_;
        }
    });
    // The host takes a flit when OUT has room; else host_out waits (ready low this cycle).
    const bool ready = out_.size() < opt_.out_depth;
    if (ready != s_.host_out_ready.read()) s_.host_out_ready.write(ready);
    if (s_.host_out_valid.read()) {
        if (ready) {
            out_.push_back(uint64_t(s_.host_out_flit.read()));
            out_cycles_.push_back(cycle);
        } else {
            ++out_stalls_;
        }
    }
    if (out_.size() != before_out || mon_.size() != before_mon) irq_update_event_.notify(sc_core::SC_ZERO_TIME);
}

uint32_t stem_mesh_tlm::irq_status() const {
    uint32_t st = irq_sticky_;
    if (out_threshold_ && out_.size() >= out_threshold_) st |= tlm_irq::OUT;
    if (mon_threshold_ && mon_.size() >= mon_threshold_) st |= tlm_irq::MON;
    return st;
}

uint32_t stem_mesh_tlm::status() const {
    uint32_t st = 0;
    if (busy_) st |= tlm_status::BUSY;
    if (s_.idle.read()) st |= tlm_status::IDLE;
    if (tx_.size() >= opt_.tx_depth) st |= tlm_status::TX_FULL;
    if (!out_.empty()) st |= tlm_status::OUT_NONEMPTY;
    if (!mon_.empty()) st |= tlm_status::MON_NONEMPTY;
    if (mon_dropped_) st |= tlm_status::MON_OVERFLOW;
    if (started_) st |= tlm_status::STARTED;
    return st;
}

void stem_mesh_tlm::update_irq() {
    const bool level = (irq_status() & irq_enable_) != 0;
    if (level != irq.read()) {
        irq.write(level);
        if (level) irq_event.notify(sc_core::SC_ZERO_TIME);
    }
}

void stem_mesh_tlm::fail(uint32_t code, const std::string& message) {
    error_code_ = code;
    last_error_ = message;
    irq_sticky_ |= tlm_irq::ERROR;
    irq_update_event_.notify(sc_core::SC_ZERO_TIME);
}

// ------------------------------------------------------------------------------------------
// The bus
// ------------------------------------------------------------------------------------------

void stem_mesh_tlm::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    // Loosely timed: the access happens at the initiator's local time.
    if (delay != sc_core::SC_ZERO_TIME) {
        sc_core::wait(delay);
        delay = sc_core::SC_ZERO_TIME;
    }
    access(t, true);
    delay += opt_.access_latency;
}

unsigned int stem_mesh_tlm::transport_dbg(tlm::tlm_generic_payload& t) {
    if (t.get_command() != tlm::TLM_READ_COMMAND) return 0;
    access(t, false);
    return t.is_response_ok() ? t.get_data_length() : 0;
}

void stem_mesh_tlm::access(tlm::tlm_generic_payload& t, bool effects) {
    const uint64_t offset = t.get_address();
    const unsigned length = t.get_data_length();
    if (t.get_byte_enable_ptr() != nullptr) {
        t.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (t.get_streaming_width() < length || (length != 4 && length != 8)) {
        t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (offset >= tlm_reg::SIZE || offset % length != 0) {
        t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    tlm::tlm_response_status st = tlm::TLM_OK_RESPONSE;
    unsigned char* data = t.get_data_ptr();
    if (t.get_command() == tlm::TLM_READ_COMMAND) {
        uint64_t value = 0;
        if (read_register(offset, length, value, effects, st)) {
            if (length == 4) {
                const uint32_t v = uint32_t(value);
                std::memcpy(data, &v, 4);
            } else {
                std::memcpy(data, &value, 8);
            }
        }
    } else if (t.get_command() == tlm::TLM_WRITE_COMMAND) {
        uint64_t value = 0;
        if (length == 4) {
            uint32_t v = 0;
            std::memcpy(&v, data, 4);
            value = v;
        } else {
            std::memcpy(&value, data, 8);
        }
        write_register(offset, length, value, st);
    } else {
        st = tlm::TLM_OK_RESPONSE;  // TLM_IGNORE_COMMAND
    }
    t.set_response_status(st);
}

bool stem_mesh_tlm::read_register(uint64_t offset, unsigned length, uint64_t& value, bool effects,
                                  tlm::tlm_response_status& st) {
    using namespace tlm_reg;
    const BuildParams p = model_params();
    // 64-bit reads: only the queue heads, the debug data and the cycle counter.
    if (length == 8 && offset != OUT_LO && offset != MON_LO && offset != DBG_RDATA_LO && offset != CYCLE_LO &&
        offset != OUT_CYCLE_LO) {
        st = tlm::TLM_BURST_ERROR_RESPONSE;
        return false;
    }
    auto pop = [&](std::deque<uint64_t>& q, bool whole) -> bool {
        if (q.empty()) {
            if (effects) fail(tlm_error::UNDERFLOW, "a queue was read while empty");
            st = tlm::TLM_GENERIC_ERROR_RESPONSE;
            return false;
        }
        value = whole ? q.front() : q.front() >> 32;
        if (effects) {
            q.pop_front();
            if (&q == &out_) out_cycles_.pop_front();
            irq_update_event_.notify(sc_core::SC_ZERO_TIME);
        }
        return true;
    };
    switch (offset) {
        case ID: value = ID_VALUE; return true;
        case VERSION: value = VERSION_VALUE; return true;
        case PARAM0: value = p.time_steps | p.weight_bits << 8 | p.acc_bits << 16 | p.saturate << 24; return true;
        case PARAM1: value = p.mesh_x | p.mesh_y << 8 | p.max_fanout << 16 | p.fifo_depth << 24; return true;
        case NUM_NEURONS: value = p.num_neurons; return true;
        case NUM_AXONS: value = p.num_axons; return true;
        case STATUS: value = status(); return true;
        case STEP: value = uint32_t(s_.step_count.read()); return true;
        case LAST_CYCLES: value = uint32_t(last_cycles_); return true;
        case IRQ_ENABLE: value = irq_enable_; return true;
        case IRQ_STATUS: value = irq_status(); return true;
        case OUT_THRESHOLD: value = out_threshold_; return true;
        case MON_THRESHOLD: value = mon_threshold_; return true;
        case TX_LEVEL: value = tx_.size(); return true;
        case TX_DEPTH: value = opt_.tx_depth; return true;
        case OUT_LO:
            if (length == 8) return pop(out_, true);
            value = out_.empty() ? 0 : uint32_t(out_.front());
            return true;
        case OUT_HI: return pop(out_, false);
        case OUT_LEVEL: value = out_.size(); return true;
        case OUT_DEPTH: value = opt_.out_depth; return true;
        case MON_LO:
            if (length == 8) {
                // 8 bytes: the low word (tile, neuron) then the step, and the entry is popped.
                if (!pop(mon_, true)) return false;
                return true;
            }
            value = mon_.empty() ? 0 : uint32_t(mon_.front());
            return true;
        case MON_HI: return pop(mon_, false);
        case MON_LEVEL: value = mon_.size(); return true;
        case MON_DEPTH: value = opt_.mon_depth; return true;
        case DBG_TILE: value = dbg_tile_; return true;
        case DBG_ADDR: value = dbg_addr_; return true;
        case DBG_RDATA_LO: {
            if (!effects) {
                value = dbg_result_;
                return true;
            }
            if (dead_) {
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            if (busy_) {
                fail(tlm_error::BUSY, "DBG_RDATA read while a command runs");
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            if (dbg_tile_ >= kNumTiles) {
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                fail(tlm_error::BAD_COMMAND, strprintf("DBG_TILE %u is not a tile (0..%u)", dbg_tile_, kNumTiles - 1));
                return false;
            }
            dbg_pending_ = true;
            dbg_write_ = false;
            dbg_req_tile_ = dbg_tile_;
            dbg_req_addr_ = dbg_addr_ & uint32_t(STEM_CFG_ADDR_MASK);
            request_event_.notify(sc_core::SC_ZERO_TIME);
            while (dbg_pending_) sc_core::wait(dbg_done_event_);
            value = dbg_result_;
            dbg_rdata_hi_ = uint32_t(dbg_result_ >> 32);
            return true;
        }
        case DBG_RDATA_HI: value = dbg_rdata_hi_; return true;
        case CYCLE_LO:
            value = cycle_count_;
            if (effects) cycle_hi_ = uint32_t(cycle_count_ >> 32);
            return true;
        case CYCLE_HI: value = cycle_hi_; return true;
        case OUT_STALLS: value = uint32_t(out_stalls_); return true;
        case MON_DROPPED: value = uint32_t(mon_dropped_); return true;
        case ERROR_CODE: value = error_code_; return true;
        case OUT_CYCLE_LO: value = out_cycles_.empty() ? 0 : out_cycles_.front(); return true;
        case OUT_CYCLE_HI: value = out_cycles_.empty() ? 0 : out_cycles_.front() >> 32; return true;
        case CTRL:
        case TX_LO:
        case TX_HI:
        case DBG_WDATA: st = tlm::TLM_COMMAND_ERROR_RESPONSE; return false;  // write-only
        default: st = tlm::TLM_ADDRESS_ERROR_RESPONSE; return false;
    }
}

bool stem_mesh_tlm::write_register(uint64_t offset, unsigned length, uint64_t value,
                                   tlm::tlm_response_status& st) {
    using namespace tlm_reg;
    if (length == 8 && offset != TX_LO) {
        st = tlm::TLM_BURST_ERROR_RESPONSE;
        return false;
    }
    const uint32_t v = uint32_t(value);
    auto push = [&](uint64_t flit) {
        if (tx_.size() >= opt_.tx_depth) {
            fail(tlm_error::TX_OVERFLOW, strprintf("a flit was written to the full TX queue (depth %u)", opt_.tx_depth));
            st = tlm::TLM_GENERIC_ERROR_RESPONSE;
            return false;
        }
        tx_.push_back(flit);
        return true;
    };
    switch (offset) {
        case CTRL: {
            if (dead_) {  // stuck after a timeout: ERROR_CODE keeps saying why
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            if (busy_ || command_pending_) {
                fail(tlm_error::BUSY, "CTRL written while a command runs");
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            if (v != tlm_ctrl::START && v != tlm_ctrl::STEP && v != tlm_ctrl::SEND && v != tlm_ctrl::RESET) {
                fail(tlm_error::BAD_COMMAND, strprintf("CTRL 0x%x is not one command (1 START, 2 STEP, 4 SEND, 8 RESET)", v));
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            if (v == tlm_ctrl::STEP && !started_) {
                fail(tlm_error::NOT_STARTED, "STEP before START");
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            command_ = v;
            command_pending_ = true;
            busy_ = true;
            irq_sticky_ &= ~tlm_irq::DONE;
            irq_update_event_.notify(sc_core::SC_ZERO_TIME);
            request_event_.notify(sc_core::SC_ZERO_TIME);
            return true;
        }
        case IRQ_ENABLE:
            irq_enable_ = v & (tlm_irq::DONE | tlm_irq::OUT | tlm_irq::MON | tlm_irq::ERROR);
            irq_update_event_.notify(sc_core::SC_ZERO_TIME);
            return true;
        case IRQ_STATUS:
            irq_sticky_ &= ~(v & (tlm_irq::DONE | tlm_irq::ERROR));
            irq_update_event_.notify(sc_core::SC_ZERO_TIME);
            return true;
        case OUT_THRESHOLD: out_threshold_ = v; irq_update_event_.notify(sc_core::SC_ZERO_TIME); return true;
        case MON_THRESHOLD: mon_threshold_ = v; irq_update_event_.notify(sc_core::SC_ZERO_TIME); return true;
        case TX_LO:
            if (length == 8) return push(value);
            tx_lo_ = v;
            return true;
        case TX_HI: return push(uint64_t(v) << 32 | tx_lo_);
        case DBG_TILE: dbg_tile_ = v; return true;
        case DBG_ADDR: dbg_addr_ = v; return true;
        case DBG_WDATA: {
            if (dead_) {
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            if (busy_) {
                fail(tlm_error::BUSY, "DBG_WDATA written while a command runs");
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            if (dbg_tile_ >= kNumTiles || dbg_addr_ > uint32_t(STEM_CFG_ADDR_MASK)) {
                fail(tlm_error::BAD_COMMAND, strprintf("debug write to tile %u address 0x%x: tile 0..%u, address "
                                                       "0..0x3fffff", dbg_tile_, dbg_addr_, kNumTiles - 1));
                st = tlm::TLM_GENERIC_ERROR_RESPONSE;
                return false;
            }
            dbg_pending_ = true;
            dbg_write_ = true;
            dbg_req_tile_ = dbg_tile_;
            dbg_req_addr_ = dbg_addr_;
            dbg_req_data_ = v;
            request_event_.notify(sc_core::SC_ZERO_TIME);
            while (dbg_pending_) sc_core::wait(dbg_done_event_);
            return true;
        }
        case ID: case VERSION: case PARAM0: case PARAM1: case NUM_NEURONS: case NUM_AXONS: case STATUS: case STEP:
        case LAST_CYCLES: case TX_LEVEL: case TX_DEPTH: case OUT_LO: case OUT_HI: case OUT_LEVEL: case OUT_DEPTH:
        case MON_LO: case MON_HI: case MON_LEVEL: case MON_DEPTH: case DBG_RDATA_LO: case DBG_RDATA_HI:
        case CYCLE_LO: case CYCLE_HI: case OUT_STALLS: case MON_DROPPED: case ERROR_CODE: case OUT_CYCLE_LO:
        case OUT_CYCLE_HI:
            st = tlm::TLM_COMMAND_ERROR_RESPONSE;  // read-only
            return false;
        default: st = tlm::TLM_ADDRESS_ERROR_RESPONSE; return false;
    }
}

}  // namespace stemsc
