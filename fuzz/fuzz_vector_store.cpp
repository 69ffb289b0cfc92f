// The vector store loader on arbitrary bytes; a store that loads is searched once.
#include <cstdint>

#include "fuzz_support.h"
#include "georune/vector/store.h"

using namespace georune;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::Folder("vectors") + "/vectors.grvs";
  fuzz::Write(path, std::string_view(reinterpret_cast<const char*>(data), size));
  auto store = vector::VectorStore::Load(path);
  if (!store.ok()) return 0;
  for (const auto& name : store->Names()) {
    const vector::Collection* c = store->Find(name);
    if (!c || c->dim() == 0 || c->dim() > 4096) continue;
    std::vector<float> q(static_cast<size_t>(c->dim()), 0.5f);
    (void)c->SearchFlat(q.data(), 3);
    (void)c->SearchHnsw(q.data(), 3);
  }
  return 0;
}
