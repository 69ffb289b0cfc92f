// The knowledge-base loader: the input is the MANIFEST, the records file and the vectors file
// of one build (separated by "\n--8<--\n"), written under the names the seed's manifest uses.
#include <cstdint>

#include "fuzz_support.h"
#include "georune/rag/knowledge_base.h"

using namespace georune;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 3);
  const std::string dir = fuzz::Folder("kb");
  // The files take the names of the build the manifest names (its "build_id").
  std::string id = "0000000000000000";
  constexpr std::string_view kKey = "\"build_id\": \"";
  if (size_t at = parts[0].find(kKey); at != std::string_view::npos && at + kKey.size() + 16 <= parts[0].size())
    id = std::string(parts[0].substr(at + kKey.size(), 16));
  if (id.find('/') != std::string::npos || id.find('\0') != std::string::npos) return 0;
  const std::string names[3] = {"MANIFEST", "kb-" + id + ".grkb", "vectors-" + id + ".grvs"};
  for (size_t i = 0; i < parts.size(); ++i) fuzz::Write(dir + "/" + names[i], parts[i]);
  auto kb = rag::KnowledgeBase::Load(dir);
  if (kb.ok()) (void)kb->RecordIndex("x");
  return 0;
}
