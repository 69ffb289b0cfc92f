#include "georune/reason/relations.h"

#include <algorithm>
#include <cmath>
#include <vector>

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

__int128 Abs(__int128 v) { return v < 0 ? -v : v; }

// The crisp verdict of a directional relation, exactly where both centroids are exact (a tie
// on the 45° boundary satisfies both neighbours, spec §4); otherwise in floating point.
bool DirectionHolds(Relation relation, const SceneEntity& a, const SceneEntity& b, double vx, double vy) {
  __int128 ex = 0, ey = 0;
  const ExactPoint &p = a.exact_c, &q = b.exact_c;
  if (p.valid && q.valid) {
    // v = c(a) − c(b), scaled by p.q · q.q > 0.
    ex = (p.ox - q.ox) * p.q * q.q + p.nx * q.q - q.nx * p.q;
    ey = (p.oy - q.oy) * p.q * q.q + p.ny * q.q - q.ny * p.q;
    switch (relation) {
      case Relation::kLeftOf: return ex < 0 && Abs(ey) <= Abs(ex);
      case Relation::kRightOf: return ex > 0 && Abs(ey) <= Abs(ex);
      case Relation::kAbove: return ey < 0 && Abs(ex) <= Abs(ey);
      default: return ey > 0 && Abs(ex) <= Abs(ey);
    }
  }
  switch (relation) {
    case Relation::kLeftOf: return vx < 0 && std::abs(vy) <= std::abs(vx);
    case Relation::kRightOf: return vx > 0 && std::abs(vy) <= std::abs(vx);
    case Relation::kAbove: return vy < 0 && std::abs(vx) <= std::abs(vy);
    default: return vy > 0 && std::abs(vx) <= std::abs(vy);
  }
}

// larger / smaller: A(a) > A(b), exactly where both areas are.
bool LargerHolds(const SceneEntity& a, const SceneEntity& b) {
  if (a.exact_twice_area >= 0 && b.exact_twice_area >= 0) return a.exact_twice_area > b.exact_twice_area;
  return a.area > b.area;
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
  if (!(a.area > 0)) return FromMargin(false, -params.t_on, params.softness * params.t_on, params);
  double frac = IntersectionArea(a, b) / a.area;
  return FromMargin(frac >= params.t_on, frac - params.t_on, params.softness * params.t_on, params);
}

}  // namespace

double RelationTruth(Relation relation, std::span<const SceneEntity* const> args, const TruthParams& params) {
  switch (relation) {
    case Relation::kNear: {
      const SceneEntity &a = *args[0], &b = *args[1];
      double t = params.k_near * Scale(a, b);
      double d = Distance(a, b);
      return FromMargin(d <= t, t - d, params.softness * t, params);
    }
    case Relation::kFar: {
      const SceneEntity &a = *args[0], &b = *args[1];
      double t = params.k_far * Scale(a, b);
      double d = Distance(a, b);
      return FromMargin(d >= t, d - t, params.softness * t, params);
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
      double inter = IntersectionArea(*args[0], *args[1]);
      return inter > 0 ? 1.0 : 0.0;  // no soft scale: a threshold of 0 has width 0
    }
    case Relation::kParallel: {
      double delta = OrientationDifference(args[0]->theta, args[1]->theta);
      return FromMargin(delta <= params.parallel_deg, params.parallel_deg - delta,
                        params.softness * params.parallel_deg, params);
    }
    case Relation::kPerpendicular: {
      double delta = OrientationDifference(args[0]->theta, args[1]->theta);
      return FromMargin(delta >= params.perpendicular_deg, delta - params.perpendicular_deg,
                        params.softness * (90.0 - params.perpendicular_deg), params);
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
      return FromMargin(width <= t, t - width, params.softness * t, params);
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
    case Measure::kLength: return args[0]->length;
    case Measure::kWidth: return args[0]->width;
    case Measure::kAngle: return OrientationDifference(args[0]->theta, args[1]->theta);
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

double CompareTruth(const logic::BoundNode& compare, std::span<const SceneEntity* const> args, double gsd,
                    const TruthParams& params) {
  const double value = MeasureValue(compare.measure, args);
  const double t = ThresholdInPixels(compare, gsd);
  bool holds = false;
  double margin = 0;
  switch (compare.op) {
    case logic::CmpOp::kLt: holds = value < t; margin = t - value; break;
    case logic::CmpOp::kLe: holds = value <= t; margin = t - value; break;
    case logic::CmpOp::kGt: holds = value > t; margin = value - t; break;
    case logic::CmpOp::kGe: holds = value >= t; margin = value - t; break;
    case logic::CmpOp::kEq: holds = value == t; margin = -std::abs(value - t); break;
  }
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
