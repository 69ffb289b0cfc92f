// GEOS called directly (its own context, geometries read from WKT): the oracle of the polygon
// tests, independent of georune's PolygonShape (which builds its geometries from rings or WKB).
#pragma once

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "georune/common/polygon.h"

namespace georune::testing {

// Direction in [0, 180) degrees of the longest of the sides p[i] → p[i+1] (ties: the later side).
inline double LongestSideTheta(const std::vector<Vec2>& p) {
  double best = -1, theta = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const Vec2 u = p[i], v = p[(i + 1) % p.size()];
    const double len = std::hypot(v.x - u.x, v.y - u.y);
    if (len >= best) best = len, theta = std::fmod(std::atan2(v.y - u.y, v.x - u.x) * 180 / M_PI + 360, 180);
  }
  return theta;
}

// WKT of rings ("MULTIPOLYGON"); std::to_string keeps six decimals (test grids are coarser).
inline std::string RingWkt(const Ring& r) {
  std::string s = "(";
  for (size_t i = 0; i <= r.size(); ++i)
    s += (i ? ", " : "") + std::to_string(r[i % r.size()].x) + " " + std::to_string(r[i % r.size()].y);
  return s + ")";
}

inline std::string PolygonWkt(const std::vector<PolygonRings>& parts) {
  std::string s = "MULTIPOLYGON (";
  for (size_t k = 0; k < parts.size(); ++k) {
    s += k ? ", (" : "(";
    for (size_t r = 0; r < parts[k].size(); ++r) s += (r ? ", " : "") + RingWkt(parts[k][r]);
    s += ")";
  }
  return s + ")";
}

// A box is given as "MULTIPOINT (corners)" and read as the convex hull of its corners.
class Oracle {
 public:
  Oracle() : h_(GEOS_init_r()), reader_(GEOSWKTReader_create_r(h_)) {}
  ~Oracle() {
    GEOSWKTReader_destroy_r(h_, reader_);
    GEOS_finish_r(h_);
  }
  GEOSGeometry* Read(const std::string& wkt) {
    GEOSGeometry* g = GEOSWKTReader_read_r(h_, reader_, wkt.c_str());
    if (wkt.rfind("MULTIPOINT", 0) == 0) {  // a box: the convex hull of its corners
      GEOSGeometry* hull = GEOSConvexHull_r(h_, g);
      GEOSGeom_destroy_r(h_, g);
      return hull;
    }
    return g;
  }
  double Area(const std::string& a) {
    return With(a, [&](GEOSGeometry* g) {
      double v;
      GEOSArea_r(h_, g, &v);
      return v;
    });
  }
  double Distance(const std::string& a, const std::string& b) {
    GEOSGeometry *ga = Read(a), *gb = Read(b);
    double d = 0;
    GEOSDistance_r(h_, ga, gb, &d);
    Free(ga, gb);
    return d;
  }
  double IntersectionArea(const std::string& a, const std::string& b) {
    GEOSGeometry *ga = Read(a), *gb = Read(b);
    GEOSGeometry* i = GEOSIntersection_r(h_, ga, gb);
    double v = 0;
    GEOSArea_r(h_, i, &v);
    GEOSGeom_destroy_r(h_, i);
    Free(ga, gb);
    return v;
  }
  Vec2 Centroid(const std::string& a) {
    GEOSGeometry* g = Read(a);
    GEOSGeometry* c = GEOSGetCentroid_r(h_, g);
    Vec2 v;
    GEOSGeomGetX_r(h_, c, &v.x);
    GEOSGeomGetY_r(h_, c, &v.y);
    Free(g, c);
    return v;
  }
  // Direction (degrees in [0, 180)) of the longer side of the minimum rotated rectangle.
  double Theta(const std::string& a) {
    GEOSGeometry* g = Read(a);
    GEOSGeometry* r = GEOSMinimumRotatedRectangle_r(h_, g);
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h_, GEOSGetExteriorRing_r(h_, r));
    std::vector<Vec2> corners(4);
    for (unsigned i = 0; i < 4; ++i) GEOSCoordSeq_getXY_r(h_, seq, i, &corners[i].x, &corners[i].y);
    Free(g, r);
    return LongestSideTheta(corners);
  }

 private:
  template <typename F>
  double With(const std::string& a, F f) {
    GEOSGeometry* g = Read(a);
    double v = f(g);
    GEOSGeom_destroy_r(h_, g);
    return v;
  }
  void Free(GEOSGeometry* a, GEOSGeometry* b) {
    GEOSGeom_destroy_r(h_, a);
    GEOSGeom_destroy_r(h_, b);
  }
  GEOSContextHandle_t h_;
  GEOSWKTReader* reader_;
};

}  // namespace georune::testing
