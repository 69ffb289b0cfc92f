// GEOS loaded on first use (geos_library.h).
#include "geos_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace georune::geos {

#define GEORUNE_GEOS_DEFINE(name) decltype(&::name) name = nullptr;  // NOLINT(bugprone-macro-parentheses): a name
GEORUNE_GEOS_FUNCTIONS(GEORUNE_GEOS_DEFINE)
#undef GEORUNE_GEOS_DEFINE

namespace {

constexpr const char* kHint =
    "\n  hint: polygon entities need GEOS's C library; on Debian: apt-get install libgeos-c1v5";

Status Open() {
  const char* env = std::getenv("GEORUNE_GEOS_LIBRARY");
  const std::string file = env && *env ? env : "libgeos_c.so.1";
  void* lib = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    return Status::Unavailable("cannot load GEOS (" + file + "): " + (why ? why : "unknown error") + kHint);
  }
  // Every symbol first, assigned only when all are found: a partial table is never visible.
  std::string missing;
#define GEORUNE_GEOS_FIND(name)       \
  void* p_##name = dlsym(lib, #name); \
  if (!p_##name) missing += std::string(missing.empty() ? "" : ", ") + #name;
  GEORUNE_GEOS_FUNCTIONS(GEORUNE_GEOS_FIND)
#undef GEORUNE_GEOS_FIND
  if (!missing.empty())
    return Status::Unavailable("GEOS (" + file + ") lacks " + missing + " (GEOS 3.10 or later is needed)" + kHint);
#define GEORUNE_GEOS_BIND(name) name = reinterpret_cast<decltype(name)>(p_##name);
  GEORUNE_GEOS_FUNCTIONS(GEORUNE_GEOS_BIND)
#undef GEORUNE_GEOS_BIND
  return Status::Ok();  // the library stays open for the life of the process
}

}  // namespace

Status Load() {
  static std::once_flag once;
  static Status status;
  std::call_once(once, [] { status = Open(); });
  return status;
}

}  // namespace georune::geos
