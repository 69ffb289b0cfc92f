// GEORUNE_ASSERT(cond, msg): an invariant of the code. False means a bug, never bad input (bad
// input is a Status). Checked when the build defines GEORUNE_ASSERTS=1 (CMake option
// GEORUNE_ASSERTS, on by default in Debug builds such as the debug-asan preset); otherwise the
// condition is compiled but not evaluated, so it costs nothing and cannot rot. A failure prints
// file:line, the condition and msg to stderr and aborts.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace georune::internal {

[[noreturn]] inline void AssertFailed(const char* file, int line, const char* condition, const char* msg) {
  std::fprintf(stderr, "%s:%d: GEORUNE_ASSERT(%s) failed: %s\n", file, line, condition, msg);
  std::abort();
}

}  // namespace georune::internal

#if defined(GEORUNE_ASSERTS) && GEORUNE_ASSERTS
#define GEORUNE_ASSERT(cond, msg) \
  (static_cast<bool>(cond) ? void(0) : ::georune::internal::AssertFailed(__FILE__, __LINE__, #cond, msg))
#else
#define GEORUNE_ASSERT(cond, msg) static_cast<void>(sizeof(static_cast<bool>(cond)))
#endif
