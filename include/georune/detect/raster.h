// Reading imagery with GDAL, window by window (docs/detect.md, "Reading imagery").
//
// Any raster GDAL reads (GeoTIFF tiled or striped, PNG, JPEG, …), 8-bit or wider, any band count.
// Three bands are chosen (--bands, 1-based; default 1,2,3, or band 1 three times for one or two
// bands) and converted to 8 bits: 8-bit bands as they are; other types by a percentile stretch
// per band (value at the `stretch_low` percentile → 0, at `stretch_high` → 255, clamped),
// percentiles taken over the valid pixels of a ≤1024×1024 decimated read of the whole band.
// A pixel is nodata when every chosen band holds its band's nodata value; it is filled with
// `fill` and reported in the valid mask.
//
// A Raster is not thread safe (GDAL datasets are not): open one per thread.
#pragma once

#include <array>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "georune/common/status.h"

namespace georune::detect {

struct RasterOptions {
  std::vector<int> bands;                     // 1-based; empty = default choice
  double stretch_low = 2, stretch_high = 98;  // percentiles for non-8-bit bands
  uint8_t fill = 114;                         // value of nodata pixels
};

struct RasterInfo {
  std::string path;
  int width = 0, height = 0, band_count = 0;
  std::string data_type;                              // GDAL's name: Byte, UInt16, …
  std::vector<int> bands;                             // the three bands read, 1-based
  std::optional<std::array<double, 6>> geotransform;  // GDAL order: x0, dx/dcol, dx/drow, y0, dy/dcol, dy/drow
  std::string crs_wkt;                                // empty when none
  double gsd = std::nan("");                          // metres per pixel from a projected CRS; NaN otherwise
  std::array<double, 3> low{}, high{};                // stretch per chosen band (0,255 for 8-bit)
};

// Metres per pixel for a geotransform in a projected CRS (geometric mean of the pixel's two
// side lengths, times the CRS's linear unit); NaN for a geographic or unknown CRS.
double GsdFromGeoreference(const std::array<double, 6>& geotransform, const std::string& crs_wkt);

class Raster {
 public:
  // Opens the file and reads its metadata (and the stretch for non-8-bit data). kInvalidInput
  // naming the file for an unreadable or corrupt image or a bad band; kNotFound if absent.
  static Result<std::unique_ptr<Raster>> Open(const std::string& path, const RasterOptions& options);
  // Opens the same file again for another thread, with the same bands and stretch.
  Result<std::unique_ptr<Raster>> Reopen() const;
  ~Raster();

  const RasterInfo& info() const { return info_; }
  // The window as 8-bit, 3 channels in the chosen band order (CV_8UC3), and the count of its
  // valid (not nodata) pixels. kInvalidInput naming the file when GDAL fails to read it.
  Result<cv::Mat> Read(int x, int y, int w, int h, int64_t* valid_pixels) const;

 private:
  Raster() = default;
  Status ComputeStretch();

  void* dataset_ = nullptr;  // GDALDatasetH
  RasterInfo info_;
  RasterOptions options_;
  std::array<std::optional<double>, 3> nodata_{};
};

// Reads only the metadata (size, bands, georeference, gsd) of an image.
Result<RasterInfo> ReadRasterInfo(const std::string& path);

}  // namespace georune::detect
