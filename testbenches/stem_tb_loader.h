// stem_tb_loader.h: loading a model library in the C++ testbenches and the driver.
//  - ShimLib: dlopens a model library (RTLD_LOCAL) and checks its ABI version.
//  - must: turns a shim status into an exception naming the call and the shim's message.
#ifndef STEM_TB_LOADER_H
#define STEM_TB_LOADER_H

#include <dlfcn.h>

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

}  // namespace stemtb

#endif  // STEM_TB_LOADER_H
