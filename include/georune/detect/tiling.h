// Tiling of a large image and the letterbox that fits one tile to the model's input.
//
// Tiles start at 0 with stride tile − overlap; the last tile in each direction is flush with
// the image edge (so every tile is tile × tile unless the image is smaller). The letterbox
// scales a tile by one factor per axis (equal for `kLetterbox`, the aspect kept; independent
// for `kStretch`) and pads it centred; Undo maps model-input pixels back to tile pixels exactly.
#pragma once

#include <vector>

#include "georune/common/geometry.h"

namespace georune::detect {

struct TileRect {
  int x = 0, y = 0, w = 0, h = 0;
};

// Start offsets along one axis of `size` pixels: 0, s, 2s, … (s = tile − overlap) and a last
// start of size − tile, without duplicates. One start (0) when size <= tile.
// Requires tile > 0 and 0 <= overlap < tile.
std::vector<int> TileStarts(int size, int tile, int overlap);

// Every tile of a width × height image, row by row (y, then x).
std::vector<TileRect> Tiles(int width, int height, int tile, int overlap);

enum class ResizeMode { kLetterbox, kStretch };

struct Letterbox {
  double sx = 1, sy = 1;     // input pixels per tile pixel
  int pad_x = 0, pad_y = 0;  // left and top padding, input pixels
  int new_w = 0, new_h = 0;  // the scaled tile inside the input

  // Letterbox of a w × h tile into an in_w × in_h input (ultralytics: round the scaled size,
  // split the padding with the larger half right/bottom).
  static Letterbox Make(int w, int h, int in_w, int in_h, ResizeMode mode);
  // Model-input coordinates → tile coordinates (exact inverse of the placement).
  double UndoX(double x) const { return (x - pad_x) / sx; }
  double UndoY(double y) const { return (y - pad_y) / sy; }
  // Model-input corners → image corners of the tile at (tile_x, tile_y).
  Corners Undo(const Corners& c, int tile_x, int tile_y) const;
};

}  // namespace georune::detect
