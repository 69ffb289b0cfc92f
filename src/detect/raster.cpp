#include "georune/detect/raster.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>

#include "georune/common/diagnostic.h"

namespace georune::detect {
namespace {

void InitGdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);  // errors are reported through Status
    GDALSetCacheMax64(int64_t{256} << 20);     // bounded block cache for huge scenes
  });
}

Status Unreadable(const std::string& path, const std::string& what) {
  std::string gdal = CPLGetLastErrorMsg();
  return FileDiagnostic(path, 0, "cannot read the image: " + what + (gdal.empty() ? "" : " (" + gdal + ")"),
                        "the file may be truncated or not an image; skipping bad images goes on with the others")
      .With(Setting::kSkipBadImages)
      .ToStatus();
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(std::floor(p / 100 * (v.size() - 1) + 0.5)));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

}  // namespace

double GsdFromGeoreference(const std::array<double, 6>& gt, const std::string& wkt) {
  if (wkt.empty()) return std::nan("");
  OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
  char* text = const_cast<char*>(wkt.c_str());
  double gsd = std::nan("");
  if (OSRImportFromWkt(srs, &text) == OGRERR_NONE && OSRIsProjected(srs)) {
    const double unit = OSRGetLinearUnits(srs, nullptr);
    const double px = std::hypot(gt[1], gt[4]), py = std::hypot(gt[2], gt[5]);
    if (unit > 0 && px > 0 && py > 0) gsd = std::sqrt(px * py) * unit;
  }
  OSRDestroySpatialReference(srs);
  return gsd;
}

// Size, band count and georeference of an open dataset.
void FillInfo(GDALDatasetH ds, const std::string& path, RasterInfo& in) {
  in.path = path;
  in.width = GDALGetRasterXSize(ds);
  in.height = GDALGetRasterYSize(ds);
  in.band_count = GDALGetRasterCount(ds);
  double gt[6];
  if (GDALGetGeoTransform(ds, gt) == CE_None)
    in.geotransform = std::array<double, 6>{gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]};
  if (const char* wkt = GDALGetProjectionRef(ds)) in.crs_wkt = wkt;
  if (in.geotransform) in.gsd = GsdFromGeoreference(*in.geotransform, in.crs_wkt);
}

Raster::~Raster() {
  if (dataset_) GDALClose(static_cast<GDALDatasetH>(dataset_));
}

Result<std::unique_ptr<Raster>> Raster::Open(const std::string& path, const RasterOptions& options) {
  InitGdal();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": no such image");
  CPLErrorReset();
  std::unique_ptr<Raster> r(new Raster());
  r->options_ = options;
  r->dataset_ = GDALOpen(path.c_str(), GA_ReadOnly);
  if (!r->dataset_) return Unreadable(path, "GDAL does not recognise it");
  auto ds = static_cast<GDALDatasetH>(r->dataset_);
  RasterInfo& in = r->info_;
  FillInfo(ds, path, in);
  if (in.width <= 0 || in.height <= 0 || in.band_count <= 0) return Unreadable(path, "it has no pixels");
  in.bands = options.bands;
  if (in.bands.empty()) in.bands = in.band_count >= 3 ? std::vector<int>{1, 2, 3} : std::vector<int>{1, 1, 1};
  if (in.bands.size() == 1) in.bands = {in.bands[0], in.bands[0], in.bands[0]};
  if (in.bands.size() != 3)
    return PlainDiagnostic("the input bands: give one or three (e.g. 1,2,3), not " + std::to_string(in.bands.size()))
        .With(Setting::kBands)
        .ToStatus();
  for (int b : in.bands)
    if (b < 1 || b > in.band_count)
      return FileDiagnostic(path, 0,
                            "the input bands name band " + std::to_string(b) + " but the image has " +
                                std::to_string(in.band_count) + " band(s)",
                            "bands are numbered from 1")
          .With(Setting::kBands)
          .ToStatus();
  in.data_type = GDALGetDataTypeName(GDALGetRasterDataType(GDALGetRasterBand(ds, in.bands[0])));
  for (int k = 0; k < 3; ++k) {
    int has = 0;
    const double v = GDALGetRasterNoDataValue(GDALGetRasterBand(ds, in.bands[k]), &has);
    if (has) r->nodata_[k] = v;
  }
  GEORUNE_RETURN_IF_ERROR(r->ComputeStretch());
  return r;
}

Result<std::unique_ptr<Raster>> Raster::Reopen() const {
  RasterOptions o = options_;
  o.bands = info_.bands;
  InitGdal();
  std::unique_ptr<Raster> r(new Raster());
  r->options_ = o;
  r->dataset_ = GDALOpen(info_.path.c_str(), GA_ReadOnly);
  if (!r->dataset_) return Unreadable(info_.path, "cannot open it again");
  r->info_ = info_;
  r->nodata_ = nodata_;
  return r;
}

Status Raster::ComputeStretch() {
  RasterInfo& in = info_;
  auto ds = static_cast<GDALDatasetH>(dataset_);
  const bool byte = GDALGetRasterDataType(GDALGetRasterBand(ds, in.bands[0])) == GDT_Byte;
  for (int k = 0; k < 3; ++k) {
    GDALRasterBandH band = GDALGetRasterBand(ds, in.bands[k]);
    if (byte && GDALGetRasterDataType(band) == GDT_Byte) {
      in.low[k] = 0;
      in.high[k] = 255;
      continue;
    }
    if (k > 0 && in.bands[k] == in.bands[k - 1]) {
      in.low[k] = in.low[k - 1], in.high[k] = in.high[k - 1];
      continue;
    }
    const int bw = std::min(in.width, 1024), bh = std::min(in.height, 1024);
    std::vector<double> v(static_cast<size_t>(bw) * bh);
    if (GDALRasterIO(band, GF_Read, 0, 0, in.width, in.height, v.data(), bw, bh, GDT_Float64, 0, 0) != CE_None)
      return Unreadable(in.path, "reading band " + std::to_string(in.bands[k]) + " failed");
    if (nodata_[k]) std::erase(v, *nodata_[k]);
    std::erase_if(v, [](double x) { return !std::isfinite(x); });
    in.low[k] = Percentile(v, options_.stretch_low);
    in.high[k] = Percentile(v, options_.stretch_high);
    if (!(in.high[k] > in.low[k])) in.high[k] = in.low[k] + 1;
  }
  return Status::Ok();
}

Result<cv::Mat> Raster::Read(int x, int y, int w, int h, int64_t* valid_pixels) const {
  auto ds = static_cast<GDALDatasetH>(dataset_);
  const size_t n = static_cast<size_t>(w) * h;
  std::vector<float> buf(n);
  cv::Mat out(h, w, CV_8UC3);
  std::vector<uint8_t> nodata_count(n, 0);
  for (int k = 0; k < 3; ++k) {
    GDALRasterBandH band = GDALGetRasterBand(ds, info_.bands[k]);
    CPLErrorReset();
    if (GDALRasterIO(band, GF_Read, x, y, w, h, buf.data(), w, h, GDT_Float32, 0, 0) != CE_None)
      return Unreadable(info_.path, "reading pixels " + std::to_string(x) + "," + std::to_string(y) + " failed");
    const double lo = info_.low[k], scale = 255.0 / (info_.high[k] - info_.low[k]);
    uint8_t* o = out.ptr<uint8_t>() + k;
    for (size_t i = 0; i < n; ++i) {
      const double v = buf[i];
      if (nodata_[k] && v == static_cast<float>(*nodata_[k])) ++nodata_count[i];
      o[3 * i] = static_cast<uint8_t>(std::clamp(std::lround((v - lo) * scale), 0L, 255L));
    }
  }
  int64_t valid = static_cast<int64_t>(n);
  for (size_t i = 0; i < n; ++i)
    if (nodata_count[i] == 3) {
      --valid;
      uint8_t* p = out.ptr<uint8_t>() + 3 * i;
      p[0] = p[1] = p[2] = options_.fill;
    }
  if (valid_pixels) *valid_pixels = valid;
  return out;
}

Result<RasterInfo> ReadRasterInfo(const std::string& path) {
  InitGdal();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": no such image");
  CPLErrorReset();
  GDALDatasetH ds = GDALOpen(path.c_str(), GA_ReadOnly);
  if (!ds) return Unreadable(path, "GDAL does not recognise it");
  RasterInfo in;
  FillInfo(ds, path, in);
  GDALClose(ds);
  return in;
}

}  // namespace georune::detect
