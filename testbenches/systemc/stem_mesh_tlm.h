// stem_mesh_tlm.h: stem_mesh as a memory-mapped TLM-2.0 device for virtual platforms.
//
// A simple_target_socket whose b_transport reads and writes 32-bit registers (64-bit accesses
// to the queue registers), an interrupt line (irq, level) and an sc_event notified when it
// rises (irq_event). Inside: the Verilated stem_mesh on the clock given to `clk`, a sequencer
// that runs the step protocol of docs/hardware-interface.md at the pins (the same MeshDriver
// as the pin-level testbench, so a step takes exactly the same cycles), and three queues:
//
//   TX   flits from the bus to the host port (configuration or spikes)
//   OUT  flits the mesh delivered to the host (the output layer's spikes); when it is full,
//        host_out_ready_i is held low and the mesh waits (real backpressure)
//   MON  the spike monitor: (step, tile, neuron) of every spike any core sends (a debug /
//        trace feature: it cannot hold the mesh; entries beyond its depth are dropped and
//        counted, and STATUS.MON_OVERFLOW is set)
//
// The register map (byte offsets; docs/systemc.md has the full description):
//
//   0x00 ID            R    0x5354454D ("STEM")
//   0x04 VERSION       R    0x00010100
//   0x08 PARAM0        R    TimeSteps | WeightBits << 8 | AccBits << 16 | Saturate << 24
//   0x0C PARAM1        R    MeshX | MeshY << 8 | MaxFanout << 16 | FifoDepth << 24
//   0x10 NUM_NEURONS   R    NumNeurons
//   0x14 NUM_AXONS     R    NumAxons
//   0x20 CTRL          W    a command: 1 START, 2 STEP, 4 SEND, 8 RESET (one bit)
//   0x24 STATUS        R    0 BUSY, 1 IDLE (idle_o), 2 TX_FULL, 3 OUT_NONEMPTY, 4 MON_NONEMPTY,
//                           5 MON_OVERFLOW, 6 STARTED
//   0x28 STEP          R    the mesh's step counter (step_o)
//   0x2C LAST_CYCLES   R    clock cycles of the last command (from its pulse to the barrier)
//   0x30 IRQ_ENABLE    RW   0 DONE, 1 OUT, 2 MON, 3 ERROR
//   0x34 IRQ_STATUS    R/W1C 0 DONE (sticky), 1 OUT (OUT_LEVEL >= OUT_THRESHOLD), 2 MON
//                           (MON_LEVEL >= MON_THRESHOLD), 3 ERROR (sticky)
//   0x38 OUT_THRESHOLD RW   (0 = never)
//   0x3C MON_THRESHOLD RW   (0 = never)
//   0x40 TX_LO, 0x44 TX_HI  W   a flit: writing TX_HI (or 8 bytes at TX_LO) pushes it
//   0x48 TX_LEVEL, 0x4C TX_DEPTH            R
//   0x50 OUT_LO, 0x54 OUT_HI R  the head flit: reading OUT_HI (or 8 bytes at OUT_LO) pops it
//   0x58 OUT_LEVEL, 0x5C OUT_DEPTH          R
//   0x60 MON_LO        R    the head spike: tile << 16 | neuron
//   0x64 MON_HI        R    its step; reading MON_HI (or 8 bytes at MON_LO) pops it
//   0x68 MON_LEVEL, 0x6C MON_DEPTH          R
//   0x70 DBG_TILE, 0x74 DBG_ADDR            RW  the debug port's tile and word address
//   0x78 DBG_WDATA     W    writes DBG_WDATA to (DBG_TILE, DBG_ADDR) through the debug port
//   0x80 DBG_RDATA_LO  R    reads (DBG_TILE, DBG_ADDR) through the debug port (or 8 bytes)
//   0x84 DBG_RDATA_HI  R    the high word of the last debug read
//   0x88 CYCLE_LO, 0x8C CYCLE_HI R  clock cycles since time 0 (reading CYCLE_LO latches HI)
//   0x90 OUT_STALLS    R    cycles host_out was held because OUT was full
//   0x94 MON_DROPPED   R    monitor entries dropped because MON was full
//   0x98 ERROR_CODE    R    the last error (1 busy, 2 bad command, 3 step before start,
//                           4 TX overflow, 5 queue underflow, 6 mesh timeout)
//   0xA0 OUT_CYCLE_LO  R    the mesh cycle in which OUT's head flit arrived (cycles since
//   0xA4 OUT_CYCLE_HI  R    rst_ni was released; 8 bytes at OUT_CYCLE_LO); read before popping
//
// A command (CTRL) runs in the background (STATUS.BUSY) and ends with IRQ_STATUS.DONE:
//   START  pulse start_i, send the flits in TX, wait for the barrier
//   STEP   pulse step_i (not for the first step after START), send the flits in TX, barrier
//   SEND   send the flits in TX, barrier (configuration, or more flits for the current step)
//   RESET  assert rst_ni, wait until the mesh is idle, empty the queues
// A command sends exactly the flits that were in TX when it was written; flits pushed while
// it runs wait for the next command. Writing CTRL, DBG_WDATA or reading DBG_RDATA while BUSY
// is an error. Errors answer the transaction with TLM_GENERIC_ERROR_RESPONSE and set
// IRQ_STATUS.ERROR and ERROR_CODE; bad addresses, sizes or directions get the TLM address,
// burst or command error responses.
//
// b_transport may wait (it synchronizes to the annotated delay, and debug-port accesses take
// clock cycles), so initiators call it from SC_THREADs, as the LT coding style requires.
#ifndef STEM_MESH_TLM_H
#define STEM_MESH_TLM_H

#include <cstdint>
#include <deque>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "stem_mesh_tlm_regs.h"
#include "stem_sc_mesh.h"

namespace stemsc {

class stem_mesh_tlm : public sc_core::sc_module {
public:
    struct Options {
        unsigned tx_depth = 1024;
        unsigned out_depth = 64;
        unsigned mon_depth = 65536;
        sc_core::sc_time access_latency = sc_core::sc_time(10, sc_core::SC_NS);  // per register access
        uint64_t cycle_limit = 10000000;  // per command, as the C shim
    };

    tlm_utils::simple_target_socket<stem_mesh_tlm> socket;
    sc_core::sc_in<bool> clk;
    sc_core::sc_out<bool> irq;
    /// Notified whenever irq rises.
    sc_core::sc_event irq_event;

    SC_HAS_PROCESS(stem_mesh_tlm);
    stem_mesh_tlm(sc_core::sc_module_name name, const Options& options);

    /// A description of the last error (for the simulation's log; the bus sees ERROR_CODE).
    const std::string& last_error() const { return last_error_; }
    /// The pins, for tracing.
    const MeshSignals& signals() const { return s_; }

private:
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload& t);
    /// Decodes and performs one access; `effects` false: a debug access (no pops, no commands).
    void access(tlm::tlm_generic_payload& t, bool effects);
    bool read_register(uint64_t offset, unsigned length, uint64_t& value, bool effects, tlm::tlm_response_status& st);
    bool write_register(uint64_t offset, unsigned length, uint64_t value, tlm::tlm_response_status& st);
    void fail(uint32_t code, const std::string& message);

    void sequencer();   // SC_THREAD: commands and debug-port accesses at the pins
    void observe();     // SC_METHOD on the falling edge: monitor, host_out, cycle counter
    void update_irq();  // SC_METHOD: the one writer of irq
    uint32_t irq_status() const;
    uint32_t status() const;

    Options opt_;
    MeshSignals s_;
    Vstem_mesh mesh_;

    std::deque<uint64_t> tx_, out_, mon_;
    std::deque<uint64_t> out_cycles_;  // the mesh cycle of each flit in out_
    MeshCycle mesh_cycle_;
    uint32_t tx_lo_ = 0;
    uint32_t irq_enable_ = 0, irq_sticky_ = 0, out_threshold_ = 1, mon_threshold_ = 0;
    uint32_t dbg_tile_ = 0, dbg_addr_ = 0, dbg_rdata_hi_ = 0, cycle_hi_ = 0;
    uint32_t error_code_ = tlm_error::NONE;
    uint64_t last_cycles_ = 0, cycle_count_ = 0, out_stalls_ = 0, mon_dropped_ = 0;
    bool busy_ = true;  // the reset at time 0 runs first
    bool started_ = false, first_step_ = true, dead_ = false;
    uint32_t command_ = 0;
    bool command_pending_ = false;
    // A debug-port access handed to the sequencer.
    bool dbg_pending_ = false, dbg_write_ = false;
    uint32_t dbg_req_tile_ = 0, dbg_req_addr_ = 0, dbg_req_data_ = 0;
    uint64_t dbg_result_ = 0;
    sc_core::sc_event request_event_, dbg_done_event_, irq_update_event_;
    std::string last_error_;
};

}  // namespace stemsc

#endif  // STEM_MESH_TLM_H
