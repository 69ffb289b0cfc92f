#include "georune/detect/tiling.h"

#include <algorithm>
#include <cmath>

namespace georune::detect {

std::vector<int> TileStarts(int size, int tile, int overlap) {
  std::vector<int> starts{0};
  if (size <= tile) return starts;
  const int stride = tile - overlap;
  for (int s = stride; s + tile < size; s += stride) starts.push_back(s);
  if (starts.back() != size - tile) starts.push_back(size - tile);
  return starts;
}

std::vector<TileRect> Tiles(int width, int height, int tile, int overlap) {
  std::vector<TileRect> tiles;
  for (int y : TileStarts(height, tile, overlap))
    for (int x : TileStarts(width, tile, overlap))
      tiles.push_back({x, y, std::min(tile, width), std::min(tile, height)});
  return tiles;
}

Letterbox Letterbox::Make(int w, int h, int in_w, int in_h, ResizeMode mode) {
  Letterbox lb;
  if (mode == ResizeMode::kStretch) {
    lb.new_w = in_w;
    lb.new_h = in_h;
  } else {
    const double r = std::min(double(in_w) / w, double(in_h) / h);
    lb.new_w = std::clamp(static_cast<int>(std::lround(w * r)), 1, in_w);
    lb.new_h = std::clamp(static_cast<int>(std::lround(h * r)), 1, in_h);
  }
  // The factors actually applied by the resize (new size / old size), so Undo is exact.
  lb.sx = double(lb.new_w) / w;
  lb.sy = double(lb.new_h) / h;
  lb.pad_x = (in_w - lb.new_w) / 2;
  lb.pad_y = (in_h - lb.new_h) / 2;
  return lb;
}

Corners Letterbox::Undo(const Corners& c, int tile_x, int tile_y) const {
  Corners out;
  for (int k = 0; k < 4; ++k) {
    out[2 * k] = UndoX(c[2 * k]) + tile_x;
    out[2 * k + 1] = UndoY(c[2 * k + 1]) + tile_y;
  }
  return out;
}

}  // namespace georune::detect
