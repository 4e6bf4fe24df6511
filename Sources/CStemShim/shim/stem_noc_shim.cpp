// stem_noc_shim.cpp: the bare-NoC half of the C ABI (stem_noc_api in stem_shim.h) for a
// Verilated stem_noc. Built like stem_shim.cpp (docs/rtl.md), with --top-module stem_noc.
//
// run() performs one whole traffic experiment inside C++:
//  - every node is a Bernoulli source: each cycle it creates a flit with probability `rate`
//    (uniform: to any other node; transpose: (x, y) -> (y, x), nodes on the diagonal and nodes
//    whose transpose is off the mesh send nothing; hotspot: half the flits to node
//    (MeshX/2, MeshY/2), the rest uniform; the hotspot node sends its half uniformly too);
//  - created flits wait in an unbounded source queue and enter the router's local port when it
//    is ready, oldest first;
//  - every local output is a sink that is not ready with probability
//    sink_backpressure_permille / 1000 each cycle;
//  - flits created during the measurement interval are measured (`generated`): latency from creation
//    (source queueing included) and network latency (from entering the router to leaving the
//    destination router), both in cycles;
//  - after the measurement interval the sources create no more flits; the run waits up to
//    drain_cycles for the measured flits still queued or in flight (so every measured flit
//    arrives unless the network deadlocks or the drain is too short; the last measured flits
//    see less contention than in steady state);
//  - a scoreboard checks every delivered flit: misrouted (wrong node or a corrupted flit),
//    duplicated, reordered within its source/destination pair, lost (a measured flit not
//    delivered by the end of the drain).
//
// A flit carries its source node in payload bits 7:0 and a per-source sequence number in bits
// 39:8; the header holds the destination as usual (docs/hardware-interface.md).

// The entry point keeps default visibility under -fvisibility=hidden.
#pragma GCC visibility push(default)
#include "stem_shim.h"
#include "stem_hw_interface.h"
#pragma GCC visibility pop

#include <cmath>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "Vstem_noc.h"
#include "Vstem_noc_stem_noc.h"
#include "shim_common.h"
#include "verilated.h"

namespace {

using Params = Vstem_noc_stem_noc;

constexpr uint64_t kMagic = 0x5354454d4e4f4321ull;  // "STEMNOC!"
constexpr unsigned kNodes = Params::MeshX * Params::MeshY;
constexpr uint64_t kNever = UINT64_MAX;

HandleRegistry g_nocs;
thread_local std::string g_create_error;

}  // namespace

struct stem_noc {
    uint64_t magic = kMagic;
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vstem_noc> top;
    std::string error;
};

namespace {

int fail(stem_noc* n, int status, const std::string& msg) {
    n->error = msg;
    return status;
}

struct Rec {
    uint64_t created;
    uint64_t injected;
    uint16_t dst;
    bool measured;
    bool delivered;
};

struct Source {
    std::deque<Rec> recs;   // recs[k] has sequence number base + k
    uint64_t base = 0;      // sequence number of recs.front()
    size_t next = 0;        // index of the oldest flit not yet injected
    uint64_t next_seq = 0;  // sequence number of the next flit created
};

// The experiment's flits are spike-kind flits whose payload (STEM_FLIT_PAYLOAD_W bits) holds
// the source node in bits 7:0 and the sequence number in bits 39:8; the other payload bits are 0.
constexpr unsigned kSrcW = 8, kSeqLsb = kSrcW, kSeqW = 32, kUsedW = kSeqLsb + kSeqW;
constexpr uint64_t kSrcMask = (uint64_t(1) << kSrcW) - 1, kSeqMask = (uint64_t(1) << kSeqW) - 1;
static_assert(kUsedW <= STEM_FLIT_PAYLOAD_W, "the experiment's payload fits the flit's");

uint64_t make_flit(unsigned src, uint64_t seq, unsigned dst) {
    const uint64_t x = dst % Params::MeshX, y = dst / Params::MeshX;
    return stem_put_flit_dst_x(x) | stem_put_flit_dst_y(y) | ((seq & kSeqMask) << kSeqLsb) | (src & kSrcMask);
}

/// The destination of a new flit from src, or -1 when src sends nothing.
int pick_destination(unsigned src, uint32_t pattern, Rng& rng) {
    const unsigned X = Params::MeshX, Y = Params::MeshY;
    auto uniform_other = [&]() -> int {
        if (kNodes < 2) return -1;
        unsigned d = rng.below(kNodes - 1);
        if (d >= src) ++d;
        return int(d);
    };
    switch (pattern) {
        case STEM_NOC_UNIFORM:
            return uniform_other();
        case STEM_NOC_TRANSPOSE: {
            const unsigned x = src % X, y = src / X;
            if (x == y || y >= X || x >= Y) return -1;
            return int(x * X + y);  // node (y, x)
        }
        case STEM_NOC_HOTSPOT: {
            const unsigned hot = (Y / 2) * X + X / 2;
            if (rng.below(2) == 0 && src != hot) return int(hot);
            return uniform_other();
        }
        default:
            return -1;
    }
}

bool sends_at_all(unsigned src, uint32_t pattern) {
    if (kNodes < 2) return false;
    if (pattern != STEM_NOC_TRANSPOSE) return true;
    const unsigned x = src % Params::MeshX, y = src / Params::MeshX;
    return !(x == y || y >= Params::MeshX || x >= Params::MeshY);
}

void reset_noc(stem_noc* n) {
    Vstem_noc* top = n->top.get();
    top->local_in_valid_i = 0;
    top->local_out_ready_i = 0;
    top->host_in_valid_i = 0;
    top->host_in_flit_i = 0;
    top->host_out_ready_i = 1;
    top->rst_ni = 0;
    n->ctx->gotError(false);
    n->ctx->gotFinish(false);
    take_verilator_output();
    for (int k = 0; k < 3; ++k) {
        top->clk_i = 0;
        top->eval();
        top->clk_i = 1;
        top->eval();
    }
    top->rst_ni = 1;
    top->clk_i = 0;
    top->eval();
}

int run_experiment(stem_noc* n, const stem_noc_run& spec, stem_noc_result& res) {
    Vstem_noc* top = n->top.get();
    reset_noc(n);
    Rng rng(spec.seed);
    std::vector<Source> src(kNodes);
    std::vector<int64_t> last_seq(size_t(kNodes) * kNodes, -1);  // per (src, dst) pair
    std::vector<bool> sends(kNodes);
    for (unsigned s = 0; s < kNodes; ++s) sends[s] = sends_at_all(s, spec.pattern);

    const uint64_t measure_begin = spec.warmup_cycles;
    const uint64_t measure_end = spec.warmup_cycles + spec.measure_cycles;
    const uint64_t end = measure_end + spec.drain_cycles;
    uint64_t outstanding = 0;  // measured flits not yet delivered
    uint64_t ejected_in_window = 0;
    double lat_sum = 0, net_sum = 0;

    std::vector<bool> in_valid(kNodes), out_ready(kNodes);
    for (uint64_t c = 0; c < end; ++c) {
        n->ctx->time(c * 10);  // $time in assertion messages
        const bool measuring = c >= measure_begin && c < measure_end;
        if (c >= measure_end && outstanding == 0) break;
        // Sources create flits (not during the drain).
        for (unsigned s = 0; s < kNodes && c < measure_end; ++s) {
            if (!sends[s] || !rng.chance(spec.rate)) continue;
            const int d = pick_destination(s, spec.pattern, rng);
            if (d < 0) continue;
            src[s].recs.push_back(Rec{c, kNever, uint16_t(d), measuring, false});
            src[s].next_seq++;
            if (measuring) {
                res.generated++;
                outstanding++;
            }
        }
        // Drive the local ports.
        for (unsigned s = 0; s < kNodes; ++s) {
            Source& q = src[s];
            in_valid[s] = q.next < q.recs.size();
            port_set_bit(top->local_in_valid_i, s, in_valid[s]);
            if (in_valid[s]) {
                port_set_u64(top->local_in_flit_i, 64 * s, make_flit(s, q.base + q.next, q.recs[q.next].dst));
            }
            out_ready[s] = spec.sink_backpressure_permille == 0 || !rng.permille(spec.sink_backpressure_permille);
            port_set_bit(top->local_out_ready_i, s, out_ready[s]);
        }
        top->clk_i = 0;
        top->eval();
        // Handshakes at this cycle's edge.
        for (unsigned s = 0; s < kNodes; ++s) {
            if (in_valid[s] && port_bits(top->local_in_ready_o, s, 1)) {
                Source& q = src[s];
                q.recs[q.next].injected = c;
                if (measuring) res.offered++;
                q.next++;
            }
        }
        for (unsigned d = 0; d < kNodes; ++d) {
            if (!out_ready[d] || !port_bits(top->local_out_valid_o, d, 1)) continue;
            const uint64_t f = port_get_u64(top->local_out_flit_o, 64 * d);
            if (measuring) ejected_in_window++;
            const unsigned s = unsigned(f & kSrcMask);
            const uint64_t seq = (f >> kSeqLsb) & kSeqMask;
            const unsigned hdr_dst = unsigned(stem_get_flit_dst_y(f)) * Params::MeshX + unsigned(stem_get_flit_dst_x(f));
            if (s >= kNodes || stem_get_flit_kind(f) != STEM_KIND_SPIKE || stem_get_flit_host(f) != 0 ||
                (stem_get_flit_payload(f) >> kUsedW) != 0) {
                res.misrouted++;  // not a flit this experiment sent
                continue;
            }
            Source& q = src[s];
            if (seq < q.base) {
                res.duplicated++;  // delivered before and retired
                continue;
            }
            const uint64_t idx = seq - q.base;
            if (idx >= q.recs.size() || idx >= q.next) {
                res.misrouted++;  // never sent
                continue;
            }
            Rec& r = q.recs[idx];
            if (r.delivered) {
                res.duplicated++;
                continue;
            }
            r.delivered = true;
            if (r.dst != d || hdr_dst != r.dst) res.misrouted++;
            int64_t& last = last_seq[size_t(s) * kNodes + r.dst];
            if (int64_t(seq) < last) res.reordered++;
            if (int64_t(seq) > last) last = int64_t(seq);
            if (r.measured) {
                outstanding--;
                res.delivered++;
                const uint64_t lat = c - r.created;
                lat_sum += double(lat);
                net_sum += double(c - r.injected);
                if (lat > res.max_latency) res.max_latency = lat;
            }
            while (!q.recs.empty() && q.recs.front().delivered) {
                q.recs.pop_front();
                q.base++;
                q.next--;
            }
        }
        top->clk_i = 1;
        top->eval();
        if (n->ctx->gotError()) {
            // An RTL assertion failed (--assert builds); Verilator printed its message.
            return fail(n, STEM_E_ASSERTION,
                        strprintf("run: RTL assertion failed in cycle %llu: %s", static_cast<unsigned long long>(c),
                                  assertion_message(take_verilator_output()).c_str()));
        }
    }
    res.lost = outstanding;
    res.mean_latency = res.delivered ? lat_sum / double(res.delivered) : 0.0;
    res.mean_network_latency = res.delivered ? net_sum / double(res.delivered) : 0.0;
    res.accepted_rate = spec.measure_cycles ? double(ejected_in_window) / (double(kNodes) * double(spec.measure_cycles)) : 0.0;
    return STEM_OK;
}

#define CHECK_HANDLE(n)                                                                     \
    do {                                                                                    \
        if (!g_nocs.contains(n) || (n)->magic != kMagic) return STEM_E_HANDLE;              \
        Verilated::threadContextp((n)->ctx.get());                                          \
    } while (0)

const char* api_last_error(const stem_noc* n) {
    if (!g_nocs.contains(n) || n->magic != kMagic) {
        return "invalid stem_noc handle (NULL, destroyed or from another library)";
    }
    return n->error.c_str();
}

const char* api_create_error(void) { return g_create_error.c_str(); }

/// Creates a NoC; randomized: every variable starts random from seed (randReset(2)).
int create_noc(stem_noc** out, bool randomized, uint64_t seed, const char* what) {
    if (out == nullptr) {
        g_create_error = std::string(what) + ": out is NULL";
        return STEM_E_ARGUMENT;
    }
    *out = nullptr;
    stem_noc* n = nullptr;
    try {
        n = new stem_noc();
        n->ctx = std::make_unique<VerilatedContext>();
        // An RTL assertion (--assert builds) stops a run with STEM_E_ASSERTION, not the process.
        n->ctx->fatalOnError(false);
        if (randomized) {
            // Verilator's seed 0 means "pick one"; map every seed to 1..2^31-1 (as the mesh shim).
            uint64_t z = seed + 0x9E3779B97F4A7C15ull;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            z ^= z >> 31;
            n->ctx->randSeed(static_cast<int>(z % 0x7FFFFFFFull) + 1);
            n->ctx->randReset(2);
        } else {
            n->ctx->randReset(0);
        }
        Verilated::threadContextp(n->ctx.get());
        n->top = std::make_unique<Vstem_noc>(n->ctx.get(), "TOP");
        reset_noc(n);
    } catch (const std::exception& e) {
        g_create_error = std::string(what) + ": " + e.what();
        delete n;
        return STEM_E_INTERNAL;
    }
    g_nocs.insert(n);
    g_create_error.clear();
    *out = n;
    return STEM_OK;
}

int api_create(stem_noc** out) { return create_noc(out, false, 0, "create"); }

int api_create_randomized(stem_noc** out, uint64_t seed) { return create_noc(out, true, seed, "create_randomized"); }

int api_destroy(stem_noc* n) {
    CHECK_HANDLE(n);
    g_nocs.erase(n);
    n->magic = 0;
    try {
        n->top->final();
    } catch (...) {
    }
    delete n;
    return STEM_OK;
}

int api_get_params(const stem_noc* n, stem_params* out) {
    CHECK_HANDLE(n);
    if (out == nullptr) return fail(const_cast<stem_noc*>(n), STEM_E_ARGUMENT, "get_params: out is NULL");
    std::memset(out, 0, sizeof *out);
    out->mesh_x = Params::MeshX;
    out->mesh_y = Params::MeshY;
    out->fifo_depth = Params::FifoDepth;
    out->trace_kind = STEM_TRACE_NONE;
    return STEM_OK;
}

int api_run(stem_noc* n, const stem_noc_run* spec, stem_noc_result* out) {
    CHECK_HANDLE(n);
    if (spec == nullptr || out == nullptr) return fail(n, STEM_E_ARGUMENT, "run: spec or out is NULL");
    if (spec->pattern > STEM_NOC_HOTSPOT) {
        return fail(n, STEM_E_ARGUMENT,
                    strprintf("run: pattern %u is not 0 (uniform), 1 (transpose) or 2 (hotspot)", spec->pattern));
    }
    if (!(spec->rate >= 0.0 && spec->rate <= 1.0)) {
        return fail(n, STEM_E_ARGUMENT, strprintf("run: rate %g is not in 0..1", spec->rate));
    }
    if (spec->measure_cycles == 0) return fail(n, STEM_E_ARGUMENT, "run: measure_cycles is 0");
    // Sequence numbers are 32 bits wide in the flit.
    const double total = double(spec->warmup_cycles) + double(spec->measure_cycles) + double(spec->drain_cycles);
    if (total >= 4294967296.0) {
        return fail(n, STEM_E_ARGUMENT, "run: warmup + measure + drain must stay below 2^32 cycles");
    }
    if (spec->sink_backpressure_permille >= 1000) {
        return fail(n, STEM_E_ARGUMENT,
                    strprintf("run: sink_backpressure_permille %u is not in 0..999",
                              spec->sink_backpressure_permille));
    }
    std::memset(out, 0, sizeof *out);
    try {
        return run_experiment(n, *spec, *out);
    } catch (const std::exception& e) {
        return fail(n, STEM_E_INTERNAL, std::string("run: internal error: ") + e.what());
    }
}

int api_coverage_write(stem_noc* n, const char* path) {
    CHECK_HANDLE(n);
    try {
        return write_coverage(n->ctx.get(), path, "coverage_write", &n->error);
    } catch (const std::exception& e) {
        return fail(n, STEM_E_INTERNAL, std::string("coverage_write: internal error: ") + e.what());
    }
}

const stem_noc_api kApi = {
    STEM_SHIM_ABI_VERSION, sizeof(stem_noc_api), api_last_error, api_create_error,
    api_create, api_destroy, api_get_params, api_run, api_create_randomized,
    api_coverage_write,
};

}  // namespace

STEM_EXPORT const stem_noc_api* stem_noc_v1(void) { return &kApi; }
