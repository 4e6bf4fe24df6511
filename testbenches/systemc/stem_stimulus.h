// stem_stimulus.h: the "stem-stimulus 1" file (a run of the mesh as host-port traffic) and its
// reader, shared by the C++ driver (testbenches/stem_driver.cpp) and the SystemC testbench
// (testbenches/systemc). Header-only, standard C++17, no dependency on SystemC, Verilator or
// the shim. It sits in testbenches/systemc/ so the SystemC build (build.sh copies and hashes
// that folder) and the stemsim binary's SystemC sources include it; the driver includes it as
// "systemc/stem_stimulus.h" (its compile line has -I testbenches).
//
// Format (text; docs/systemc.md, docs/rtl.md): one command per line, '#' starts a comment,
// numbers in hexadecimal without "0x" unless noted.
//   stem-stimulus 1                     the first line
//   param <name> <decimal>              optional; the user checks it against the build
//                                       (time_steps weight_bits acc_bits saturate num_neurons
//                                        num_axons max_fanout mesh_x mesh_y fifo_depth)
//   config <flit>...                    configuration flits through the host port
//   backdoor <tile> <addr> <data>       one debug-port write (tile decimal, addr 22 bits)
//   start                               start() (exactly once, after all configuration)
//   step [<flit>...]                    one time step with these host flits (possibly none)
#ifndef STEM_STIMULUS_H
#define STEM_STIMULUS_H

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "stem_hw_interface.h"  // the address width (generated from rtl/stem_interface.json)

namespace stemstim {

/// The names a `param` line may use (space-separated, for messages).
inline constexpr const char kParamNames[] =
    "time_steps weight_bits acc_bits saturate num_neurons num_axons max_fanout mesh_x mesh_y fifo_depth";

/// One configuration item, in file order: a flit through the host port, or (backdoor) one
/// debug-port write.
struct ConfigItem {
    bool backdoor = false;
    uint64_t flit = 0;                         // a configuration flit through the host port
    uint32_t tile = 0, address = 0, data = 0;  // or one debug-port write
};

/// A stimulus file as read.
struct Stimulus {
    std::string file;                                             // the path it was read from
    std::vector<std::pair<std::string, uint64_t>> params;         // in file order, unchecked
    std::vector<ConfigItem> config;                               // in file order
    bool start = false;                                           // the file has its 'start' line
    std::vector<std::vector<uint64_t>> steps;                     // the host flits of every step
};

/// A stimulus file that cannot be read or is invalid; the message names the file (and the
/// line: "file:line: message").
struct StimulusError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

namespace detail {

[[noreturn]] inline void bad_line(const std::string& file, size_t line, const std::string& msg) {
    throw StimulusError(file + ":" + std::to_string(line) + ": " + msg);
}

inline uint64_t parse_hex(const std::string& file, size_t line, const std::string& tok, const char* what,
                          uint64_t max) {
    if (tok.empty() || tok.size() > 16 || tok.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        bad_line(file, line, std::string(what) + " '" + tok + "' is not a hexadecimal number");
    }
    const uint64_t v = std::stoull(tok, nullptr, 16);
    if (v > max) {
        char range[24];
        std::snprintf(range, sizeof range, "%llx", static_cast<unsigned long long>(max));
        bad_line(file, line, std::string(what) + " 0x" + tok + " is out of range 0..0x" + range);
    }
    return v;
}

inline uint64_t parse_dec(const std::string& file, size_t line, const std::string& tok, const char* what,
                          uint64_t max) {
    if (tok.empty() || tok.size() > 19 || tok.find_first_not_of("0123456789") != std::string::npos) {
        bad_line(file, line, std::string(what) + " '" + tok + "' is not a decimal number");
    }
    const uint64_t v = std::stoull(tok);  // at most 19 digits: fits
    if (v > max) bad_line(file, line, std::string(what) + " " + tok + " is out of range 0.." + std::to_string(max));
    return v;
}

}  // namespace detail

/// Reads a stimulus file. Throws StimulusError ("file: cannot open: ...", "file:line: ...",
/// "file: empty ...", "file: no 'start' line"); the parameters are not checked against a build.
inline Stimulus read_stimulus(const std::string& file) {
    using detail::bad_line;
    using detail::parse_dec;
    using detail::parse_hex;
    std::ifstream in(file);
    if (!in) throw StimulusError(file + ": cannot open: " + std::strerror(errno));
    Stimulus s;
    s.file = file;
    std::string text;
    size_t line = 0;
    bool header = false;
    while (std::getline(in, text)) {
        ++line;
        const size_t hash = text.find('#');
        if (hash != std::string::npos) text.resize(hash);
        std::istringstream ls(text);
        std::vector<std::string> tok;
        for (std::string t; ls >> t;) tok.push_back(t);
        if (tok.empty()) continue;
        if (!header) {
            if (tok.size() != 2 || tok[0] != "stem-stimulus" || tok[1] != "1") {
                bad_line(file, line, "the first line must be 'stem-stimulus 1'");
            }
            header = true;
            continue;
        }
        const std::string& cmd = tok[0];
        if (cmd == "param") {
            if (tok.size() != 3) bad_line(file, line, "param takes a name and a value");
            s.params.emplace_back(tok[1], parse_dec(file, line, tok[2], "param value", UINT64_MAX));
        } else if (cmd == "config") {
            if (s.start) bad_line(file, line, "config after start");
            for (size_t k = 1; k < tok.size(); ++k) {
                ConfigItem c;
                c.flit = parse_hex(file, line, tok[k], "flit", UINT64_MAX);
                s.config.push_back(c);
            }
        } else if (cmd == "backdoor") {
            if (s.start) bad_line(file, line, "backdoor after start");
            if (tok.size() != 4) bad_line(file, line, "backdoor takes a tile, an address and data");
            ConfigItem c;
            c.backdoor = true;
            c.tile = uint32_t(parse_dec(file, line, tok[1], "tile", UINT32_MAX));
            c.address = uint32_t(parse_hex(file, line, tok[2], "address", STEM_CFG_ADDR_MASK));
            c.data = uint32_t(parse_hex(file, line, tok[3], "data", 0xFFFFFFFF));
            s.config.push_back(c);
        } else if (cmd == "start") {
            if (tok.size() != 1) bad_line(file, line, "start takes no arguments");
            if (s.start) bad_line(file, line, "a second start");
            s.start = true;
        } else if (cmd == "step") {
            if (!s.start) bad_line(file, line, "step before start");
            std::vector<uint64_t> flits;
            for (size_t k = 1; k < tok.size(); ++k) flits.push_back(parse_hex(file, line, tok[k], "flit", UINT64_MAX));
            s.steps.push_back(std::move(flits));
        } else {
            bad_line(file, line, "unknown command '" + cmd + "' (allowed: param, config, backdoor, start, step)");
        }
    }
    if (in.bad()) throw StimulusError(file + ": cannot read: " + std::strerror(errno));
    if (!header) throw StimulusError(file + ": empty (expected 'stem-stimulus 1')");
    if (!s.start) throw StimulusError(file + ": no 'start' line");
    return s;
}

}  // namespace stemstim

#endif  // STEM_STIMULUS_H
