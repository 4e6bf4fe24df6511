// stem_tb_loader.h: loading a model library in the C++ testbenches and the driver.
//  - ShimLib: dlopens a model library (RTLD_LOCAL) and checks its ABI version.
//  - must: turns a shim status into an exception naming the call and the shim's message.
//  - Coverage: with --coverage DIR (coverage builds, scripts/coverage.sh) every model writes
//    what it counted to DIR/<pid>-<n>.dat before it is destroyed (coverage_write).
#ifndef STEM_TB_LOADER_H
#define STEM_TB_LOADER_H

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "stem_shim.h"

namespace stemtb {

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

inline void must(const stem_shim_api* api, stem_model* m, int st, const char* what) {
    if (st != STEM_OK) {
        throw std::runtime_error(std::string(what) + " failed (" + std::to_string(st) +
                                 "): " + api->last_error(m));
    }
}

/// Where models write their coverage (empty: they do not) and how many writes failed.
struct Coverage {
    static std::string& dir() {
        static std::string d;
        return d;
    }
    static int& failures() {
        static int n = 0;
        return n;
    }
    /// Sets the folder; it must exist (checked up front, before any model runs).
    static void set_dir(const std::string& d) {
        struct stat st {};
        if (d.empty() || ::stat(d.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            throw std::runtime_error("--coverage " + d + ": not an existing folder");
        }
        dir() = d;
    }
    /// Writes the coverage of model h (api: a stem_shim_api or stem_noc_api) to a new file in
    /// dir(); a failure is printed and counted (callers run this from destructors).
    template <typename Api, typename Handle>
    static void write(const Api* api, Handle* h) {
        if (dir().empty()) return;
        static int serial = 0;
        const std::string path = dir() + "/" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".dat";
        if (api->coverage_write(h, path.c_str()) != STEM_OK) {
            std::fprintf(stderr, "coverage_write %s: %s\n", path.c_str(), api->last_error(h));
            ++failures();
        }
    }
};

}  // namespace stemtb

#endif  // STEM_TB_LOADER_H
