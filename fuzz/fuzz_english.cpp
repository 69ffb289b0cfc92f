// The built-in English translator on arbitrary text: every translation it returns must bind.
#include <cstdint>
#include <string_view>

#include "georune/logic/bound.h"
#include "georune/nl/translator.h"

using namespace georune;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto translator = [] {
    nl::TranslatorConfig c;
    c.use_wordnet = false;  // no files needed; the grammar is what is fuzzed
    return nl::MakeTranslator(c).value();
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = translator->Translate(text, Ontology::Default());
  if (t.ok() && !logic::ParseAndBind(t->formula, Ontology::Default()).ok()) __builtin_trap();
  return 0;
}
