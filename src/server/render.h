// Pictures of an archive's image as PNG: the image file read with OpenCV (reduced while
// decoding when it is much larger than asked), or, when the archive records no file or the file
// cannot be read, a schematic of its boxes on a plain background (the reply says which).
// Boxes: every entity thin in its class's colour; highlighted entities thick, labelled.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "georune/archive/archive.h"

namespace georune::server {

struct RenderRequest {
  std::string file;                      // the image file; empty = none
  int max_side = 256;                    // longest side of the PNG, in pixels
  bool boxes = false;                    // draw the boxes (a schematic always has them)
  std::map<int, std::string> highlight;  // entity id → label (a query variable)
};

struct Rendered {
  std::vector<unsigned char> png;
  std::string source;  // "file", "schematic" (no file), or "schematic (unreadable: PATH)"
  double scale = 1;    // PNG pixels per image pixel
};

Rendered RenderImage(const Archive& archive, uint32_t image, const RenderRequest& request);

}  // namespace georune::server
