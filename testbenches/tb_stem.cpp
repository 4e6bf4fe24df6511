// tb_stem.cpp: directed and randomized tests of the stem_mesh model libraries through the C ABI.
//
//   tb_stem --tiny LIB --tiny-sat LIB --mesh LIB [--big LIB] [--huge LIB] [--vcd LIB]
//           [--fst LIB] [--seeds N] [--out DIR] [--coverage DIR]
//   tb_stem --random-only [--tiny LIB] [--tiny-sat LIB] [--mesh LIB] [--big LIB] [--huge LIB]
//           [--seeds N]
//
// --random-only runs only the randomized cross-check against stem_ref.h, on each library
// given, with the seeds and options the full run uses for that name (tiny, tiny-sat: 1-layer
// networks; mesh: up to 4 layers, host backpressure on every third seed; big: up to 4 layers;
// huge: up to 2), `--seeds N` for each, without the directed tests; the libraries may then
// have any parameters (scripts/mutate.py uses it to judge RTL mutants).
//
// The libraries must have these parameters (scripts/build-tb.sh builds them):
//   tiny      MeshX=MeshY=1, TimeSteps=4, WeightBits=8, AccBits=8, Saturate=0, NumNeurons=4,
//             NumAxons=4, MaxFanout=2
//   tiny-sat  the same with Saturate=1
//   mesh      MeshX=MeshY=2, TimeSteps=4, WeightBits=6, AccBits=12, Saturate=0, NumNeurons=8,
//             NumAxons=8, MaxFanout=2
//   big       any stem_mesh (the randomized test adapts to its parameters)
//   huge      MeshX=2, MeshY=1, NumNeurons=256, NumAxons=1024 (the weight region's 2^18 words
//             exactly), any other parameters: directed extremes and a few random networks
//   vcd, fst  the tiny parameters built with --trace / --trace-fst
// --coverage DIR: coverage builds (scripts/coverage.sh); every model writes its coverage there
// (and starts from zeros, not from random state bits: see Model).
//
// Directed tests compare against values computed by hand from docs/stem-spec.md (the working
// is in the comments). Randomized tests compare every spike, and I, V, Y of every neuron at
// the end of every step, against the independent C++ reference in stem_ref.h.

#include <sys/stat.h>

#include <cinttypes>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "stem_tb_helpers.h"
#include "stem_tb_loader.h"

using namespace stemtb;

namespace {

Checker chk;

/// One model instance and the small conveniences the tests need.
struct Model {
    const stem_shim_api* api;
    stem_model* m = nullptr;
    stem_params p{};

    /// random_seed != 0: every state bit starts random (create_randomized), so that what
    /// the reset and the clearing after it leave must be what a zeroed model holds. Not in
    /// coverage runs (--coverage): there every model starts from zeros, because a random start
    /// toggles every state bit once, to its reset value, whatever the stimulus then does
    /// (docs/verification.md "Coverage").
    explicit Model(const ShimLib& lib, uint64_t random_seed = 0) : api(lib.api) {
        if (!api) throw std::runtime_error(lib.path + " is not a stem_mesh library");
        if (!Coverage::dir().empty()) random_seed = 0;
        const int st = random_seed != 0 ? api->create_randomized(&m, random_seed) : api->create(&m);
        if (st != STEM_OK) throw std::runtime_error(std::string("create: ") + api->create_error());
        must(api, m, api->get_params(m, &p), "get_params");
    }
    ~Model() {
        Coverage::write(api, m);
        api->destroy(m);
    }

    void configure(const std::vector<Write>& writes, bool backdoor) {
        if (backdoor) {
            std::vector<uint32_t> t, a, d;
            for (const Write& w : writes) {
                t.push_back(w.tile);
                a.push_back(w.address);
                d.push_back(w.data);
            }
            must(api, m, api->configure_backdoor(m, t.data(), a.data(), d.data(), writes.size()), "configure_backdoor");
        } else {
            const std::vector<uint64_t> f = as_flits(writes, p);
            must(api, m, api->configure(m, f.data(), f.size()), "configure");
        }
    }
    void start() { must(api, m, api->start(m), "start"); }
    stem_step_result step(const std::vector<uint64_t>& flits) {
        stem_step_result r;
        must(api, m, api->step(m, flits.data(), flits.size(), &r), "step");
        return r;
    }
    int64_t peek(uint32_t tile, uint32_t region, uint32_t index) {
        int64_t v = 0;
        must(api, m, api->peek(m, tile, addr(region, index), 1, &v), "peek");
        return v;
    }
};

/// A tile without a layer that receives the spikes of layer `source` (idle_listeners).
struct IdleTile {
    uint32_t tile;
    size_t source;
    std::vector<uint32_t> axon;   // axon[j]: the idle tile's axon neuron j of the source feeds
    std::vector<int32_t> weight;  // weight[axon * NumNeurons + neuron], sign-extended
};

bool run_net(Model& md, const Net& net, const std::vector<std::vector<int64_t>>& samples, bool backdoor,
             const std::vector<Write>& stray = {}, const std::vector<IdleTile>& idle = {},
             uint64_t rewrite_seed = 0, const std::vector<std::vector<uint32_t>>& host_ids = {});
void check_readback(Model& md, const Layer& ly, const std::string& ln);
void check_fanout(Model& md, uint32_t t, const std::vector<Write>& writes, const std::string& ln);
void check_beyond(Model& md, uint32_t t, const std::string& ln);
void check_latency(Model& md, uint32_t t, int64_t delivered, const std::string& ln);
std::string slurp(const std::string& path);

std::vector<int> neurons_of(const stem_step_result& r, uint16_t tile) {
    std::vector<int> v;
    for (size_t k = 0; k < r.num_spikes; ++k) {
        if (r.spikes[k].tile == tile) v.push_back(r.spikes[k].neuron);
    }
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<int> host_axons(const stem_step_result& r) {
    std::vector<int> v;
    for (size_t k = 0; k < r.num_host_flits; ++k) v.push_back(int(flit_axon(r.host_flits[k])));
    std::sort(v.begin(), v.end());
    return v;
}

std::string str(const std::vector<int>& v) {
    std::string s = "{";
    for (size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + std::to_string(v[k]);
    return s + "}";
}

void expect_params(const Model& md, unsigned B, unsigned WB, unsigned A, unsigned sat,
                   unsigned N, unsigned M, unsigned mx, unsigned my) {
    const stem_params& p = md.p;
    if (p.time_steps != B || p.weight_bits != WB || p.acc_bits != A || p.saturate != sat ||
        p.num_neurons != N || p.num_axons != M || p.mesh_x != mx || p.mesh_y != my) {
        throw std::runtime_error("library parameters differ from what this test was written for");
    }
}

/// A one-layer network on the 1x1 tiny mesh: input_size inputs, the layer on tile 0.
Net single_layer(unsigned A, bool sat, int inputs, std::vector<std::vector<int32_t>> w,
                 std::vector<int64_t> bias) {
    Net n;
    n.time_steps = 4;
    n.weight_bits = 8;
    n.acc_bits = A;
    n.saturate = sat;
    n.input_size = inputs;
    Layer l;
    l.inputs = inputs;
    l.outputs = int(w.size());
    l.w = std::move(w);
    l.bias = std::move(bias);
    l.tile = 0;
    n.layers.push_back(l);
    return n;
}

/// Host flits of step tau for a single-layer network (inputs as B-bit values, MSB first).
std::vector<uint64_t> inputs_at(const std::vector<std::vector<int64_t>>& samples, unsigned B,
                                uint64_t tau) {
    std::vector<uint64_t> f;
    const uint64_t w = tau / B;
    const unsigned t = unsigned(tau % B);
    if (w >= samples.size()) return f;
    for (size_t i = 0; i < samples[w].size(); ++i) {
        const uint64_t x = uint64_t(samples[w][i]) & ((1u << B) - 1);
        if ((x >> (B - 1 - t)) & 1) f.push_back(spike_flit(false, 0, 0, uint32_t(i)));
    }
    return f;
}

// ------------------------------------------------------------------------------------------
// Directed single-core tests on the tiny library (B=4, A=8, wrap, 4 neurons, 4 axons)
// ------------------------------------------------------------------------------------------

/// Output bias, unsigned inputs, two samples pipelined.
void test_output_bias_pipelined(const ShimLib& lib) {
    chk.context = "output bias, 2 samples pipelined";
    Model md(lib);
    expect_params(md, 4, 8, 8, 0, 4, 4, 1, 1);
    // w = [3, -2], b = 1, m = 1, n = 0.
    // Sample 0: x = [5, 3] = [0101, 0011]. Per step (t = 0..3): spikes of x0: 0,1,0,1;
    //   x1: 0,0,1,1. I = 0, 3, -2, 1. term = I * 2^(3-t) = 0, 12, -4, 1.
    //   V before each step's term: 0, 0, 12, 8; V = 9 at the end (= 3*5 - 2*3).
    //   y = round_shift(9 * 1, 0) + 1 = 10 = 1010b: spikes at t = 0 and t = 2 of window 1.
    // Sample 1: x = [7, 2] = [0111, 0010]. x0: 0,1,1,1; x1: 0,0,1,0. I = 0, 3, 1, 3.
    //   term = 0, 12, 2, 3. V before term: 0, 0, 12, 14; V = 17 (= 21 - 4).
    //   y = 17 + 1 = 18, clamped to 15 = 1111b: spikes at every step of window 2.
    Net net = single_layer(8, false, 2, {{3, -2}}, {1});
    net.layers[0].mult = 1;
    const std::vector<std::vector<int64_t>> samples = {{5, 3}, {7, 2}};
    md.configure(config_writes(net, md.p, 2), true);
    md.start();
    const int64_t expV[12] = {0, 0, 12, 8, 0, 0, 12, 14, 0, 0, 0, 0};
    const int64_t expI[12] = {0, 3, -2, 1, 0, 3, 1, 3, 0, 0, 0, 0};
    const int64_t expY[12] = {0, 0, 0, 0, 10, 10, 10, 10, 15, 15, 15, 15};
    const std::vector<int> on = {0}, off = {};
    const std::vector<int> expSpikes[12] = {off, off, off, off, on, off, on, off, on, on, on, on};
    for (uint64_t tau = 0; tau < 12; ++tau) {
        const stem_step_result r = md.step(inputs_at(samples, 4, tau));
        const std::string at = "step " + std::to_string(tau);
        chk.expect(neurons_of(r, 0) == expSpikes[tau], at + " spikes " + str(neurons_of(r, 0)));
        chk.expect(host_axons(r) == expSpikes[tau], at + " host flits " + str(host_axons(r)));
        chk.eq(md.peek(0, STEM_REGION_V, 0), expV[tau], at + " V");
        chk.eq(md.peek(0, STEM_REGION_I, 0), expI[tau], at + " I");
        chk.eq(md.peek(0, STEM_REGION_Y, 0), expY[tau], at + " Y");
        chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_STEP), int64_t(tau % 4), at + " status t");
        chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_WINDOW), int64_t(tau / 4), at + " status w");
    }
    chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_OVERFLOWS), 0, "overflows");
    // Spikes accepted: sample 0 has 2 + 2 input spikes, sample 1 3 + 1; sent: 2 + 4.
    chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_SPIKES_IN), 8, "spikes in");
    chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_SPIKES_OUT), 6, "spikes out");
}

/// Accumulator bias with scaled integration (s = 1), including round-half-up of negatives.
void test_accumulator_bias_shift(const ShimLib& lib) {
    chk.context = "accumulator bias, shift 1";
    Model md(lib);
    expect_params(md, 4, 8, 8, 0, 4, 4, 1, 1);
    // s = 1, m = 3, n = 2, bias mode accumulator. x = [5, 3] = [0101, 0011].
    // Inputs per step: t0 none, t1 x0, t2 x1, t3 x0 and x1.
    // Neuron 0: w = [3, -2], b = 5. V0 = round_shift(5, 1) = floor(6/2) = 3.
    //   I = 0, 3, -2, 1; I*2^(3-t) = 0, 12, -4, 1; terms: 0, 6, round_shift(-4,1) = -2,
    //   round_shift(1,1) = 1. V before term: 3, 3, 9, 7; V = 8.
    //   y = round_shift(8*3, 2) = floor(26/4) = 6 = 0110b: spikes at t1, t2 of window 1.
    // Neuron 1: w = [-3, 2], b = -3. V0 = round_shift(-3, 1) = floor(-2/2) = -1.
    //   I = 0, -3, 2, -1; I*2^(3-t) = 0, -12, 4, -1; terms 0, -6, 2, round_shift(-1,1) =
    //   floor(0/2) = 0. V before term: -1, -1, -7, -5; V = -5.
    //   y = round_shift(-15, 2) = floor(-13/4) = -4 -> ReLU 0: silent.
    // Neuron 2: w = [1, 1], b = 0: x0 + x1 = 8: I = 0, 1, 1, 2; terms 0, round_shift(4,1) = 2,
    //   round_shift(2,1) = 1, round_shift(2,1) = 1. V = 4; y = round_shift(12, 2) = 3 = 0011b.
    Net net = single_layer(8, false, 2, {{3, -2}, {-3, 2}, {1, 1}}, {5, -3, 0});
    Layer& ly = net.layers[0];
    ly.shift = 1;
    ly.mult = 3;
    ly.post_shift = 2;
    ly.bias_acc = true;
    const std::vector<std::vector<int64_t>> samples = {{5, 3}};
    md.configure(config_writes(net, md.p, 1), false);  // through the mesh this time
    md.start();
    const int64_t expV0[4] = {3, 3, 9, 7}, expV1[4] = {-1, -1, -7, -5}, expV2[4] = {0, 0, 2, 3};
    for (uint64_t tau = 0; tau < 8; ++tau) {
        const stem_step_result r = md.step(inputs_at(samples, 4, tau));
        const std::string at = "step " + std::to_string(tau);
        if (tau < 4) {
            chk.eq(md.peek(0, STEM_REGION_V, 0), expV0[tau], at + " V0");
            chk.eq(md.peek(0, STEM_REGION_V, 1), expV1[tau], at + " V1");
            chk.eq(md.peek(0, STEM_REGION_V, 2), expV2[tau], at + " V2");
            chk.expect(neurons_of(r, 0).empty(), at + " no spikes in window 0");
        } else {
            // Window 1: Y = [6, 0, 3] = [0110, 0000, 0011]; V back at V0 = [3, -1, 0].
            std::vector<int> exp;
            if ((6 >> (7 - tau)) & 1) exp.push_back(0);
            if ((3 >> (7 - tau)) & 1) exp.push_back(2);
            chk.expect(neurons_of(r, 0) == exp, at + " spikes " + str(neurons_of(r, 0)));
            chk.eq(md.peek(0, STEM_REGION_Y, 0), 6, at + " Y0");
            chk.eq(md.peek(0, STEM_REGION_Y, 1), 0, at + " Y1");
            chk.eq(md.peek(0, STEM_REGION_Y, 2), 3, at + " Y2");
            chk.eq(md.peek(0, STEM_REGION_V, 0), 3, at + " V0 = V0");
            chk.eq(md.peek(0, STEM_REGION_V, 1), -1, at + " V1 = V0");
        }
    }
    chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_OVERFLOWS), 0, "overflows");
}

/// Signed layer-1 inputs: the step-0 spike weighs -2^(B-1).
void test_signed_inputs(const ShimLib& lib) {
    chk.context = "signed inputs";
    Model md(lib);
    expect_params(md, 4, 8, 8, 0, 4, 4, 1, 1);
    // x = [-3, 2] = [1101, 0010] (4-bit two's complement); output bias, b = 0, m = 1, n = 0.
    // Inputs per step: t0 x0, t1 x0, t2 x1, t3 x0.
    // Neuron 0: w = [2, 5]: I = 2, 2, 5, 2; terms: -(2*8) = -16 (sigma = -1), 8, 10, 2.
    //   V before term: 0, -16, -8, 2; V = 4 (= 2*(-3) + 5*2). y = 4 = 0100b: spike at t1.
    // Neuron 1: w = [3, -1]: I = 3, 3, -1, 3; terms -24, 12, -2, 3. V before: 0, -24, -12, -14;
    //   V = -11 (= -9 - 2). y = 0.
    Net net = single_layer(8, false, 2, {{2, 5}, {3, -1}}, {0, 0});
    net.input_signed = true;
    const std::vector<std::vector<int64_t>> samples = {{-3, 2}};
    md.configure(config_writes(net, md.p, 1), true);
    md.start();
    const int64_t expV0[4] = {0, -16, -8, 2}, expV1[4] = {0, -24, -12, -14};
    const int64_t expI0[4] = {2, 2, 5, 2}, expI1[4] = {3, 3, -1, 3};
    for (uint64_t tau = 0; tau < 8; ++tau) {
        const stem_step_result r = md.step(inputs_at(samples, 4, tau));
        const std::string at = "step " + std::to_string(tau);
        if (tau < 4) {
            chk.eq(md.peek(0, STEM_REGION_V, 0), expV0[tau], at + " V0");
            chk.eq(md.peek(0, STEM_REGION_V, 1), expV1[tau], at + " V1");
            chk.eq(md.peek(0, STEM_REGION_I, 0), expI0[tau], at + " I0");
            chk.eq(md.peek(0, STEM_REGION_I, 1), expI1[tau], at + " I1");
        } else {
            const std::vector<int> exp = (tau == 5) ? std::vector<int>{0} : std::vector<int>{};
            chk.expect(neurons_of(r, 0) == exp, at + " spikes " + str(neurons_of(r, 0)));
            chk.eq(md.peek(0, STEM_REGION_Y, 0), 4, at + " Y0");
            chk.eq(md.peek(0, STEM_REGION_Y, 1), 0, at + " Y1");
        }
    }
}

/// Per-neuron requantization (FLAGS.NeuronRequant): m and n of each neuron from regions Mult
/// and NShift; with the flag off the registers, and the per-neuron values do not matter.
void test_neuron_requant(const ShimLib& lib) {
    for (bool flag : {true, false}) {
        chk.context = std::string("per-neuron requantization, flag ") + (flag ? "on" : "off");
        Model md(lib);
        expect_params(md, 4, 8, 8, 0, 4, 4, 1, 1);
        // x0 = 13 = 1101b, w = 1 for all four neurons, output bias b = 0: V = 13 for all.
        // Flag on, m = [1, 3, 5, 2], n = [0, 2, 3, 4]:
        //   y0 = 13; y1 = round_shift(39, 2) = ((39 >> 1) + 1) >> 1 = 10;
        //   y2 = round_shift(65, 3) = ((65 >> 2) + 1) >> 1 = 8; y3 = round_shift(26, 4) =
        //   ((26 >> 3) + 1) >> 1 = 2.
        // Flag off, registers m = 1, n = 1: y = round_shift(13, 1) = (13 + 1) >> 1 = 7 for all.
        Net net = single_layer(8, false, 1, {{1}, {1}, {1}, {1}}, {0, 0, 0, 0});
        Layer& ly = net.layers[0];
        ly.mult = 1;
        ly.post_shift = 1;
        ly.neuron_requant = flag;
        ly.nmult = {1, 3, 5, 2};
        ly.nshift = {0, 2, 3, 4};
        const std::vector<std::vector<int64_t>> samples = {{13}};
        md.configure(config_writes(net, md.p, 1), !flag);
        md.start();
        const int64_t y[4] = {13, 10, 8, 2};
        std::vector<int> seen[4];
        for (uint64_t tau = 0; tau < 8; ++tau) {
            const stem_step_result r = md.step(inputs_at(samples, 4, tau));
            for (int n : neurons_of(r, 0)) seen[n].push_back(int(tau));
        }
        for (int j = 0; j < 4; ++j) {
            const int64_t expY = flag ? y[j] : 7;
            chk.eq(md.peek(0, STEM_REGION_Y, uint32_t(j)), expY, "Y" + std::to_string(j));
            std::vector<int> exp;
            for (int t = 0; t < 4; ++t) {
                if ((expY >> (3 - t)) & 1) exp.push_back(4 + t);
            }
            chk.expect(seen[j] == exp, "spike steps of neuron " + std::to_string(j) + " " + str(seen[j]));
            chk.eq(md.peek(0, STEM_REGION_MULT, uint32_t(j)), int64_t(ly.nmult[size_t(j)]), "m" + std::to_string(j) + " reads back");
            chk.eq(md.peek(0, STEM_REGION_N_SHIFT, uint32_t(j)), int64_t(ly.nshift[size_t(j)]), "n" + std::to_string(j) + " reads back");
        }
    }
}

/// SIGNED_AXONS = 2: spikes on axons 0 and 1 in step 0 of a window weigh -1, axons 2 and 3
/// are unsigned; later steps add all spikes.
void test_signed_axons(const ShimLib& lib) {
    chk.context = "signed axons";
    Model md(lib);
    expect_params(md, 4, 8, 8, 0, 4, 4, 1, 1);
    // x = [1010b, 0111b, 1001b, 1100b]: axons 0, 1 signed (-6, 7), axons 2, 3 unsigned (9, 12).
    // Spikes per step: t0 axons 0, 2, 3; t1 axons 1, 3; t2 axons 0, 1; t3 axons 1, 2.
    // Output bias b = 0, m = 1, n = 1.
    // Neuron 0: w = [1, 1, 1, 1]: I = -1+1+1 = 1, 2, 2, 2; terms 8, 8, 4, 2; V before each
    //   term 0, 8, 16, 20; V = 22 (= -6 + 7 + 9 + 12); y = round_shift(22, 1) = 11 = 1011b.
    // Neuron 1: w = [-1, 0, 1, 0]: I = 1+1 = 2, 0, -1, 1; terms 16, 0, -2, 1; V before 0, 16,
    //   16, 14; V = 15 (= 6 + 9); y = round_shift(15, 1) = 8 = 1000b.
    // Sample 2: x = [1111b (-1), 1000b (-8), 0001b (1), 1111b (15)]: t0 axons 0, 1, 3 (axon 1's
    //   only spike: -8 at t = 0 of window 1 again):
    //   neuron 0: -1 - 8 + 1 + 15 = 7, y = round_shift(7, 1) = 4 = 0100b;
    //   neuron 1: 1 + 1 = 2, y = round_shift(2, 1) = 1 = 0001b.
    Net net = single_layer(8, false, 4, {{1, 1, 1, 1}, {-1, 0, 1, 0}}, {0, 0});
    net.layers[0].post_shift = 1;
    net.layers[0].signed_axons = 2;
    const std::vector<std::vector<int64_t>> samples = {{10, 7, 9, 12}, {15, 8, 1, 15}};
    md.configure(config_writes(net, md.p, 2), false);
    md.start();
    const int64_t expI0[4] = {1, 2, 2, 2}, expI1[4] = {2, 0, -1, 1};
    const int64_t expV0[4] = {0, 8, 16, 20}, expV1[4] = {0, 16, 16, 14};
    const int64_t y0[2] = {11, 4}, y1[2] = {8, 1};
    for (uint64_t tau = 0; tau < 12; ++tau) {
        const stem_step_result r = md.step(inputs_at(samples, 4, tau));
        const std::string at = "step " + std::to_string(tau);
        if (tau < 4) {
            chk.eq(md.peek(0, STEM_REGION_I, 0), expI0[tau], at + " I0");
            chk.eq(md.peek(0, STEM_REGION_I, 1), expI1[tau], at + " I1");
            chk.eq(md.peek(0, STEM_REGION_V, 0), expV0[tau], at + " V0");
            chk.eq(md.peek(0, STEM_REGION_V, 1), expV1[tau], at + " V1");
        }
        if (tau >= 4) {
            const size_t w = size_t(tau / 4 - 1);
            const unsigned t = unsigned(tau % 4);
            std::vector<int> exp;
            if ((y0[w] >> (3 - t)) & 1) exp.push_back(0);
            if ((y1[w] >> (3 - t)) & 1) exp.push_back(1);
            chk.expect(neurons_of(r, 0) == exp, at + " spikes " + str(neurons_of(r, 0)));
            chk.eq(md.peek(0, STEM_REGION_Y, 0), y0[w], at + " Y0");
            chk.eq(md.peek(0, STEM_REGION_Y, 1), y1[w], at + " Y1");
        }
    }
    // FLAGS.Signed makes every axon signed and overrides SIGNED_AXONS: the step-0 current
    // reads unsigned (1 + 1 + 1 = 3 for neuron 0) and is negated when it is integrated
    // (neuron 0: V = -6 + 7 - 7 - 4 = -10 for sample 1); against the reference, every step.
    chk.context = "signed axons under FLAGS.Signed";
    Model md2(lib);
    Net net2 = net;
    net2.input_signed = true;
    run_net(md2, net2, samples, true);
}

/// RoT and DRLO on bias-only neurons (y_pre = b with zero weights, output bias, m=1, n=0).
void test_rot_drlo(const ShimLib& lib) {
    struct Case {
        unsigned rot, drlo;
        int64_t y[4];
    };
    // b = [10, 14, 5, 7] = [1010, 1110, 0101, 0111].
    // RoT r = 2: round_shift(y, 2) * 4, capped at (15 >> 2) << 2 = 12:
    //   10 -> floor(12/4)*4 = 12; 14 -> floor(16/4)*4 = 16 > 12 -> 12; 5 -> floor(7/4)*4 = 4;
    //   7 -> floor(9/4)*4 = 8.
    // DRLO K = 1 (keep the top 1-bit): 1010 -> 1000 = 8; 1110 -> 8; 0101 -> 4; 0111 -> 4.
    // DRLO K = 2: 1010 -> 10; 1110 -> 1100 = 12; 0101 -> 5; 0111 -> 0110 = 6.
    // RoT 2 then DRLO 1: [12, 12, 4, 8] -> [1100 -> 8, 8, 4, 8].
    // RoT 1: round_shift(y,1)*2 capped at 14: 10 -> 10 (floor(11/2)=5 -> 10); 14 -> floor(15/2)=7
    //   -> 14; 5 -> floor(6/2)=3 -> 6; 7 -> floor(8/2)=4 -> 8.
    const Case cases[] = {{2, 0, {12, 12, 4, 8}},
                          {0, 1, {8, 8, 4, 4}},
                          {0, 2, {10, 12, 5, 6}},
                          {2, 1, {8, 8, 4, 8}},
                          {1, 0, {10, 14, 6, 8}},
                          {0, 4, {10, 14, 5, 7}}};
    for (const Case& c : cases) {
        chk.context = "RoT " + std::to_string(c.rot) + " DRLO " + std::to_string(c.drlo);
        Model md(lib);
        Net net = single_layer(8, false, 1, {{0}, {0}, {0}, {0}}, {10, 14, 5, 7});
        net.layers[0].rot = c.rot;
        net.layers[0].drlo = c.drlo;
        md.configure(config_writes(net, md.p, 1), true);
        md.start();
        std::vector<int> seen[4];
        for (uint64_t tau = 0; tau < 8; ++tau) {
            const stem_step_result r = md.step({});
            for (int n : neurons_of(r, 0)) seen[n].push_back(int(tau));
        }
        for (int j = 0; j < 4; ++j) {
            chk.eq(md.peek(0, STEM_REGION_Y, uint32_t(j)), c.y[j], "Y" + std::to_string(j));
            std::vector<int> exp;
            for (int t = 0; t < 4; ++t) {
                if ((c.y[j] >> (3 - t)) & 1) exp.push_back(4 + t);
            }
            chk.expect(seen[j] == exp, "spike steps of neuron " + std::to_string(j) + " " + str(seen[j]));
        }
    }
}

/// Wrap vs saturate: overflow events only in windows that carry a sample.
void test_overflow(const ShimLib& lib, bool saturate) {
    chk.context = saturate ? "overflow saturate" : "overflow wrap";
    {
        Model md(lib);
        expect_params(md, 4, 8, 8, saturate ? 1 : 0, 4, 4, 1, 1);
        // A = 8: range -128..127. w = [100, 100], x = [15, 15]: I = 200 in every step.
        // terms 1600, 800, 400, 200.
        // wrap:     0+1600 = 1600 -> 64; 64+800 = 864 -> 96; 96+400 = 496 -> -16;
        //           -16+200 = 184 -> -72. Four overflow events; y = ReLU(-72) = 0.
        // saturate: 127 after every step, four events; y = clamp(127) = 15.
        // Two samples: windows 0 and 1 accumulate (8 events); window 2 carries no sample.
        Net net = single_layer(8, saturate, 2, {{100, 100}}, {0});
        const std::vector<std::vector<int64_t>> samples = {{15, 15}, {15, 15}};
        md.configure(config_writes(net, md.p, 2), true);
        md.start();
        const int64_t wrapV[4] = {0, 64, 96, -16};
        const int64_t satV[4] = {0, 127, 127, 127};
        for (uint64_t tau = 0; tau < 12; ++tau) {
            md.step(inputs_at(samples, 4, tau));
            const std::string at = "step " + std::to_string(tau);
            if (tau < 8) {
                chk.eq(md.peek(0, STEM_REGION_V, 0), saturate ? satV[tau % 4] : wrapV[tau % 4], at + " V");
            }
            if (tau == 3) chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_OVERFLOWS), 3, at + " overflows so far");
        }
        chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_OVERFLOWS), 8, "overflow events");
        chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_SPIKES_OUT), saturate ? 8 : 0, "spikes out (15 = 1111b twice)");
    }
    {
        Model md(lib);
        // Accumulator bias b = 300, s = 0, m = 1, n = 4, no inputs.
        // V0 = fit(300): wrap 300 - 256 = 44, saturate 127; one event per V0 computed for a
        // window that carries a sample: start (window 0) and the end of window 0 (for window 1)
        // with S = 2; the V0 computed at the end of window 1 (for window 2) is not counted.
        // y = round_shift(44, 4) = floor(52/16) = 3; saturate: round_shift(127, 4) =
        // floor(135/16) = 8.
        Net net = single_layer(8, saturate, 1, {{0}}, {300});
        net.layers[0].bias_acc = true;
        net.layers[0].post_shift = 4;
        md.configure(config_writes(net, md.p, 2), true);
        md.start();
        chk.eq(md.peek(0, STEM_REGION_V, 0), saturate ? 127 : 44, "V0 after start");
        chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_OVERFLOWS), 1, "V0 overflow at start");
        for (uint64_t tau = 0; tau < 12; ++tau) md.step({});
        chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_OVERFLOWS), 2, "bias overflow events");
        chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_SPIKES_OUT), saturate ? 2 : 4, "spikes out (2 samples)");
    }
}

/// A core with no active neurons, NUM_NEURONS clamping, and register read-back.
void test_registers(const ShimLib& lib) {
    chk.context = "registers";
    Model md(lib);
    const uint32_t vals[kNumRegs] = {99, 31, 65535, 62, 3, 4, 0xFF, 0xFFFFFFFFu, 0x12345678u, 0xFFFFFFFFu};
    const int64_t back[kNumRegs] = {4, 31, 65535, 62, 3, 4, 7, 0xFFFFFFFFll, 0x12345678ll, 0xFFFFFFFFll};
    std::vector<Write> w;
    for (uint32_t r = 0; r < kNumRegs; ++r) w.push_back({0, addr(STEM_REGION_REG, r), vals[r]});
    md.configure(w, false);
    for (uint32_t r = 0; r < kNumRegs; ++r) chk.eq(md.peek(0, STEM_REGION_REG, r), back[r], "register " + std::to_string(r));
    // Weights sign-extend; out-of-range indices read 0.
    md.configure({{0, addr(STEM_REGION_WEIGHT, 5), 0x80}, {0, addr(STEM_REGION_BIAS, 3), 0x80000000u}}, true);
    chk.eq(md.peek(0, STEM_REGION_WEIGHT, 5), -128, "weight sign extension");
    chk.eq(md.peek(0, STEM_REGION_BIAS, 3), -2147483648ll, "bias sign extension");
    chk.eq(md.peek(0, STEM_REGION_WEIGHT, 16), 0, "weight beyond NumAxons");
    chk.eq(md.peek(0, STEM_REGION_V, 4), 0, "V beyond NumNeurons");
    // Per-neuron m (MultBits = 16, unsigned) and n (PostShiftW = 6 bits): the low bits stay,
    // zero-extended; writes beyond NumNeurons are dropped and read 0.
    md.configure({{0, addr(STEM_REGION_MULT, 3), 0x1FFFFu}, {0, addr(STEM_REGION_N_SHIFT, 2), 0x7Fu},
                  {0, addr(STEM_REGION_MULT, 0), 0x8001u}, {0, addr(STEM_REGION_N_SHIFT, 1), 62},
                  {0, addr(STEM_REGION_MULT, 4), 77}, {0, addr(STEM_REGION_N_SHIFT, 4), 5}}, false);
    chk.eq(md.peek(0, STEM_REGION_MULT, 3), 0xFFFF, "per-neuron m keeps 16 bits");
    chk.eq(md.peek(0, STEM_REGION_MULT, 0), 0x8001, "per-neuron m is unsigned");
    chk.eq(md.peek(0, STEM_REGION_N_SHIFT, 2), 63, "per-neuron n keeps 6 bits");
    chk.eq(md.peek(0, STEM_REGION_N_SHIFT, 1), 62, "per-neuron n");
    chk.eq(md.peek(0, STEM_REGION_MULT, 4), 0, "m beyond NumNeurons");
    chk.eq(md.peek(0, STEM_REGION_N_SHIFT, 4), 0, "n beyond NumNeurons");
    chk.eq(md.peek(0, STEM_REGION_MULT, 1), 0, "an unwritten m reads 0");
    // ROT and DRLO keep every bit of their fields, beyond the values a network uses (r < B,
    // K <= B): all ones in, all ones of RotW and DrloW bits back; NUM_SAMPLES the complement
    // of the value above (every one of its 32 bits has now been set and cleared).
    md.configure({{0, addr(STEM_REGION_REG, STEM_REG_ROT), 0xFFFFFFFFu}, {0, addr(STEM_REGION_REG, STEM_REG_DRLO), 0xFFFFFFFFu},
                  {0, addr(STEM_REGION_REG, STEM_REG_NUM_SAMPLES), ~0x12345678u}}, false);
    chk.eq(md.peek(0, STEM_REGION_REG, STEM_REG_ROT), (1 << STEM_ROT_W) - 1, "ROT keeps RotW bits");
    chk.eq(md.peek(0, STEM_REGION_REG, STEM_REG_DRLO), (1 << STEM_DRLO_W) - 1, "DRLO keeps DrloW bits");
    chk.eq(md.peek(0, STEM_REGION_REG, STEM_REG_NUM_SAMPLES), int64_t(~0x12345678u), "NUM_SAMPLES, every bit");
    // reset() clears the configuration.
    must(md.api, md.m, md.api->reset(md.m), "reset");
    chk.eq(md.peek(0, STEM_REGION_WEIGHT, 5), 0, "weight after reset");
    chk.eq(md.peek(0, STEM_REGION_BIAS, 3), 0, "bias after reset");
    chk.eq(md.peek(0, STEM_REGION_REG, STEM_REG_MULTIPLIER), 0, "multiplier after reset");
    chk.eq(md.peek(0, STEM_REGION_REG, STEM_REG_SIGNED_AXONS), 0, "SIGNED_AXONS after reset");
    chk.eq(md.peek(0, STEM_REGION_REG, STEM_REG_DRLO), 0, "DRLO after reset");
    chk.eq(md.peek(0, STEM_REGION_MULT, 3), 0, "per-neuron m after reset");
    chk.eq(md.peek(0, STEM_REGION_N_SHIFT, 1), 0, "per-neuron n after reset");
}

/// Debug reads and configuration writes outside what the core holds (docs/hardware-interface.md):
/// a neuron index at or beyond NumNeurons, an unknown register, status word or region reads
/// 0 (not the word its truncated index would alias: neuron 4 of 4 would read neuron 0), and a
/// write to an unknown register changes no register. (Lines of rtl/ the random runs never
/// reach; scripts/coverage.sh.)
void test_debug_edges(const ShimLib& lib) {
    chk.context = "debug reads and writes out of range";
    Model md(lib);
    expect_params(md, 4, 8, 8, 0, 4, 4, 1, 1);
    std::vector<Write> w;
    for (uint32_t j = 0; j < 4; ++j) w.push_back({0, addr(STEM_REGION_BIAS, j), 5 + j});
    for (uint32_t r = 0; r < kNumRegs; ++r) w.push_back({0, addr(STEM_REGION_REG, r), r == STEM_REG_NUM_NEURONS ? 4u : 1u});
    md.configure(w, true);
    std::vector<int64_t> regs(kNumRegs), after(kNumRegs);
    must(md.api, md.m, md.api->peek(md.m, 0, addr(STEM_REGION_REG, 0), kNumRegs, regs.data()), "peek");
    // Writes to unknown registers, through the debug port and as a configuration flit.
    md.configure({{0, addr(STEM_REGION_REG, kNumRegs), 3}, {0, addr(STEM_REGION_REG, 100), 3}}, true);
    md.configure({{0, addr(STEM_REGION_REG, kNumRegs + 1), 3}}, false);
    must(md.api, md.m, md.api->peek(md.m, 0, addr(STEM_REGION_REG, 0), kNumRegs, after.data()), "peek");
    chk.expect(after == regs, "writes to unknown registers change no register");
    md.start();
    md.step({spike_flit(false, 0, 0, 0)});
    md.step({});
    chk.eq(md.peek(0, STEM_REGION_BIAS, 0), 5, "bias of neuron 0");
    for (uint32_t region : {STEM_REGION_BIAS, STEM_REGION_V, STEM_REGION_I, STEM_REGION_Y, STEM_REGION_MULT,
                            STEM_REGION_N_SHIFT}) {
        chk.eq(md.peek(0, region, 4), 0, "neuron 4 of 4 in region " + std::to_string(region));
    }
    md.configure({{0, addr(STEM_REGION_FANOUT, 0), 0x12345}}, true);
    chk.eq(md.peek(0, STEM_REGION_FANOUT, 0), 0x12345, "fan-out entry 0");
    chk.eq(md.peek(0, STEM_REGION_FANOUT, 4 * md.p.max_fanout), 0, "a fan-out entry of neuron 4 of 4");
    chk.eq(md.peek(0, STEM_REGION_REG, kNumRegs), 0, "an unknown register");
    chk.eq(md.peek(0, STEM_REGION_STATUS, 7), 0, "an unknown core status word");
    chk.eq(md.peek(0, STEM_REGION_STATUS, 40), 0, "an unknown tile status word");
    chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_BUSY), 0, "the core is idle after a step");
    chk.eq(md.peek(0, STEM_REGION_STATUS, STEM_STAT_TILE_BUSY), 0, "the tile is idle after a step");
    for (uint32_t region = STEM_REGION_N_SHIFT + 1; region < (1u << STEM_REGION_W); ++region) {
        chk.eq(md.peek(0, region, 0), 0, "unknown region " + std::to_string(region));
    }
}

/// Error paths of the ABI.
void test_errors(const ShimLib& lib) {
    chk.context = "ABI errors";
    const stem_shim_api* api = lib.api;
    stem_params p;
    chk.eq(api->get_params(nullptr, &p), STEM_E_HANDLE, "NULL handle");
    chk.expect(std::strlen(api->last_error(nullptr)) > 0, "last_error(NULL) has a message");
    int dummy = 0;
    chk.eq(api->start(reinterpret_cast<stem_model*>(&dummy)), STEM_E_HANDLE, "foreign handle");
    stem_model* m = nullptr;
    chk.eq(api->create(&m), STEM_OK, "create");
    stem_step_result r;
    chk.eq(api->step(m, nullptr, 0, &r), STEM_E_STATE, "step before start");
    chk.expect(std::string(api->last_error(m)).find("start") != std::string::npos, "message names start()");
    int64_t v;
    chk.eq(api->peek(m, 1, 0, 1, &v), STEM_E_ARGUMENT, "peek tile out of range");
    chk.eq(api->peek(m, 0, uint32_t(STEM_CFG_ADDR_MASK), 2, &v), STEM_E_ARGUMENT, "peek beyond the address space");
    chk.eq(api->trace_open(m, "/tmp/x.vcd", 0, 0, 10), STEM_E_STATE, "trace on an untraced build");
    chk.eq(api->set_host_backpressure(m, 1001, 1), STEM_E_ARGUMENT, "backpressure > 1000");
    // coverage_write: a clear error without coverage (test-rtl.sh's libraries); with coverage
    // (--coverage, scripts/coverage.sh) a file, and an error for a path it cannot write.
    chk.eq(api->coverage_write(nullptr, "/tmp/x.dat"), STEM_E_HANDLE, "coverage_write(NULL)");
    if (Coverage::dir().empty()) {
        chk.eq(api->coverage_write(m, "/tmp/x.dat"), STEM_E_STATE, "coverage_write on a build without coverage");
        chk.expect(std::string(api->last_error(m)).find("without coverage") != std::string::npos,
                   "message says the build has no coverage: " + std::string(api->last_error(m)));
    } else {
        chk.eq(api->coverage_write(m, "/nonexistent/x.dat"), STEM_E_IO, "coverage_write to an unwritable path");
        chk.eq(api->coverage_write(m, ""), STEM_E_ARGUMENT, "coverage_write to an empty path");
        const std::string path = Coverage::dir() + "/errors-test.dat";
        chk.eq(api->coverage_write(m, path.c_str()), STEM_OK, "coverage_write");
        chk.expect(slurp(path).rfind("# SystemC::Coverage-3", 0) == 0, "coverage file written");
    }
    // A step that cannot finish: a flit for a tile outside the 1x1 mesh blocks at the east edge.
    chk.eq(api->start(m), STEM_OK, "start");
    chk.eq(api->set_cycle_limit(m, 200), STEM_OK, "cycle limit");
    const uint64_t bad = spike_flit(false, 1, 0, 0);
    chk.eq(api->step(m, &bad, 1, &r), STEM_E_TIMEOUT, "timeout");
    const std::string msg = api->last_error(m);
    chk.expect(msg.find("router holds flits") != std::string::npos, "timeout message says what is busy: " + msg);
    chk.eq(api->destroy(m), STEM_OK, "destroy");
    chk.eq(api->destroy(m), STEM_E_HANDLE, "destroy twice");
    chk.eq(api->start(m), STEM_E_HANDLE, "use after destroy");
    // Random initial values: an argument error without a place for the handle, then a model
    // whose reset leaves the same visible state as a zero-initialized one.
    chk.eq(api->create_randomized(nullptr, 7), STEM_E_ARGUMENT, "create_randomized(NULL)");
    chk.expect(std::string(api->create_error()).find("create_randomized") != std::string::npos, "create_error names create_randomized");
    stem_model* z = nullptr;
    stem_model* rnd = nullptr;
    chk.eq(api->create(&z), STEM_OK, "create (zeros)");
    chk.eq(api->create_randomized(&rnd, 7), STEM_OK, "create_randomized");
    for (uint32_t region : {STEM_REGION_WEIGHT, STEM_REGION_BIAS, STEM_REGION_FANOUT, STEM_REGION_REG,
                            STEM_REGION_V, STEM_REGION_I, STEM_REGION_Y, STEM_REGION_STATUS,
                            STEM_REGION_MULT, STEM_REGION_N_SHIFT}) {
        int64_t a[16] = {}, b[16] = {};
        chk.eq(api->peek(z, 0, addr(region, 0), 16, a), STEM_OK, "peek zeros");
        chk.eq(api->peek(rnd, 0, addr(region, 0), 16, b), STEM_OK, "peek randomized");
        for (int k = 0; k < 16; ++k) chk.eq(b[k], a[k], "randomized start, region " + std::to_string(region) + " word " + std::to_string(k));
    }
    chk.eq(api->destroy(z), STEM_OK, "destroy (zeros)");
    chk.eq(api->destroy(rnd), STEM_OK, "destroy (randomized)");
}

// ------------------------------------------------------------------------------------------
// Mesh tests on the mesh library (2x2, B=4, WB=6, A=12, 8 neurons, 8 axons, fan-out 2)
// ------------------------------------------------------------------------------------------

/// Three layers on three tiles, one of them also sending to the host.
void test_mesh_layers(const ShimLib& lib, bool backdoor, uint32_t host_bp) {
    chk.context = std::string("mesh 3 layers, ") + (backdoor ? "backdoor" : "flits") +
                  ", host backpressure " + std::to_string(host_bp);
    Model md(lib);
    expect_params(md, 4, 6, 12, 0, 8, 8, 2, 2);
    if (host_bp) must(md.api, md.m, md.api->set_host_backpressure(md.m, host_bp, 7), "backpressure");
    // Input x = [3, 5]. Layer 1 on tile 3 (1,1): identity, y = [3, 5] = [0011, 0101].
    // Layer 2 on tile 1 (1,0): one neuron, w = [1, 1]: 3 + 5 = 8 = 1000b.
    // Layer 3 on tile 2 (0,1): one neuron, w = [1], b = -2 (output bias): 8 - 2 = 6 = 0110b.
    // Neuron 0 of layer 1 also sends to the host as axon 100 (fan-out entry 1).
    // Spikes: layer 1 in window 1: n0 at t2, t3; n1 at t1, t3 (steps 5, 6, 7).
    //         layer 2 in window 2: n0 at t0 (step 8). Layer 3 in window 3: t1, t2 (steps 13, 14).
    // Host flits: axon 100 at steps 6 and 7 (layer 1 n0), axon 0 at steps 13 and 14.
    Net net;
    net.time_steps = 4;
    net.weight_bits = 6;
    net.acc_bits = 12;
    net.input_size = 2;
    Layer l1, l2, l3;
    l1.inputs = 2, l1.outputs = 2, l1.w = {{1, 0}, {0, 1}}, l1.bias = {0, 0}, l1.tile = 3;
    l2.inputs = 2, l2.outputs = 1, l2.w = {{1, 1}}, l2.bias = {0}, l2.tile = 1;
    l3.inputs = 1, l3.outputs = 1, l3.w = {{1}}, l3.bias = {-2}, l3.tile = 2;
    net.layers = {l1, l2, l3};
    std::vector<Write> extra = {{3, addr(STEM_REGION_FANOUT, 0 * 2 + 1), fanout_entry(true, 0, 0, 100)}};
    md.configure(config_writes(net, md.p, 1, {extra}), backdoor);
    md.start();
    std::map<int, std::vector<int>> exp3 = {{6, {0}}, {7, {0, 1}}, {5, {1}}};
    std::map<int, std::vector<int>> exp1 = {{8, {0}}};
    std::map<int, std::vector<int>> exp2 = {{13, {0}}, {14, {0}}};
    std::map<int, std::vector<int>> exph = {{6, {100}}, {7, {100}}, {13, {0}}, {14, {0}}};
    for (int tau = 0; tau < 16; ++tau) {
        std::vector<uint64_t> in;
        if (tau == 2) in = {spike_flit(false, 1, 1, 0)};
        if (tau == 3) in = {spike_flit(false, 1, 1, 0), spike_flit(false, 1, 1, 1)};
        if (tau == 1) in = {spike_flit(false, 1, 1, 1)};
        const stem_step_result r = md.step(in);
        const std::string at = "step " + std::to_string(tau);
        chk.expect(neurons_of(r, 3) == exp3[tau], at + " tile 3 " + str(neurons_of(r, 3)));
        chk.expect(neurons_of(r, 1) == exp1[tau], at + " tile 1 " + str(neurons_of(r, 1)));
        chk.expect(neurons_of(r, 2) == exp2[tau], at + " tile 2 " + str(neurons_of(r, 2)));
        chk.expect(neurons_of(r, 0).empty(), at + " tile 0 silent");
        chk.expect(host_axons(r) == exph[tau], at + " host " + str(host_axons(r)));
        for (size_t k = 0; k < r.num_host_flits; ++k) {
            // Latency of a host flit: it left its tile at its stamp, reached the host later.
            const uint64_t lat = (r.host_cycles[k] - flit_stamp(r.host_flits[k])) & STEM_SPIKE_STAMP_MASK;
            chk.expect(lat >= 1 && lat < (host_bp ? 400u : 20u), at + " host flit latency " + std::to_string(lat));
        }
    }
    chk.eq(md.peek(2, STEM_REGION_Y, 0), 6, "layer 3 Y in its last window");
    // Each spike flit delivered to a core counted once: tile 3 gets 4 input spikes (0011 and
    // 0101), tile 1 gets 4 (layer 1), tile 2 gets 1 (layer 2).
    chk.eq(md.peek(3, STEM_REGION_STATUS, STEM_STAT_LAT_COUNT), 4, "tile 3 flits delivered");
    chk.eq(md.peek(1, STEM_REGION_STATUS, STEM_STAT_LAT_COUNT), 4, "tile 1 flits delivered");
    chk.eq(md.peek(2, STEM_REGION_STATUS, STEM_STAT_LAT_COUNT), 1, "tile 2 flits delivered");
    chk.eq(md.peek(3, STEM_REGION_STATUS, STEM_STAT_NI_SENT), 6, "tile 3 NI flits sent (4 + 2 to host)");
    // Hop counts: host -> (1,1) is 2 hops + the local port; the latency of each delivered flit
    // is at least 3 cycles.
    const int64_t sum = md.peek(3, STEM_REGION_STATUS, STEM_STAT_LAT_SUM);
    chk.expect(sum >= 4 * 3 && md.peek(3, STEM_REGION_STATUS, STEM_STAT_LAT_MAX) >= 3, "tile 3 latency sum " + std::to_string(sum));
    stem_counters c;
    must(md.api, md.m, md.api->counters(md.m, &c), "counters");
    chk.eq(c.steps, 16u, "counters.steps");
    chk.eq(c.host_flits_in, 4u, "counters.host_flits_in");
    chk.eq(c.host_flits_out, 4u, "counters.host_flits_out");
    chk.eq(c.spikes, 7u, "counters.spikes");
}

/// Configuration through flits and through the backdoor leave identical state.
void test_config_paths(const ShimLib& lib, uint64_t seed) {
    chk.context = "config flits vs backdoor";
    Model a(lib), b(lib);
    std::mt19937_64 rng(seed);
    std::vector<Write> writes;
    const stem_params& p = a.p;
    const uint32_t tiles = p.mesh_x * p.mesh_y;
    for (uint32_t t = 0; t < tiles; ++t) {
        for (uint32_t i = 0; i < p.num_axons * p.num_neurons; ++i) writes.push_back({t, addr(STEM_REGION_WEIGHT, i), uint32_t(rng())});
        for (uint32_t j = 0; j < p.num_neurons; ++j) writes.push_back({t, addr(STEM_REGION_BIAS, j), uint32_t(rng())});
        for (uint32_t k = 0; k < p.num_neurons * p.max_fanout; ++k) writes.push_back({t, addr(STEM_REGION_FANOUT, k), uint32_t(rng())});
        for (uint32_t j = 0; j < p.num_neurons; ++j) writes.push_back({t, addr(STEM_REGION_MULT, j), uint32_t(rng())});
        for (uint32_t j = 0; j < p.num_neurons; ++j) writes.push_back({t, addr(STEM_REGION_N_SHIFT, j), uint32_t(rng())});
        for (uint32_t r = 0; r < kNumRegs; ++r) writes.push_back({t, addr(STEM_REGION_REG, r), uint32_t(rng() % 7)});
    }
    std::shuffle(writes.begin(), writes.end(), rng);
    // Twice: the random words, then their complements (every bit of the memories set and
    // cleared through both paths).
    int nonzero = 0;
    for (int round = 0; round < 2; ++round) {
        if (round == 1) {
            for (Write& w : writes) w.data = ~w.data;
        }
        a.configure(writes, false);
        b.configure(writes, true);
        const uint32_t regions[] = {STEM_REGION_WEIGHT, STEM_REGION_BIAS, STEM_REGION_FANOUT, STEM_REGION_REG,
                                    STEM_REGION_MULT, STEM_REGION_N_SHIFT};
        const uint32_t sizes[] = {p.num_axons * p.num_neurons, p.num_neurons, p.num_neurons * p.max_fanout, kNumRegs,
                                  p.num_neurons, p.num_neurons};
        int differ = 0;
        nonzero = 0;
        for (uint32_t t = 0; t < tiles; ++t) {
            for (int k = 0; k < 6; ++k) {
                std::vector<int64_t> va(sizes[k]), vb(sizes[k]);
                must(a.api, a.m, a.api->peek(a.m, t, addr(regions[k], 0), sizes[k], va.data()), "peek a");
                must(b.api, b.m, b.api->peek(b.m, t, addr(regions[k], 0), sizes[k], vb.data()), "peek b");
                for (uint32_t i = 0; i < sizes[k]; ++i) {
                    differ += va[i] != vb[i];
                    nonzero += va[i] != 0;
                }
            }
        }
        chk.eq(differ, 0, "words that differ" + std::string(round ? " (complements)" : ""));
    }
    chk.expect(nonzero > int(tiles * p.num_axons * p.num_neurons / 2), "the configuration arrived");
    // A write that is really different shows up.
    b.configure({{0, addr(STEM_REGION_BIAS, 0), 12345}}, true);
    chk.expect(a.peek(0, STEM_REGION_BIAS, 0) != b.peek(0, STEM_REGION_BIAS, 0), "a differing write is visible");
}

// ------------------------------------------------------------------------------------------
// Randomized tests against the C++ reference
// ------------------------------------------------------------------------------------------

/// Runs `net` on `samples` on the RTL and the reference; compares every spike, and I, V and
/// Y of every neuron at the end of every step, and the overflow counts.
///
/// stray, idle: extra configuration writes and idle listening tiles (stray_writes,
/// idle_listeners). rewrite_seed != 0: configuration writes during the run. In steps with
/// input spikes, a configuration flit that writes a weight or bias word of one of the layers'
/// cores with the value it already holds goes in first, so it reaches the core while the step
/// pulse has it integrating or sending (a configuration write while busy,
/// docs/verification.md "Coverage"); nothing the reference computes may change.
/// host_ids: the axon ids the last layer's host entries carry (host_ids[j]: every id neuron j
/// sends to the host, one flit each; empty: j itself); the host flits must carry them.
bool run_net(Model& md, const Net& net, const std::vector<std::vector<int64_t>>& samples, bool backdoor,
             const std::vector<Write>& stray, const std::vector<IdleTile>& idle, uint64_t rewrite_seed,
             const std::vector<std::vector<uint32_t>>& host_ids) {
    const stem_params& p = md.p;
    const std::vector<Write> config = config_writes(net, p, uint32_t(samples.size()));
    std::vector<Write> writes = config;
    writes.insert(writes.end(), stray.begin(), stray.end());
    md.configure(writes, backdoor);
    std::vector<Write> rewrites;  // the layers' weight and bias words
    for (const Write& w : config) {
        const uint32_t region = uint32_t(stem_get_addr_region(w.address));
        if (region == STEM_REGION_WEIGHT || region == STEM_REGION_BIAS) rewrites.push_back(w);
    }
    std::mt19937_64 rewrite_rng(rewrite_seed);
    md.start();
    RefSim ref(net, samples);
    const int before = chk.failures;
    const size_t L = net.layers.size();
    std::vector<int64_t> spikes_in(L, 0), spikes_out(L, 0);
    int64_t idle_in = 0, host_sent = 0;  // host_sent: the last layer's host flits
    for (uint64_t tau = 0; tau < ref.total_steps() && chk.failures == before; ++tau) {
        const StepState st = ref.step(tau);
        for (size_t l = 0; l < L; ++l) {
            spikes_in[l] += int64_t(l == 0 ? st.input_spikes.size() : st.spikes[l - 1].size());
            spikes_out[l] += int64_t(st.spikes[l].size());
        }
        for (const IdleTile& it : idle) idle_in += int64_t(st.spikes[it.source].size());
        for (int j : st.spikes[L - 1]) host_sent += host_ids.empty() ? 1 : int64_t(host_ids[size_t(j)].size());
        std::vector<uint64_t> in = host_flits_for(net, p, st.input_spikes);
        if (rewrite_seed != 0 && !in.empty() && !rewrites.empty()) {
            const std::vector<uint64_t> f = as_flits({rewrites[size_t(rewrite_rng() % rewrites.size())]}, p);
            in.insert(in.begin(), f.begin(), f.end());
        }
        const stem_step_result r = md.step(in);
        const std::string at = "step " + std::to_string(tau);
        for (size_t l = 0; l < L; ++l) {
            const Layer& ly = net.layers[l];
            const std::vector<int> got = neurons_of(r, uint16_t(ly.tile));
            chk.expect(got == st.spikes[l], at + " layer " + std::to_string(l + 1) + " spikes " + str(got) +
                                               " expected " + str(st.spikes[l]));
            std::vector<int64_t> v(size_t(ly.outputs)), i(size_t(ly.outputs)), y(size_t(ly.outputs));
            must(md.api, md.m, md.api->peek(md.m, uint32_t(ly.tile), addr(STEM_REGION_V, 0), uint32_t(ly.outputs), v.data()), "peek");
            must(md.api, md.m, md.api->peek(md.m, uint32_t(ly.tile), addr(STEM_REGION_I, 0), uint32_t(ly.outputs), i.data()), "peek");
            must(md.api, md.m, md.api->peek(md.m, uint32_t(ly.tile), addr(STEM_REGION_Y, 0), uint32_t(ly.outputs), y.data()), "peek");
            for (int j = 0; j < ly.outputs; ++j) {
                const std::string nj = at + " layer " + std::to_string(l + 1) + " neuron " + std::to_string(j);
                chk.eq(v[size_t(j)], st.V[l][size_t(j)], nj + " V");
                chk.eq(i[size_t(j)], st.I[l][size_t(j)], nj + " I");
                chk.eq(y[size_t(j)], st.Y[l][size_t(j)], nj + " Y");
            }
        }
        std::vector<int> exp_host = st.spikes[L - 1];
        if (!host_ids.empty()) {
            exp_host.clear();
            for (int j : st.spikes[L - 1]) {
                for (uint32_t id : host_ids[size_t(j)]) exp_host.push_back(int(id));
            }
            std::sort(exp_host.begin(), exp_host.end());
        }
        chk.expect(host_axons(r) == exp_host, at + " host flits " + str(host_axons(r)) + " expected " + str(exp_host));
        for (size_t k = 0; k < r.num_host_flits; ++k) {
            // A host flit's stamp is the mesh cycle it left its tile: a latency of at least one
            // cycle, and far below the stamp's range (16 bits) even under host backpressure.
            const uint64_t lat = (r.host_cycles[k] - flit_stamp(r.host_flits[k])) & STEM_SPIKE_STAMP_MASK;
            chk.expect(lat >= 1 && lat < 4096, at + " host flit latency " + std::to_string(lat));
        }
        // Tiles without a layer (NUM_NEURONS 0) that receive spikes: never a spike, and their
        // currents those of this step's spikes alone (the last step's dropped when it closed).
        for (const IdleTile& it : idle) {
            const uint32_t t = it.tile;
            chk.expect(neurons_of(r, uint16_t(t)).empty(), at + " idle tile " + std::to_string(t) + " silent");
            std::vector<int64_t> i(p.num_neurons);
            must(md.api, md.m, md.api->peek(md.m, t, addr(STEM_REGION_I, 0), p.num_neurons, i.data()), "peek");
            for (uint32_t j = 0; j < p.num_neurons; ++j) {
                int64_t exp = 0;
                for (int n : st.spikes[it.source]) {
                    // (A spike for an axon beyond NumAxons is accepted and dropped.)
                    const uint32_t a = it.axon[size_t(n)];
                    if (a < p.num_axons) exp += it.weight[size_t(a) * p.num_neurons + j];
                }
                chk.eq(i[j], exp, at + " idle tile " + std::to_string(t) + " neuron " + std::to_string(j) + " I");
            }
        }
    }
    if (chk.failures != before) return false;
    for (size_t l = 0; l < L; ++l) {
        const uint32_t t = uint32_t(net.layers[l].tile);
        const std::string ln = "layer " + std::to_string(l + 1);
        chk.eq(md.peek(t, STEM_REGION_STATUS, STEM_STAT_OVERFLOWS), int64_t(ref.overflows()[l]), ln + " overflow events");
        // The status counters and the configuration read back through the debug port.
        chk.eq(md.peek(t, STEM_REGION_STATUS, STEM_STAT_SPIKES_IN), spikes_in[l], ln + " spikes in");
        chk.eq(md.peek(t, STEM_REGION_STATUS, STEM_STAT_SPIKES_OUT), spikes_out[l], ln + " spikes out");
        int64_t entries = 1;
        for (const IdleTile& it : idle) entries += it.source == l;
        const int64_t sent = l + 1 == L ? host_sent + spikes_out[l] * (entries - 1) : spikes_out[l] * entries;
        chk.eq(md.peek(t, STEM_REGION_STATUS, STEM_STAT_NI_SENT), sent, ln + " NI flits sent");
        check_latency(md, t, spikes_in[l], ln);
        check_readback(md, net.layers[l], ln);
        check_fanout(md, t, writes, ln);
        check_beyond(md, t, ln);
    }
    for (const IdleTile& it : idle) {
        check_latency(md, it.tile, idle_in, "idle tile");
        chk.eq(md.peek(it.tile, STEM_REGION_STATUS, STEM_STAT_SPIKES_IN), idle_in, "idle tile spikes in");
        chk.eq(md.peek(it.tile, STEM_REGION_STATUS, STEM_STAT_SPIKES_OUT), 0, "idle tile spikes out");
    }
    if (!idle.empty()) {
        // start() again with the last step's currents still in the idle tile: its neurons
        // (none active) never integrate, so V stays 0, and start clears the currents.
        md.start();
        for (const IdleTile& it : idle) {
            std::vector<int64_t> v(p.num_neurons), i(p.num_neurons);
            must(md.api, md.m, md.api->peek(md.m, it.tile, addr(STEM_REGION_V, 0), p.num_neurons, v.data()), "peek");
            must(md.api, md.m, md.api->peek(md.m, it.tile, addr(STEM_REGION_I, 0), p.num_neurons, i.data()), "peek");
            for (uint32_t j = 0; j < p.num_neurons; ++j) {
                chk.eq(v[j], 0, "idle tile neuron " + std::to_string(j) + " V after a second start");
                chk.eq(i[j], 0, "idle tile neuron " + std::to_string(j) + " I after a second start");
            }
        }
    }
    return chk.failures == before;
}

/// The tile's latency counters: one count per spike flit delivered to its core (`delivered`),
/// each latency at least one cycle and at most the cycles run since start() (and far below
/// the stamp's range), the sum between the count and count x the largest.
void check_latency(Model& md, uint32_t t, int64_t delivered, const std::string& ln) {
    const int64_t count = md.peek(t, STEM_REGION_STATUS, STEM_STAT_LAT_COUNT);
    const int64_t sum = md.peek(t, STEM_REGION_STATUS, STEM_STAT_LAT_SUM);
    const int64_t max = md.peek(t, STEM_REGION_STATUS, STEM_STAT_LAT_MAX);
    // Every spike was stamped after start(): no latency exceeds the cycles run since.
    stem_counters c;
    must(md.api, md.m, md.api->counters(md.m, &c), "counters");
    const int64_t bound = int64_t(std::min<uint64_t>(c.run_cycles + 2, 4096));
    chk.eq(count, delivered, ln + " flits delivered (latency count)");
    if (count > 0) {
        chk.expect(max >= 1 && max < bound, ln + " largest latency " + std::to_string(max) + " (" +
                                                std::to_string(c.run_cycles) + " cycles since start)");
        chk.expect(sum >= count && sum <= count * max, ln + " latency sum " + std::to_string(sum) + " of " +
                                                           std::to_string(count) + " flits, largest " + std::to_string(max));
    } else {
        chk.expect(sum == 0 && max == 0, ln + " latency sum and largest 0 without flits");
    }
}

/// The configuration of a layer's core as the debug port reads it: every weight (sign-extended;
/// 0 for the inputs and neurons the layer does not use), bias (sign-extended from BiasBits),
/// per-neuron m (MultBits, unsigned) and n (6 bits), NUM_NEURONS; and 0 beyond the core's
/// neurons and axons, where the stray writes (stray_writes) went.
void check_readback(Model& md, const Layer& ly, const std::string& ln) {
    const stem_params& p = md.p;
    const uint32_t t = uint32_t(ly.tile);
    const uint32_t N = p.num_neurons, words = p.num_axons * N;
    auto sext = [](uint64_t v, unsigned bits) {
        const uint64_t m = bits >= 64 ? ~0ull : (1ull << bits) - 1;
        v &= m;
        return (bits < 64 && (v >> (bits - 1)) & 1) ? int64_t(v | ~m) : int64_t(v);
    };
    if (words <= 65536) {
        std::vector<int64_t> w(words + 2 * N);
        const uint32_t n = std::min<uint32_t>(uint32_t(w.size()), (1u << STEM_ADDR_INDEX_W));
        must(md.api, md.m, md.api->peek(md.m, t, addr(STEM_REGION_WEIGHT, 0), n, w.data()), "peek");
        for (uint32_t k = 0; k < n; ++k) {
            const uint32_t i = k / N, j = k % N;
            const int64_t exp = (k < words && int(i) < ly.inputs && int(j) < ly.outputs) ? int64_t(ly.w[j][i]) : 0;
            if (w[k] != exp) {
                chk.eq(w[k], exp, ln + " weight word " + std::to_string(k) + " read back");
                return;
            }
        }
    }
    std::vector<int64_t> b(N + 3), m(N + 3), sh(N + 3);
    must(md.api, md.m, md.api->peek(md.m, t, addr(STEM_REGION_BIAS, 0), N + 3, b.data()), "peek");
    must(md.api, md.m, md.api->peek(md.m, t, addr(STEM_REGION_MULT, 0), N + 3, m.data()), "peek");
    must(md.api, md.m, md.api->peek(md.m, t, addr(STEM_REGION_N_SHIFT, 0), N + 3, sh.data()), "peek");
    for (uint32_t j = 0; j < N + 3; ++j) {
        const bool used = int(j) < ly.outputs;
        const std::string nj = ln + " neuron " + std::to_string(j);
        const uint32_t mv = ly.nmult.empty() ? ly.mult : ly.nmult[j < ly.nmult.size() ? j : 0];
        const uint32_t nv = ly.nshift.empty() ? ly.post_shift : ly.nshift[j < ly.nshift.size() ? j : 0];
        chk.eq(b[j], used ? sext(uint32_t(int32_t(ly.bias[j])), p.bias_bits) : 0, nj + " bias read back");
        chk.eq(m[j], used ? int64_t(mv & (p.mult_bits >= 32 ? 0xFFFFFFFFu : (1u << p.mult_bits) - 1)) : 0, nj + " m read back");
        chk.eq(sh[j], used ? int64_t(nv & ((1u << STEM_POST_SHIFT_W) - 1)) : 0, nj + " n read back");
    }
    chk.eq(md.peek(t, STEM_REGION_REG, STEM_REG_NUM_NEURONS), int64_t(ly.outputs), ln + " NUM_NEURONS read back");
}

/// The fan-out table of tile t as the debug port reads it: every entry of the core's
/// NumNeurons x MaxFanout, all 32 bits (the bits the entry layout leaves unused too), the last
/// of `writes` to it (in order, as configure() applied them) or 0; and 0 for the entries after.
void check_fanout(Model& md, uint32_t t, const std::vector<Write>& writes, const std::string& ln) {
    const uint32_t n = md.p.num_neurons * md.p.max_fanout;
    std::vector<int64_t> exp(n + 2, 0), got(n + 2, 0);
    for (const Write& w : writes) {
        const uint32_t i = uint32_t(stem_get_addr_index(w.address));
        if (w.tile == t && stem_get_addr_region(w.address) == STEM_REGION_FANOUT && i < n) exp[i] = int64_t(w.data);
    }
    must(md.api, md.m, md.api->peek(md.m, t, addr(STEM_REGION_FANOUT, 0), n + 2, got.data()), "peek");
    for (uint32_t k = 0; k < n + 2; ++k) {
        if (got[k] != exp[k]) {
            chk.eq(got[k], exp[k], ln + " fan-out entry " + std::to_string(k) + " read back");
            return;
        }
    }
}

/// Debug reads anywhere in the 18-bit index space beyond what the core holds read 0: weights
/// beyond NumAxons x NumNeurons, per-neuron words beyond NumNeurons, fan-out entries beyond
/// NumNeurons x MaxFanout, registers beyond the last, and every word of the unknown regions
/// (random indices over the full width, so that every address bit of the read path moves).
void check_beyond(Model& md, uint32_t t, const std::string& ln) {
    const stem_params& p = md.p;
    std::mt19937_64 rng(0x4245594f4e44ull ^ (uint64_t(t) << 32) ^ uint64_t(chk.checks));
    const uint32_t limit = 1u << STEM_ADDR_INDEX_W;
    auto beyond = [&](uint32_t first) { return first >= limit ? limit : first + uint32_t(rng() % (limit - first)); };
    struct Probe { uint32_t region, first; };
    const Probe probes[] = {{STEM_REGION_WEIGHT, p.num_axons * p.num_neurons}, {STEM_REGION_BIAS, p.num_neurons},
                            {STEM_REGION_FANOUT, p.num_neurons * p.max_fanout}, {STEM_REGION_REG, kNumRegs},
                            {STEM_REGION_V, p.num_neurons}, {STEM_REGION_I, p.num_neurons},
                            {STEM_REGION_Y, p.num_neurons}, {STEM_REGION_MULT, p.num_neurons},
                            {STEM_REGION_N_SHIFT, p.num_neurons}, {STEM_REGION_N_SHIFT + 1 + uint32_t(rng() % (15 - STEM_REGION_N_SHIFT)), 0}};
    for (const Probe& pr : probes) {
        if (pr.first >= limit) continue;
        const uint32_t i = beyond(pr.first);
        chk.eq(md.peek(t, pr.region, i), 0, ln + " region " + std::to_string(pr.region) + " word " + std::to_string(i) + " (beyond)");
    }
}

std::vector<Write> stray_writes(const Net& net, const stem_params& p, uint64_t seed);
std::vector<IdleTile> idle_listeners(const Net& net, const stem_params& p, uint64_t seed, std::vector<Write>& w);
bool run_alone(const ShimLib& lib, uint64_t seed);

/// The bits of a fan-out entry its layout defines (valid, host, x, y, axon); the others are
/// unused and must not matter.
const uint32_t kFanDefined = uint32_t(stem_put_fan_valid(1) | stem_put_fan_host(1) | stem_put_fan_x(STEM_FAN_X_MASK) |
                                          stem_put_fan_y(STEM_FAN_Y_MASK) | stem_put_fan_axon(STEM_FAN_AXON_MASK));

/// Fan-out entries over their full width (own generator; docs/verification.md "Coverage"),
/// written after the network's configuration, so that every bit of the fan-out table and of
/// the flits it makes moves:
///  - every entry of every neuron of each layer's core that the network leaves unused (the
///    other MaxFanout - 1 entries of its neurons, all entries of the neurons beyond the layer):
///    random bits with the valid bit clear; the core must send nothing for them;
///  - each neuron's entry 0 rewritten with random bits in the bits the layout leaves unused;
///    for the last layer also random x and y (a spike for the host is routed by the host bit
///    alone) and a random 16-bit axon id, distinct over the layer, which the host flits must
///    carry; and one in four of its other entries is a second (third, ...) host entry of the
///    neuron with an id of its own: one host flit per valid entry.
/// host_slots[j][k]: the id entry k of neuron j of the last layer sends to the host, or
/// kNoHost. (The idle listeners' entries, written after these, replace entry 1 of their
/// source: run_random drops those ids.)
constexpr uint32_t kNoHost = UINT32_MAX;
std::vector<Write> fanout_junk(const Net& net, const stem_params& p, uint64_t seed,
                               std::vector<std::vector<uint32_t>>& host_slots) {
    std::mt19937_64 rng(seed ^ 0x46414e4a554e4bull);
    std::vector<Write> w;
    const size_t L = net.layers.size();
    std::set<uint32_t> used;
    auto fresh_id = [&] {
        for (;;) {
            const uint32_t id = uint32_t(rng() & STEM_FAN_AXON_MASK);
            if (used.insert(id).second) return id;
        }
    };
    host_slots.assign(size_t(net.layers[L - 1].outputs), std::vector<uint32_t>(p.max_fanout, kNoHost));
    for (size_t l = 0; l < L; ++l) {
        const Layer& ly = net.layers[l];
        const uint32_t t = uint32_t(ly.tile);
        for (uint32_t j = 0; j < p.num_neurons; ++j) {
            for (uint32_t k = 0; k < p.max_fanout; ++k) {
                const uint32_t junk = uint32_t(rng());
                const uint32_t a = addr(STEM_REGION_FANOUT, j * p.max_fanout + k);
                const bool last = l + 1 == L && int(j) < ly.outputs;
                if (last && (k == 0 || rng() % 4 == 0)) {
                    const uint32_t id = fresh_id();
                    host_slots[j][k] = id;
                    w.push_back({t, a, fanout_entry(true, uint32_t(stem_get_fan_x(junk)), uint32_t(stem_get_fan_y(junk)), id) |
                                           (junk & ~kFanDefined)});
                } else if (int(j) >= ly.outputs || k > 0) {
                    w.push_back({t, a, junk & ~uint32_t(stem_put_fan_valid(1))});
                } else {
                    const uint32_t nt = uint32_t(net.layers[l + 1].tile);
                    w.push_back({t, a, fanout_entry(false, nt % p.mesh_x, nt / p.mesh_x, j) | (junk & ~kFanDefined)});
                }
            }
        }
    }
    return w;
}

/// On cores with more neurons than axons, half the time the last layer (which feeds only the
/// host) gets every neuron of its core, more than a core has axons (own generator), so that
/// the neurons beyond NumAxons send too (random_net keeps every layer within NumAxons).
void widen_last_layer(Net& net, const stem_params& p, uint64_t seed) {
    std::mt19937_64 rng(seed ^ 0x574944454eull);
    if (p.num_neurons <= p.num_axons || rng() % 2 == 0) return;
    Layer& ly = net.layers.back();
    const int outputs = int(p.num_neurons);
    const int wmax = (1 << (p.weight_bits - 1)) - 1, wmin = -(1 << (p.weight_bits - 1));
    for (int j = ly.outputs; j < outputs; ++j) {
        // A copy of a random neuron's requantization and bias, random weights.
        const size_t src = size_t(rng() % uint64_t(ly.outputs));
        std::vector<int32_t> row(size_t(ly.inputs));
        for (auto& x : row) x = rng() % 2 ? int32_t(wmin + int64_t(rng() % uint64_t(wmax - wmin + 1))) : 0;
        ly.w.push_back(row);
        ly.bias.push_back(ly.bias[src]);
        ly.nmult.push_back(ly.nmult[src]);
        ly.nshift.push_back(ly.nshift[src]);
    }
    ly.outputs = outputs;
}

/// Runs a random network on the RTL and the reference (with stray configuration writes the
/// core must drop, stray_writes); compares everything every step.
bool run_random(const ShimLib& lib, uint64_t seed, int max_layers, bool backdoor, uint32_t host_bp) {
    std::mt19937_64 rng(seed);
    // Odd seeds start from random state bits: the reset and the clearing of the memories after
    // it must leave what a zeroed model holds (scripts/mutate.py: the weight memory left
    // uncleared survived the random test on zeroed models).
    Model md(lib, seed % 2 == 1 ? seed : 0);
    const stem_params& p = md.p;
    Net net = random_net(p, rng, max_layers);
    widen_last_layer(net, p, seed);
    const int S = int(1 + rng() % 3);
    std::vector<std::vector<int64_t>> samples(static_cast<size_t>(S));
    const unsigned B = p.time_steps;
    for (auto& s : samples) {
        s.resize(size_t(net.input_size));
        for (auto& x : s) {
            x = net.input_signed ? int64_t(rng() % (1u << B)) - (1 << (B - 1)) : int64_t(rng() % (1u << B));
        }
    }
    chk.context = "random seed " + std::to_string(seed) + " (L=" + std::to_string(net.layers.size()) +
                  ", S=" + std::to_string(S) + ")";
    if (host_bp) must(md.api, md.m, md.api->set_host_backpressure(md.m, host_bp, seed), "backpressure");
    std::vector<Write> stray = stray_writes(net, p, seed);
    std::vector<std::vector<uint32_t>> host_slots;
    const std::vector<Write> fan = fanout_junk(net, p, seed, host_slots);
    stray.insert(stray.end(), fan.begin(), fan.end());
    const std::vector<IdleTile> idle = idle_listeners(net, p, seed, stray);
    std::vector<std::vector<uint32_t>> host_ids(host_slots.size());
    for (size_t j = 0; j < host_slots.size(); ++j) {
        for (uint32_t k = 0; k < p.max_fanout; ++k) {
            const bool replaced = k == 1 && !idle.empty() && idle[0].source + 1 == net.layers.size();
            if (host_slots[j][k] != kNoHost && !replaced) host_ids[j].push_back(host_slots[j][k]);
        }
    }
    // One run in four also rewrites configuration words while the cores are busy.
    const bool ok = run_net(md, net, samples, backdoor, stray, idle, seed % 4 == 1 ? seed : 0, host_ids);
    if (!ok || !run_alone(lib, seed)) return false;
    // Last, a spike for a tile beyond the mesh's east (even seeds) or south edge (odd): the
    // edge router holds it (an edge port is never ready), so the step cannot finish.
    const uint32_t limit = 1u << STEM_COORD_W;
    const bool south = seed % 2 == 1;
    if ((south ? p.mesh_y : p.mesh_x) < limit) {
        const int before = chk.failures;
        // (Any coordinate from the edge to the largest, so that every coordinate bit of the
        // host's input path and the routers moves.)
        std::mt19937_64 edge_rng(seed ^ 0x45444745ull);
        const uint32_t c = (south ? p.mesh_y : p.mesh_x) + uint32_t(edge_rng() % (limit - (south ? p.mesh_y : p.mesh_x)));
        const uint64_t bad = south ? spike_flit(false, 0, c, 0) : spike_flit(false, c, 0, 0);
        must(md.api, md.m, md.api->set_cycle_limit(md.m, 2000), "cycle limit");
        stem_step_result r;
        chk.eq(md.api->step(md.m, &bad, 1, &r), STEM_E_TIMEOUT,
               std::string("a spike beyond the ") + (south ? "south" : "east") + " edge stays in the mesh");
        return chk.failures == before;
    }
    return true;
}

/// A layer of one neuron, one sample, on a model of its own: in the window it sends, each spike
/// is the only activity in the mesh (no input, no other layer), so once the core has handed it
/// to the tile's network interface nothing else keeps the mesh busy while the interface sends
/// its flits. The step must not end before they are out: the host flits of every step are
/// compared (scripts/mutate.py: a tile whose busy output left out the interface's flits
/// survived the random test, where some other flit was always still in the routers). The
/// network is the first of random_net's (own generator) whose reference output has such a spike.
bool run_alone(const ShimLib& lib, uint64_t seed) {
    std::mt19937_64 rng(seed ^ 0x414c4f4e45ull);
    Model md(lib);
    const stem_params& p = md.p;
    const unsigned B = p.time_steps;
    for (int attempt = 0; attempt < 100; ++attempt) {
        Net net = random_net(p, rng, 1);
        Layer& ly = net.layers[0];
        ly.outputs = 1;
        ly.w.resize(1);
        ly.bias.resize(1);
        ly.nmult.resize(1);
        ly.nshift.resize(1);
        std::vector<std::vector<int64_t>> samples(1, std::vector<int64_t>(size_t(net.input_size)));
        for (auto& x : samples[0]) {
            x = net.input_signed ? int64_t(rng() % (1u << B)) - (1 << (B - 1)) : int64_t(rng() % (1u << B));
        }
        RefSim ref(net, samples);
        bool alone = false;
        for (uint64_t tau = 0; tau < ref.total_steps(); ++tau) {
            const StepState st = ref.step(tau);
            alone = alone || (st.input_spikes.empty() && !st.spikes[0].empty());
        }
        if (!alone) continue;
        chk.context = "one neuron alone, seed " + std::to_string(seed) + " (attempt " + std::to_string(attempt) + ")";
        // First a lone configuration flit: configure() must return with it applied, also when
        // nothing else is in the mesh while it waits in the tile's configuration queue
        // (scripts/mutate.py: a busy output without that queue survived).
        const uint32_t t = uint32_t(ly.tile);
        md.configure({{t, addr(STEM_REGION_REG, STEM_REG_NUM_NEURONS), 1u}}, false);
        chk.eq(md.peek(t, STEM_REGION_REG, STEM_REG_NUM_NEURONS), 1, "NUM_NEURONS right after one configuration flit");
        return run_net(md, net, samples, false);
    }
    chk.expect(false, "seed " + std::to_string(seed) + ": no network of one neuron with a spike alone in 100 draws");
    return false;
}

/// Picks a tile without a layer (if there is one, MaxFanout >= 2, and half the time), gives it random weights
/// but leaves its NUM_NEURONS at 0, and sends it the spikes of a random layer through a second
/// fan-out entry of each neuron (writes appended to `w`). Returns the tiles chosen (none or
/// one): their currents must be dropped every step (scripts/mutate.py: a core with no neuron
/// that kept its currents survived the random test without this).
std::vector<IdleTile> idle_listeners(const Net& net, const stem_params& p, uint64_t seed, std::vector<Write>& w) {
    std::mt19937_64 rng(seed ^ 0x49444c45ull);
    const uint32_t tiles = p.mesh_x * p.mesh_y;
    std::vector<uint32_t> free;
    for (uint32_t t = 0; t < tiles; ++t) {
        bool used = false;
        for (const Layer& ly : net.layers) used = used || uint32_t(ly.tile) == t;
        if (!used) free.push_back(t);
    }
    // (Not on cores of more than 4,096 weights: the weight writes would dominate the run.)
    if (free.empty() || p.max_fanout < 2 || p.num_axons * p.num_neurons > 4096 || rng() % 2 == 0) return {};
    IdleTile it;
    it.tile = free[size_t(rng() % free.size())];
    const uint32_t t = it.tile;
    const int wmin = -(1 << (p.weight_bits - 1)), wmax = (1 << (p.weight_bits - 1)) - 1;
    const uint32_t wmask = (1u << p.weight_bits) - 1;
    for (uint32_t i = 0; i < p.num_axons * p.num_neurons; ++i) {
        it.weight.push_back(int32_t(wmin + int64_t(rng() % uint64_t(wmax - wmin + 1))));
        w.push_back({t, addr(STEM_REGION_WEIGHT, i), uint32_t(it.weight.back()) & wmask});
    }
    it.source = size_t(rng() % net.layers.size());
    const Layer& src = net.layers[it.source];
    for (int j = 0; j < src.outputs; ++j) it.axon.push_back(uint32_t(rng() % p.num_axons));
    // One neuron sends to axon NumAxons, just beyond the core, another (if it draws a different
    // one) further beyond: the core must drop both (scripts/mutate.py: `in_axon_i <= NumAxons`
    // survived without them; it aliases axon NumAxons onto row 0 when NumAxons is a power of 2).
    const uint32_t axon_limit = 1u << STEM_AXON_W;
    if (p.num_axons < axon_limit) {
        const size_t j0 = size_t(rng() % uint64_t(src.outputs)), j1 = size_t(rng() % uint64_t(src.outputs));
        it.axon[j0] = p.num_axons;
        if (j1 != j0 && p.num_axons + 1 < axon_limit) it.axon[j1] = p.num_axons + 1 + uint32_t(rng() % (axon_limit - p.num_axons - 1));
    }
    for (int j = 0; j < src.outputs; ++j) {
        w.push_back({uint32_t(src.tile), addr(STEM_REGION_FANOUT, uint32_t(j) * p.max_fanout + 1),
                     fanout_entry(false, t % p.mesh_x, t / p.mesh_x, it.axon[size_t(j)])});
    }
    return {it};
}

/// Writes the core must drop, after the real configuration of every layer's tile: weights of
/// axons beyond NumAxons, biases, m and n of neurons beyond NumNeurons, registers beyond the
/// last one (random data). A core that takes one of them aliases it onto a real row or neuron
/// (the index wraps) or a register. From their own generator, so that the networks of a seed
/// stay the ones they were. (scripts/mutate.py: `<` -> `<=` in the range checks of the
/// configuration writes survived the random test without them.)
std::vector<Write> stray_writes(const Net& net, const stem_params& p, uint64_t seed) {
    std::mt19937_64 rng(seed ^ 0x5354524159ull);
    std::vector<Write> w;
    const uint32_t index_limit = 1u << STEM_ADDR_INDEX_W;
    for (const Layer& ly : net.layers) {
        const uint32_t t = uint32_t(ly.tile);
        const uint32_t words = p.num_axons * p.num_neurons;
        for (uint32_t k = 0; k < 2; ++k) {
            const uint32_t wi = words + uint32_t(rng() % p.num_neurons) + (k ? p.num_neurons * uint32_t(rng() % 4) : 0);
            if (wi < index_limit) w.push_back({t, addr(STEM_REGION_WEIGHT, wi), uint32_t(rng())});
            const uint32_t ni = p.num_neurons + uint32_t(rng() % (k ? 64 : 2));
            w.push_back({t, addr(STEM_REGION_BIAS, ni), uint32_t(rng())});
            w.push_back({t, addr(STEM_REGION_MULT, ni), uint32_t(rng())});
            w.push_back({t, addr(STEM_REGION_N_SHIFT, ni), uint32_t(rng())});
            w.push_back({t, addr(STEM_REGION_REG, kNumRegs + uint32_t(rng() % 6)), uint32_t(rng())});
        }
    }
    // And anywhere in the 18-bit index space beyond what the core holds, in every region
    // (the read-only and the unknown ones too), with random data (own generator, so that the
    // writes above stay what they were): every address and data bit of the configuration path
    // moves, and none of these writes may change anything.
    std::mt19937_64 wide(seed ^ 0x57494445ull);
    for (const Layer& ly : net.layers) {
        const uint32_t t = uint32_t(ly.tile);
        const uint32_t first[16] = {p.num_axons * p.num_neurons, p.num_neurons, p.num_neurons * p.max_fanout, kNumRegs,
                                    0, 0, 0, 0, p.num_neurons, p.num_neurons, 0, 0, 0, 0, 0, 0};
        for (uint32_t region = 0; region < 16; ++region) {
            if (first[region] >= index_limit) continue;
            const uint32_t i = first[region] + uint32_t(wide() % (index_limit - first[region]));
            w.push_back({t, addr(region, i), uint32_t(wide())});
        }
    }
    return w;
}

// ------------------------------------------------------------------------------------------
// The largest core: 256 neurons x 1,024 axons (the weight region's 2^18 words exactly)
// ------------------------------------------------------------------------------------------

/// Extremes of the huge library: the last weight word (axon 1023, neuron 255), every axon
/// spiking at once with the current at its largest magnitude (1,024 spikes of -128, all on
/// signed axons at t = 0: +2^17, and of +127: -130,048), per-neuron requantization of the
/// last neuron, and SIGNED_AXONS 1023 (the last axon unsigned). Everything against the
/// reference, every step.
void test_huge(const ShimLib& lib) {
    Model probe(lib);
    const stem_params p = probe.p;
    if (p.num_neurons != 256 || p.num_axons != 1024 || p.mesh_x * p.mesh_y < 2) {
        throw std::runtime_error("the huge library must have 256 neurons, 1024 axons and at least 2 tiles");
    }
    const unsigned B = p.time_steps;
    const int wmin = -(1 << (p.weight_bits - 1)), wmax = (1 << (p.weight_bits - 1)) - 1;
    for (uint32_t signed_axons : {1024u, 1023u, 0u}) {
        chk.context = "huge core, SIGNED_AXONS " + std::to_string(signed_axons);
        std::mt19937_64 rng(signed_axons);
        Net net;
        net.time_steps = B;
        net.weight_bits = p.weight_bits;
        net.acc_bits = p.acc_bits;
        net.saturate = p.saturate != 0;
        net.input_size = 1024;
        Layer l1;
        l1.inputs = 1024;
        l1.outputs = 256;
        l1.tile = 1;
        l1.w.assign(256, std::vector<int32_t>(1024, 0));
        for (int j = 0; j < 256; ++j) {
            for (int i = 0; i < 1024; ++i) {
                l1.w[size_t(j)][size_t(i)] = j == 255 ? wmin : j == 0 ? wmax : int32_t(int(rng() % uint64_t(wmax - wmin + 1)) + wmin);
            }
        }
        l1.bias.assign(256, 0);
        l1.signed_axons = signed_axons;
        l1.neuron_requant = true;
        l1.mult = 1;
        l1.post_shift = 0;
        l1.nmult.resize(256);
        l1.nshift.resize(256);
        for (int j = 0; j < 256; ++j) {
            l1.nmult[size_t(j)] = uint32_t(1 + rng() % 65535);
            l1.nshift[size_t(j)] = unsigned(20 + rng() % 10);
        }
        l1.nmult[255] = 65535;
        l1.nshift[255] = 62;
        // Layer 2 on the other tile: 256 inputs, a handful of outputs.
        Layer l2;
        l2.inputs = 256;
        l2.outputs = 7;
        l2.tile = 0;
        l2.w.assign(7, std::vector<int32_t>(256, 1));
        l2.bias.assign(7, 0);
        l2.signed_axons = 128;
        l2.mult = 1;
        l2.post_shift = 6;
        net.layers = {l1, l2};
        // Sample 0: every input 2^(B-1) (one spike each, at t = 0); sample 1: random.
        std::vector<std::vector<int64_t>> samples(2, std::vector<int64_t>(1024, int64_t(1) << (B - 1)));
        for (auto& x : samples[1]) x = int64_t(rng() % (1u << B));
        Model md(lib);
        run_net(md, net, samples, true);
        chk.eq(md.peek(1, STEM_REGION_WEIGHT, (1u << 18) - 1), wmin, "the last weight word (axon 1023, neuron 255)");
        chk.eq(md.peek(1, STEM_REGION_MULT, 255), 65535, "m of neuron 255");
        chk.eq(md.peek(1, STEM_REGION_N_SHIFT, 255), 62, "n of neuron 255");
    }
}

// ------------------------------------------------------------------------------------------
// Two libraries in one process; traces
// ------------------------------------------------------------------------------------------

void test_two_libraries(const ShimLib& wrap, const ShimLib& sat) {
    chk.context = "two libraries loaded at once";
    // The same network on both (the overflow test above): the potentials must follow each
    // library's own mode while the two models run interleaved.
    Model a(wrap), b(sat);
    Net net = single_layer(8, false, 2, {{100, 100}}, {0});
    const std::vector<std::vector<int64_t>> samples = {{15, 15}};
    a.configure(config_writes(net, a.p, 1), true);
    b.configure(config_writes(net, b.p, 1), true);
    a.start();
    b.start();
    // Y is computed when step 3 is closed, at the start of step 4.
    for (uint64_t tau = 0; tau < 5; ++tau) {
        a.step(inputs_at(samples, 4, tau));
        b.step(inputs_at(samples, 4, tau));
    }
    chk.eq(a.peek(0, STEM_REGION_Y, 0), 0, "wrap Y");
    chk.eq(b.peek(0, STEM_REGION_Y, 0), 15, "saturate Y");
    stem_params pa, pb;
    a.api->get_params(a.m, &pa);
    b.api->get_params(b.m, &pb);
    chk.eq(pa.saturate, 0u, "wrap params");
    chk.eq(pb.saturate, 1u, "saturate params");
    // A handle of one library is foreign to the other.
    chk.eq(b.api->start(a.m), STEM_E_HANDLE, "handle of the other library");
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void test_trace(const ShimLib& lib, const std::string& path, bool fst) {
    chk.context = fst ? "FST trace" : "VCD trace";
    Model md(lib);
    chk.eq(md.p.trace_kind, fst ? 2u : 1u, "trace kind");
    Net net = single_layer(8, false, 2, {{3, -2}}, {1});
    const std::vector<std::vector<int64_t>> samples = {{5, 3}};
    md.configure(config_writes(net, md.p, 1), true);
    md.start();
    must(md.api, md.m, md.api->trace_open(md.m, path.c_str(), 0, 2, 5), "trace_open");
    chk.eq(md.api->trace_open(md.m, path.c_str(), 0, 2, 5), STEM_E_STATE, "second trace_open");
    uint64_t first_cycle = 0, last_cycle = 0;
    for (uint64_t tau = 0; tau < 8; ++tau) {
        stem_counters c0, c1;
        md.api->counters(md.m, &c0);
        md.step(inputs_at(samples, 4, tau));
        md.api->counters(md.m, &c1);
        if (tau == 2) first_cycle = c0.cycles;
        if (tau == 5) last_cycle = c1.cycles;
    }
    must(md.api, md.m, md.api->trace_close(md.m), "trace_close");
    const std::string s = slurp(path);
    chk.expect(s.size() > 100, "trace written (" + std::to_string(s.size()) + " bytes)");
    if (fst) {
        chk.expect(s.size() > 0 && s[0] == 0, "FST header block");  // FST_BL_HDR = 0
        return;
    }
    chk.expect(s.find("$timescale") != std::string::npos && s.find("1ns") != std::string::npos, "timescale 1ns");
    chk.expect(s.find("$scope module stem_mesh") != std::string::npos, "stem_mesh scope");
    chk.expect(s.find(" step_o ") != std::string::npos || s.find(" step_o [") != std::string::npos, "step_o signal");
    chk.expect(s.find("u_core") != std::string::npos, "core scope");
    // Times: the first dump is the first instant the mesh's step counter shows step 2 (the
    // edge of the cycle that pulses step_i: step_o counts at that edge), the last the settled
    // (quiescent) state at the end of step 5 (cycle c at 10c, its edge at 10c + 5).
    uint64_t tmin = UINT64_MAX, tmax = 0;
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '#') {
            const uint64_t t = std::stoull(line.substr(1));
            tmin = std::min(tmin, t);
            tmax = std::max(tmax, t);
        }
    }
    chk.eq(tmin, first_cycle * 10 + 5, "first dump time");
    chk.eq(tmax, last_cycle * 10, "last dump time");
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> libs;
    int seeds = 40;
    bool random_only = false;
    std::string out = "/tmp";
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--random-only") {
            random_only = true;
        } else if (a == "--seeds" && k + 1 < argc) {
            char* end = nullptr;
            const long v = std::strtol(argv[++k], &end, 10);
            if (*argv[k] == '\0' || *end != '\0' || v < 1 || v > 100000) {
                std::fprintf(stderr, "tb_stem: --seeds %s is not an integer in 1...100000\n", argv[k]);
                return 2;
            }
            seeds = int(v);
        } else if (a == "--out" && k + 1 < argc) {
            out = argv[++k];
        } else if (a == "--coverage" && k + 1 < argc) {
            try {
                Coverage::set_dir(argv[++k]);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "tb_stem: %s\n", e.what());
                return 2;
            }
        } else if (a.rfind("--", 0) == 0 && k + 1 < argc) {
            libs[a.substr(2)] = argv[++k];
        } else {
            std::fprintf(stderr, "usage: tb_stem --tiny LIB --tiny-sat LIB --mesh LIB [--big LIB] [--huge LIB] [--vcd LIB] [--fst LIB] [--seeds N] [--out DIR] [--coverage DIR]\n"
                                 "       tb_stem --random-only [--tiny LIB] [--tiny-sat LIB] [--mesh LIB] [--big LIB] [--huge LIB] [--seeds N]\n");
            return 2;
        }
    }
    const char* const random_names[] = {"tiny", "tiny-sat", "mesh", "big", "huge"};
    if (random_only) {
        for (const auto& kv : libs) {
            if (std::find(std::begin(random_names), std::end(random_names), kv.first) == std::end(random_names)) {
                std::fprintf(stderr, "tb_stem: --%s is not a library of --random-only (tiny, tiny-sat, mesh, big, huge)\n",
                             kv.first.c_str());
                return 2;
            }
        }
        if (libs.empty()) {
            std::fprintf(stderr, "tb_stem: --random-only needs at least one library\n");
            return 2;
        }
    }
    try {
        if (random_only) {
            // The randomized loops of the full run below, nothing else (the same seeds).
            for (const char* name : random_names) {
                if (!libs.count(name)) continue;
                ShimLib lib(libs[name]);
                const std::string n = name;
                const int before = chk.failures;
                for (int s = 0; s < seeds && chk.failures == before; ++s) {
                    if (n == "tiny") run_random(lib, 1000 + uint64_t(s), 1, s % 2 == 0, 0);
                    if (n == "tiny-sat") run_random(lib, 2000 + uint64_t(s), 1, s % 2 == 1, 0);
                    if (n == "mesh") run_random(lib, 3000 + uint64_t(s), 4, s % 2 == 0, s % 3 == 0 ? 500 : 0);
                    if (n == "big") run_random(lib, 4000 + uint64_t(s), 4, true, 0);
                    if (n == "huge") run_random(lib, 5000 + uint64_t(s), 2, true, 0);
                }
                std::printf("%s library: random %s\n", name, chk.failures == before ? "done" : "FAILED");
                if (chk.failures != before) break;  // a mutant is judged by its first failure
            }
            std::printf("%d checks, %d failures\n", chk.checks, chk.failures);
            return chk.failures == 0 ? 0 : 1;
        }
        if (libs.count("tiny") && libs.count("tiny-sat")) {
            ShimLib tiny(libs["tiny"]), sat(libs["tiny-sat"]);
            test_output_bias_pipelined(tiny);
            test_accumulator_bias_shift(tiny);
            test_signed_inputs(tiny);
            test_neuron_requant(tiny);
            test_signed_axons(tiny);
            test_rot_drlo(tiny);
            test_overflow(tiny, false);
            test_overflow(sat, true);
            test_registers(tiny);
            test_errors(tiny);
            test_debug_edges(tiny);
            test_two_libraries(tiny, sat);
            test_config_paths(tiny, 6);
            for (int s = 0; s < seeds; ++s) run_random(tiny, 1000 + uint64_t(s), 1, s % 2 == 0, 0);
            for (int s = 0; s < seeds; ++s) run_random(sat, 2000 + uint64_t(s), 1, s % 2 == 1, 0);
            std::printf("tiny libraries: done\n");
        }
        if (libs.count("mesh")) {
            ShimLib mesh(libs["mesh"]);
            test_mesh_layers(mesh, true, 0);
            test_mesh_layers(mesh, false, 0);
            test_mesh_layers(mesh, true, 800);
            test_config_paths(mesh, 5);
            for (int s = 0; s < seeds; ++s) run_random(mesh, 3000 + uint64_t(s), 4, s % 2 == 0, s % 3 == 0 ? 500 : 0);
            std::printf("mesh library: done\n");
        }
        if (libs.count("big")) {
            ShimLib big(libs["big"]);
            for (int s = 0; s < std::max(1, seeds / 4); ++s) run_random(big, 4000 + uint64_t(s), 4, true, 0);
            std::printf("big library: done\n");
        }
        if (libs.count("huge")) {
            ShimLib huge(libs["huge"]);
            test_huge(huge);
            for (int s = 0; s < std::max(1, seeds / 10); ++s) run_random(huge, 5000 + uint64_t(s), 2, true, 0);
            std::printf("huge library: done\n");
        }
        if (libs.count("vcd")) {
            ShimLib vcd(libs["vcd"]);
            test_trace(vcd, out + "/tb_trace.vcd", false);
        }
        if (libs.count("fst")) {
            ShimLib fst(libs["fst"]);
            test_trace(fst, out + "/tb_trace.fst", true);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ERROR: %s\n", e.what());
        return 1;
    }
    std::printf("%d checks, %d failures\n", chk.checks, chk.failures);
    if (Coverage::failures() != 0) {
        std::fprintf(stderr, "ERROR: %d coverage writes failed\n", Coverage::failures());
        return 1;
    }
    return chk.failures == 0 ? 0 : 1;
}
