// cpu_example.h: a small "CPU model" that runs a network on stem_mesh_tlm exactly as software on
// a virtual-platform CPU would: only through memory-mapped register accesses (TLM-2.0
// b_transport on its initiator socket) and the interrupt line.
//
// Its program (program()):
//   1. wait until the device has left reset (STATUS.BUSY clear); check ID and the PARAM
//      registers against the parameters the stimulus was checked against;
//   2. enable the DONE, OUT, MON and ERROR interrupts;
//   3. configure: configuration flits into TX (at most TX_DEPTH at a time), SEND, wait for DONE;
//      debug-port writes through DBG_TILE / DBG_ADDR / DBG_WDATA;
//   4. START, wait for DONE;
//   5. for every step: push the step's host flits into TX, STEP, and wait for DONE while
//      serving the OUT and MON interrupts (draining the queues: each OUT flit with its arrival
//      cycle OUT_CYCLE, each MON entry as it is), then drain what is left;
//   6. read every tile's overflow counter through DBG_RDATA.
// The events it records are the pin-level testbench's, event for event.
#ifndef CPU_EXAMPLE_H
#define CPU_EXAMPLE_H

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "stem_sc_files.h"

namespace stemsc {

class cpu_example : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<cpu_example> socket;
    sc_core::sc_in<bool> irq;

    SC_HAS_PROCESS(cpu_example);
    /// `base`: the device's address on the bus.
    /// `expected`: the parameters the device must report.
    cpu_example(sc_core::sc_module_name name, const Stimulus& stimulus, const BuildParams& expected, uint64_t base);

    /// The events of every step (after the run).
    std::vector<StepObservation> steps;
    /// Events drained outside the steps (a correct mesh sends none).
    StepObservation outside;
    /// Cycles, traffic and overflows as the program saw them.
    RunSummary summary;
    /// The error that stopped the program, if any.
    std::string error;

private:
    void program();
    void configure();
    void run_steps();
    void read_overflows();

    uint32_t read32(uint64_t offset);
    uint64_t read64(uint64_t offset);
    void write32(uint64_t offset, uint32_t value);
    void write64(uint64_t offset, uint64_t value);
    void transact(tlm::tlm_command command, uint64_t offset, unsigned char* data, unsigned length);

    /// Runs a command and waits for DONE, serving the queue interrupts meanwhile. Returns the
    /// command's LAST_CYCLES.
    uint64_t command(uint32_t ctrl);
    void drain_out();
    void drain_mon();
    /// Pushes flits[from, from + n) into TX.
    void push(const std::vector<uint64_t>& flits, size_t from, size_t n);

    const Stimulus& stimulus_;
    BuildParams expected_;
    uint64_t base_;
    uint32_t tx_depth_ = 0;
    StepObservation* current_ = nullptr;  // where drained entries go
};

}  // namespace stemsc

#endif  // CPU_EXAMPLE_H
