// The simulated segmentation model (include/georune/eval/flood.h).
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "georune/common/diagnostic.h"
#include "georune/detect/segment.h"
#include "georune/eval/flood.h"
#include "georune/eval/random.h"

namespace georune::eval {
namespace {

using detect::kNoClass;

uint64_t IdHash(const std::string& id) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The class a component is confused with, or -1.
int Partner(const Ontology& o, int cls) {
  static const std::pair<const char*, const char*> kPairs[] = {
      {"flooded_building", "non_flooded_building"}, {"flooded_road", "non_flooded_road"}, {"pool", "water"}};
  const std::string& name = o.Class(cls).name;
  for (auto [a, b] : kPairs) {
    if (name == a) return *o.FindClass(b);
    if (name == b) return *o.FindClass(a);
  }
  if (name == "water") return *o.FindClass("flooded_road");
  return -1;
}

// Gives every pixel of `holes` the class of its nearest pixel outside `holes` and `exclude`
// (4-neighbour growth, pass by pass, as a segmenter's neighbouring classes would take the space),
// in place; pixels no source reaches get no class.
void FillFromNeighbours(cv::Mat& classes, const cv::Mat& holes, const cv::Mat& exclude) {
  cv::Mat todo = holes.clone(), blocked = holes | exclude;
  std::vector<std::pair<cv::Point, uint8_t>> fill;
  for (bool changed = true; changed;) {
    changed = false;
    fill.clear();
    for (int y = 0; y < todo.rows; ++y)
      for (int x = 0; x < todo.cols; ++x) {
        if (!todo.at<uint8_t>(y, x)) continue;
        for (auto [dx, dy] : {std::pair{-1, 0}, {1, 0}, {0, -1}, {0, 1}}) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= todo.cols || ny >= todo.rows || blocked.at<uint8_t>(ny, nx)) continue;
          fill.push_back({{x, y}, classes.at<uint8_t>(ny, nx)});
          break;
        }
      }
    for (auto [p, c] : fill)
      classes.at<uint8_t>(p) = c, todo.at<uint8_t>(p) = 0, blocked.at<uint8_t>(p) = 0, changed = true;
  }
  classes.setTo(kNoClass, todo);
}

struct Component {
  int cls, label;
  cv::Rect box;
  int area;
};

class Simulator {
 public:
  Simulator(const Ontology& o, const SegNoiseParams& p, Rng& rng, detect::ClassImage& img, SegSimReport& rep)
      : o_(o), p_(p), rng_(rng), img_(img), rep_(rep) {}

  void Run(const std::vector<Component>& comps, const std::vector<cv::Mat>& labels) {
    for (const Component& c : comps) Apply(c, labels[c.cls]);
    FalseComponents();
  }

 private:
  double TrueScore() { return p_.tp_floor + (1 - p_.tp_floor) * rng_.Beta(p_.tp_a, p_.tp_b); }
  double FalseScore() { return rng_.Beta(p_.fp_a, p_.fp_b); }

  void Apply(const Component& c, const cv::Mat& labels) {
    // A margin around the box for dilation and neighbours.
    const int pad = p_.boundary_px + 2;
    const cv::Rect roi = (c.box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) &
                         cv::Rect(0, 0, img_.classes.cols, img_.classes.rows);
    cv::Mat cls = img_.classes(roi), prob = img_.prob(roi);
    cv::Mat mask = (labels(roi) == c.label) & (cls == c.cls);  // still this component's pixels
    if (cv::countNonZero(mask) == 0) return;
    const double p_miss = p_.miss_base + p_.miss_small * std::exp(-std::sqrt(double(c.area)) / 12);
    if (rng_.Bernoulli(p_miss)) {
      FillFromNeighbours(cls, mask, cv::Mat::zeros(mask.size(), CV_8U));
      ++rep_.missed;
      return;
    }
    int out_cls = c.cls;
    double score = TrueScore();
    const int partner = Partner(o_, c.cls);
    if (partner >= 0 && rng_.Bernoulli(p_.confusion)) {
      out_cls = partner, score = FalseScore();
      ++rep_.confused;
    }
    const int r = p_.boundary_px ? static_cast<int>(rng_.Int(-p_.boundary_px, p_.boundary_px)) : 0;
    cv::Mat shaped = mask.clone();
    if (r != 0) {
      const cv::Mat k =
          cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * std::abs(r) + 1, 2 * std::abs(r) + 1));
      if (r > 0) cv::dilate(mask, shaped, k);
      else cv::erode(mask, shaped, k);
      cls.setTo(out_cls, shaped);
      FillFromNeighbours(cls, mask & ~shaped, shaped);  // eroded pixels: the neighbours'
      ++rep_.moved;
    }
    cls.setTo(out_cls, shaped);
    prob.setTo(score, shaped);
    if (c.area > 400 && rng_.Bernoulli(p_.fragment)) Fragment(cls, shaped, c.box - roi.tl());
  }

  // 1–2 strips of no class across the component, through random points of its box.
  void Fragment(cv::Mat& cls, const cv::Mat& shaped, const cv::Rect& box) {
    cv::Mat cut(cls.size(), CV_8U, cv::Scalar(0));
    for (int i = 0, n = static_cast<int>(rng_.Int(1, 2)); i < n; ++i) {
      const double a = rng_.Uniform(0, 3.141592653589793), L = std::hypot(box.width, box.height);
      const cv::Point2d c(box.x + rng_.Uniform(0.25, 0.75) * box.width, box.y + rng_.Uniform(0.25, 0.75) * box.height);
      const cv::Point2d d(std::cos(a) * L, std::sin(a) * L);
      cv::line(cut, c - d, c + d, cv::Scalar(255), static_cast<int>(rng_.Int(2, 3)));
    }
    cls.setTo(kNoClass, cut & shaped);
    ++rep_.fragmented;
  }

  void FalseComponents() {
    std::vector<int> present;
    for (int c = 0; c < o_.ClassCount(); ++c)
      if (cv::countNonZero(img_.classes == c)) present.push_back(c);
    const int W = img_.classes.cols, H = img_.classes.rows;
    for (int64_t i = 0, n = rng_.Poisson(p_.fp_per_image); i < n; ++i) {
      const int cls = !present.empty() && rng_.Bernoulli(0.6) ? present[rng_.Int(0, present.size() - 1)]
                                                              : static_cast<int>(rng_.Int(0, o_.ClassCount() - 1));
      const cv::Point c(static_cast<int>(rng_.Int(0, W - 1)), static_cast<int>(rng_.Int(0, H - 1)));
      const cv::Size axes(static_cast<int>(rng_.Int(3, 30)), static_cast<int>(rng_.Int(3, 30)));
      cv::Mat blob(img_.classes.size(), CV_8U, cv::Scalar(0));
      cv::ellipse(blob, c, axes, rng_.Uniform(0, 180), 0, 360, cv::Scalar(255), cv::FILLED);
      img_.classes.setTo(cls, blob);
      img_.prob.setTo(FalseScore(), blob);
      ++rep_.false_components;
    }
  }

  const Ontology& o_;
  const SegNoiseParams& p_;
  Rng& rng_;
  detect::ClassImage& img_;
  SegSimReport& rep_;
};

}  // namespace

Result<SegNoiseParams> SegNoiseLevelParams(int level) {
  // level, miss base, miss small, confusion, FP / image, fragment, boundary px, TP Beta, floor, FP Beta
  static const SegNoiseParams kLevels[] = {{0, 0, 0, 0, 0, 0, 0, 0.9, 8, 1, 2, 5},
                                           {1, 0.02, 0.15, 0.03, 0.3, 0.03, 1, 0, 12, 1.5, 2, 5},
                                           {2, 0.05, 0.30, 0.08, 1.0, 0.08, 2, 0, 8, 2, 2, 4},
                                           {3, 0.10, 0.45, 0.14, 2.0, 0.15, 3, 0, 5, 2, 2, 3.5},
                                           {4, 0.16, 0.60, 0.22, 3.5, 0.25, 4, 0, 3.5, 2, 2, 3},
                                           {5, 0.25, 0.70, 0.30, 5.0, 0.35, 6, 0, 2.5, 2, 2, 2.5}};
  if (level < 0 || level > kMaxSegNoiseLevel)
    return PlainDiagnostic("noise level " + std::to_string(level) + ": expected a level from 0 to " +
                           std::to_string(kMaxSegNoiseLevel))
        .With(Setting::kNoise)
        .ToStatus();
  return kLevels[level];
}

Result<ingest::PolygonImage> SimulateSegmentation(const ingest::PolygonImage& truth, const Ontology& ontology,
                                                  const SegNoiseParams& params, uint64_t seed, SegSimReport* report) {
  SegSimReport local;
  SegSimReport& rep = report ? *report : local;
  if (truth.width <= 0 || truth.height <= 0)
    return Status::InvalidInput("image " + truth.id + ": the noise model needs the image size (width, height)");
  if (ontology.ClassCount() >= kNoClass)
    return Status::InvalidInput("ontology " + ontology.name() + " has too many classes for a class raster");
  Rng rng(DeriveSeed(seed, IdHash(truth.id), 0x5E6));
  detect::ClassImage img(truth.width, truth.height);
  std::vector<uint8_t> cls;
  for (const auto& e : truth.entities) cls.push_back(static_cast<uint8_t>(e.class_id));
  detect::BurnPolygons(truth.entities, cls, std::vector<float>(cls.size(), 1), img);
  // Ground-truth components, class by class, in label order.
  std::vector<cv::Mat> labels(ontology.ClassCount());
  std::vector<Component> comps;
  for (int c = 0; c < ontology.ClassCount(); ++c) {
    cv::Mat stats, centroids, mask = img.classes == c;
    if (!cv::countNonZero(mask)) continue;
    const int n = cv::connectedComponentsWithStats(mask, labels[c], stats, centroids, 4, CV_32S);
    for (int l = 1; l < n; ++l)
      comps.push_back({c, l,
                       cv::Rect(stats.at<int>(l, cv::CC_STAT_LEFT), stats.at<int>(l, cv::CC_STAT_TOP),
                                stats.at<int>(l, cv::CC_STAT_WIDTH), stats.at<int>(l, cv::CC_STAT_HEIGHT)),
                       stats.at<int>(l, cv::CC_STAT_AREA)});
  }
  rep.images += 1, rep.truth += comps.size();
  Simulator(ontology, params, rng, img, rep).Run(comps, labels);
  std::vector<int> identity(ontology.ClassCount());
  for (int c = 0; c < ontology.ClassCount(); ++c) identity[c] = c;
  ingest::PolygonImage out{truth.id, truth.width, truth.height, truth.gsd, true, {}};
  GEORUNE_ASSIGN_OR_RETURN(out.entities, detect::PolygonizeClasses(img, identity, 0.05f, 1));
  rep.output += out.entities.size();
  return out;
}

}  // namespace georune::eval
