// stem_tb.h: shared code of the C++ testbenches and the driver.
//  - ShimLib: dlopens a model library (RTLD_LOCAL) and checks its ABI version.
//  - Flit encoding (docs/hardware-interface.md), written independently of the RTL package.
//  - Net / RefSim: an independent C++ reference of docs/stem-spec.md, used by the randomized
//    tests of tb_stem (the project's golden model is the Swift StemModel; this one exists so
//    the RTL can be checked before the Swift side is wired up).
//  - Mapping a Net onto a mesh: one layer per tile, configuration writes, host flits.
#ifndef STEM_TB_H
#define STEM_TB_H

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "stem_shim.h"

namespace stemtb {

// ------------------------------------------------------------------------------------------
// Loading a model library
// ------------------------------------------------------------------------------------------

struct ShimLib {
    void* handle = nullptr;
    const stem_shim_api* api = nullptr;
    const stem_noc_api* noc = nullptr;
    std::string path;

    explicit ShimLib(const std::string& p) : path(p) {
        handle = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) throw std::runtime_error("dlopen " + p + ": " + dlerror());
        using MeshEntry = const stem_shim_api* (*)(void);
        using NocEntry = const stem_noc_api* (*)(void);
        if (auto f = reinterpret_cast<MeshEntry>(dlsym(handle, "stem_shim_v1"))) {
            api = f();
            if (api->abi_version != STEM_SHIM_ABI_VERSION || api->struct_size != sizeof(stem_shim_api)) {
                throw std::runtime_error(p + ": ABI version or table size mismatch");
            }
        }
        if (auto f = reinterpret_cast<NocEntry>(dlsym(handle, "stem_noc_v1"))) {
            noc = f();
            if (noc->abi_version != STEM_SHIM_ABI_VERSION || noc->struct_size != sizeof(stem_noc_api)) {
                throw std::runtime_error(p + ": NoC ABI version or table size mismatch");
            }
        }
        if (!api && !noc) throw std::runtime_error(p + ": neither stem_shim_v1 nor stem_noc_v1");
    }
    ~ShimLib() {
        if (handle) dlclose(handle);
    }
    ShimLib(const ShimLib&) = delete;
    ShimLib& operator=(const ShimLib&) = delete;
};

// ------------------------------------------------------------------------------------------
// Flits and addresses (docs/hardware-interface.md)
// ------------------------------------------------------------------------------------------

constexpr uint32_t kRegionWeight = 0, kRegionBias = 1, kRegionFanout = 2, kRegionReg = 3,
                   kRegionV = 4, kRegionI = 5, kRegionY = 6, kRegionStatus = 7;

inline uint32_t addr(uint32_t region, uint32_t index) { return (region << 18) | index; }

enum Reg : uint32_t {
    kRegNumNeurons = 0, kRegShift = 1, kRegMultiplier = 2, kRegPostShift = 3, kRegRot = 4,
    kRegDrlo = 5, kRegFlags = 6, kRegFirstWindow = 7, kRegNumSamples = 8
};

enum Status : uint32_t {
    kStatOverflows = 0, kStatSpikesIn = 1, kStatSpikesOut = 2, kStatStep = 3, kStatWindow = 4,
    kStatBusy = 5, kStatLatCount = 8, kStatLatSum = 9, kStatLatMax = 10, kStatNiSent = 11,
    kStatTileBusy = 12
};

inline uint64_t spike_flit(bool to_host, uint32_t x, uint32_t y, uint32_t axon,
                           uint32_t src_x = 15, uint32_t src_y = 15) {
    return (uint64_t(to_host) << 62) | (uint64_t(x & 15) << 58) | (uint64_t(y & 15) << 54) |
           (uint64_t(src_y & 15) << 20) | (uint64_t(src_x & 15) << 16) | (axon & 0xFFFF);
}

inline uint64_t config_flit(uint32_t x, uint32_t y, uint32_t address, uint32_t data) {
    return (uint64_t(1) << 63) | (uint64_t(x & 15) << 58) | (uint64_t(y & 15) << 54) |
           (uint64_t(address & 0x3FFFFF) << 32) | data;
}

inline uint32_t fanout_entry(bool to_host, uint32_t x, uint32_t y, uint32_t axon) {
    return (1u << 31) | (uint32_t(to_host) << 30) | ((x & 15) << 24) | ((y & 15) << 20) |
           (axon & 0xFFFF);
}

inline uint32_t flit_axon(uint64_t f) { return uint32_t(f & 0xFFFF); }
inline uint32_t flit_stamp(uint64_t f) { return uint32_t((f >> 24) & 0xFFFF); }
inline bool flit_to_host(uint64_t f) { return (f >> 62) & 1; }

// ------------------------------------------------------------------------------------------
// The reference model (docs/stem-spec.md), written from the spec alone
// ------------------------------------------------------------------------------------------

inline int64_t round_shift(__int128 a, unsigned s) {
    if (s == 0) return int64_t(a);
    return int64_t(((a >> (s - 1)) + 1) >> 1);
}

struct FitResult {
    int64_t v;
    bool overflow;
};

inline FitResult fit(__int128 v, unsigned acc_bits, bool saturate) {
    const __int128 lo = -(__int128(1) << (acc_bits - 1));
    const __int128 hi = (__int128(1) << (acc_bits - 1)) - 1;
    __int128 r;
    if (saturate) {
        r = v < lo ? lo : (v > hi ? hi : v);
    } else {
        using u128 = unsigned __int128;
        const u128 mask = (u128(1) << acc_bits) - 1;
        u128 u = static_cast<u128>(v) & mask;
        r = static_cast<__int128>(u);
        if (r > hi) r -= (__int128(1) << acc_bits);
    }
    return {int64_t(r), r != v};
}

struct Layer {
    int inputs = 0;
    int outputs = 0;
    std::vector<std::vector<int32_t>> w;  // w[j][i]
    std::vector<int64_t> bias;             // 32-bit signed values
    unsigned shift = 0, post_shift = 0, rot = 0, drlo = 0;
    uint32_t mult = 1;
    bool bias_acc = false;
    int tile = 0;  // where the mapping puts it
};

struct Net {
    unsigned time_steps = 4, weight_bits = 8, acc_bits = 16;
    bool saturate = false;
    bool input_signed = false;
    int input_size = 0;
    std::vector<Layer> layers;  // layers 1..L
};

/// What the reference (and the RTL) shows at the end of step tau, before it is closed.
struct StepState {
    std::vector<std::vector<int64_t>> I, V, Y;  // per layer (0-based = layer 1), per neuron
    std::vector<std::vector<int>> spikes;       // spikes[l] = neurons of layer l+1 that spiked
    std::vector<int> input_spikes;              // layer-0 neurons that spiked
};

class RefSim {
public:
    RefSim(const Net& net, std::vector<std::vector<int64_t>> samples)
        : net_(net), samples_(std::move(samples)) {
        const size_t L = net_.layers.size();
        V_.resize(L);
        Y_.resize(L);
        overflows_.assign(L, 0);
        for (size_t l = 0; l < L; ++l) {
            V_[l].assign(net_.layers[l].outputs, 0);
            Y_[l].assign(net_.layers[l].outputs, 0);
            for (int j = 0; j < net_.layers[l].outputs; ++j) {
                V_[l][j] = v0(l, j, 0);
            }
        }
    }

    size_t total_steps() const { return (samples_.size() + net_.layers.size()) * net_.time_steps; }
    const std::vector<uint64_t>& overflows() const { return overflows_; }

    /// Computes step tau's spikes and state (call with tau = 0, 1, 2, ...), then closes it.
    StepState step(uint64_t tau) {
        const unsigned B = net_.time_steps;
        const uint64_t w = tau / B;
        const unsigned t = unsigned(tau % B);
        const size_t L = net_.layers.size();
        StepState st;
        // Layer 0
        if (w < samples_.size()) {
            for (int i = 0; i < net_.input_size; ++i) {
                const uint64_t x = uint64_t(samples_[w][i]) & ((1ull << B) - 1);
                if ((x >> (B - 1 - t)) & 1) st.input_spikes.push_back(i);
            }
        }
        st.spikes.resize(L);
        for (size_t l = 0; l < L; ++l) {
            if (sends(l, w)) {
                for (int j = 0; j < net_.layers[l].outputs; ++j) {
                    if ((Y_[l][j] >> (B - 1 - t)) & 1) st.spikes[l].push_back(j);
                }
            }
        }
        // Currents, state
        st.I.resize(L);
        st.V = V_;
        st.Y = Y_;
        for (size_t l = 0; l < L; ++l) {
            const Layer& ly = net_.layers[l];
            const std::vector<int>& in = (l == 0) ? st.input_spikes : st.spikes[l - 1];
            st.I[l].assign(ly.outputs, 0);
            for (int j = 0; j < ly.outputs; ++j) {
                int64_t sum = 0;
                for (int i : in) sum += ly.w[j][i];
                st.I[l][j] = sum;
            }
        }
        // Close the step
        for (size_t l = 0; l < L; ++l) {
            const Layer& ly = net_.layers[l];
            const bool neg = (l == 0) && net_.input_signed && t == 0;
            for (int j = 0; j < ly.outputs; ++j) {
                __int128 prod = __int128(st.I[l][j]) * (__int128(1) << (B - 1 - t));
                if (neg) prod = -prod;
                const int64_t term = round_shift(prod, ly.shift);
                const FitResult f = fit(__int128(V_[l][j]) + term, net_.acc_bits, net_.saturate);
                V_[l][j] = f.v;
                if (f.overflow && accumulates(l, w)) overflows_[l]++;
            }
            if (t == B - 1) {
                for (int j = 0; j < ly.outputs; ++j) {
                    Y_[l][j] = accumulates(l, w) ? finish(l, j) : 0;
                    V_[l][j] = v0(l, j, w + 1);
                }
            }
        }
        return st;
    }

    /// y = f(V) of docs/stem-spec.md sections 4-6 (public for the directed tests).
    static int64_t output_value(const Net& net, const Layer& ly, int64_t v, int64_t bias) {
        const unsigned B = net.time_steps;
        __int128 pre = round_shift(__int128(v) * ly.mult, ly.post_shift);
        if (!ly.bias_acc) pre += bias;
        int64_t y = pre < 0 ? 0 : (pre > (1 << B) - 1 ? (1 << B) - 1 : int64_t(pre));
        if (ly.rot > 0) {
            const int64_t r = round_shift(y, ly.rot) << ly.rot;
            const int64_t cap = (((1LL << B) - 1) >> ly.rot) << ly.rot;
            y = std::min(r, cap);
        }
        if (ly.drlo > 0) {
            unsigned kept = 0;
            for (int b = int(B) - 1; b >= 0; --b) {
                if ((y >> b) & 1) {
                    if (kept < ly.drlo) {
                        kept++;
                    } else {
                        y &= ~(1LL << b);
                    }
                }
            }
        }
        return y;
    }

private:
    bool accumulates(size_t l, uint64_t w) const {
        return w >= l && w < l + samples_.size();
    }
    bool sends(size_t l, uint64_t w) const { return w >= l + 1 && w < l + 1 + samples_.size(); }

    int64_t v0(size_t l, int j, uint64_t w) {
        const Layer& ly = net_.layers[l];
        if (!ly.bias_acc) return 0;
        const FitResult f = fit(round_shift(ly.bias[j], ly.shift), net_.acc_bits, net_.saturate);
        if (f.overflow && accumulates(l, w)) overflows_[l]++;
        return f.v;
    }

    int64_t finish(size_t l, int j) const {
        return output_value(net_, net_.layers[l], V_[l][j], net_.layers[l].bias[j]);
    }

    Net net_;
    std::vector<std::vector<int64_t>> samples_;
    std::vector<std::vector<int64_t>> V_, Y_;
    std::vector<uint64_t> overflows_;
};

// ------------------------------------------------------------------------------------------
// Mapping a Net onto the mesh: layer l on tile layers[l].tile, one core each
// ------------------------------------------------------------------------------------------

struct Write {
    uint32_t tile, address, data;
};

inline std::vector<Write> config_writes(const Net& net, const stem_params& p, uint32_t num_samples,
                                        const std::vector<std::vector<Write>>& extra_fanout = {}) {
    std::vector<Write> out;
    const size_t L = net.layers.size();
    for (size_t l = 0; l < L; ++l) {
        const Layer& ly = net.layers[l];
        const uint32_t tile = uint32_t(ly.tile);
        const uint32_t wmask = (p.weight_bits >= 32) ? 0xFFFFFFFFu : ((1u << p.weight_bits) - 1);
        for (int i = 0; i < ly.inputs; ++i) {
            for (int j = 0; j < ly.outputs; ++j) {
                out.push_back({tile, addr(kRegionWeight, uint32_t(i) * p.num_neurons + uint32_t(j)),
                               uint32_t(ly.w[j][i]) & wmask});
            }
        }
        for (int j = 0; j < ly.outputs; ++j) {
            out.push_back({tile, addr(kRegionBias, uint32_t(j)), uint32_t(int32_t(ly.bias[j]))});
        }
        const uint32_t flags = (ly.bias_acc ? 1u : 0u) | ((l == 0 && net.input_signed) ? 2u : 0u);
        const uint32_t regs[9] = {uint32_t(ly.outputs), ly.shift, ly.mult, ly.post_shift,
                                  ly.rot, ly.drlo, flags, uint32_t(l), num_samples};
        for (uint32_t r = 0; r < 9; ++r) out.push_back({tile, addr(kRegionReg, r), regs[r]});
        // Fan-out: entry 0 to the next layer (or the host), extra entries from the caller.
        for (int j = 0; j < ly.outputs; ++j) {
            uint32_t entry;
            if (l + 1 < L) {
                const uint32_t nt = uint32_t(net.layers[l + 1].tile);
                entry = fanout_entry(false, nt % p.mesh_x, nt / p.mesh_x, uint32_t(j));
            } else {
                entry = fanout_entry(true, 0, 0, uint32_t(j));
            }
            out.push_back({tile, addr(kRegionFanout, uint32_t(j) * p.max_fanout), entry});
        }
    }
    for (const auto& v : extra_fanout) out.insert(out.end(), v.begin(), v.end());
    return out;
}

inline std::vector<uint64_t> as_flits(const std::vector<Write>& writes, const stem_params& p) {
    std::vector<uint64_t> f;
    for (const Write& w : writes) f.push_back(config_flit(w.tile % p.mesh_x, w.tile / p.mesh_x, w.address, w.data));
    return f;
}

inline std::vector<uint64_t> host_flits_for(const Net& net, const stem_params& p,
                                            const std::vector<int>& input_spikes) {
    std::vector<uint64_t> f;
    const uint32_t t0 = uint32_t(net.layers[0].tile);
    for (int i : input_spikes) f.push_back(spike_flit(false, t0 % p.mesh_x, t0 / p.mesh_x, uint32_t(i)));
    return f;
}

/// A random network that fits the library: up to max_layers layers (one per tile), random
/// options, weights, biases and requantization.
inline Net random_net(const stem_params& p, std::mt19937_64& rng, int max_layers) {
    auto pick = [&](int lo, int hi) { return int(lo + int64_t(rng() % uint64_t(hi - lo + 1))); };
    Net n;
    n.time_steps = p.time_steps;
    n.weight_bits = p.weight_bits;
    n.acc_bits = p.acc_bits;
    n.saturate = p.saturate != 0;
    n.input_signed = pick(0, 2) == 0;
    n.input_size = pick(1, int(p.num_axons));
    const uint32_t tiles = p.mesh_x * p.mesh_y;
    const int L = pick(1, std::min<int>(max_layers, int(tiles)));
    std::vector<int> perm(tiles);
    for (uint32_t t = 0; t < tiles; ++t) perm[t] = int(t);
    std::shuffle(perm.begin(), perm.end(), rng);
    int prev = n.input_size;
    const int wmax = (1 << (p.weight_bits - 1)) - 1, wmin = -(1 << (p.weight_bits - 1));
    const unsigned B = p.time_steps;
    for (int l = 0; l < L; ++l) {
        Layer ly;
        ly.inputs = prev;
        ly.outputs = pick(1, int(std::min(p.num_neurons, p.num_axons)));
        ly.tile = perm[size_t(l)];
        const int density = pick(1, 4);
        ly.w.assign(size_t(ly.outputs), std::vector<int32_t>(size_t(ly.inputs), 0));
        for (auto& row : ly.w)
            for (auto& x : row) x = (pick(0, 3) < density) ? pick(wmin, wmax) : 0;
        ly.bias_acc = pick(0, 1) == 1;
        ly.shift = pick(0, 2) == 0 ? unsigned(pick(1, 6)) : 0;
        if (pick(0, 10) == 0) ly.shift = unsigned(pick(7, 31));
        // A multiplier and post-shift that map typical potentials near the output range.
        ly.mult = uint32_t(pick(1, 65535));
        if (pick(0, 3) == 0) ly.mult = uint32_t(pick(1, 8));
        const int vbits = int(p.weight_bits) + int(B) + 2 - int(ly.shift);
        const int mbits = 32 - __builtin_clz(ly.mult);
        ly.post_shift = unsigned(std::max(0, std::min(62, vbits + mbits - int(B) + pick(-3, 3))));
        if (pick(0, 10) == 0) ly.post_shift = unsigned(pick(0, 62));
        ly.rot = pick(0, 2) == 0 ? unsigned(pick(1, int(B) - 1)) : 0;
        ly.drlo = pick(0, 2) == 0 ? unsigned(pick(1, int(B))) : 0;
        ly.bias.resize(size_t(ly.outputs));
        for (auto& b : ly.bias) {
            if (ly.bias_acc) {
                b = pick(0, 5) == 0 ? int64_t(int32_t(rng())) : pick(-(1 << (vbits > 20 ? 20 : vbits)), 1 << (vbits > 20 ? 20 : vbits));
            } else {
                b = pick(0, 8) == 0 ? int64_t(int32_t(rng())) : pick(-(1 << B), 1 << B);
            }
        }
        n.layers.push_back(ly);
        prev = ly.outputs;
    }
    return n;
}

// ------------------------------------------------------------------------------------------
// Tiny test framework
// ------------------------------------------------------------------------------------------

struct Checker {
    int failures = 0;
    int checks = 0;
    std::string context;
    void expect(bool ok, const std::string& what) {
        checks++;
        if (!ok) {
            failures++;
            if (failures <= 50) std::fprintf(stderr, "FAIL [%s] %s\n", context.c_str(), what.c_str());
        }
    }
    template <typename A, typename B>
    void eq(const A& actual, const B& expected, const std::string& what) {
        checks++;
        if (!(actual == expected)) {
            failures++;
            if (failures <= 50) {
                std::fprintf(stderr, "FAIL [%s] %s: got %lld, expected %lld\n", context.c_str(),
                             what.c_str(), (long long)actual, (long long)expected);
            }
        }
    }
};

inline void must(const stem_shim_api* api, stem_model* m, int st, const char* what) {
    if (st != STEM_OK) {
        throw std::runtime_error(std::string(what) + " failed (" + std::to_string(st) +
                                 "): " + api->last_error(m));
    }
}

}  // namespace stemtb

#endif  // STEM_TB_H
