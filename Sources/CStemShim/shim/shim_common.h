// shim_common.h: helpers shared by the two shims (stem_shim.cpp for the stem_mesh top,
// stem_noc_shim.cpp for the stem_noc top): the handle registry, the message helpers, a small
// deterministic random number generator, and bit access into Verilated ports of any width.
//
// Everything here has internal linkage (static / anonymous namespace) but stem_vl_printf,
// which Verilator's runtime calls; a model library exports only its entry point (stem_shim_v1
// or stem_noc_v1): it is built with hidden visibility.
#ifndef STEM_SHIM_COMMON_H
#define STEM_SHIM_COMMON_H

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_set>

#include "verilated.h"

// STEM_COVERAGE: 1 in coverage builds (ModelParameters.coverage: Verilator --coverage-line
// --coverage-toggle --coverage-user), which compile Verilator's coverage runtime in.
#ifndef STEM_COVERAGE
#define STEM_COVERAGE 0
#endif
#if STEM_COVERAGE
#include <fstream>

#include "verilated_cov.h"
#endif

#define STEM_EXPORT extern "C"

namespace {

/// The live handles of one kind. A handle is valid from create() until destroy(); a NULL,
/// destroyed or foreign pointer (for example one from another model library) is not in the set.
/// Each loaded library has its own registry, so handles never cross libraries.
class HandleRegistry {
public:
    void insert(const void* p) {
        std::lock_guard<std::mutex> lock(mu_);
        live_.insert(p);
    }
    void erase(const void* p) {
        std::lock_guard<std::mutex> lock(mu_);
        live_.erase(p);
    }
    bool contains(const void* p) {
        if (p == nullptr) return false;
        std::lock_guard<std::mutex> lock(mu_);
        return live_.count(p) != 0;
    }

private:
    std::mutex mu_;
    std::unordered_set<const void*> live_;
};

/// printf-style formatting into a std::string.
__attribute__((format(printf, 1, 2))) inline std::string strprintf(const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return std::string("(formatting error)");
    if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
    std::string s(static_cast<size_t>(n) + 1, '\0');
    va_start(ap, fmt);
    std::vsnprintf(&s[0], s.size(), fmt, ap);
    va_end(ap);
    s.resize(static_cast<size_t>(n));
    return s;
}

/// What the Verilated model printed (an assertion's message, `$display`) since the last
/// take_verilator_output() on this thread. Model libraries are compiled with
/// `-DVL_PRINTF=stem_vl_printf` (ModelBuilder), so Verilator's output comes here rather than to
/// stdout, which may be a spike record. Kept to kVerilatorOutputLimit bytes.
constexpr std::size_t kVerilatorOutputLimit = 16384;
thread_local std::string t_verilator_output;

/// Returns and clears this thread's collected Verilator output.
inline std::string take_verilator_output() {
    std::string text;
    text.swap(t_verilator_output);
    return text;
}

/// The message of a failed assertion from Verilator's output: its `%Error: ... Assertion
/// failed in <instance>: <message>` lines (with the time in brackets), without the `Verilog
/// $stop` line that follows each.
inline std::string assertion_message(const std::string& output) {
    std::string message;
    std::size_t start = 0;
    while (start < output.size()) {
        std::size_t end = output.find('\n', start);
        if (end == std::string::npos) end = output.size();
        const std::string line = output.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line.find("Verilog $stop") != std::string::npos) continue;
        if (!message.empty()) message += "; ";
        message += line;
    }
    return message.empty() ? std::string("(Verilator printed no message)") : message;
}

/// xoshiro256** seeded through splitmix64: deterministic for a seed, fast, good enough for
/// traffic generation and backpressure.
class Rng {
public:
    explicit Rng(uint64_t seed = 0) { reseed(seed); }
    void reseed(uint64_t seed) {
        uint64_t x = seed;
        for (auto& w : s_) {
            x += 0x9E3779B97F4A7C15ull;
            uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            w = z ^ (z >> 31);
        }
    }
    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    /// Uniform in [0, n).
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
    /// True with probability p (0..1).
    bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
    /// True with probability permille / 1000.
    bool permille(uint32_t pm) { return below(1000) < pm; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

// Bit access into Verilated ports: CData/SData/IData/QData for up to 64 bits, VlWide above.
template <typename T>
inline uint32_t port_bits(const T& v, unsigned lsb, unsigned width) {
    const uint64_t x = static_cast<uint64_t>(v) >> lsb;
    return static_cast<uint32_t>(width >= 32 ? x : (x & ((1ull << width) - 1)));
}

template <std::size_t N>
inline uint32_t port_bits(const VlWide<N>& v, unsigned lsb, unsigned width) {
    uint64_t x = v[lsb / 32] >> (lsb % 32);
    if (lsb % 32 + width > 32 && lsb / 32 + 1 < N) {
        x |= static_cast<uint64_t>(v[lsb / 32 + 1]) << (32 - lsb % 32);
    }
    return static_cast<uint32_t>(width >= 32 ? x : (x & ((1ull << width) - 1)));
}

template <typename T>
inline bool port_any(const T& v) { return v != 0; }

template <std::size_t N>
inline bool port_any(const VlWide<N>& v) {
    for (std::size_t i = 0; i < N; ++i) {
        if (v[i] != 0) return true;
    }
    return false;
}

template <typename T>
inline void port_set_bit(T& v, unsigned bit, bool value) {
    if (value) {
        v = static_cast<T>(v | (static_cast<T>(1) << bit));
    } else {
        v = static_cast<T>(v & ~(static_cast<T>(1) << bit));
    }
}

template <std::size_t N>
inline void port_set_bit(VlWide<N>& v, unsigned bit, bool value) {
    if (value) {
        v[bit / 32] |= (1u << (bit % 32));
    } else {
        v[bit / 32] &= ~(1u << (bit % 32));
    }
}

template <typename T>
inline void port_set_u64(T& v, unsigned lsb, uint64_t value) {
    // Only used for 64-bit-aligned 64-bit fields.
    v = static_cast<T>(value << lsb);
}

template <std::size_t N>
inline void port_set_u64(VlWide<N>& v, unsigned lsb, uint64_t value) {
    v[lsb / 32] = static_cast<uint32_t>(value);
    v[lsb / 32 + 1] = static_cast<uint32_t>(value >> 32);
}

template <typename T>
inline uint64_t port_get_u64(const T& v, unsigned lsb) {
    return static_cast<uint64_t>(v) >> lsb;
}

template <std::size_t N>
inline uint64_t port_get_u64(const VlWide<N>& v, unsigned lsb) {
    return static_cast<uint64_t>(v[lsb / 32]) | (static_cast<uint64_t>(v[lsb / 32 + 1]) << 32);
}

/// Writes the coverage counted in ctx (its models' line, toggle and cover points) to path.
/// Returns a stem_status; on failure *error holds the message (`what` names the call).
inline int write_coverage(VerilatedContext* ctx, const char* path, const char* what,
                          std::string* error) {
#if STEM_COVERAGE
    if (path == nullptr || *path == '\0') {
        *error = std::string(what) + ": path is empty";
        return STEM_E_ARGUMENT;
    }
    {
        // Verilator's writer stops the process on a file it cannot open; check first.
        std::ofstream probe(path);
        if (probe.fail()) {
            *error = strprintf("%s: cannot open %s for writing", what, path);
            return STEM_E_IO;
        }
    }
    ctx->coveragep()->write(path);
    return STEM_OK;
#else
    (void)ctx;
    (void)path;
    *error = std::string(what) +
             ": this model library was built without coverage (build it with "
             "ModelParameters.coverage, scripts/build-model.sh --coverage)";
    return STEM_E_STATE;
#endif
}

}  // namespace

/// Verilator's VL_PRINTF in model libraries (see t_verilator_output). Not in the anonymous
/// namespace: Verilator's runtime (verilated.cpp) calls it. The library's hidden visibility
/// keeps it to the library.
int stem_vl_printf(const char* format, ...) {
    va_list ap;
    va_start(ap, format);
    const std::string text = [&] {
        char buf[1024];
        va_list copy;
        va_copy(copy, ap);
        const int n = std::vsnprintf(buf, sizeof buf, format, copy);
        va_end(copy);
        if (n < 0) return std::string("(formatting error)");
        if (static_cast<std::size_t>(n) < sizeof buf) return std::string(buf, static_cast<std::size_t>(n));
        std::string s(static_cast<std::size_t>(n) + 1, '\0');
        std::vsnprintf(&s[0], s.size(), format, ap);
        s.resize(static_cast<std::size_t>(n));
        return s;
    }();
    va_end(ap);
    if (t_verilator_output.size() < kVerilatorOutputLimit) {
        t_verilator_output.append(text, 0, kVerilatorOutputLimit - t_verilator_output.size());
    }
    return static_cast<int>(text.size());
}

#endif  // STEM_SHIM_COMMON_H
