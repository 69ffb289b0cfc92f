// The archive loader: the input is a MANIFEST and one segment (separated by "\n--8<--\n");
// Open, then every image's check and entities, the class index and the stats.
#include <cstdint>

#include "fuzz_support.h"
#include "georune/archive/archive.h"

using namespace georune;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::Parts(std::string_view(reinterpret_cast<const char*>(data), size), 2);
  const std::string dir = fuzz::Folder("archive");
  fuzz::Write(dir + "/MANIFEST", parts[0]);
  if (parts.size() > 1) fuzz::Write(dir + "/seg-000001.grs", parts[1]);
  auto a = Archive::Open(dir);
  if (!a.ok()) return 0;
  const Archive& ar = **a;
  double sink = 0;
  for (uint32_t i = 0; i < ar.ImageCount(); ++i) {
    sink += ar.ImageId(i).size() + ar.ImagePath(i).size() + ar.Width(i);
    if (!ar.CheckImage(i).ok()) continue;
    EntitySpan s = ar.Entities(i);
    for (uint32_t k = 0; k < s.count; ++k) sink += s.class_id[k] + s.score[k] + s.corners[8 * k];
  }
  for (int c = 0; c < ar.ontology().ClassCount(); ++c) sink += ar.ImagesWithClass(c).cardinality();
  (void)ar.Stats();
  return sink == 0.5 ? 1 : 0;
}
