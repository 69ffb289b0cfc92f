#include "georune/reason/relations.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "georune/reason/exact_geometry.h"

namespace georune::reason {
namespace {

using logic::Measure;
using logic::Relation;
using logic::Unit;

// Just below 0.5: the soft value of a relation that fails exactly on its boundary.
const double kBelowHalf = std::nextafter(0.5, 0.0);

// Truth from a margin: crisp 0/1, or the soft ramp. `holds` is the crisp verdict, which decides
// the side of 0.5 even where the margin is 0 on a strict inequality.
double FromMargin(bool holds, double margin, double width, const TruthParams& params) {
  if (params.crisp) return holds ? 1.0 : 0.0;
  if (!(width > 0) || !std::isfinite(margin)) return holds ? 1.0 : 0.0;
  double v = std::clamp(0.5 + margin / (2.0 * width), 0.0, 1.0);
  if (holds) return std::max(v, 0.5);
  return std::min(v, kBelowHalf);
}

double Scale(const SceneEntity& a, const SceneEntity& b) { return (a.s + b.s) / 2.0; }

double Directional(bool holds, double along, double across, const SceneEntity& a, const SceneEntity& b,
                   const TruthParams& params) {
  // along: the displacement component in the relation's direction; across: the other one.
  double scale = Scale(a, b);
  double margin = scale > 0 ? (along - std::abs(across)) / scale : (holds ? 0.0 : -1.0);
  return FromMargin(holds, margin, params.softness * 1.0, params);
}

// Rounding tolerances of a crisp test on these entities, in px and px²: far above what double
// arithmetic on their coordinates can err by, so that outside them floating point decides.
struct Tolerance {
  double length = 0, area = 0;
};
Tolerance ToleranceOf(std::span<const SceneEntity* const> args) {
  double m = 1.0;
  for (const SceneEntity* e : args) {
    m = std::max({m, std::abs(e->min_x), std::abs(e->max_x), std::abs(e->min_y), std::abs(e->max_y)});
  }
  return {1e-9 * m, 1e-9 * m * m};
}
Tolerance ToleranceOf(const SceneEntity& a, const SceneEntity& b) {
  const SceneEntity* pair[2] = {&a, &b};
  return ToleranceOf(pair);
}

// The sign of (quantity − threshold): from floating point where `diff` is clear of `tol`,
// else exactly (exact_geometry.h) where that can be done, else from floating point.
template <typename ExactFn>
int SignOf(double diff, double tol, ExactFn exact) {
  if (std::abs(diff) > tol) return (diff > 0) - (diff < 0);
  const std::optional<int> s = exact();
  if (s) return *s;
  return (diff > 0) - (diff < 0);
}

// The crisp verdict of a directional relation; a tie on the 45° boundary satisfies both
// neighbours (spec §4), decided exactly near the boundaries.
bool DirectionHolds(Relation relation, const SceneEntity& a, const SceneEntity& b, double vx, double vy) {
  const double tol = ToleranceOf(a, b).length;
  const bool x_axis = relation == Relation::kLeftOf || relation == Relation::kRightOf;
  const double along = x_axis ? vx : vy, across = x_axis ? vy : vx;
  if (std::abs(along) <= tol || std::abs(std::abs(along) - std::abs(across)) <= tol) {
    if (std::optional<bool> exact = exact::Direction(relation, a, b)) return *exact;
  }
  const bool forward = relation == Relation::kRightOf || relation == Relation::kBelow;
  return (forward ? along > 0 : along < 0) && std::abs(across) <= std::abs(along);
}

// larger / smaller: A(a) > A(b).
bool LargerHolds(const SceneEntity& a, const SceneEntity& b) {
  return SignOf(a.area - b.area, ToleranceOf(a, b).area, [&] { return exact::AreaDifference(a, b); }) > 0;
}

// d(a, b): exact convex geometry for two boxes, GEOS once a polygon is involved.
double Distance(const SceneEntity& a, const SceneEntity& b) {
  if (a.polygon && b.polygon) return a.polygon->Distance(*b.polygon);
  if (a.polygon) return a.polygon->Distance(b.hull);
  if (b.polygon) return b.polygon->Distance(a.hull);
  return ConvexDistance(a.hull, b.hull);
}

// area(poly(a) ∩ poly(b)).
double IntersectionArea(const SceneEntity& a, const SceneEntity& b) {
  if (a.polygon && b.polygon) return a.polygon->IntersectionArea(*b.polygon);
  if (a.polygon) return a.polygon->IntersectionArea(b.hull);
  if (b.polygon) return b.polygon->IntersectionArea(a.hull);
  return ConvexIntersectionArea(a.hull, b.hull);
}

double OnTruth(const SceneEntity& a, const SceneEntity& b, const TruthParams& params) {
  const Tolerance tol = ToleranceOf(a, b);
  if (SignOf(a.area, tol.area, [&] { return exact::AreaSign(a); }) <= 0) {
    return FromMargin(false, -params.t_on, params.softness * params.t_on, params);
  }
  const double inter = IntersectionArea(a, b);
  const double frac = inter / a.area;
  const int side =
      SignOf(inter - params.t_on * a.area, tol.area, [&] { return exact::IntersectionVsArea(a, b, params.t_on); });
  return FromMargin(side >= 0, frac - params.t_on, params.softness * params.t_on, params);
}

// overlaps: area(poly(a) ∩ poly(b)) > 0, so touching boxes do not overlap.
bool OverlapsHolds(const SceneEntity& a, const SceneEntity& b) {
  const Tolerance tol = ToleranceOf(a, b);
  const double gap = std::max({a.min_x - b.max_x, b.min_x - a.max_x, a.min_y - b.max_y, b.min_y - a.max_y});
  if (gap > tol.length) return false;
  const double inter = IntersectionArea(a, b);
  if (inter > tol.area) return true;
  if (Distance(a, b) > tol.length) return false;
  return SignOf(inter, tol.area, [&] { return exact::IntersectionVsArea(a, b, 0.0); }) > 0;
}

// sign(δ(a, b) − deg); the tolerance grows as the shorter longest side shrinks.
int AngleSign(const SceneEntity& a, const SceneEntity& b, double delta, double deg) {
  const double shortest = std::min(a.length(), b.length());
  const double tol = 1e-6 + (shortest > 0 ? 1e-4 * ToleranceOf(a, b).length / shortest : 1.0);
  return SignOf(delta - deg, tol, [&] { return exact::AngleVs(a, b, deg); });
}

// sign(d(a, b) − k·S(a, b)).
int DistanceSign(const SceneEntity& a, const SceneEntity& b, double d, double t, double k) {
  return SignOf(d - t, ToleranceOf(a, b).length, [&] { return exact::DistanceVsScale(a, b, k); });
}

// sign(d(a, b) − t) for two boxes from bounds, where they settle it without d. Lower bounds:
// the distance between the bounding boxes, and the gap between the hulls' projections on the
// line through the centroids; upper bounds: the distance between the centroids (inside the
// hulls), and between the two corners that are extreme on that line (points of the hulls).
// Settled only where floating point alone would decide DistanceSign (a margin of twice the
// tolerance, which dwarfs the rounding of d and of the bounds), so the verdict is DistanceSign's;
// nullopt elsewhere and for polygon entities.
std::optional<int> DistanceSignFromBounds(const SceneEntity& a, const SceneEntity& b, double t) {
  if (a.polygon || b.polygon) return std::nullopt;
  const double margin = 2 * ToleranceOf(a, b).length;
  const double gx = std::max({0.0, a.min_x - b.max_x, b.min_x - a.max_x});
  const double gy = std::max({0.0, a.min_y - b.max_y, b.min_y - a.max_y});
  if (gx > t + margin || gy > t + margin) return 1;
  if (std::sqrt(gx * gx + gy * gy) > t + margin) return 1;
  const double cx = b.c.x - a.c.x, cy = b.c.y - a.c.y, centres = std::sqrt(cx * cx + cy * cy);
  if (centres < t - margin) return -1;
  if (!(centres > 0)) return std::nullopt;
  const double ux = cx / centres, uy = cy / centres;
  int ia = 0, ib = 0;  // a's corner furthest along u, b's furthest against it
  double top_a = -std::numeric_limits<double>::infinity(), low_b = std::numeric_limits<double>::infinity();
  for (int i = 0; i < a.hull.n; ++i) {
    const double p = a.hull.points[i].x * ux + a.hull.points[i].y * uy;
    if (p > top_a) top_a = p, ia = i;
  }
  for (int i = 0; i < b.hull.n; ++i) {
    const double p = b.hull.points[i].x * ux + b.hull.points[i].y * uy;
    if (p < low_b) low_b = p, ib = i;
  }
  if (low_b - top_a > t + margin) return 1;
  const double ex = b.hull.points[ib].x - a.hull.points[ia].x, ey = b.hull.points[ib].y - a.hull.points[ia].y;
  if (std::sqrt(ex * ex + ey * ey) < t - margin) return -1;
  return std::nullopt;
}

// The crisp truth of near (want_below) or far: d(a, b) compared with k·S(a, b).
double CrispDistanceTruth(const SceneEntity& a, const SceneEntity& b, double k, bool want_below) {
  const double t = k * Scale(a, b);
  std::optional<int> side = DistanceSignFromBounds(a, b, t);
  if (!side) side = DistanceSign(a, b, Distance(a, b), t, k);
  return (want_below ? *side <= 0 : *side >= 0) ? 1.0 : 0.0;
}

}  // namespace

double RelationTruth(Relation relation, std::span<const SceneEntity* const> args, const TruthParams& params) {
  switch (relation) {
    case Relation::kNear: {
      const SceneEntity &a = *args[0], &b = *args[1];
      if (params.crisp && params.distance_bounds) return CrispDistanceTruth(a, b, params.k_near, true);
      double t = params.k_near * Scale(a, b);
      double d = Distance(a, b);
      return FromMargin(DistanceSign(a, b, d, t, params.k_near) <= 0, t - d, params.softness * t, params);
    }
    case Relation::kFar: {
      const SceneEntity &a = *args[0], &b = *args[1];
      if (params.crisp && params.distance_bounds) return CrispDistanceTruth(a, b, params.k_far, false);
      double t = params.k_far * Scale(a, b);
      double d = Distance(a, b);
      return FromMargin(DistanceSign(a, b, d, t, params.k_far) >= 0, d - t, params.softness * t, params);
    }
    case Relation::kLeftOf:
    case Relation::kRightOf:
    case Relation::kAbove:
    case Relation::kBelow: {
      const SceneEntity &a = *args[0], &b = *args[1];
      const double vx = a.c.x - b.c.x, vy = a.c.y - b.c.y;
      const bool holds = DirectionHolds(relation, a, b, vx, vy);
      switch (relation) {
        case Relation::kLeftOf: return Directional(holds, -vx, vy, a, b, params);
        case Relation::kRightOf: return Directional(holds, vx, vy, a, b, params);
        case Relation::kAbove: return Directional(holds, -vy, vx, a, b, params);
        default: return Directional(holds, vy, vx, a, b, params);
      }
    }
    case Relation::kOn: return OnTruth(*args[0], *args[1], params);
    case Relation::kContains: return OnTruth(*args[1], *args[0], params);
    case Relation::kOverlaps: {
      return OverlapsHolds(*args[0], *args[1]) ? 1.0 : 0.0;  // no soft scale: a threshold of 0 has width 0
    }
    case Relation::kParallel: {
      double delta = OrientationDifference(args[0]->theta(), args[1]->theta());
      const bool holds = AngleSign(*args[0], *args[1], delta, params.parallel_deg) <= 0;
      return FromMargin(holds, params.parallel_deg - delta, params.softness * params.parallel_deg, params);
    }
    case Relation::kPerpendicular: {
      double delta = OrientationDifference(args[0]->theta(), args[1]->theta());
      const bool holds = AngleSign(*args[0], *args[1], delta, params.perpendicular_deg) >= 0;
      return FromMargin(holds, delta - params.perpendicular_deg, params.softness * (90.0 - params.perpendicular_deg),
                        params);
    }
    case Relation::kLarger:
    case Relation::kSmaller: {
      const SceneEntity* x = args[0];
      const SceneEntity* y = args[1];
      if (relation == Relation::kSmaller) std::swap(x, y);
      const double a = x->area, b = y->area, top = std::max(a, b);
      double margin = top > 0 ? (a - b) / top : 0.0;
      return FromMargin(LargerHolds(*x, *y), margin, params.softness * 1.0, params);
    }
    case Relation::kAligned: {
      std::vector<Vec2> centres;
      double min_s = args[0]->s;
      for (const SceneEntity* e : args) {
        centres.push_back(e->c);
        min_s = std::min(min_s, e->s);
      }
      double t = params.t_aligned * min_s;
      double width = StripWidth(centres);
      const int side =
          SignOf(width - t, ToleranceOf(args).length, [&] { return exact::StripVs(args, params.t_aligned); });
      return FromMargin(side <= 0, t - width, params.softness * t, params);
    }
    case Relation::kClustered:
      return ClusteredFromNear(
          args.size(),
          [&](size_t i, size_t j) {
            const SceneEntity* pair[2] = {args[i], args[j]};
            return RelationTruth(Relation::kNear, pair, params);
          },
          params.crisp);
  }
  return 0.0;
}

double MeasureValue(Measure measure, std::span<const SceneEntity* const> args) {
  switch (measure) {
    case Measure::kDistance: return Distance(*args[0], *args[1]);
    case Measure::kCenterDistance: return std::hypot(args[0]->c.x - args[1]->c.x, args[0]->c.y - args[1]->c.y);
    case Measure::kArea: return args[0]->area;
    case Measure::kLength: return args[0]->length();
    case Measure::kWidth: return args[0]->width();
    case Measure::kAngle: return OrientationDifference(args[0]->theta(), args[1]->theta());
  }
  return 0.0;
}

double ThresholdInPixels(const logic::BoundNode& compare, double gsd) {
  switch (compare.unit) {
    case Unit::kNone:
    case Unit::kPx:
    case Unit::kPx2:
    case Unit::kDeg: return compare.number;
    case Unit::kM: return compare.number / gsd;
    case Unit::kKm: return compare.number * 1000.0 / gsd;
    case Unit::kM2: return compare.number / (gsd * gsd);
    case Unit::kHa: return compare.number * 10000.0 / (gsd * gsd);
  }
  return compare.number;
}

namespace {

// A comparison's threshold as exact_geometry.h reads it: number · factor / gsd^power.
exact::Threshold ExactThreshold(const logic::BoundNode& compare, double gsd) {
  exact::Threshold t{compare.number, 1.0, gsd, 0};
  switch (compare.unit) {
    case Unit::kM: t.power = 1; break;
    case Unit::kKm: t.power = 1, t.factor = 1000.0; break;
    case Unit::kM2: t.power = 2; break;
    case Unit::kHa: t.power = 2, t.factor = 10000.0; break;
    default: break;
  }
  return t;
}

// sign(measure − threshold), exactly near the threshold where the measure allows it.
int CompareSign(const logic::BoundNode& compare, std::span<const SceneEntity* const> args, double gsd, double value,
                double t) {
  const Tolerance tol = ToleranceOf(args);
  double within = tol.length;
  if (compare.measure == Measure::kArea) within = tol.area;
  if (compare.measure == Measure::kAngle) within = 1e-6;
  return SignOf(value - t, within,
                [&] { return exact::MeasureVs(compare.measure, args, ExactThreshold(compare, gsd)); });
}

// Whether `op` holds for sign(measure − threshold) = side.
bool CompareHolds(logic::CmpOp op, int side) {
  switch (op) {
    case logic::CmpOp::kLt: return side < 0;
    case logic::CmpOp::kLe: return side <= 0;
    case logic::CmpOp::kGt: return side > 0;
    case logic::CmpOp::kGe: return side >= 0;
    case logic::CmpOp::kEq: return side == 0;
  }
  return false;
}

}  // namespace

double CompareTruth(const logic::BoundNode& compare, std::span<const SceneEntity* const> args, double gsd,
                    const TruthParams& params) {
  const double t = ThresholdInPixels(compare, gsd);
  if (std::isnan(t)) return FromMargin(false, -1.0, 0.0, params);
  if (params.crisp && params.distance_bounds && compare.measure == Measure::kDistance) {
    if (const std::optional<int> side = DistanceSignFromBounds(*args[0], *args[1], t)) {
      return CompareHolds(compare.op, *side) ? 1.0 : 0.0;
    }
  }
  const double value = MeasureValue(compare.measure, args);
  const int side = CompareSign(compare, args, gsd, value, t);
  const bool holds = CompareHolds(compare.op, side);
  double margin = -std::abs(value - t);  // =
  if (compare.op == logic::CmpOp::kLt || compare.op == logic::CmpOp::kLe) margin = t - value;
  if (compare.op == logic::CmpOp::kGt || compare.op == logic::CmpOp::kGe) margin = value - t;
  return FromMargin(holds, margin, params.softness * t, params);
}

double ClassTruth(const logic::BoundNode& atom, const SceneEntity& e, const TruthParams& params) {
  bool member = atom.any_class || std::binary_search(atom.class_ids.begin(), atom.class_ids.end(), e.class_id);
  if (!member) return 0.0;
  return params.crisp ? 1.0 : e.p;
}

double And(Semantics s, double a, double b) {
  switch (s) {
    case Semantics::kProduct: return a * b;
    case Semantics::kGodel: return std::min(a, b);
    case Semantics::kLukasiewicz: return std::max(0.0, a + b - 1.0);
  }
  return a * b;
}

double Or(Semantics s, double a, double b) {
  switch (s) {
    case Semantics::kProduct: return a + b - a * b;
    case Semantics::kGodel: return std::max(a, b);
    case Semantics::kLukasiewicz: return std::min(1.0, a + b);
  }
  return a + b - a * b;
}

const char* SemanticsName(Semantics s) {
  switch (s) {
    case Semantics::kProduct: return "product";
    case Semantics::kGodel: return "godel";
    case Semantics::kLukasiewicz: return "lukasiewicz";
  }
  return "?";
}

}  // namespace georune::reason
