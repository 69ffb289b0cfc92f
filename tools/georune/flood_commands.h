// `generate --flood` and `simulate --flood` (georune-rag: the class rasters need OpenCV and GDAL;
// `georune` hands them over).
#pragma once

#include <cstdint>
#include <string>

namespace georune::cli {

struct FloodGenerateArgs {
  uint64_t images = 0, seed = 1;
  std::string out, classes, prefix;
  int threads = 0;
  bool quiet = false;
};
int RunFloodGenerate(const FloodGenerateArgs& args);

struct FloodSimulateArgs {
  std::string labels, out, classes;
  int noise = 0;
  uint64_t seed = 1;
  bool quiet = false;
};
int RunFloodSimulate(const FloodSimulateArgs& args);

}  // namespace georune::cli
