// The logic parser and binder (and the canonical printer on what binds) on arbitrary text.
#include <cstdint>
#include <string_view>

#include "georune/logic/bound.h"

using namespace georune;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto bound = logic::ParseAndBind(text, Ontology::Default());
  if (bound.ok()) {
    // The canonical print must bind again.
    auto again = logic::ParseAndBind(logic::Print(*bound), Ontology::Default());
    if (!again.ok()) __builtin_trap();
  }
  return 0;
}
