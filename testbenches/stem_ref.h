// stem_ref.h: an independent C++ reference of docs/stem-spec.md, written from the spec alone
// (no shim, no RTL, no Swift). The project's golden model is the Swift StemModel; this one
// exists so the RTL can be checked by the C++ testbenches on their own (tb_stem's randomized
// tests).
#ifndef STEM_REF_H
#define STEM_REF_H

#include <algorithm>
#include <cstdint>
#include <vector>

namespace stemtb {

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
    // Per-neuron requantization (FLAGS.NeuronRequant): y uses nmult[j] and nshift[j] instead of
    // mult and post_shift. The vectors are configured (regions Mult and NShift) even when the
    // flag is off, where they must have no effect.
    bool neuron_requant = false;
    std::vector<uint32_t> nmult;   // per neuron (empty = all equal to mult)
    std::vector<unsigned> nshift;  // per neuron (empty = all equal to post_shift)
    // SIGNED_AXONS: a spike on input i < signed_axons in step 0 of a window weighs -1
    // (ignored for the layer whose inputs are all signed, net.input_signed on layer 1).
    uint32_t signed_axons = 0;
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
            // sigma per input spike: -1 on a signed axon in step 0 (the current I then holds
            // the signed sum); a layer whose inputs are all signed negates its whole step-0
            // current when it integrates instead (below), and I holds the plain sum.
            const bool all_signed = (l == 0) && net_.input_signed;
            for (int j = 0; j < ly.outputs; ++j) {
                int64_t sum = 0;
                for (int i : in) {
                    const bool neg = !all_signed && t == 0 && uint32_t(i) < ly.signed_axons;
                    sum += neg ? -int64_t(ly.w[j][i]) : int64_t(ly.w[j][i]);
                }
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

    /// m and n of neuron j: its own with FLAGS.NeuronRequant, else the layer's.
    static uint32_t multiplier_of(const Layer& ly, int j) {
        return (ly.neuron_requant && !ly.nmult.empty()) ? ly.nmult[size_t(j)] : ly.mult;
    }
    static unsigned post_shift_of(const Layer& ly, int j) {
        return (ly.neuron_requant && !ly.nshift.empty()) ? ly.nshift[size_t(j)] : ly.post_shift;
    }

    /// y = f(V) of docs/stem-spec.md sections 4-6 for neuron j (public for the directed tests).
    static int64_t output_value(const Net& net, const Layer& ly, int j, int64_t v, int64_t bias) {
        const unsigned B = net.time_steps;
        __int128 pre = round_shift(__int128(v) * multiplier_of(ly, j), post_shift_of(ly, j));
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
        return output_value(net_, net_.layers[l], j, V_[l][j], net_.layers[l].bias[j]);
    }

    Net net_;
    std::vector<std::vector<int64_t>> samples_;
    std::vector<std::vector<int64_t>> V_, Y_;
    std::vector<uint64_t> overflows_;
};

}  // namespace stemtb

#endif  // STEM_REF_H
