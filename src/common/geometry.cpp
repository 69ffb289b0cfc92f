#include "georune/common/geometry.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace georune {
namespace {

double Cross(Vec2 o, Vec2 a, Vec2 b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }
double Dist2(Vec2 a, Vec2 b) { return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y); }

// Squared distance from p to the segment [a, b] (a == b allowed).
double PointSegmentDistance2(Vec2 p, Vec2 a, Vec2 b) {
  double dx = b.x - a.x, dy = b.y - a.y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
  Vec2 q{a.x + t * dx, a.y + t * dy};
  return Dist2(p, q);
}

// Whether the bounding boxes of two hulls share a point (touching counts).
bool BoundsMeet(const ConvexPolygon& a, const ConvexPolygon& b) {
  auto bounds = [](const ConvexPolygon& p) {
    std::array<double, 4> r{p.points[0].x, p.points[0].y, p.points[0].x, p.points[0].y};
    for (int i = 1; i < p.n; ++i) {
      r[0] = std::min(r[0], p.points[i].x), r[1] = std::min(r[1], p.points[i].y);
      r[2] = std::max(r[2], p.points[i].x), r[3] = std::max(r[3], p.points[i].y);
    }
    return r;
  };
  const auto ra = bounds(a), rb = bounds(b);
  return ra[0] <= rb[2] && rb[0] <= ra[2] && ra[1] <= rb[3] && rb[1] <= ra[3];
}

int Sign(double v) { return (v > 0) - (v < 0); }

bool OnSegment(Vec2 p, Vec2 a, Vec2 b) {
  return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
         p.y <= std::max(a.y, b.y);
}

bool SegmentsIntersect(Vec2 a, Vec2 b, Vec2 c, Vec2 d) {
  int d1 = Sign(Cross(c, d, a)), d2 = Sign(Cross(c, d, b));
  int d3 = Sign(Cross(a, b, c)), d4 = Sign(Cross(a, b, d));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (d1 == 0 && OnSegment(a, c, d)) || (d2 == 0 && OnSegment(b, c, d)) || (d3 == 0 && OnSegment(c, a, b)) ||
         (d4 == 0 && OnSegment(d, a, b));
}

// Inside or on the boundary of a convex polygon with n >= 3 (counter-clockwise).
bool InsideConvex(Vec2 p, const ConvexPolygon& poly) {
  for (int i = 0; i < poly.n; ++i) {
    if (Cross(poly.points[i], poly.points[(i + 1) % poly.n], p) < 0) return false;
  }
  return true;
}

// Edge i of a hull as a segment; a point's single "edge" is degenerate.
std::pair<Vec2, Vec2> Edge(const ConvexPolygon& poly, int i) {
  if (poly.n == 1) return {poly.points[0], poly.points[0]};
  if (poly.n == 2) return {poly.points[0], poly.points[1]};
  return {poly.points[i], poly.points[(i + 1) % poly.n]};
}
int EdgeCount(const ConvexPolygon& poly) { return poly.n <= 2 ? 1 : poly.n; }

}  // namespace

namespace {

// The hull of four corners that form a strictly convex quadrilateral in their own order, every
// turn clear of rounding (|cross| far above what double arithmetic can err by): the corners
// themselves, from the lowest (x, then y) in the positive turning sense — what the monotone
// chain gives, since its turn tests are those same four triangles (any three of four points are
// consecutive), with the same signs. Nullopt otherwise.
std::optional<ConvexPolygon> ConvexQuadHull(const std::array<Vec2, 4>& p) {
  double m = 1.0;
  for (const Vec2& v : p) m = std::max({m, std::abs(v.x), std::abs(v.y)});
  const double clear = 1e-9 * m * m;
  int sign = 0;
  for (int i = 0; i < 4; ++i) {
    const double cr = Cross(p[i], p[(i + 1) % 4], p[(i + 2) % 4]);
    if (!(std::abs(cr) > clear)) return std::nullopt;
    const int s = cr > 0 ? 1 : -1;
    if (sign != 0 && s != sign) return std::nullopt;
    sign = s;
  }
  int first = 0;
  for (int i = 1; i < 4; ++i) {
    if (p[i].x < p[first].x || (p[i].x == p[first].x && p[i].y < p[first].y)) first = i;
  }
  ConvexPolygon out;
  out.n = 4;
  for (int i = 0; i < 4; ++i) out.points[i] = p[(first + sign * i + 4) % 4];
  return out;
}

}  // namespace

ConvexPolygon ConvexHullOfCorners(const Corners& c) {
  std::array<Vec2, 4> p{Vec2{c[0], c[1]}, Vec2{c[2], c[3]}, Vec2{c[4], c[5]}, Vec2{c[6], c[7]}};
  if (std::optional<ConvexPolygon> quad = ConvexQuadHull(p)) return *quad;
  std::sort(p.begin(), p.end(), [](Vec2 a, Vec2 b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  // Andrew's monotone chain; drops collinear points.
  std::array<Vec2, 8> hull{};
  int k = 0;
  for (int i = 0; i < 4; ++i) {
    while (k >= 2 && Cross(hull[k - 2], hull[k - 1], p[i]) <= 0) --k;
    hull[k++] = p[i];
  }
  for (int i = 2, lower = k + 1; i >= 0; --i) {
    while (k >= lower && Cross(hull[k - 2], hull[k - 1], p[i]) <= 0) --k;
    hull[k++] = p[i];
  }
  ConvexPolygon out;
  // k counts the first point twice (closing); unique points are k-1, at least 1.
  int n = std::max(1, k - 1);
  if (n == 2 && p[0].x == p[3].x && p[0].y == p[3].y) n = 1;
  if (n > 4) n = 4;  // cannot happen for four points; guards the array
  for (int i = 0; i < n; ++i) out.points[i] = hull[i];
  out.n = n;
  if (out.n == 2 && out.points[0].x == out.points[1].x && out.points[0].y == out.points[1].y) out.n = 1;
  return out;
}

double PolygonArea(const ConvexPolygon& poly) {
  if (poly.n < 3) return 0.0;
  double twice = 0;
  for (int i = 0; i < poly.n; ++i) {
    const Vec2& a = poly.points[i];
    const Vec2& b = poly.points[(i + 1) % poly.n];
    twice += a.x * b.y - b.x * a.y;
  }
  return std::abs(twice) / 2.0;
}

Vec2 PolygonCentroid(const ConvexPolygon& poly) {
  if (poly.n == 1) return poly.points[0];
  if (poly.n == 2) {
    return {(poly.points[0].x + poly.points[1].x) / 2, (poly.points[0].y + poly.points[1].y) / 2};
  }
  // Relative to the first point, for precision on large coordinates.
  const Vec2 o = poly.points[0];
  double twice = 0, cx = 0, cy = 0;
  for (int i = 0; i < poly.n; ++i) {
    Vec2 a{poly.points[i].x - o.x, poly.points[i].y - o.y};
    Vec2 b{poly.points[(i + 1) % poly.n].x - o.x, poly.points[(i + 1) % poly.n].y - o.y};
    double cr = a.x * b.y - b.x * a.y;
    twice += cr;
    cx += (a.x + b.x) * cr;
    cy += (a.y + b.y) * cr;
  }
  if (twice == 0) return o;
  return {o.x + cx / (3 * twice), o.y + cy / (3 * twice)};
}

double ConvexIntersectionArea(const ConvexPolygon& a, const ConvexPolygon& b) {
  if (a.n < 3 || b.n < 3) return 0.0;
  // Sutherland–Hodgman: clip a by each (counter-clockwise) edge of b.
  std::array<Vec2, 16> buf1{}, buf2{};
  int n = a.n;
  std::copy(a.points.begin(), a.points.begin() + a.n, buf1.begin());
  Vec2* in = buf1.data();
  Vec2* out = buf2.data();
  for (int e = 0; e < b.n && n > 0; ++e) {
    Vec2 p = b.points[e], q = b.points[(e + 1) % b.n];
    int m = 0;
    for (int i = 0; i < n; ++i) {
      Vec2 cur = in[i], nxt = in[(i + 1) % n];
      double dc = Cross(p, q, cur), dn = Cross(p, q, nxt);
      if (dc >= 0) out[m++] = cur;
      if ((dc >= 0) != (dn >= 0)) {
        double t = dc / (dc - dn);
        out[m++] = {cur.x + t * (nxt.x - cur.x), cur.y + t * (nxt.y - cur.y)};
      }
      if (m >= 15) break;  // a convex clip of a quad by a quad never exceeds 8 points
    }
    std::swap(in, out);
    n = m;
  }
  if (n < 3) return 0.0;
  double twice = 0;
  for (int i = 0; i < n; ++i) twice += in[i].x * in[(i + 1) % n].y - in[(i + 1) % n].x * in[i].y;
  return std::abs(twice) / 2.0;
}

double ConvexDistance(const ConvexPolygon& a, const ConvexPolygon& b) {
  // Touching or intersecting: an edge crossing, or one inside the other. Neither can happen when
  // the bounding boxes are apart (nor be reported by rounding in the orientation signs).
  if (BoundsMeet(a, b)) {
    for (int i = 0; i < EdgeCount(a); ++i) {
      auto [p, q] = Edge(a, i);
      for (int j = 0; j < EdgeCount(b); ++j) {
        auto [r, s] = Edge(b, j);
        if (SegmentsIntersect(p, q, r, s)) return 0.0;
      }
    }
    if (b.n >= 3 && InsideConvex(a.points[0], b)) return 0.0;
    if (a.n >= 3 && InsideConvex(b.points[0], a)) return 0.0;
  }
  // The smallest of the point–segment distances; sqrt is monotonic and correctly rounded, so the
  // root of the smallest square equals the smallest root.
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < a.n; ++i) {
    for (int j = 0; j < EdgeCount(b); ++j) {
      auto [r, s] = Edge(b, j);
      best = std::min(best, PointSegmentDistance2(a.points[i], r, s));
    }
  }
  for (int j = 0; j < b.n; ++j) {
    for (int i = 0; i < EdgeCount(a); ++i) {
      auto [p, q] = Edge(a, i);
      best = std::min(best, PointSegmentDistance2(b.points[j], p, q));
    }
  }
  return std::sqrt(best);
}

BoxShape ShapeFromCorners(const Corners& c) {
  double longest = -1, shortest = std::numeric_limits<double>::infinity();
  size_t longest_side = 0;
  for (size_t i = 0; i < 4; ++i) {
    double dx = c[2 * ((i + 1) % 4)] - c[2 * i], dy = c[2 * ((i + 1) % 4) + 1] - c[2 * i + 1];
    double len = std::hypot(dx, dy);
    if (len >= longest) {
      longest = len;
      longest_side = i;
    }
    shortest = std::min(shortest, len);
  }
  const size_t i = longest_side;
  double dx = c[2 * ((i + 1) % 4)] - c[2 * i], dy = c[2 * ((i + 1) % 4) + 1] - c[2 * i + 1];
  double theta = std::fmod(std::atan2(dy, dx) * (180.0 / M_PI), 180.0);
  if (theta < 0) theta += 180.0;
  if (theta >= 180.0) theta -= 180.0;
  return {theta, longest, shortest};
}

double OrientationDifference(double a, double b) {
  double d = std::abs(a - b);
  return std::min(d, 180.0 - d);
}

double StripWidth(std::span<const Vec2> pts) {
  const size_t n = pts.size();
  if (n < 3) return 0.0;
  double best = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i + 1 < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      double dx = pts[j].x - pts[i].x, dy = pts[j].y - pts[i].y;
      double l = std::sqrt(dx * dx + dy * dy);
      if (l == 0) continue;
      double lo = 0, hi = 0;
      for (size_t k = 0; k < n; ++k) {
        double c = (dx * (pts[k].y - pts[i].y) - dy * (pts[k].x - pts[i].x)) / l;
        lo = std::min(lo, c);
        hi = std::max(hi, c);
      }
      best = std::min(best, hi - lo);
    }
  }
  return std::isinf(best) ? 0.0 : best;
}

}  // namespace georune
