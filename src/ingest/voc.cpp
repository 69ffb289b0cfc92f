// placeholder, replaced below
#include "georune/ingest/readers.h"
namespace georune::ingest {
Result<std::vector<ImageRecord>> ReadVocDir(const std::string& dir, const Ontology&, const ReadOptions&, ReadReport*) {
  return Status::Internal("VOC reader not built yet");
}
Result<std::vector<ImageRecord>> ReadYoloObbDir(const std::string& dir, const Ontology&, const ReadOptions&, ReadReport*) {
  return Status::Internal("YOLO reader not built yet");
}
}
