// stem_driver.cpp: runs a stem_mesh model library on a stimulus file and reports its speed.
// It is the C++ side of the Swift-vs-C++ speed comparison (the Swift runner exports the same
// stimulus format and drives the same library through the same ABI).
//
//   stem_driver LIB STIMULUS [--repeat N] [--spikes OUT] [--coverage DIR]
//   stem_driver LIB --generate STIMULUS [--seed S] [--samples N] [--layers L]
//
// Run mode: configure as the file says, then time the steps (configuration and start
// excluded); --repeat N runs the steps N times (start() before each pass). Prints
//   steps=<n> cycles=<n> seconds=<s> steps_per_s=<x> cycles_per_s=<x>
// as its last line. --spikes OUT writes what every step produced (first pass), one line per
// step: "step <tau> cycles <c> spikes <tile>:<neuron> ... host <flit hex> ...". --coverage DIR
// (a coverage build, scripts/coverage.sh) writes the model's coverage there at the end.
//
// Generate mode: writes the stimulus of a random network that fits LIB (the same generator as
// tb_stem's randomized tests).
//
// Stimulus format: "stem-stimulus 1" (testbenches/systemc/stem_stimulus.h, docs/rtl.md), read by
// the reader the SystemC testbench uses too. Every `param` line must equal the library's
// parameter.

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "stem_tb_helpers.h"
#include "stem_tb_loader.h"
#include "systemc/stem_stimulus.h"

using namespace stemtb;
using stemstim::Stimulus;

namespace {

uint64_t param_value(const stem_params& p, const std::string& name, bool& known) {
    known = true;
    if (name == "time_steps") return p.time_steps;
    if (name == "weight_bits") return p.weight_bits;
    if (name == "acc_bits") return p.acc_bits;
    if (name == "saturate") return p.saturate;
    if (name == "num_neurons") return p.num_neurons;
    if (name == "num_axons") return p.num_axons;
    if (name == "max_fanout") return p.max_fanout;
    if (name == "mesh_x") return p.mesh_x;
    if (name == "mesh_y") return p.mesh_y;
    if (name == "fifo_depth") return p.fifo_depth;
    known = false;
    return 0;
}

void check(const stem_shim_api* api, stem_model* m, int st, const char* what) {
    if (st != STEM_OK) throw std::runtime_error(std::string(what) + ": " + api->last_error(m));
}

int run(const ShimLib& lib, const std::string& file, int repeat, const std::string& spikes_out) {
    const Stimulus s = stemstim::read_stimulus(file);
    const stem_shim_api* api = lib.api;
    if (!api) throw std::runtime_error(lib.path + " is not a stem_mesh library");
    stem_model* m = nullptr;
    if (api->create(&m) != STEM_OK) throw std::runtime_error(std::string("create: ") + api->create_error());
    stem_params p{};
    check(api, m, api->get_params(m, &p), "get_params");
    for (const auto& [name, value] : s.params) {
        bool known;
        const uint64_t have = param_value(p, name, known);
        if (!known) {
            throw std::runtime_error(file + ": unknown param '" + name + "' (allowed: " + stemstim::kParamNames + ")");
        }
        if (have != value) {
            throw std::runtime_error(file + ": param " + name + " is " + std::to_string(value) + " but " + lib.path +
                                     " was built with " + std::to_string(have));
        }
    }
    // Configuration: consecutive flits in one configure() call, backdoor writes one by one.
    std::vector<uint64_t> flits;
    auto flush = [&] {
        if (!flits.empty()) check(api, m, api->configure(m, flits.data(), flits.size()), "configure");
        flits.clear();
    };
    for (const auto& c : s.config) {
        if (c.backdoor) {
            flush();
            check(api, m, api->configure_backdoor(m, &c.tile, &c.address, &c.data, 1), "configure_backdoor");
        } else {
            flits.push_back(c.flit);
        }
    }
    flush();
    FILE* out = nullptr;
    if (!spikes_out.empty()) {
        out = std::fopen((spikes_out + ".tmp").c_str(), "w");
        if (!out) throw std::runtime_error(spikes_out + ": cannot write");
    }
    double seconds = 0;
    uint64_t steps = 0, cycles = 0;
    for (int pass = 0; pass < repeat; ++pass) {
        check(api, m, api->start(m), "start");
        const auto t0 = std::chrono::steady_clock::now();
        for (const auto& f : s.steps) {
            stem_step_result r;
            check(api, m, api->step(m, f.data(), f.size(), &r), "step");
            cycles += r.cycles;
            if (out && pass == 0) {
                std::fprintf(out, "step %llu cycles %llu spikes", (unsigned long long)r.step, (unsigned long long)r.cycles);
                for (size_t k = 0; k < r.num_spikes; ++k) std::fprintf(out, " %u:%u", r.spikes[k].tile, r.spikes[k].neuron);
                std::fprintf(out, " host");
                for (size_t k = 0; k < r.num_host_flits; ++k) std::fprintf(out, " %016llx", (unsigned long long)r.host_flits[k]);
                std::fprintf(out, "\n");
            }
        }
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        steps += s.steps.size();
    }
    if (out) {
        if (std::fclose(out) != 0 || std::rename((spikes_out + ".tmp").c_str(), spikes_out.c_str()) != 0) {
            throw std::runtime_error(spikes_out + ": cannot write");
        }
    }
    Coverage::write(api, m);
    api->destroy(m);
    if (Coverage::failures() != 0) throw std::runtime_error("coverage_write failed");
    std::printf("steps=%llu cycles=%llu seconds=%.6f steps_per_s=%.1f cycles_per_s=%.1f\n", (unsigned long long)steps,
                (unsigned long long)cycles, seconds, seconds > 0 ? double(steps) / seconds : 0.0,
                seconds > 0 ? double(cycles) / seconds : 0.0);
    return 0;
}

int generate(const ShimLib& lib, const std::string& file, uint64_t seed, int samples, int layers) {
    const stem_shim_api* api = lib.api;
    if (!api) throw std::runtime_error(lib.path + " is not a stem_mesh library");
    stem_model* m = nullptr;
    if (api->create(&m) != STEM_OK) throw std::runtime_error(std::string("create: ") + api->create_error());
    stem_params p{};
    check(api, m, api->get_params(m, &p), "get_params");
    api->destroy(m);
    std::mt19937_64 rng(seed);
    const Net net = random_net(p, rng, layers);
    std::vector<std::vector<int64_t>> xs(static_cast<size_t>(samples));
    const unsigned B = p.time_steps;
    for (auto& x : xs) {
        x.resize(size_t(net.input_size));
        for (auto& v : x) v = net.input_signed ? int64_t(rng() % (1u << B)) - (1 << (B - 1)) : int64_t(rng() % (1u << B));
    }
    const std::string tmp = file + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) throw std::runtime_error(file + ": cannot write");
    std::fprintf(f, "stem-stimulus 1\n# random network, seed %llu: %zu layers, %d samples\n", (unsigned long long)seed,
                 net.layers.size(), samples);
    std::fprintf(f, "param time_steps %u\nparam weight_bits %u\nparam acc_bits %u\nparam saturate %u\n", p.time_steps,
                 p.weight_bits, p.acc_bits, p.saturate);
    std::fprintf(f, "param num_neurons %u\nparam num_axons %u\nparam max_fanout %u\nparam mesh_x %u\nparam mesh_y %u\n",
                 p.num_neurons, p.num_axons, p.max_fanout, p.mesh_x, p.mesh_y);
    const std::vector<uint64_t> cfg = as_flits(config_writes(net, p, uint32_t(samples)), p);
    for (size_t k = 0; k < cfg.size(); k += 8) {
        std::fprintf(f, "config");
        for (size_t j = k; j < std::min(cfg.size(), k + 8); ++j) std::fprintf(f, " %016llx", (unsigned long long)cfg[j]);
        std::fprintf(f, "\n");
    }
    std::fprintf(f, "start\n");
    RefSim ref(net, xs);
    for (uint64_t tau = 0; tau < ref.total_steps(); ++tau) {
        const StepState st = ref.step(tau);
        std::fprintf(f, "step");
        for (uint64_t fl : host_flits_for(net, p, st.input_spikes)) std::fprintf(f, " %016llx", (unsigned long long)fl);
        std::fprintf(f, "\n");
    }
    if (std::fclose(f) != 0 || std::rename(tmp.c_str(), file.c_str()) != 0) throw std::runtime_error(file + ": cannot write");
    std::printf("wrote %s: %zu layers, %d samples, %zu steps\n", file.c_str(), net.layers.size(), samples,
                ref.total_steps());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr,
                     "usage: stem_driver LIB STIMULUS [--repeat N] [--spikes OUT] [--coverage DIR]\n"
                     "       stem_driver LIB --generate STIMULUS [--seed S] [--samples N] [--layers L]\n");
        return 2;
    }
    try {
        ShimLib lib(argv[1]);
        std::string stim, gen, spikes;
        int repeat = 1, samples = 20, layers = 3;
        uint64_t seed = 1;
        for (int k = 2; k < argc; ++k) {
            const std::string a = argv[k];
            auto next = [&]() -> std::string {
                if (k + 1 >= argc) throw std::runtime_error(a + " needs a value");
                return argv[++k];
            };
            auto number = [&](const std::string& v, long lo, long hi) {
                char* end = nullptr;
                const long x = std::strtol(v.c_str(), &end, 10);
                if (v.empty() || *end != '\0' || x < lo || x > hi) {
                    throw std::runtime_error(a + " " + v + " is not a number in " + std::to_string(lo) + ".." + std::to_string(hi));
                }
                return x;
            };
            if (a == "--repeat") {
                repeat = int(number(next(), 1, 1000000));
            } else if (a == "--spikes") {
                spikes = next();
            } else if (a == "--coverage") {
                Coverage::set_dir(next());
            } else if (a == "--generate") {
                gen = next();
            } else if (a == "--seed") {
                seed = uint64_t(number(next(), 0, 0x7FFFFFFF));
            } else if (a == "--samples") {
                samples = int(number(next(), 1, 1000000));
            } else if (a == "--layers") {
                layers = int(number(next(), 1, 256));
            } else if (stim.empty() && a.rfind("--", 0) != 0) {
                stim = a;
            } else {
                throw std::runtime_error("unknown argument " + a);
            }
        }
        if (!gen.empty()) return generate(lib, gen, seed, samples, layers);
        if (stim.empty()) throw std::runtime_error("no stimulus file");
        return run(lib, stim, repeat, spikes);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "stem_driver: %s\n", e.what());
        return 1;
    }
}
