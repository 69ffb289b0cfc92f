// The LLM reply parser and error-message extraction on arbitrary bytes.
#include <cstdint>
#include <string_view>

#include "georune/llm/chat_client.h"

using namespace georune;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto r = llm::ParseResponseBody(body);
  if (r.ok() && r->choices.empty()) __builtin_trap();  // success means at least one choice
  (void)llm::ErrorMessageFromBody(body);
  return 0;
}
