// stem_mesh_tlm_regs.h: the register map of stem_mesh_tlm (see stem_mesh_tlm.h and
// docs/systemc.md), all software needs to drive the device: offsets, command codes and bits.
#ifndef STEM_MESH_TLM_REGS_H
#define STEM_MESH_TLM_REGS_H

#include <cstdint>

namespace stemsc {

/// Register offsets of stem_mesh_tlm.
namespace tlm_reg {
constexpr uint64_t ID = 0x00, VERSION = 0x04, PARAM0 = 0x08, PARAM1 = 0x0C, NUM_NEURONS = 0x10, NUM_AXONS = 0x14;
constexpr uint64_t CTRL = 0x20, STATUS = 0x24, STEP = 0x28, LAST_CYCLES = 0x2C;
constexpr uint64_t IRQ_ENABLE = 0x30, IRQ_STATUS = 0x34, OUT_THRESHOLD = 0x38, MON_THRESHOLD = 0x3C;
constexpr uint64_t TX_LO = 0x40, TX_HI = 0x44, TX_LEVEL = 0x48, TX_DEPTH = 0x4C;
constexpr uint64_t OUT_LO = 0x50, OUT_HI = 0x54, OUT_LEVEL = 0x58, OUT_DEPTH = 0x5C;
constexpr uint64_t MON_LO = 0x60, MON_HI = 0x64, MON_LEVEL = 0x68, MON_DEPTH = 0x6C;
constexpr uint64_t DBG_TILE = 0x70, DBG_ADDR = 0x74, DBG_WDATA = 0x78, DBG_RDATA_LO = 0x80, DBG_RDATA_HI = 0x84;
constexpr uint64_t CYCLE_LO = 0x88, CYCLE_HI = 0x8C, OUT_STALLS = 0x90, MON_DROPPED = 0x94, ERROR_CODE = 0x98;
constexpr uint64_t OUT_CYCLE_LO = 0xA0, OUT_CYCLE_HI = 0xA4;
constexpr uint64_t SIZE = 0x100;  // the window the device decodes
constexpr uint32_t ID_VALUE = 0x5354454D, VERSION_VALUE = 0x00010100;
}  // namespace tlm_reg

namespace tlm_ctrl {
constexpr uint32_t START = 1, STEP = 2, SEND = 4, RESET = 8;
}
namespace tlm_status {
constexpr uint32_t BUSY = 1, IDLE = 2, TX_FULL = 4, OUT_NONEMPTY = 8, MON_NONEMPTY = 16, MON_OVERFLOW = 32,
                   STARTED = 64;
}
namespace tlm_irq {
constexpr uint32_t DONE = 1, OUT = 2, MON = 4, ERROR = 8;
}
namespace tlm_error {
constexpr uint32_t NONE = 0, BUSY = 1, BAD_COMMAND = 2, NOT_STARTED = 3, TX_OVERFLOW = 4, UNDERFLOW = 5, TIMEOUT = 6;
}

}  // namespace stemsc

#endif  // STEM_MESH_TLM_REGS_H
