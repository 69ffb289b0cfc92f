#include "georune/detect/segment.h"

#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>

namespace georune::detect {
namespace {

// [begin, end) of the pixels each tile along one axis decides.
std::vector<std::pair<int, int>> OwnedSpans(int size, int tile, int overlap) {
  const std::vector<int> starts = TileStarts(size, tile, overlap);
  const int t = std::min(tile, size);
  std::vector<std::pair<int, int>> spans;
  int begin = 0;
  for (size_t i = 0; i < starts.size(); ++i) {
    const int end = i + 1 < starts.size() ? (starts[i + 1] + starts[i] + t) / 2 : size;
    spans.push_back({begin, end});
    begin = end;
  }
  return spans;
}

std::string ShapeText(const cv::Mat& m) {
  std::string s = "(";
  for (int i = 0; i < m.dims; ++i) s += (i ? ", " : "") + std::to_string(m.size[i]);
  return s + ")";
}

struct GdalDeleter {
  void operator()(void* ds) const { GDALClose(ds); }
};
using Dataset = std::unique_ptr<void, GdalDeleter>;

// A one-band in-memory raster holding `m` (CV_32S or CV_8U), pixel coordinates as map coordinates.
Result<Dataset> MemRaster(const cv::Mat& m) {
  GDALAllRegister();
  GDALDriverH mem = GDALGetDriverByName("MEM");
  if (!mem) return Status::IoError("GDAL has no MEM driver");
  const GDALDataType type = m.type() == CV_32S ? GDT_Int32 : GDT_Byte;
  Dataset ds(GDALCreate(mem, "", m.cols, m.rows, 1, type, nullptr));
  if (!ds) return Status::IoError("GDAL cannot create an in-memory raster");
  double gt[6] = {0, 1, 0, 0, 0, 1};
  GDALSetGeoTransform(ds.get(), gt);
  cv::Mat c = m.isContinuous() ? m : m.clone();
  if (GDALRasterIO(GDALGetRasterBand(ds.get(), 1), GF_Write, 0, 0, m.cols, m.rows, c.data, m.cols, m.rows, type, 0,
                   0) != CE_None)
    return Status::IoError("GDAL cannot write an in-memory raster: " + std::string(CPLGetLastErrorMsg()));
  return ds;
}

ingest::PixelRing RingOf(OGRGeometryH ring) {
  ingest::PixelRing r;
  const int n = OGR_G_GetPointCount(ring);
  for (int i = 0; i < n; ++i) r.push_back({OGR_G_GetX(ring, i), OGR_G_GetY(ring, i)});
  if (!r.empty() && r.front() != r.back()) r.push_back(r.front());
  return r;
}

}  // namespace

std::vector<TileRect> OwnedRects(int width, int height, int tile, int overlap) {
  std::vector<TileRect> rects;
  for (auto [y0, y1] : OwnedSpans(height, tile, overlap))
    for (auto [x0, x1] : OwnedSpans(width, tile, overlap)) rects.push_back({x0, y0, x1 - x0, y1 - y0});
  return rects;
}

Status WriteTileClasses(const cv::Mat& logits, const TileRect& tile, const Letterbox& lb, int in_w, int in_h,
                        const TileRect& owned, int class_count, ClassImage& out) {
  if (logits.dims != 4 || logits.size[0] != 1 || logits.size[1] != class_count || logits.size[2] <= 0 ||
      logits.size[3] <= 0)
    return Status::InvalidInput("the segmentation output is " + ShapeText(logits) + ", expected (1, " +
                                std::to_string(class_count) + ", H, W): one logit map per class name");
  const int C = class_count, h = logits.size[2], w = logits.size[3];
  cv::Mat src = logits.isContinuous() && logits.type() == CV_32F ? logits : logits.clone();
  std::vector<cv::Mat> prob(C);
  for (int c = 0; c < C; ++c) prob[c] = cv::Mat(h, w, CV_32F);
  const float* in = src.ptr<float>();
  const size_t plane = static_cast<size_t>(h) * w;
  for (size_t p = 0; p < plane; ++p) {  // softmax over classes, per pixel
    float mx = in[p];
    for (int c = 1; c < C; ++c) mx = std::max(mx, in[c * plane + p]);
    double sum = 0;
    for (int c = 0; c < C; ++c) sum += std::exp(double(in[c * plane + p]) - mx);
    for (int c = 0; c < C; ++c)
      prob[c].ptr<float>()[p] = static_cast<float>(std::exp(double(in[c * plane + p]) - mx) / sum);
  }
  // Owned pixel (x, y) of the image → tile pixel centre → model input → output pixel centre.
  const double ax = lb.sx * w / in_w, ay = lb.sy * h / in_h;
  const double bx = ((owned.x - tile.x + 0.5) * lb.sx + lb.pad_x) * w / in_w - 0.5;
  const double by = ((owned.y - tile.y + 0.5) * lb.sy + lb.pad_y) * h / in_h - 0.5;
  const cv::Mat map = (cv::Mat_<double>(2, 3) << ax, 0, bx, 0, ay, by);
  cv::Mat best_p(owned.h, owned.w, CV_32F, cv::Scalar(-1)), best_c(owned.h, owned.w, CV_8U, cv::Scalar(kNoClass));
  cv::Mat warped;
  for (int c = 0; c < C; ++c) {
    cv::warpAffine(prob[c], warped, map, cv::Size(owned.w, owned.h), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                   cv::BORDER_REPLICATE);
    for (int y = 0; y < owned.h; ++y) {
      const float* q = warped.ptr<float>(y);
      float* bp = best_p.ptr<float>(y);
      uint8_t* bc = best_c.ptr<uint8_t>(y);
      for (int x = 0; x < owned.w; ++x)
        if (q[x] > bp[x]) bp[x] = q[x], bc[x] = static_cast<uint8_t>(c);
    }
  }
  const cv::Rect dst(owned.x, owned.y, owned.w, owned.h);
  best_c.copyTo(out.classes(dst));
  best_p.copyTo(out.prob(dst));
  return Status::Ok();
}

Result<std::vector<ingest::PolygonEntity>> PolygonizeClasses(const ClassImage& image,
                                                             const std::vector<int>& ontology_id, float min_conf,
                                                             int min_area) {
  // Global component labels (0 = none), class by class.
  cv::Mat labels(image.classes.size(), CV_32S, cv::Scalar(0));
  std::vector<int> class_of{-1};  // per label: model class
  cv::Mat one;
  for (int c = 0; c < static_cast<int>(ontology_id.size()); ++c) {
    if (ontology_id[c] < 0) continue;
    cv::Mat mask = image.classes == c;
    if (cv::countNonZero(mask) == 0) continue;
    const int n = cv::connectedComponents(mask, one, 4, CV_32S);
    const int offset = static_cast<int>(class_of.size()) - 1;
    cv::add(labels, one + offset, labels, mask);
    class_of.resize(class_of.size() + n - 1, c);
  }
  std::vector<double> sum(class_of.size(), 0);
  std::vector<int64_t> area(class_of.size(), 0);
  for (int y = 0; y < labels.rows; ++y) {
    const int32_t* l = labels.ptr<int32_t>(y);
    const float* p = image.prob.ptr<float>(y);
    for (int x = 0; x < labels.cols; ++x)
      if (l[x]) sum[l[x]] += p[x], ++area[l[x]];
  }
  // One polygonize over every component: the field holds the component's label.
  GEORUNE_ASSIGN_OR_RETURN(Dataset raster, MemRaster(labels));
  cv::Mat valid = labels > 0;
  GEORUNE_ASSIGN_OR_RETURN(Dataset mask, MemRaster(valid));
  GDALDriverH memory = GDALGetDriverByName("Memory");
  if (!memory) return Status::IoError("GDAL has no Memory vector driver");
  Dataset vec(GDALCreate(memory, "", 0, 0, 0, GDT_Unknown, nullptr));
  if (!vec) return Status::IoError("GDAL cannot create an in-memory layer");
  OGRLayerH layer = GDALDatasetCreateLayer(vec.get(), "components", nullptr, wkbPolygon, nullptr);
  OGRFieldDefnH field = OGR_Fld_Create("label", OFTInteger);
  OGR_L_CreateField(layer, field, TRUE);
  OGR_Fld_Destroy(field);
  if (GDALPolygonize(GDALGetRasterBand(raster.get(), 1), GDALGetRasterBand(mask.get(), 1), layer, 0, nullptr, nullptr,
                     nullptr) != CE_None)
    return Status::IoError("GDAL Polygonize failed: " + std::string(CPLGetLastErrorMsg()));
  std::vector<ingest::PolygonEntity> out;
  std::vector<int64_t> out_area;
  OGR_L_ResetReading(layer);
  for (OGRFeatureH f; (f = OGR_L_GetNextFeature(layer)) != nullptr; OGR_F_Destroy(f)) {
    const int l = OGR_F_GetFieldAsInteger(f, 0);
    if (l <= 0 || l >= static_cast<int>(class_of.size())) continue;
    const float conf = static_cast<float>(sum[l] / area[l]);
    if (area[l] < min_area || conf < min_conf) continue;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    ingest::PolygonEntity p;
    p.class_id = ontology_id[class_of[l]];
    p.confidence = conf;
    for (int r = 0; g && r < OGR_G_GetGeometryCount(g); ++r) p.rings.push_back(RingOf(OGR_G_GetGeometryRef(g, r)));
    ingest::Orient(p);
    out.push_back(std::move(p));
    out_area.push_back(area[l]);
  }
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return out[a].confidence != out[b].confidence ? out[a].confidence > out[b].confidence : out_area[a] > out_area[b];
  });
  std::vector<ingest::PolygonEntity> sorted;
  for (size_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

void BurnPolygons(const std::vector<ingest::PolygonEntity>& polygons, const std::vector<uint8_t>& classes,
                  const std::vector<float>& probs, ClassImage& image) {
  const int W = image.classes.cols, H = image.classes.rows;
  std::vector<double> xs;
  for (size_t i = 0; i < polygons.size(); ++i) {
    double y_lo = 1e300, y_hi = -1e300;
    for (const ingest::PixelRing& r : polygons[i].rings)
      for (const auto& p : r) y_lo = std::min(y_lo, p[1]), y_hi = std::max(y_hi, p[1]);
    const int row0 = std::max(0, static_cast<int>(std::floor(y_lo))),
              row1 = std::min(H - 1, static_cast<int>(std::ceil(y_hi)));
    for (int y = row0; y <= row1; ++y) {
      const double cy = y + 0.5;  // the row's pixel centres
      xs.clear();
      for (const ingest::PixelRing& r : polygons[i].rings)
        for (size_t k = 0; k + 1 < r.size(); ++k) {
          const auto& a = r[k];
          const auto& b = r[k + 1];
          if ((a[1] <= cy) != (b[1] <= cy)) xs.push_back(a[0] + (cy - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
        }
      std::sort(xs.begin(), xs.end());
      uint8_t* c = image.classes.ptr<uint8_t>(y);
      float* p = image.prob.ptr<float>(y);
      for (size_t k = 0; k + 1 < xs.size(); k += 2) {  // even-odd: holes are gaps
        const int x0 = std::max(0, static_cast<int>(std::ceil(xs[k] - 0.5)));
        const int x1 = std::min(W, static_cast<int>(std::ceil(xs[k + 1] - 0.5)));
        for (int x = x0; x < x1; ++x) c[x] = classes[i], p[x] = probs[i];
      }
    }
  }
}

}  // namespace georune::detect
