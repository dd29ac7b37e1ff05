#include "dpa/libpq_library.h"

#include <dlfcn.h>

#include <string>

#include <fmt/format.h>

#include "dpa/error.h"

namespace dpa::pg {
namespace {

// The soname libpq has had since PostgreSQL 8.0; Debian's libpq5 package.
constexpr const char* kLibraryName = "libpq.so.5";

LibPq load() {
  // RTLD_LOCAL: its symbols serve only these pointers. It stays loaded
  // until the process ends, as a linked library would.
  void* handle = ::dlopen(kLibraryName, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    throw WorkspaceError(fmt::format("PostgreSQL needs {} (Debian package libpq5), which cannot be loaded: {}",
                                     kLibraryName, why ? why : "unknown error"));
  }
  LibPq lib;
  std::string missing;
#define DPA_LIBPQ_FUNCTION(name)                                                   \
  lib.name = reinterpret_cast<decltype(lib.name)>(::dlsym(handle, #name));         \
  if (!lib.name) missing += missing.empty() ? #name : ", " #name;
#include "dpa/libpq_functions.inc"
#undef DPA_LIBPQ_FUNCTION
  if (!missing.empty()) {
    ::dlclose(handle);
    throw WorkspaceError(fmt::format("{} is too old for dpa: it lacks {}", kLibraryName, missing));
  }
  return lib;
}

}  // namespace

const LibPq& libpq() {
  // A failed load throws out of the initializer, and the next call tries again.
  static const LibPq lib = load();
  return lib;
}

}  // namespace dpa::pg
