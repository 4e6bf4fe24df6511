// A toy shim for the bridge tests: implements stem_shim.h over the toy_mesh RTL
// (Fixtures/toy/rtl/toy_mesh.sv), following the ABI's rules (handle registry, status codes,
// last_error, clocking to quiescence inside C++). It also exports a stem_noc_v1 table that
// drives the same toy with random traffic, so the NocModel wrapper can be tested.
//
// Test variants are made by prepending defines to this file's text:
//   TOY_ABI_VERSION 99   reports a foreign ABI version
//   TOY_WITHOUT_NOC      exports no stem_noc_v1
#include "Vtoy_mesh.h"
#include "verilated.h"
#include "stem_shim.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include <cstdarg>

// Model libraries route Verilator's printing here (-DVL_PRINTF=stem_vl_printf,
// stem_verilator_output.h); the toy has nothing to keep it for and passes it to stderr.
int stem_vl_printf(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    const int n = std::vfprintf(stderr, format, ap);
    va_end(ap);
    return n;
}

#ifndef TOY_ABI_VERSION
#define TOY_ABI_VERSION STEM_SHIM_ABI_VERSION
#endif
#ifndef STEM_TRACE
#define STEM_TRACE 0
#endif

namespace {

std::mutex registry_mutex;
std::unordered_set<const void *> registry;
thread_local std::string create_error_message;

bool is_live(const void *h) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    return h != nullptr && registry.count(h) != 0;
}
void add_live(const void *h) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    registry.insert(h);
}
void remove_live(const void *h) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    registry.erase(h);
}

// The toy RTL plus its clock.
struct Toy {
    VerilatedContext context;
    std::unique_ptr<Vtoy_mesh> top;
    uint64_t cycles = 0;

    Toy() : top(new Vtoy_mesh(&context)) {
        top->clk_i = 0;
        top->rst_ni = 0;
        top->eval();
        top->rst_ni = 1;
        top->eval();
    }
    // One clock cycle; the inputs are already set and evaluated.
    void tick() {
        top->clk_i = 1;
        top->eval();
        top->clk_i = 0;
        top->eval();
        ++cycles;
    }
    uint64_t debug_read(uint32_t addr) {
        top->dbg_req_i = 1;
        top->dbg_we_i = 0;
        top->dbg_addr_i = addr;
        top->eval();
        uint64_t value = top->dbg_rdata_o;
        top->dbg_req_i = 0;
        top->eval();
        return value;
    }
    void params(stem_params *out) {
        out->time_steps = (uint32_t)debug_read(16);
        out->weight_bits = (uint32_t)debug_read(17);
        out->acc_bits = (uint32_t)debug_read(18);
        out->saturate = (uint32_t)debug_read(19);
        out->num_neurons = (uint32_t)debug_read(20);
        out->num_axons = (uint32_t)debug_read(21);
        out->mult_bits = 16;
        out->bias_bits = (uint32_t)debug_read(26);
        out->max_fanout = (uint32_t)debug_read(22);
        out->mesh_x = (uint32_t)debug_read(23);
        out->mesh_y = (uint32_t)debug_read(24);
        out->fifo_depth = (uint32_t)debug_read(25);
        out->trace_kind = STEM_TRACE;
    }
};

uint64_t next_random(uint64_t &state) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

}  // namespace

struct stem_model {
    Toy toy;
    std::string error;
    bool started = false;
    bool first_step = true;
    uint64_t cycle_limit = 10000;
    uint32_t backpressure = 0;
    uint64_t random_state = 1;
    std::vector<stem_spike> spikes;
    std::vector<uint64_t> host_flits;
    std::vector<uint64_t> host_cycles;
    stem_counters counters{};

    int fail(int status, const std::string &message) {
        error = message;
        return status;
    }
    bool host_ready() {
        if (backpressure == 0) return true;
        return next_random(random_state) % 1000 >= backpressure;
    }
    // Feeds flits in and clocks until they are all in and the toy is idle.
    int run(const uint64_t *flits, size_t count, bool record, uint64_t &used, const char *what) {
        size_t next = 0;
        used = 0;
        for (;;) {
            auto *t = toy.top.get();
            t->in_valid_i = next < count;
            t->in_flit_i = next < count ? flits[next] : 0;
            t->out_ready_i = host_ready();
            t->eval();
            if (next == count && t->idle_o && !t->out_valid_o) break;
            if (used >= (cycle_limit == 0 ? 10000 : cycle_limit)) {
                char message[200];
                std::snprintf(message, sizeof message, "%s did not reach quiescence within %llu cycles",
                              what, (unsigned long long)used);
                t->in_valid_i = 0;
                t->eval();
                return fail(STEM_E_TIMEOUT, message);
            }
            if (record && t->mon_valid_o) spikes.push_back(stem_spike{0, (uint16_t)t->mon_neuron_o});
            if (t->out_valid_o && t->out_ready_i) {
                if (record) {
                    host_flits.push_back(t->out_flit_o);
                    host_cycles.push_back(toy.cycles);
                }
                ++counters.host_flits_out;
            }
            if (t->in_valid_i && t->in_ready_o) ++next;
            toy.tick();
            ++used;
        }
        toy.top->in_valid_i = 0;
        toy.top->eval();
        return STEM_OK;
    }
};

struct stem_noc {
    Toy toy;
    std::string error;
};

#define CHECK_MODEL(m)                                                                   \
    if (!is_live(m)) return STEM_E_HANDLE;                                               \
    (m)->error.clear();

extern "C" {

static const char *toy_last_error(const stem_model *m) {
    if (!is_live(m)) return "invalid model handle";
    return m->error.c_str();
}

static const char *toy_create_error(void) { return create_error_message.c_str(); }

static int toy_create(stem_model **out) {
    if (out == nullptr) {
        create_error_message = "create: out is NULL";
        return STEM_E_ARGUMENT;
    }
    *out = nullptr;
    try {
        auto *m = new stem_model();
        add_live(m);
        m->counters.cycles = 0;
        *out = m;
        create_error_message.clear();
        return STEM_OK;
    } catch (const std::exception &e) {
        create_error_message = e.what();
        return STEM_E_INTERNAL;
    }
}

static int toy_destroy(stem_model *m) {
    if (!is_live(m)) return STEM_E_HANDLE;
    remove_live(m);
    delete m;
    return STEM_OK;
}

static int toy_get_params(const stem_model *cm, stem_params *out) {
    auto *m = const_cast<stem_model *>(cm);
    CHECK_MODEL(m);
    if (out == nullptr) return m->fail(STEM_E_ARGUMENT, "get_params: out is NULL");
    m->toy.params(out);
    return STEM_OK;
}

static int toy_reset(stem_model *m) {
    CHECK_MODEL(m);
    m->toy.top->rst_ni = 0;
    m->toy.top->eval();
    m->toy.tick();
    m->toy.top->rst_ni = 1;
    m->toy.top->eval();
    m->started = false;
    return STEM_OK;
}

static int toy_configure(stem_model *m, const uint64_t *flits, size_t count) {
    CHECK_MODEL(m);
    if (flits == nullptr && count > 0) return m->fail(STEM_E_ARGUMENT, "configure: flits is NULL");
    uint64_t used = 0;
    int status = m->run(flits, count, false, used, "configure");
    m->counters.config_writes += count;
    return status;
}

static int toy_configure_backdoor(stem_model *m, const uint32_t *tiles, const uint32_t *addrs,
                                  const uint32_t *data, size_t count) {
    CHECK_MODEL(m);
    if (count > 0 && (tiles == nullptr || addrs == nullptr || data == nullptr))
        return m->fail(STEM_E_ARGUMENT, "configure_backdoor: an array is NULL");
    for (size_t i = 0; i < count; ++i) {
        if (tiles[i] != 0) {
            char message[200];
            std::snprintf(message, sizeof message,
                          "configure_backdoor: write %zu: tile %u is out of range (the toy has tile 0 only)",
                          i, tiles[i]);
            return m->fail(STEM_E_ARGUMENT, message);
        }
        auto *t = m->toy.top.get();
        t->dbg_req_i = 1;
        t->dbg_we_i = 1;
        t->dbg_addr_i = addrs[i];
        t->dbg_wdata_i = data[i];
        t->eval();
        m->toy.tick();
        t->dbg_req_i = 0;
        t->dbg_we_i = 0;
        t->eval();
        ++m->counters.config_writes;
    }
    return STEM_OK;
}

static int toy_start(stem_model *m) {
    CHECK_MODEL(m);
    m->toy.top->start_i = 1;
    m->toy.top->eval();
    m->toy.tick();
    m->toy.top->start_i = 0;
    m->toy.top->eval();
    m->started = true;
    m->first_step = true;
    uint64_t cycles = m->counters.cycles, writes = m->counters.config_writes;
    m->counters = stem_counters{};
    m->counters.cycles = cycles;
    m->counters.config_writes = writes;
    return STEM_OK;
}

static int toy_step(stem_model *m, const uint64_t *flits, size_t count, stem_step_result *out) {
    CHECK_MODEL(m);
    if (!m->started) return m->fail(STEM_E_STATE, "step before start");
    if (out == nullptr) return m->fail(STEM_E_ARGUMENT, "step: out is NULL");
    if (flits == nullptr && count > 0) return m->fail(STEM_E_ARGUMENT, "step: host_flits is NULL");
    m->spikes.clear();
    m->host_flits.clear();
    m->host_cycles.clear();
    uint64_t before = m->toy.cycles;
    if (!m->first_step) {
        m->toy.top->step_i = 1;
        m->toy.top->eval();
        m->toy.tick();
        m->toy.top->step_i = 0;
        m->toy.top->eval();
    }
    m->first_step = false;
    uint64_t used = 0;
    char what[64];
    std::snprintf(what, sizeof what, "step %llu", (unsigned long long)m->counters.steps);
    int status = m->run(flits, count, true, used, what);
    uint64_t cycles = m->toy.cycles - before;
    m->counters.run_cycles += cycles;
    m->counters.host_flits_in += count;
    m->counters.spikes += m->spikes.size();
    out->spikes = m->spikes.data();
    out->num_spikes = m->spikes.size();
    out->host_flits = m->host_flits.data();
    out->host_cycles = m->host_cycles.data();
    out->num_host_flits = m->host_flits.size();
    out->cycles = cycles;
    out->step = m->counters.steps;
    ++m->counters.steps;
    return status;
}

static int toy_peek(stem_model *m, uint32_t tile, uint32_t addr, uint32_t count, int64_t *out) {
    CHECK_MODEL(m);
    if (tile != 0) {
        char message[200];
        std::snprintf(message, sizeof message, "peek: tile %u is out of range (the toy has tile 0 only)", tile);
        return m->fail(STEM_E_ARGUMENT, message);
    }
    if (out == nullptr && count > 0) return m->fail(STEM_E_ARGUMENT, "peek: out is NULL");
    for (uint32_t i = 0; i < count; ++i) out[i] = (int64_t)m->toy.debug_read(addr + i);
    return STEM_OK;
}

static int toy_counters(const stem_model *cm, stem_counters *out) {
    auto *m = const_cast<stem_model *>(cm);
    CHECK_MODEL(m);
    if (out == nullptr) return m->fail(STEM_E_ARGUMENT, "counters: out is NULL");
    *out = m->counters;
    out->cycles = m->toy.cycles;
    return STEM_OK;
}

static int toy_set_cycle_limit(stem_model *m, uint64_t max_cycles) {
    CHECK_MODEL(m);
    m->cycle_limit = max_cycles;
    return STEM_OK;
}

static int toy_set_host_backpressure(stem_model *m, uint32_t permille, uint64_t seed) {
    CHECK_MODEL(m);
    if (permille > 1000) {
        char message[200];
        std::snprintf(message, sizeof message, "set_host_backpressure: permille %u is outside 0..1000", permille);
        return m->fail(STEM_E_ARGUMENT, message);
    }
    m->backpressure = permille;
    m->random_state = seed == 0 ? 1 : seed;
    return STEM_OK;
}

static int toy_trace_open(stem_model *m, const char *path, uint32_t, uint64_t, uint64_t) {
    CHECK_MODEL(m);
    if (path == nullptr) return m->fail(STEM_E_ARGUMENT, "trace_open: path is NULL");
    if (STEM_TRACE == 0)
        return m->fail(STEM_E_STATE, "trace_open: this model library was built without tracing");
    return m->fail(STEM_E_INTERNAL, "trace_open: the toy model does not trace");
}

static int toy_trace_close(stem_model *m) {
    CHECK_MODEL(m);
    return m->fail(STEM_E_STATE, "trace_close: no trace is open");
}

static const stem_shim_api toy_api = {
    TOY_ABI_VERSION,
    sizeof(stem_shim_api),
    toy_last_error,
    toy_create_error,
    toy_create,
    toy_destroy,
    toy_get_params,
    toy_reset,
    toy_configure,
    toy_configure_backdoor,
    toy_start,
    toy_step,
    toy_peek,
    toy_counters,
    toy_set_cycle_limit,
    toy_set_host_backpressure,
    toy_trace_open,
    toy_trace_close,
};

__attribute__((visibility("default"))) const stem_shim_api *stem_shim_v1(void) { return &toy_api; }

#ifndef TOY_WITHOUT_NOC

static const char *toy_noc_last_error(const stem_noc *n) {
    if (!is_live(n)) return "invalid noc handle";
    return n->error.c_str();
}

static int toy_noc_create(stem_noc **out) {
    if (out == nullptr) return STEM_E_ARGUMENT;
    auto *n = new stem_noc();
    add_live(n);
    *out = n;
    return STEM_OK;
}

static int toy_noc_destroy(stem_noc *n) {
    if (!is_live(n)) return STEM_E_HANDLE;
    remove_live(n);
    delete n;
    return STEM_OK;
}

static int toy_noc_get_params(const stem_noc *cn, stem_params *out) {
    auto *n = const_cast<stem_noc *>(cn);
    if (!is_live(n)) return STEM_E_HANDLE;
    if (out == nullptr) return STEM_E_ARGUMENT;
    n->toy.params(out);
    return STEM_OK;
}

// Random single-source traffic through the toy: a flit is generated with probability rate per
// cycle, queued, injected when the toy is ready and measured when it comes out.
static int toy_noc_run(stem_noc *n, const stem_noc_run *spec, stem_noc_result *out) {
    if (!is_live(n)) return STEM_E_HANDLE;
    n->error.clear();
    if (spec == nullptr || out == nullptr) {
        n->error = "run: spec or out is NULL";
        return STEM_E_ARGUMENT;
    }
    if (!(spec->rate >= 0.0 && spec->rate <= 1.0)) {
        char message[200];
        std::snprintf(message, sizeof message, "run: rate %g is outside 0..1", spec->rate);
        n->error = message;
        return STEM_E_ARGUMENT;
    }
    *out = stem_noc_result{};
    auto *t = n->toy.top.get();
    uint64_t state = spec->seed == 0 ? 1 : spec->seed;
    std::vector<uint64_t> queue;  // generation cycles
    size_t head = 0;
    uint64_t latency_sum = 0;
    const uint64_t measure_from = spec->warmup_cycles;
    const uint64_t measure_to = spec->warmup_cycles + spec->measure_cycles;
    const uint64_t end = measure_to + spec->drain_cycles;
    for (uint64_t cycle = 0; cycle < end; ++cycle) {
        if (cycle < measure_to && (double)(next_random(state) % 1000000) < spec->rate * 1e6) {
            queue.push_back(cycle);
            if (cycle >= measure_from) ++out->generated;
        }
        t->in_valid_i = head < queue.size();
        t->in_flit_i = head < queue.size() ? queue[head] : 0;
        t->out_ready_i = (next_random(state) % 1000) >= spec->sink_backpressure_permille;
        t->eval();
        if (t->out_valid_o && t->out_ready_i) {
            uint64_t born = t->out_flit_o & ~(uint64_t(1) << 62);
            if (born >= measure_from && born < measure_to) {
                ++out->delivered;
                uint64_t latency = cycle - born;
                latency_sum += latency;
                if (latency > out->max_latency) out->max_latency = latency;
            }
        }
        if (t->in_valid_i && t->in_ready_o) ++head;
        n->toy.tick();
        if (cycle >= measure_to && out->delivered == out->generated) break;
    }
    t->in_valid_i = 0;
    t->eval();
    out->offered = out->generated;
    out->accepted_rate = spec->measure_cycles ? (double)out->delivered / (double)spec->measure_cycles : 0.0;
    out->mean_latency = out->delivered ? (double)latency_sum / (double)out->delivered : 0.0;
    out->mean_network_latency = out->delivered ? 1.0 : 0.0;
    out->lost = out->generated - out->delivered;
    return STEM_OK;
}

static const stem_noc_api toy_noc_api = {
    TOY_ABI_VERSION,
    sizeof(stem_noc_api),
    toy_noc_last_error,
    toy_create_error,
    toy_noc_create,
    toy_noc_destroy,
    toy_noc_get_params,
    toy_noc_run,
};

__attribute__((visibility("default"))) const stem_noc_api *stem_noc_v1(void) { return &toy_noc_api; }

#endif  // TOY_WITHOUT_NOC

}  // extern "C"
