// The ingest readers on arbitrary bytes: the first byte picks the reader, the rest is the file.
// Built once per reader (GEORUNE_FUZZ_READER) so that each has its own corpus.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "georune/ingest/readers.h"

using namespace georune;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  ingest::ReadOptions opt;
  opt.threads = 1;
  opt.image_width = 1024;
  opt.image_height = 1024;
  opt.max_record_bytes = 1 << 20;
  const Ontology& ontology = Ontology::Default();
  const std::string dir = fuzz::Folder("in");
#if GEORUNE_FUZZ_READER == 0
  fuzz::Write(dir + "/P0001.txt", in);
  (void)ingest::ReadDotaLabelDir(dir, ontology, opt);
#elif GEORUNE_FUZZ_READER == 1
  fuzz::Write(dir + "/Task1_plane.txt", in);
  (void)ingest::ReadDotaTask1Dir(dir, ontology, opt);
#elif GEORUNE_FUZZ_READER == 2
  fuzz::Write(dir + "/in.jsonl", in);
  (void)ingest::ReadJsonLines(dir + "/in.jsonl", ontology, opt);
#elif GEORUNE_FUZZ_READER == 3
  // Labels, then optionally a names yaml after the separator.
  auto parts = fuzz::Parts(in, 2);
  fuzz::Write(dir + "/a.txt", parts[0]);
  if (parts.size() > 1) {
    fuzz::Write(dir + "/data.yaml", parts[1]);
    opt.yolo_names = dir + "/data.yaml";
  } else {
    opt.yolo_names = "";
  }
  (void)ingest::ReadYoloObbDir(dir, ontology, opt);
#else
  fuzz::Write(dir + "/a.xml", in);
  (void)ingest::ReadVocDir(dir, ontology, opt);
#endif
  return 0;
}
