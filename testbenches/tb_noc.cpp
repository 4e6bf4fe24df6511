// tb_noc.cpp: scoreboard runs of the bare NoC (stem_noc model libraries) through stem_noc_api.
//
//   tb_noc LIB [LIB ...] [--long] [--table] [--quick] [--coverage DIR]
//
// For each library: uniform, transpose and hotspot traffic at rates from near zero to beyond
// saturation, with and without random sink backpressure; every run must report zero
// misrouted, duplicated, reordered and lost flits. At a very low rate the mean network latency
// must match the zero-load latency of this router (hops + 1 cycles, averaged over the
// pattern's source/destination pairs); accepted throughput must follow the offered load below
// saturation. --long adds long runs (10^6 measured cycles near saturation, 20% sink
// backpressure, on the first library); --table prints
// latency and throughput for every run. --quick runs only the rates 0.005 and 0.5 (for slow
// coverage builds, scripts/coverage.sh). --coverage DIR (coverage builds, scripts/coverage.sh):
// every NoC writes its coverage there.

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "stem_tb_helpers.h"
#include "stem_tb_loader.h"

using namespace stemtb;

namespace {

Checker chk;

/// Mean hop count of the pattern's flits (for the zero-load latency).
double mean_hops(unsigned X, unsigned Y, uint32_t pattern) {
    const unsigned N = X * Y;
    auto hops = [&](unsigned a, unsigned b) {
        return double(std::abs(int(a % X) - int(b % X)) + std::abs(int(a / X) - int(b / X)));
    };
    double sum = 0, weight = 0;
    for (unsigned s = 0; s < N; ++s) {
        if (pattern == STEM_NOC_TRANSPOSE) {
            const unsigned x = s % X, y = s / X;
            if (x == y || y >= X || x >= Y) continue;
            sum += hops(s, x * X + y);
            weight += 1;
            continue;
        }
        double uni = 0;
        for (unsigned d = 0; d < N; ++d) {
            if (d != s) uni += hops(s, d);
        }
        uni /= double(N - 1);
        if (pattern == STEM_NOC_UNIFORM) {
            sum += uni;
        } else {
            const unsigned hot = (Y / 2) * X + X / 2;
            sum += (s == hot) ? uni : 0.5 * hops(s, hot) + 0.5 * uni;
        }
        weight += 1;
    }
    return sum / weight;
}

const char* pattern_name(uint32_t p) {
    return p == STEM_NOC_UNIFORM ? "uniform" : (p == STEM_NOC_TRANSPOSE ? "transpose" : "hotspot");
}

stem_noc_result run(const ShimLib& lib, stem_noc* n, uint32_t pattern, double rate, uint64_t measure,
                    uint32_t bp, uint64_t seed, bool table) {
    stem_noc_run spec{};
    spec.pattern = pattern;
    spec.rate = rate;
    spec.warmup_cycles = 1000;
    spec.measure_cycles = measure;
    spec.drain_cycles = measure > 100000 ? 3000000 : 2000000;
    spec.sink_backpressure_permille = bp;
    spec.seed = seed;
    stem_noc_result r{};
    const int st = lib.noc->run(n, &spec, &r);
    char ctx[160];
    std::snprintf(ctx, sizeof ctx, "%s rate %.3f backpressure %u seed %llu", pattern_name(pattern), rate, bp,
                  (unsigned long long)seed);
    chk.context = ctx;
    chk.eq(st, STEM_OK, std::string("run: ") + lib.noc->last_error(n));
    chk.eq(r.misrouted, 0u, "misrouted");
    chk.eq(r.duplicated, 0u, "duplicated");
    chk.eq(r.reordered, 0u, "reordered");
    chk.eq(r.lost, 0u, "lost");
    chk.eq(r.delivered, r.generated, "every measured flit delivered");
    if (table) {
        std::printf("  %-9s rate %.3f bp %3u: generated %7llu injected %7llu delivered %7llu accepted %.4f "
                    "latency %.2f (network %.2f, max %llu)\n",
                    pattern_name(pattern), rate, bp, (unsigned long long)r.generated,
                    (unsigned long long)r.offered, (unsigned long long)r.delivered, r.accepted_rate,
                    r.mean_latency, r.mean_network_latency, (unsigned long long)r.max_latency);
    }
    return r;
}

void test_library(const ShimLib& lib, bool table, bool long_runs, bool quick) {
    if (!lib.noc) throw std::runtime_error(lib.path + " is not a stem_noc library");
    stem_noc* n = nullptr;
    if (lib.noc->create(&n) != STEM_OK) throw std::runtime_error(std::string("create: ") + lib.noc->create_error());
    stem_params p{};
    lib.noc->get_params(n, &p);
    std::printf("stem_noc %ux%u, FIFO depth %u\n", p.mesh_x, p.mesh_y, p.fifo_depth);
    const double rates[] = {0.005, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0};
    for (uint32_t pattern = 0; pattern < 3; ++pattern) {
        for (uint32_t bp : {0u, 300u}) {
            for (double rate : rates) {
                if (quick && rate != 0.005 && rate != 0.5) continue;
                // Beyond saturation the measured flits pile up in the source queues; a shorter
                // measurement keeps the drain short.
                const uint64_t measure = rate > 0.3 ? 3000 : 10000;
                const stem_noc_result r = run(lib, n, pattern, rate, measure, bp, 11 + uint64_t(rate * 1000) + bp, table);
                if (rate == 0.005 && bp == 0) {
                    // Zero load: every flit sees an empty network: hops + 1 cycles.
                    const double t0 = mean_hops(p.mesh_x, p.mesh_y, pattern) + 1.0;
                    chk.expect(std::fabs(r.mean_network_latency - t0) < 0.05 * t0 + 0.1,
                               "zero-load network latency " + std::to_string(r.mean_network_latency) +
                                   " vs hops + 1 = " + std::to_string(t0));
                }
                if (rate <= 0.1 && bp == 0 && pattern != STEM_NOC_HOTSPOT) {
                    // Far below saturation the network accepts what is offered.
                    const double senders = pattern == STEM_NOC_TRANSPOSE ? 0.0 : 1.0;
                    if (senders > 0) {
                        chk.expect(std::fabs(r.accepted_rate - rate) < 0.1 * rate + 0.003,
                                   "accepted " + std::to_string(r.accepted_rate) + " vs offered " + std::to_string(rate));
                    }
                }
            }
        }
    }
    // Errors are reported, not crashed on.
    stem_noc_run bad{};
    bad.rate = 2.0;
    bad.measure_cycles = 10;
    stem_noc_result r{};
    chk.context = "argument errors";
    chk.eq(lib.noc->run(n, &bad, &r), STEM_E_ARGUMENT, "rate 2.0");
    chk.expect(std::strstr(lib.noc->last_error(n), "rate") != nullptr, "message names the rate");
    chk.eq(lib.noc->run(nullptr, &bad, &r), STEM_E_HANDLE, "NULL handle");
    chk.eq(lib.noc->coverage_write(nullptr, "/tmp/x.dat"), STEM_E_HANDLE, "coverage_write(NULL)");
    if (Coverage::dir().empty()) {
        chk.eq(lib.noc->coverage_write(n, "/tmp/x.dat"), STEM_E_STATE, "coverage_write without coverage");
        chk.expect(std::strstr(lib.noc->last_error(n), "without coverage") != nullptr, "message says so");
    } else {
        chk.eq(lib.noc->coverage_write(n, "/nonexistent/x.dat"), STEM_E_IO, "coverage_write to an unwritable path");
    }
    if (long_runs) {
        // 10^6 measured cycles near saturation with 20% sink backpressure.
        const double near_saturation[3] = {0.5, 0.3, 0.1};
        for (uint32_t pattern = 0; pattern < 3; ++pattern) {
            run(lib, n, pattern, near_saturation[pattern], 1000000, 200, 99 + pattern, table);
        }
    }
    Coverage::write(lib.noc, n);
    lib.noc->destroy(n);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> libs;
    bool table = false, long_runs = false, quick = false;
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--table") {
            table = true;
        } else if (a == "--long") {
            long_runs = true;
        } else if (a == "--quick") {
            quick = true;
        } else if (a == "--coverage" && k + 1 < argc) {
            try {
                Coverage::set_dir(argv[++k]);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "tb_noc: %s\n", e.what());
                return 2;
            }
        } else {
            libs.push_back(a);
        }
    }
    if (libs.empty()) {
        std::fprintf(stderr, "usage: tb_noc LIB [LIB ...] [--long] [--table] [--quick] [--coverage DIR]\n");
        return 2;
    }
    try {
        for (size_t k = 0; k < libs.size(); ++k) {
            ShimLib lib(libs[k]);
            test_library(lib, table, long_runs && k == 0, quick);
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
