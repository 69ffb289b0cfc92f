#include "georune/reason/exact_geometry.h"

#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <vector>

namespace georune::reason::exact {
namespace {

using Q = boost::multiprecision::cpp_rational;
using Z = boost::multiprecision::cpp_int;

struct P {
  Q x, y;
};

P Sub(const P& a, const P& b) { return {a.x - b.x, a.y - b.y}; }
Q Cross(const P& u, const P& v) { return u.x * v.y - u.y * v.x; }
Q Dot(const P& u, const P& v) { return u.x * v.x + u.y * v.y; }
Q Cross(const P& o, const P& a, const P& b) { return Cross(Sub(a, o), Sub(b, o)); }
bool Same(const P& a, const P& b) { return a.x == b.x && a.y == b.y; }

int Sign(const Q& v) { return v.sign(); }

// The decimal a double was parsed from, when it has at most 9 places; else its binary value.
Q Value(double v) {
  double scale = 1;
  for (int places = 0; places <= 9; ++places, scale *= 10) {
    const double r = std::round(v * scale);
    if (std::abs(r) < 9007199254740992.0 && r / scale == v)
      return Q(static_cast<long long>(r), static_cast<long long>(scale));
  }
  int e = 0;
  const double m = std::frexp(v, &e);  // v = m · 2^e, 0.5 <= |m| < 1
  const long long mant = static_cast<long long>(std::ldexp(m, 53));
  Q q(mant);
  const int shift = e - 53;
  if (shift > 0) q *= Q(Z(1) << shift);
  if (shift < 0) q /= Q(Z(1) << -shift);
  return q;
}

// sign(L − sqrt(X)), X >= 0.
int SignMinusSqrt(const Q& l, const Q& x) {
  if (l.sign() <= 0) return (l.sign() == 0 && x.sign() == 0) ? 0 : -1;
  return Sign(l * l - x);
}

// sign(L − R·sqrt(3)).
int SignMinusRoot3(const Q& l, const Q& r) {
  const int sl = l.sign(), sr = r.sign();
  if (sr == 0) return sl;
  if (sl == 0) return -sr;
  if (sl > 0 && sr < 0) return 1;
  if (sl < 0 && sr > 0) return -1;
  const int magnitude = Sign(l * l - 3 * r * r);  // |L| vs |R|·sqrt(3)
  return sl > 0 ? magnitude : -magnitude;
}

// The exact shape of a box entity: its corners, hull (counter-clockwise, no repeated or
// collinear points), twice its area and its centroid, as ConvexHullOfCorners, PolygonArea and
// PolygonCentroid define them.
struct Shape {
  P corners[4];
  std::vector<P> hull;
  Q twice_area;
  P centroid;
};

std::vector<P> Hull(std::vector<P> p) {
  std::sort(p.begin(), p.end(), [](const P& a, const P& b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  p.erase(std::unique(p.begin(), p.end(), Same), p.end());
  if (p.size() <= 2) return p;
  std::vector<P> h(2 * p.size());
  size_t k = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    while (k >= 2 && Sign(Cross(h[k - 2], h[k - 1], p[i])) <= 0) --k;
    h[k++] = p[i];
  }
  for (size_t i = p.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && Sign(Cross(h[k - 2], h[k - 1], p[i])) <= 0) --k;
    h[k++] = p[i];
  }
  h.resize(k - 1);
  return h;
}

Q TwiceArea(const std::vector<P>& h) {
  Q twice = 0;
  for (size_t i = 0; h.size() >= 3 && i < h.size(); ++i) twice += Cross(h[i], h[(i + 1) % h.size()]);
  return twice;
}

Shape ShapeOf(const SceneEntity& e) {
  Shape s;
  for (int i = 0; i < 4; ++i) s.corners[i] = {Value(e.corners[2 * i]), Value(e.corners[2 * i + 1])};
  s.hull = Hull({s.corners, s.corners + 4});
  s.twice_area = TwiceArea(s.hull);
  const auto& h = s.hull;
  if (h.size() == 1) {
    s.centroid = h[0];
  } else if (h.size() == 2) {
    s.centroid = {(h[0].x + h[1].x) / 2, (h[0].y + h[1].y) / 2};
  } else {
    Q cx = 0, cy = 0;
    for (size_t i = 0; i < h.size(); ++i) {
      const P &a = h[i], &b = h[(i + 1) % h.size()];
      const Q cr = Cross(a, b);
      cx += (a.x + b.x) * cr, cy += (a.y + b.y) * cr;
    }
    s.centroid = {cx / (3 * s.twice_area), cy / (3 * s.twice_area)};
  }
  return s;
}

// Squared distance from p to the segment [a, b] (a == b allowed).
Q PointSegmentDistance2(const P& p, const P& a, const P& b) {
  const P d = Sub(b, a), w = Sub(p, a);
  const Q len2 = Dot(d, d), t = Dot(w, d);
  if (len2.sign() == 0 || t.sign() <= 0) return Dot(w, w);
  if (t >= len2) {
    const P u = Sub(p, b);
    return Dot(u, u);
  }
  const Q cr = Cross(d, w);
  return cr * cr / len2;
}

bool Between(const Q& v, const Q& a, const Q& b) { return (a <= v && v <= b) || (b <= v && v <= a); }

bool OnSegment(const P& p, const P& a, const P& b) { return Between(p.x, a.x, b.x) && Between(p.y, a.y, b.y); }

bool SegmentsIntersect(const P& a, const P& b, const P& c, const P& d) {
  const int d1 = Sign(Cross(c, d, a)), d2 = Sign(Cross(c, d, b));
  const int d3 = Sign(Cross(a, b, c)), d4 = Sign(Cross(a, b, d));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (d1 == 0 && OnSegment(a, c, d)) || (d2 == 0 && OnSegment(b, c, d)) || (d3 == 0 && OnSegment(c, a, b)) ||
         (d4 == 0 && OnSegment(d, a, b));
}

// Edges of a hull as segments; a point's single edge is degenerate.
std::vector<std::pair<P, P>> Edges(const std::vector<P>& h) {
  if (h.size() == 1) return {{h[0], h[0]}};
  if (h.size() == 2) return {{h[0], h[1]}};
  std::vector<std::pair<P, P>> out;
  for (size_t i = 0; i < h.size(); ++i) out.emplace_back(h[i], h[(i + 1) % h.size()]);
  return out;
}

bool Inside(const P& p, const std::vector<P>& h) {
  if (h.size() < 3) return false;
  for (size_t i = 0; i < h.size(); ++i) {
    if (Sign(Cross(h[i], h[(i + 1) % h.size()], p)) < 0) return false;
  }
  return true;
}

// d(a, b)² of two convex hulls: 0 when they touch or intersect.
Q Distance2(const std::vector<P>& a, const std::vector<P>& b) {
  const auto ea = Edges(a), eb = Edges(b);
  for (const auto& [p, q] : ea) {
    for (const auto& [r, s] : eb) {
      if (SegmentsIntersect(p, q, r, s)) return 0;
    }
  }
  if (Inside(a[0], b) || Inside(b[0], a)) return 0;
  std::optional<Q> best;
  auto consider = [&](const std::vector<P>& points, const std::vector<std::pair<P, P>>& edges) {
    for (const P& p : points) {
      for (const auto& [r, s] : edges) {
        Q d = PointSegmentDistance2(p, r, s);
        if (!best || d < *best) best = std::move(d);
      }
    }
  };
  consider(a, eb);
  consider(b, ea);
  return *best;
}

// Twice the area of the intersection of two convex hulls (0 if either is degenerate).
Q TwiceIntersectionArea(const std::vector<P>& a, const std::vector<P>& b) {
  if (a.size() < 3 || b.size() < 3) return 0;
  std::vector<P> poly = a;
  for (size_t j = 0; j < b.size() && !poly.empty(); ++j) {
    const P &u = b[j], &v = b[(j + 1) % b.size()];
    std::vector<P> out;
    for (size_t i = 0; i < poly.size(); ++i) {
      const P &p = poly[i], &q = poly[(i + 1) % poly.size()];
      const Q cp = Cross(u, v, p), cq = Cross(u, v, q);
      if (cp.sign() >= 0) out.push_back(p);
      if ((cp.sign() > 0 && cq.sign() < 0) || (cp.sign() < 0 && cq.sign() > 0)) {
        const Q t = cp / (cp - cq);
        out.push_back({p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t});
      }
    }
    poly = std::move(out);
  }
  Q twice = 0;
  for (size_t i = 0; poly.size() >= 3 && i < poly.size(); ++i) twice += Cross(poly[i], poly[(i + 1) % poly.size()]);
  return abs(twice);
}

// The direction of the longest side read from the corner order (ShapeFromCorners: on a tie the
// later side), (1, 0) when every corner coincides; and the squared longest and shortest sides.
struct Sides {
  P direction;
  Q longest2, shortest2;
};
Sides SidesOf(const Shape& s) {
  Sides out;
  int longest_side = 0;
  for (int i = 0; i < 4; ++i) {
    const P d = Sub(s.corners[(i + 1) % 4], s.corners[i]);
    const Q len2 = Dot(d, d);
    if (i == 0 || len2 >= out.longest2) out.longest2 = len2, longest_side = i;
    if (i == 0 || len2 < out.shortest2) out.shortest2 = len2;
  }
  out.direction = Sub(s.corners[(longest_side + 1) % 4], s.corners[longest_side]);
  if (out.longest2.sign() == 0) out.direction = {1, 0};
  return out;
}

// sign(δ − deg) for directions u, v (not zero) and deg a multiple of 15° in [0, 90]:
// δ <= deg ⇔ (u·v)² >= cos²(deg)·|u|²|v|², with cos²(deg) = (1 + cos 2deg) / 2 = a + b·sqrt(3).
std::optional<int> AngleOfDirections(const P& u, const P& v, double deg) {
  if (!(deg >= 0 && deg <= 90) || std::fmod(deg, 15.0) != 0) return std::nullopt;
  static const struct {
    Q a, b;
  } kCos2[] = {{1, 0}, {Q(1, 2), Q(1, 4)}, {Q(3, 4), 0}, {Q(1, 2), 0}, {Q(1, 4), 0}, {Q(1, 2), Q(-1, 4)}, {0, 0}};
  const auto& c = kCos2[static_cast<int>(deg / 15.0)];
  const Q dot = Dot(u, v), p = dot * dot, q = Dot(u, u) * Dot(v, v);
  // sign(P − (a + b√3)Q) = sign(cos²δ − cos²deg) = −sign(δ − deg) on [0, 90].
  return -SignMinusRoot3(p - c.a * q, c.b * q);
}

}  // namespace

std::optional<bool> Direction(logic::Relation relation, const SceneEntity& a, const SceneEntity& b) {
  if (!Has(a) || !Has(b)) return std::nullopt;
  const P v = Sub(ShapeOf(a).centroid, ShapeOf(b).centroid);
  const Q ax = abs(v.x), ay = abs(v.y);
  switch (relation) {
    case logic::Relation::kLeftOf: return v.x.sign() < 0 && ay <= ax;
    case logic::Relation::kRightOf: return v.x.sign() > 0 && ay <= ax;
    case logic::Relation::kAbove: return v.y.sign() < 0 && ax <= ay;
    case logic::Relation::kBelow: return v.y.sign() > 0 && ax <= ay;
    default: return std::nullopt;
  }
}

std::optional<int> AreaDifference(const SceneEntity& a, const SceneEntity& b) {
  if (!Has(a) || !Has(b)) return std::nullopt;
  return Sign(ShapeOf(a).twice_area - ShapeOf(b).twice_area);
}

std::optional<int> AreaSign(const SceneEntity& a) {
  if (!Has(a)) return std::nullopt;
  return Sign(ShapeOf(a).twice_area);
}

std::optional<int> DistanceVsScale(const SceneEntity& a, const SceneEntity& b, double k) {
  if (!Has(a) || !Has(b) || !(k >= 0)) return std::nullopt;
  const Shape sa = ShapeOf(a), sb = ShapeOf(b);
  // d ≤ k(√Aa + √Ab)/2 ⇔ 4d² ≤ k²(Aa + Ab) + 2k²√(Aa·Ab); A = twice / 2.
  const Q kk = Value(k) * Value(k);
  const Q area_a = sa.twice_area / 2, area_b = sb.twice_area / 2;
  const Q l = 4 * Distance2(sa.hull, sb.hull) - kk * (area_a + area_b);
  return SignMinusSqrt(l, 4 * kk * kk * area_a * area_b);
}

std::optional<int> IntersectionVsArea(const SceneEntity& a, const SceneEntity& b, double t) {
  if (!Has(a) || !Has(b)) return std::nullopt;
  const Shape sa = ShapeOf(a), sb = ShapeOf(b);
  return Sign(TwiceIntersectionArea(sa.hull, sb.hull) - Value(t) * sa.twice_area);
}

std::optional<int> AngleVs(const SceneEntity& a, const SceneEntity& b, double deg) {
  if (!Has(a) || !Has(b)) return std::nullopt;
  return AngleOfDirections(SidesOf(ShapeOf(a)).direction, SidesOf(ShapeOf(b)).direction, deg);
}

std::optional<int> StripVs(std::span<const SceneEntity* const> args, double t) {
  if (!(t >= 0)) return std::nullopt;
  std::vector<P> c;
  std::optional<Q> min_twice;
  for (const SceneEntity* e : args) {
    if (!Has(*e)) return std::nullopt;
    Shape s = ShapeOf(*e);
    c.push_back(s.centroid);
    if (!min_twice || s.twice_area < *min_twice) min_twice = s.twice_area;
  }
  // width² vs t²·min A: the width is the smallest spread across the line of a pair of centres.
  const Q tt = Value(t) * Value(t) * *min_twice / 2;
  if (c.size() < 3) return tt.sign() == 0 ? 0 : -1;  // StripWidth: 0 below three points
  std::optional<int> best;
  for (size_t i = 0; i + 1 < c.size(); ++i) {
    for (size_t j = i + 1; j < c.size(); ++j) {
      const P d = Sub(c[j], c[i]);
      const Q len2 = Dot(d, d);
      if (len2.sign() == 0) continue;
      Q lo = 0, hi = 0;
      for (const P& p : c) {
        Q cr = Cross(d, Sub(p, c[i]));
        if (cr < lo) lo = cr;
        if (cr > hi) hi = std::move(cr);
      }
      const int s = Sign((hi - lo) * (hi - lo) - tt * len2);
      if (!best || s < *best) best = s;
      if (*best < 0) return best;
    }
  }
  if (!best) return tt.sign() == 0 ? 0 : -1;  // every centre coincides: width 0
  return best;
}

std::optional<int> MeasureVs(logic::Measure measure, std::span<const SceneEntity* const> args, const Threshold& th) {
  for (const SceneEntity* e : args) {
    if (!Has(*e)) return std::nullopt;
  }
  Q t = Value(th.number) * Value(th.factor);
  for (int i = 0; i < th.power; ++i) t /= Value(th.gsd);
  // sign(m − t) for m >= 0 given as m² = m2: negative thresholds are below every measure.
  auto vs_square = [&](const Q& m2) { return t.sign() < 0 ? 1 : Sign(m2 - t * t); };
  switch (measure) {
    case logic::Measure::kDistance: return vs_square(Distance2(ShapeOf(*args[0]).hull, ShapeOf(*args[1]).hull));
    case logic::Measure::kCenterDistance: {
      const P v = Sub(ShapeOf(*args[0]).centroid, ShapeOf(*args[1]).centroid);
      return vs_square(Dot(v, v));
    }
    case logic::Measure::kArea: return Sign(ShapeOf(*args[0]).twice_area / 2 - t);
    case logic::Measure::kLength: return vs_square(SidesOf(ShapeOf(*args[0])).longest2);
    case logic::Measure::kWidth: return vs_square(SidesOf(ShapeOf(*args[0])).shortest2);
    case logic::Measure::kAngle: {
      if (th.power != 0 || !(th.number >= 0 && th.number <= 90)) return std::nullopt;
      return AngleVs(*args[0], *args[1], th.number);
    }
  }
  return std::nullopt;
}

}  // namespace georune::reason::exact
