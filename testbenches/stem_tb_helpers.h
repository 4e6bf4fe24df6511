// stem_tb_helpers.h: the test helpers of the C++ testbenches and the driver.
//  - Flits and addresses, built only from the generated names of stem_hw_interface.h
//    (rtl/stem_interface.json).
//  - Mapping a reference Net (stem_ref.h) onto a mesh: one layer per tile, configuration
//    writes, host flits; random networks.
//  - Checker: a tiny test framework.
#ifndef STEM_TB_HELPERS_H
#define STEM_TB_HELPERS_H

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "stem_hw_interface.h"
#include "stem_ref.h"
#include "stem_shim.h"

namespace stemtb {

// ------------------------------------------------------------------------------------------
// Flits and addresses (docs/hardware-interface.md), from the generated stem_hw_interface.h
// ------------------------------------------------------------------------------------------

inline uint32_t addr(uint32_t region, uint32_t index) {
    return uint32_t(stem_put_addr_region(region) | stem_put_addr_index(index));
}

inline uint64_t spike_flit(bool to_host, uint32_t x, uint32_t y, uint32_t axon,
                           uint32_t src_x = STEM_HOST_COORD, uint32_t src_y = STEM_HOST_COORD) {
    return stem_put_flit_kind(STEM_KIND_SPIKE) | stem_put_flit_host(to_host) | stem_put_flit_dst_x(x) |
           stem_put_flit_dst_y(y) | stem_put_spike_src_y(src_y) | stem_put_spike_src_x(src_x) |
           stem_put_spike_axon(axon);
}

inline uint64_t config_flit(uint32_t x, uint32_t y, uint32_t address, uint32_t data) {
    return stem_put_flit_kind(STEM_KIND_CONFIG) | stem_put_flit_dst_x(x) | stem_put_flit_dst_y(y) |
           stem_put_cfg_addr(address) | stem_put_cfg_data(data);
}

inline uint32_t fanout_entry(bool to_host, uint32_t x, uint32_t y, uint32_t axon) {
    return uint32_t(stem_put_fan_valid(1) | stem_put_fan_host(to_host) | stem_put_fan_x(x) |
                    stem_put_fan_y(y) | stem_put_fan_axon(axon));
}

inline uint32_t flit_axon(uint64_t f) { return uint32_t(stem_get_spike_axon(f)); }
inline uint32_t flit_stamp(uint64_t f) { return uint32_t(stem_get_spike_stamp(f)); }
inline bool flit_to_host(uint64_t f) { return stem_get_flit_host(f) != 0; }

/// The number of configuration registers (indices 0 .. STEM_REG_SIGNED_AXONS).
constexpr uint32_t kNumRegs = STEM_REG_SIGNED_AXONS + 1;

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
                out.push_back({tile, addr(STEM_REGION_WEIGHT, uint32_t(i) * p.num_neurons + uint32_t(j)),
                               uint32_t(ly.w[j][i]) & wmask});
            }
        }
        for (int j = 0; j < ly.outputs; ++j) {
            out.push_back({tile, addr(STEM_REGION_BIAS, uint32_t(j)), uint32_t(int32_t(ly.bias[j]))});
        }
        // Per-neuron m and n, written whether FLAGS.NeuronRequant is set or not (then they
        // must not matter).
        for (int j = 0; j < ly.outputs; ++j) {
            const uint32_t m = ly.nmult.empty() ? ly.mult : ly.nmult[size_t(j)];
            const uint32_t n = ly.nshift.empty() ? ly.post_shift : ly.nshift[size_t(j)];
            out.push_back({tile, addr(STEM_REGION_MULT, uint32_t(j)), m});
            out.push_back({tile, addr(STEM_REGION_N_SHIFT, uint32_t(j)), n});
        }
        const uint32_t flags = uint32_t(stem_put_flag_bias_acc(ly.bias_acc) | stem_put_flag_signed(l == 0 && net.input_signed) |
                                        stem_put_flag_neuron_requant(ly.neuron_requant));
        const uint32_t regs[kNumRegs] = {uint32_t(ly.outputs), ly.shift, ly.mult, ly.post_shift,
                                  ly.rot, ly.drlo, flags, uint32_t(l), num_samples, ly.signed_axons};
        for (uint32_t r = 0; r < kNumRegs; ++r) out.push_back({tile, addr(STEM_REGION_REG, r), regs[r]});
        // Fan-out: entry 0 to the next layer (or the host), extra entries from the caller.
        for (int j = 0; j < ly.outputs; ++j) {
            uint32_t entry;
            if (l + 1 < L) {
                const uint32_t nt = uint32_t(net.layers[l + 1].tile);
                entry = fanout_entry(false, nt % p.mesh_x, nt / p.mesh_x, uint32_t(j));
            } else {
                entry = fanout_entry(true, 0, 0, uint32_t(j));
            }
            out.push_back({tile, addr(STEM_REGION_FANOUT, uint32_t(j) * p.max_fanout), entry});
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
/// options, weights, biases and requantization (per layer or, half the time, per neuron:
/// the per-neuron values are random either way and must not matter with the flag off), and
/// random SIGNED_AXONS boundaries (none, inside the inputs, all of them, beyond them).
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
        const int vbits = int(p.weight_bits) + int(B) + 2 - int(ly.shift);
        auto requant = [&](uint32_t& m, unsigned& n) {
            m = uint32_t(pick(1, 65535));
            if (pick(0, 3) == 0) m = uint32_t(pick(1, 8));
            const int mbits = 32 - __builtin_clz(m);
            n = unsigned(std::max(0, std::min(62, vbits + mbits - int(B) + pick(-3, 3))));
            if (pick(0, 10) == 0) n = unsigned(pick(0, 62));
        };
        requant(ly.mult, ly.post_shift);
        ly.neuron_requant = pick(0, 1) == 1;
        ly.nmult.resize(size_t(ly.outputs));
        ly.nshift.resize(size_t(ly.outputs));
        for (int j = 0; j < ly.outputs; ++j) requant(ly.nmult[size_t(j)], ly.nshift[size_t(j)]);
        switch (pick(0, 5)) {
            case 0: case 1: ly.signed_axons = 0; break;
            case 2: case 3: ly.signed_axons = uint32_t(pick(1, ly.inputs)); break;
            case 4: ly.signed_axons = uint32_t(ly.inputs); break;
            default: ly.signed_axons = pick(0, 1) ? uint32_t(pick(ly.inputs + 1, int(p.num_axons) + 1)) : uint32_t(rng()); break;
        }
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

}  // namespace stemtb

#endif  // STEM_TB_HELPERS_H
