// stem_shim.cpp: the C ABI of Sources/CStemShim/include/stem_shim.h for a Verilated stem_mesh.
//
// Built by Verilator together with the RTL into one shared library per parameter set, with the
// command ModelBuilder makes (`stemsim cache path --command` prints it; docs/rtl.md quotes it).
//
// STEM_TRACE: 0 untraced, 1 VCD (verilator --trace), 2 FST (verilator --trace-fst).
// STEM_COVERAGE: 1 in coverage builds (coverage_write; shim_common.h).
//
// One handle = one VerilatedContext + one model; the clock runs inside C++ (no per-cycle
// crossing of the ABI). The clock: inputs change at time 10*c (clock low), the rising edge of
// cycle c is at 10*c + 5; the trace timescale is 1 ns, so a cycle is 10 ns.

// The entry point keeps default visibility under -fvisibility=hidden.
#pragma GCC visibility push(default)
#include "stem_shim.h"
#include "stem_hw_interface.h"
#pragma GCC visibility pop

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "Vstem_mesh.h"
#include "Vstem_mesh_stem_mesh.h"
#include "shim_common.h"
#include "verilated.h"

#ifndef STEM_TRACE
#define STEM_TRACE 0
#endif

#if STEM_TRACE == 1
#include "verilated_vcd_c.h"
using TraceFile = VerilatedVcdC;
#elif STEM_TRACE == 2
#include "verilated_fst_c.h"
using TraceFile = VerilatedFstC;
#endif

namespace {

using Params = Vstem_mesh_stem_mesh;

constexpr uint64_t kMagic = 0x5354454d4d455348ull;  // "STEMMESH"
constexpr uint64_t kDefaultCycleLimit = 10000000;   // per step / configure / start
constexpr unsigned kAddrSpace = 1u << 22;
constexpr unsigned kNumTiles = Params::MeshX * Params::MeshY;

HandleRegistry g_models;
thread_local std::string g_create_error;

}  // namespace

struct stem_model {
    uint64_t magic = kMagic;
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vstem_mesh> top;
    std::string error;

    bool started = false;
    bool first_step = true;
    uint64_t tau = 0;          // the step step() runs next / is running
    uint64_t cycle = 0;        // cycles since create()
    uint64_t mesh_cycle = 0;   // the mesh cycle counter (edges since rst_ni was released)
    uint64_t cycle_limit = kDefaultCycleLimit;

    uint32_t bp_permille = 0;
    Rng bp_rng;

    stem_counters ctr{};

    std::vector<stem_spike> spikes;
    std::vector<uint64_t> host_flits;
    std::vector<uint64_t> host_cycles;

#if STEM_TRACE != 0
    std::unique_ptr<TraceFile> trace;
    uint64_t trace_from = 0;
    uint64_t trace_to = 0;
    uint64_t last_dump = UINT64_MAX;
#endif
    bool in_step = false;      // traces dump only while step() runs: they hold time steps only
    std::string assertion;     // the failed assertion that stopped the model (until reset)
};

namespace {

// ------------------------------------------------------------------------------------------
// Clocking
// ------------------------------------------------------------------------------------------

void dump(stem_model* m, uint64_t time) {
#if STEM_TRACE != 0
    // The cycles of step tau are those in which the mesh's step counter shows tau: the cycle of
    // the pulse that closes step tau-1 (step_o still tau-1, step_i is registered) is not one.
    if (m->trace && m->in_step && m->tau >= m->trace_from && m->tau <= m->trace_to &&
        m->top->step_o == static_cast<uint32_t>(m->tau) &&
        (m->last_dump == UINT64_MAX || time > m->last_dump)) {
        m->trace->dump(time);
        m->last_dump = time;
    }
#else
    (void)m;
    (void)time;
#endif
}

/// Evaluates the clock-low phase of the current cycle with the inputs as set.
void settle(stem_model* m) {
    m->ctx->time(m->cycle * 10);  // $time in assertion messages: the trace's time
    m->top->clk_i = 0;
    m->top->eval();
    dump(m, m->cycle * 10);
}

/// The rising edge that ends the current cycle.
void edge(stem_model* m) {
    m->ctx->time(m->cycle * 10 + 5);
    m->top->clk_i = 1;
    m->top->eval();
    dump(m, m->cycle * 10 + 5);
    m->cycle++;
    m->ctr.cycles++;
    if (m->top->rst_ni) m->mesh_cycle++;
}

/// Records the monitor spikes of the settled cycle (they happen at its edge).
void sample_monitor(stem_model* m) {
    if (!port_any(m->top->mon_valid_o)) return;
    for (unsigned t = 0; t < kNumTiles; ++t) {
        if (port_bits(m->top->mon_valid_o, t, 1)) {
            stem_spike s;
            s.tile = static_cast<uint16_t>(t);
            s.neuron = static_cast<uint16_t>(port_bits(m->top->mon_neuron_o, STEM_AXON_W * t, STEM_AXON_W));
            m->spikes.push_back(s);
        }
    }
}

bool host_ready_this_cycle(stem_model* m) {
    return m->bp_permille == 0 || !m->bp_rng.permille(m->bp_permille);
}

int fail(stem_model* m, int status, const std::string& msg) {
    m->error = msg;
    return status;
}

/// STEM_E_ASSERTION if an RTL assertion failed (Verilator sets the context's error flag and
/// prints the message, which stem_vl_printf kept): the model stops until reset().
int check_assertions(stem_model* m, const char* what) {
    if (!m->ctx->gotError()) return STEM_OK;
    if (m->assertion.empty()) {
        m->assertion = strprintf("%s: RTL assertion failed in mesh cycle %llu: %s", what,
                                 static_cast<unsigned long long>(m->mesh_cycle),
                                 assertion_message(take_verilator_output()).c_str());
    }
    return fail(m, STEM_E_ASSERTION, m->assertion);
}

/// STEM_E_ASSERTION naming the earlier failure, for calls after an assertion stopped the model.
int refuse_after_assertion(stem_model* m, const char* what) {
    if (m->assertion.empty()) return STEM_OK;
    return fail(m, STEM_E_ASSERTION, std::string(what) + ": the model stopped on an RTL assertion (reset() it): " +
                                         m->assertion);
}

/// The mesh's step counter (step_o) must show the step the shim runs: 0 once start() has
/// settled, tau once step tau has. No hardware reads step_o (only a trace's window does), so the
/// shim checks it in every build, untraced too: a counter that counts the wrong cycles would
/// otherwise only show as a trace that holds the wrong steps. A mismatch stops the model like an
/// RTL assertion (STEM_E_ASSERTION until reset()).
int check_step_counter(stem_model* m, const char* what) {
    const uint32_t want = static_cast<uint32_t>(m->tau);
    const uint32_t got = m->top->step_o;
    if (got == want) return STEM_OK;
    m->assertion = strprintf("%s: the mesh's step counter step_o reads %u in mesh cycle %llu, expected %u "
                             "(stem_mesh: cleared by start_i, one up per step_i pulse)",
                             what, got, static_cast<unsigned long long>(m->mesh_cycle), want);
    return fail(m, STEM_E_ASSERTION, m->assertion);
}

uint64_t peek1(stem_model* m, uint32_t tile, uint32_t addr) {
    m->top->dbg_req_i = 1;
    m->top->dbg_we_i = 0;
    m->top->dbg_tile_i = static_cast<uint8_t>(tile);
    m->top->dbg_addr_i = addr;
    m->top->eval();
    const uint64_t v = m->top->dbg_rdata_o;
    m->top->dbg_req_i = 0;
    m->top->eval();
    return v;
}

/// The tile address of status word `index`.
uint32_t status_address(uint32_t index) {
    return uint32_t(stem_put_addr_region(STEM_REGION_STATUS) | stem_put_addr_index(index));
}

/// What is still busy, for timeout messages.
std::string describe_busy(stem_model* m) {
    std::string s;
    for (unsigned t = 0; t < kNumTiles; ++t) {
        const uint64_t bits = peek1(m, t, status_address(STEM_STAT_TILE_BUSY));
        if (bits == 0) continue;
        const unsigned x = t % Params::MeshX, y = t / Params::MeshX;
        s += strprintf("; tile %u (%u,%u):", t, x, y);
        if (stem_get_tile_busy_core(bits)) {
            s += strprintf(" core busy (step %llu, window %llu)",
                           static_cast<unsigned long long>(peek1(m, t, status_address(STEM_STAT_STEP))),
                           static_cast<unsigned long long>(peek1(m, t, status_address(STEM_STAT_WINDOW))));
        }
        if (stem_get_tile_busy_ni(bits)) s += " network interface busy";
        if (stem_get_tile_busy_router(bits)) s += " router holds flits";
    }
    m->top->eval();
    if (m->top->host_out_valid_o) s += "; a flit waits at host_out";
    if (s.empty()) s = "; nothing reports busy";
    return s;
}

/// Clocks until the mesh is idle and host_out is empty, while flits[i..count) are injected
/// through the host port. Flits reaching the host are recorded when `record` is set.
int run_until_quiescent(stem_model* m, const uint64_t* flits, size_t count, bool record,
                        const char* what) {
    size_t i = 0;
    const uint64_t start = m->cycle;
    for (;;) {
        const bool have = i < count;
        m->top->host_in_valid_i = have ? 1 : 0;
        m->top->host_in_flit_i = have ? flits[i] : 0;
        m->top->host_out_ready_i = host_ready_this_cycle(m) ? 1 : 0;
        settle(m);
        if (!have && m->top->idle_o && !m->top->host_out_valid_o) break;
        if (m->cycle - start >= m->cycle_limit) {
            m->top->host_in_valid_i = 0;
            return fail(m, STEM_E_TIMEOUT,
                        strprintf("%s: not quiescent after %llu cycles (cycle limit): host "
                                  "flits injected %zu of %zu%s",
                                  what, static_cast<unsigned long long>(m->cycle - start), i,
                                  count, describe_busy(m).c_str()));
        }
        const bool in_fire = have && m->top->host_in_ready_o;
        if (m->top->host_out_valid_o && m->top->host_out_ready_i) {
            if (record) {
                m->host_flits.push_back(m->top->host_out_flit_o);
                m->host_cycles.push_back(m->mesh_cycle);
            }
        }
        if (record) sample_monitor(m);
        edge(m);
        if (in_fire) ++i;
        const int asserted = check_assertions(m, what);
        if (asserted != STEM_OK) {
            m->top->host_in_valid_i = 0;
            return asserted;
        }
    }
    m->top->host_in_valid_i = 0;
    m->top->host_out_ready_i = 1;
    return STEM_OK;
}

/// One cycle with a pulse on an input (start_i or step_i), then clocks to quiescence.
int pulse_and_settle(stem_model* m, CData& input, bool record, const char* what) {
    input = 1;
    m->top->host_in_valid_i = 0;
    m->top->host_out_ready_i = host_ready_this_cycle(m) ? 1 : 0;
    settle(m);
    if (record) {
        if (m->top->host_out_valid_o && m->top->host_out_ready_i) {
            m->host_flits.push_back(m->top->host_out_flit_o);
            m->host_cycles.push_back(m->mesh_cycle);
        }
        sample_monitor(m);
    }
    edge(m);
    input = 0;
    return run_until_quiescent(m, nullptr, 0, record, what);
}

int do_reset(stem_model* m) {
    Vstem_mesh* top = m->top.get();
    top->host_in_valid_i = 0;
    top->host_in_flit_i = 0;
    top->host_out_ready_i = 1;
    top->start_i = 0;
    top->step_i = 0;
    top->dbg_req_i = 0;
    top->dbg_we_i = 0;
    top->dbg_tile_i = 0;
    top->dbg_addr_i = 0;
    top->dbg_wdata_i = 0;
    top->rst_ni = 0;
    // A failed assertion stopped the model; reset starts it afresh.
    m->assertion.clear();
    m->ctx->gotError(false);
    m->ctx->gotFinish(false);
    take_verilator_output();
    for (int k = 0; k < 3; ++k) {
        settle(m);
        edge(m);
    }
    top->rst_ni = 1;
    m->mesh_cycle = 0;
    m->started = false;
    m->first_step = true;
    m->tau = 0;
    m->spikes.clear();
    m->host_flits.clear();
    m->host_cycles.clear();
    // The tiles zero their memories after reset (busy until done).
    return run_until_quiescent(m, nullptr, 0, false, "reset");
}

// ------------------------------------------------------------------------------------------
// The ABI functions
// ------------------------------------------------------------------------------------------

// Verilator finds some state (the scope registry, used by the model's destructor) through
// the thread's current context, so every call makes the handle's context current.
#define CHECK_HANDLE(m)                                                                     \
    do {                                                                                    \
        if (!g_models.contains(m) || (m)->magic != kMagic) return STEM_E_HANDLE;            \
        Verilated::threadContextp((m)->ctx.get());                                          \
    } while (0)

#define GUARD_BEGIN try {
#define GUARD_END(m)                                                                        \
    }                                                                                       \
    catch (const std::exception& e) {                                                       \
        return fail(m, STEM_E_INTERNAL, std::string("internal error: ") + e.what());        \
    }                                                                                       \
    catch (...) {                                                                           \
        return fail(m, STEM_E_INTERNAL, "internal error: unknown exception");               \
    }

const char* api_last_error(const stem_model* m) {
    if (!g_models.contains(m) || m->magic != kMagic) {
        return "invalid stem_model handle (NULL, destroyed or from another library)";
    }
    return m->error.c_str();
}

const char* api_create_error(void) { return g_create_error.c_str(); }

/// Creates a model; randomized: every variable starts random from seed (randReset(2)).
int create_model(stem_model** out, bool randomized, uint64_t seed, const char* what) {
    if (out == nullptr) {
        g_create_error = std::string(what) + ": out is NULL";
        return STEM_E_ARGUMENT;
    }
    *out = nullptr;
    stem_model* m = nullptr;
    try {
        m = new stem_model();
        m->ctx = std::make_unique<VerilatedContext>();
        m->ctx->debug(0);
        if (randomized) {
            // Verilator's seed 0 means "pick one"; map every seed to 1..2^31-1.
            uint64_t z = seed + 0x9E3779B97F4A7C15ull;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            z ^= z >> 31;
            m->ctx->randSeed(static_cast<int>(z % 0x7FFFFFFFull) + 1);
            m->ctx->randReset(2);
        } else {
            m->ctx->randReset(0);
        }
        m->ctx->fatalOnError(false);
        Verilated::threadContextp(m->ctx.get());
#if STEM_TRACE != 0
        m->ctx->traceEverOn(true);
#endif
        m->top = std::make_unique<Vstem_mesh>(m->ctx.get(), "TOP");
        g_models.insert(m);
        const int st = do_reset(m);
        if (st != STEM_OK) {
            g_create_error = std::string(what) + ": " + m->error;
            g_models.erase(m);
            delete m;
            return st;
        }
    } catch (const std::exception& e) {
        g_create_error = std::string(what) + ": " + e.what();
        if (m) g_models.erase(m);
        delete m;
        return STEM_E_INTERNAL;
    }
    g_create_error.clear();
    *out = m;
    return STEM_OK;
}

int api_create(stem_model** out) { return create_model(out, false, 0, "create"); }

int api_create_randomized(stem_model** out, uint64_t seed) {
    return create_model(out, true, seed, "create_randomized");
}

int api_destroy(stem_model* m) {
    CHECK_HANDLE(m);
    g_models.erase(m);
    m->magic = 0;
    try {
#if STEM_TRACE != 0
        if (m->trace) m->trace->close();
        m->trace.reset();
#endif
        m->top->final();
    } catch (...) {
    }
    delete m;
    return STEM_OK;
}

int api_get_params(const stem_model* m, stem_params* out) {
    CHECK_HANDLE(m);
    if (out == nullptr) return fail(const_cast<stem_model*>(m), STEM_E_ARGUMENT, "get_params: out is NULL");
    out->time_steps = Params::TimeSteps;
    out->weight_bits = Params::WeightBits;
    out->acc_bits = Params::AccBits;
    out->saturate = Params::Saturate;
    out->num_neurons = Params::NumNeurons;
    out->num_axons = Params::NumAxons;
    out->mult_bits = Params::MultBits;
    out->bias_bits = Params::BiasBits;
    out->max_fanout = Params::MaxFanout;
    out->mesh_x = Params::MeshX;
    out->mesh_y = Params::MeshY;
    out->fifo_depth = Params::FifoDepth;
    out->trace_kind = STEM_TRACE;
    return STEM_OK;
}

int api_reset(stem_model* m) {
    CHECK_HANDLE(m);
    GUARD_BEGIN
    m->tau = 0;
    return do_reset(m);
    GUARD_END(m)
}

int api_configure(stem_model* m, const uint64_t* flits, size_t count) {
    CHECK_HANDLE(m);
    if (flits == nullptr && count != 0) return fail(m, STEM_E_ARGUMENT, "configure: flits is NULL");
    if (const int st = refuse_after_assertion(m, "configure"); st != STEM_OK) return st;
    GUARD_BEGIN
    for (size_t i = 0; i < count; ++i) {
        if (stem_get_flit_kind(flits[i]) == STEM_KIND_CONFIG) m->ctr.config_writes++;
    }
    return run_until_quiescent(m, flits, count, false, "configure");
    GUARD_END(m)
}

int api_configure_backdoor(stem_model* m, const uint32_t* tiles, const uint32_t* addrs,
                           const uint32_t* data, size_t count) {
    CHECK_HANDLE(m);
    if (count != 0 && (tiles == nullptr || addrs == nullptr || data == nullptr)) {
        return fail(m, STEM_E_ARGUMENT, "configure_backdoor: tiles, addrs or data is NULL");
    }
    for (size_t i = 0; i < count; ++i) {
        if (tiles[i] >= kNumTiles) {
            return fail(m, STEM_E_ARGUMENT,
                        strprintf("configure_backdoor: write %zu: tile %u out of range 0..%u",
                                  i, tiles[i], kNumTiles - 1));
        }
        if (addrs[i] >= kAddrSpace) {
            return fail(m, STEM_E_ARGUMENT,
                        strprintf("configure_backdoor: write %zu: address 0x%x out of range "
                                  "0..0x3fffff", i, addrs[i]));
        }
    }
    if (const int st = refuse_after_assertion(m, "configure_backdoor"); st != STEM_OK) return st;
    GUARD_BEGIN
    Vstem_mesh* top = m->top.get();
    top->host_in_valid_i = 0;
    top->host_out_ready_i = 1;
    for (size_t i = 0; i < count; ++i) {
        top->dbg_req_i = 1;
        top->dbg_we_i = 1;
        top->dbg_tile_i = static_cast<uint8_t>(tiles[i]);
        top->dbg_addr_i = addrs[i];
        top->dbg_wdata_i = data[i];
        settle(m);
        edge(m);
        m->ctr.config_writes++;
    }
    top->dbg_req_i = 0;
    top->dbg_we_i = 0;
    top->eval();
    return check_assertions(m, "configure_backdoor");
    GUARD_END(m)
}

int api_start(stem_model* m) {
    CHECK_HANDLE(m);
    if (const int st = refuse_after_assertion(m, "start"); st != STEM_OK) return st;
    GUARD_BEGIN
    m->tau = 0;
    m->spikes.clear();
    m->host_flits.clear();
    m->host_cycles.clear();
    int st = pulse_and_settle(m, m->top->start_i, false, "start");
    if (st == STEM_OK) st = check_step_counter(m, "start");
    if (st != STEM_OK) return st;
    m->started = true;
    m->first_step = true;
    m->ctr.run_cycles = 0;
    m->ctr.steps = 0;
    m->ctr.host_flits_in = 0;
    m->ctr.host_flits_out = 0;
    m->ctr.spikes = 0;
    return STEM_OK;
    GUARD_END(m)
}

int api_step(stem_model* m, const uint64_t* host_flits, size_t count, stem_step_result* out) {
    CHECK_HANDLE(m);
    if (out == nullptr) return fail(m, STEM_E_ARGUMENT, "step: out is NULL");
    if (host_flits == nullptr && count != 0) return fail(m, STEM_E_ARGUMENT, "step: host_flits is NULL");
    if (!m->started) return fail(m, STEM_E_STATE, "step: start() has not been called since create() or reset()");
    if (const int st = refuse_after_assertion(m, "step"); st != STEM_OK) return st;
    GUARD_BEGIN
    std::memset(out, 0, sizeof *out);
    m->spikes.clear();
    m->host_flits.clear();
    m->host_cycles.clear();
    const uint64_t c0 = m->cycle;
    const uint64_t tau = m->first_step ? 0 : m->tau + 1;
    m->tau = tau;
    m->in_step = true;
    int st = STEM_OK;
    char what[64];
    std::snprintf(what, sizeof what, "step %llu", static_cast<unsigned long long>(tau));
    if (!m->first_step) {
        // Close step tau-1 (the cores integrate), then inject and run step tau.
        m->top->step_i = 1;
        m->top->host_in_valid_i = 0;
        m->top->host_out_ready_i = host_ready_this_cycle(m) ? 1 : 0;
        settle(m);
        if (m->top->host_out_valid_o && m->top->host_out_ready_i) {
            m->host_flits.push_back(m->top->host_out_flit_o);
            m->host_cycles.push_back(m->mesh_cycle);
        }
        sample_monitor(m);
        edge(m);
        m->top->step_i = 0;
    }
    m->first_step = false;
    st = run_until_quiescent(m, host_flits, count, true, what);
    if (st == STEM_OK) st = check_step_counter(m, what);
    m->in_step = false;
    const uint64_t cycles = m->cycle - c0;
    m->ctr.run_cycles += cycles;
    m->ctr.steps++;
    m->ctr.host_flits_in += count;
    m->ctr.host_flits_out += m->host_flits.size();
    m->ctr.spikes += m->spikes.size();
    out->spikes = m->spikes.data();
    out->num_spikes = m->spikes.size();
    out->host_flits = m->host_flits.data();
    out->host_cycles = m->host_cycles.data();
    out->num_host_flits = m->host_flits.size();
    out->cycles = cycles;
    out->step = tau;
    return st;
    GUARD_END(m)
}

int api_peek(stem_model* m, uint32_t tile, uint32_t addr, uint32_t count, int64_t* out) {
    CHECK_HANDLE(m);
    if (out == nullptr && count != 0) return fail(m, STEM_E_ARGUMENT, "peek: out is NULL");
    if (tile >= kNumTiles) {
        return fail(m, STEM_E_ARGUMENT,
                    strprintf("peek: tile %u out of range 0..%u", tile, kNumTiles - 1));
    }
    if (static_cast<uint64_t>(addr) + count > kAddrSpace) {
        return fail(m, STEM_E_ARGUMENT,
                    strprintf("peek: addresses 0x%x..+%u leave the 22-bit address space", addr,
                              count));
    }
    GUARD_BEGIN
    Vstem_mesh* top = m->top.get();
    top->dbg_req_i = 1;
    top->dbg_we_i = 0;
    top->dbg_tile_i = static_cast<uint8_t>(tile);
    for (uint32_t k = 0; k < count; ++k) {
        top->dbg_addr_i = addr + k;
        top->eval();
        out[k] = static_cast<int64_t>(top->dbg_rdata_o);
    }
    top->dbg_req_i = 0;
    top->eval();
    return STEM_OK;
    GUARD_END(m)
}

int api_counters(const stem_model* m, stem_counters* out) {
    CHECK_HANDLE(m);
    if (out == nullptr) return fail(const_cast<stem_model*>(m), STEM_E_ARGUMENT, "counters: out is NULL");
    *out = m->ctr;
    return STEM_OK;
}

int api_set_cycle_limit(stem_model* m, uint64_t max_cycles) {
    CHECK_HANDLE(m);
    m->cycle_limit = max_cycles == 0 ? kDefaultCycleLimit : max_cycles;
    return STEM_OK;
}

int api_set_host_backpressure(stem_model* m, uint32_t permille, uint64_t seed) {
    CHECK_HANDLE(m);
    if (permille > 1000) {
        return fail(m, STEM_E_ARGUMENT,
                    strprintf("set_host_backpressure: permille %u out of range 0..1000", permille));
    }
    if (permille == 1000) {
        return fail(m, STEM_E_ARGUMENT,
                    "set_host_backpressure: permille 1000 would never accept a flit (allowed 0..999)");
    }
    m->bp_permille = permille;
    m->bp_rng.reseed(seed);
    return STEM_OK;
}

int api_trace_open(stem_model* m, const char* path, uint32_t depth, uint64_t from_step,
                   uint64_t to_step) {
    CHECK_HANDLE(m);
#if STEM_TRACE == 0
    (void)path;
    (void)depth;
    (void)from_step;
    (void)to_step;
    return fail(m, STEM_E_STATE,
                "trace_open: this model library was built without tracing (build it with "
                "--trace or --trace-fst)");
#else
    if (path == nullptr || *path == '\0') return fail(m, STEM_E_ARGUMENT, "trace_open: path is empty");
    if (from_step > to_step) {
        return fail(m, STEM_E_ARGUMENT,
                    strprintf("trace_open: from_step %llu is after to_step %llu",
                              static_cast<unsigned long long>(from_step),
                              static_cast<unsigned long long>(to_step)));
    }
    if (m->trace) return fail(m, STEM_E_STATE, "trace_open: a trace is already open (call trace_close first)");
    GUARD_BEGIN
    auto tf = std::make_unique<TraceFile>();
    m->top->trace(tf.get(), 99);
    // depth N keeps the signals at most N scope levels below TOP ($dumpvars semantics:
    // 1 = the top ports, 2 = also stem_mesh's own signals such as the step counter, ...).
    if (depth != 0) tf->dumpvars(static_cast<int>(depth), "TOP");
    tf->set_time_unit("1ns");
    tf->set_time_resolution("1ns");
    tf->open(path);
    if (!tf->isOpen()) {
        return fail(m, STEM_E_IO, strprintf("trace_open: cannot open %s for writing", path));
    }
    m->trace = std::move(tf);
    m->trace_from = from_step;
    m->trace_to = to_step;
    m->last_dump = UINT64_MAX;
    return STEM_OK;
    GUARD_END(m)
#endif
}

int api_trace_close(stem_model* m) {
    CHECK_HANDLE(m);
#if STEM_TRACE == 0
    return fail(m, STEM_E_STATE, "trace_close: this model library was built without tracing");
#else
    if (!m->trace) return fail(m, STEM_E_STATE, "trace_close: no trace is open");
    GUARD_BEGIN
    m->trace->close();
    m->trace.reset();
    return STEM_OK;
    GUARD_END(m)
#endif
}

int api_coverage_write(stem_model* m, const char* path) {
    CHECK_HANDLE(m);
    GUARD_BEGIN
    return write_coverage(m->ctx.get(), path, "coverage_write", &m->error);
    GUARD_END(m)
}

const stem_shim_api kApi = {
    STEM_SHIM_ABI_VERSION,
    sizeof(stem_shim_api),
    api_last_error,
    api_create_error,
    api_create,
    api_destroy,
    api_get_params,
    api_reset,
    api_configure,
    api_configure_backdoor,
    api_start,
    api_step,
    api_peek,
    api_counters,
    api_set_cycle_limit,
    api_set_host_backpressure,
    api_trace_open,
    api_trace_close,
    api_create_randomized,
    api_coverage_write,
};

}  // namespace

STEM_EXPORT const stem_shim_api* stem_shim_v1(void) { return &kApi; }
