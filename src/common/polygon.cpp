#include "georune/common/polygon.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "geos_library.h"

namespace georune {
// GEOS's functions are the pointers of geos_library.h (GEOS is loaded when the first polygon is
// built: FromRings, FromWkt and FromWkb call geos::Load()).
using namespace geos;

namespace {

// One GEOS context per thread, with its last error message.
struct Context {
  GEOSContextHandle_t h;
  std::string error;
  Context() {
    h = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(
        h, [](const char* message, void* self) { static_cast<Context*>(self)->error = message; }, this);
  }
  ~Context() { GEOS_finish_r(h); }
};

Context& Ctx() {
  thread_local Context context;
  return context;
}
GEOSContextHandle_t H() { return Ctx().h; }

struct GeomDeleter {
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(H(), g);
  }
};
using Geom = std::unique_ptr<GEOSGeometry, GeomDeleter>;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A closed ring of the given points (the first repeated at the end when needed); null with a
// message when it has fewer than 3 distinct points or a coordinate that is not finite.
GEOSGeometry* MakeRing(const Ring& ring, std::string* error) {
  std::vector<Vec2> pts = ring;
  for (const Vec2& p : pts)
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
      *error = "a coordinate is not finite";
      return nullptr;
    }
  if (!pts.empty() && (pts.front().x != pts.back().x || pts.front().y != pts.back().y)) pts.push_back(pts.front());
  if (pts.size() < 4) {
    *error = "a ring needs at least 3 distinct points";
    return nullptr;
  }
  GEOSContextHandle_t h = H();
  GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(pts.size()), 2);
  for (size_t i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(h, seq, static_cast<unsigned>(i), pts[i].x, pts[i].y);
  GEOSGeometry* r = GEOSGeom_createLinearRing_r(h, seq);  // takes the sequence
  if (!r) *error = "not a ring: " + Ctx().error;
  return r;
}

Geom MakePolygon(const PolygonRings& rings, std::string* error) {
  if (rings.empty()) {
    *error = "a polygon without rings";
    return nullptr;
  }
  GEOSContextHandle_t h = H();
  std::vector<GEOSGeometry*> made;
  for (const Ring& r : rings) {
    GEOSGeometry* g = MakeRing(r, error);
    if (!g) {
      for (GEOSGeometry* m : made) GEOSGeom_destroy_r(h, m);
      return nullptr;
    }
    made.push_back(g);
  }
  return Geom(GEOSGeom_createPolygon_r(h, made[0], made.data() + 1, static_cast<unsigned>(made.size() - 1)));
}

void ReadRing(const GEOSGeometry* ring, Ring& out) {
  GEOSContextHandle_t h = H();
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned n = 0;
  GEOSCoordSeq_getSize_r(h, seq, &n);
  out.resize(n);
  for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(h, seq, i, &out[i].x, &out[i].y);
}

// A box's hull as a GEOS point, line or polygon.
Geom HullGeometry(const ConvexPolygon& hull) {
  GEOSContextHandle_t h = H();
  const unsigned n = static_cast<unsigned>(hull.n);
  const unsigned size = n >= 3 ? n + 1 : n;
  GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, size, 2);
  for (unsigned i = 0; i < size; ++i) GEOSCoordSeq_setXY_r(h, seq, i, hull.points[i % n].x, hull.points[i % n].y);
  if (n == 1) return Geom(GEOSGeom_createPoint_r(h, seq));
  if (n == 2) return Geom(GEOSGeom_createLineString_r(h, seq));
  return Geom(GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, seq), nullptr, 0));
}

double GeosDistance(const GEOSGeometry* a, const GEOSGeometry* b) {
  double d = 0;
  if (!a || !b || GEOSDistance_r(H(), a, b, &d) != 1) return std::nan("");
  return d;
}

double GeosIntersectionArea(const GEOSGeometry* a, const GEOSGeometry* b) {
  GEOSContextHandle_t h = H();
  Geom inter(GEOSIntersection_r(h, a, b));
  double area = 0;
  if (!inter || GEOSArea_r(h, inter.get(), &area) != 1) return std::nan("");
  return area;
}

bool Polygonal(const GEOSGeometry* g) {
  const int t = GEOSGeomTypeId_r(H(), g);
  return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

}  // namespace

PolygonShape::PolygonShape(GEOSGeometry* g) : g_(g) {
  GEOSContextHandle_t h = H();
  GEOSArea_r(h, g_, &area_);
  Geom c(GEOSGetCentroid_r(h, g_));
  if (c && !GEOSisEmpty_r(h, c.get())) {
    GEOSGeomGetX_r(h, c.get(), &centroid_.x);
    GEOSGeomGetY_r(h, c.get(), &centroid_.y);
  }
  GEOSGeom_getXMin_r(h, g_, &min_x_);
  GEOSGeom_getYMin_r(h, g_, &min_y_);
  GEOSGeom_getXMax_r(h, g_, &max_x_);
  GEOSGeom_getYMax_r(h, g_, &max_y_);
}

PolygonShape::~PolygonShape() {
  if (g_) GEOSGeom_destroy_r(H(), g_);
}

Result<std::unique_ptr<PolygonShape>> PolygonShape::FromGeos(GEOSGeometry* raw, Invalid invalid, bool* repaired,
                                                             bool validate) {
  Geom g(raw);
  GEOSContextHandle_t h = H();
  if (repaired) *repaired = false;
  if (!g) return Status::InvalidInput("not a polygon: " + Ctx().error);
  if (!Polygonal(g.get())) {
    char* type = GEOSGeomType_r(h, g.get());  // the caller frees it
    const std::string name = type ? type : "geometry";
    if (type) GEOSFree_r(h, type);
    return Status::InvalidInput("a " + name + " is not a polygon");
  }
  if (GEOSisEmpty_r(h, g.get())) return Status::InvalidInput("the polygon is empty");
  char* reason = nullptr;
  GEOSGeometry* where = nullptr;
  const char valid = validate ? GEOSisValidDetail_r(h, g.get(), 0, &reason, &where) : 1;
  if (valid == 2) return Status::InvalidInput("GEOS cannot check the polygon: " + Ctx().error);
  if (valid == 0) {
    std::string why = reason ? reason : "invalid";
    if (where) {
      double x = 0, y = 0;
      GEOSGeomGetX_r(h, where, &x);
      GEOSGeomGetY_r(h, where, &y);
      why += " at (" + Num(x) + ", " + Num(y) + ")";
      GEOSGeom_destroy_r(h, where);
    }
    if (reason) GEOSFree_r(h, reason);
    if (invalid == Invalid::kRefuse) return Status::InvalidInput("the polygon is not valid: " + why);
    GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(h);
    GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(h, params, 0);
    Geom fixed(GEOSMakeValidWithParams_r(h, g.get(), params));
    GEOSMakeValidParams_destroy_r(h, params);
    if (!fixed || !Polygonal(fixed.get()) || GEOSisEmpty_r(h, fixed.get()) || GEOSisValid_r(h, fixed.get()) != 1)
      return Status::InvalidInput("the polygon is not valid (" + why + ") and cannot be repaired");
    g = std::move(fixed);
    if (repaired) *repaired = true;
  } else {
    if (reason) GEOSFree_r(h, reason);
    if (where) GEOSGeom_destroy_r(h, where);
  }
  double area = 0;
  GEOSArea_r(h, g.get(), &area);
  if (!(area > 0)) return Status::InvalidInput("the polygon has no area");
  return std::unique_ptr<PolygonShape>(new PolygonShape(g.release()));
}

Result<std::unique_ptr<PolygonShape>> PolygonShape::FromRings(std::span<const PolygonRings> polygons, Invalid invalid,
                                                              bool* repaired) {
  GEORUNE_RETURN_IF_ERROR(geos::Load());
  if (polygons.empty()) return Status::InvalidInput("no polygon");
  std::string error;
  std::vector<Geom> parts;
  for (const PolygonRings& p : polygons) {
    Geom g = MakePolygon(p, &error);
    if (!g) return Status::InvalidInput(error);
    parts.push_back(std::move(g));
  }
  if (parts.size() == 1) return FromGeos(parts[0].release(), invalid, repaired);
  std::vector<GEOSGeometry*> raw;
  raw.reserve(parts.size());
  for (auto& p : parts) raw.push_back(p.release());
  return FromGeos(GEOSGeom_createCollection_r(H(), GEOS_MULTIPOLYGON, raw.data(), static_cast<unsigned>(raw.size())),
                  invalid, repaired);
}

Result<std::unique_ptr<PolygonShape>> PolygonShape::FromWkt(const std::string& wkt, Invalid invalid, bool* repaired) {
  GEORUNE_RETURN_IF_ERROR(geos::Load());
  GEOSContextHandle_t h = H();
  GEOSWKTReader* reader = GEOSWKTReader_create_r(h);
  GEOSGeometry* g = GEOSWKTReader_read_r(h, reader, wkt.c_str());
  GEOSWKTReader_destroy_r(h, reader);
  if (!g) return Status::InvalidInput("not valid WKT: " + Ctx().error);
  return FromGeos(g, invalid, repaired);
}

Result<std::unique_ptr<PolygonShape>> PolygonShape::FromWkb(std::span<const uint8_t> wkb, bool validate) {
  GEORUNE_RETURN_IF_ERROR(geos::Load());
  GEOSContextHandle_t h = H();
  GEOSWKBReader* reader = GEOSWKBReader_create_r(h);
  GEOSGeometry* g = GEOSWKBReader_read_r(h, reader, wkb.data(), wkb.size());
  GEOSWKBReader_destroy_r(h, reader);
  Result<std::unique_ptr<PolygonShape>> shape = FromGeos(g, Invalid::kRefuse, nullptr, validate);
  if (!shape.ok()) return Status::Corrupt("a stored polygon is damaged: " + shape.status().message());
  return shape;
}

Corners PolygonShape::MinimumRotatedRectangle() const {
  GEOSContextHandle_t h = H();
  Corners c{min_x_, min_y_, max_x_, min_y_, max_x_, max_y_, min_x_, max_y_};
  Geom r(GEOSMinimumRotatedRectangle_r(h, g_));
  if (!r || GEOSGeomTypeId_r(h, r.get()) != GEOS_POLYGON) return c;  // unreachable for area > 0
  Ring ring;
  ReadRing(GEOSGetExteriorRing_r(h, r.get()), ring);
  if (ring.size() < 4) return c;
  for (size_t k = 0; k < 4; ++k) c[2 * k] = ring[k].x, c[2 * k + 1] = ring[k].y;
  return c;
}

std::vector<uint8_t> PolygonShape::ToWkb() const {
  GEOSContextHandle_t h = H();
  GEOSWKBWriter* w = GEOSWKBWriter_create_r(h);
  GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
  GEOSWKBWriter_setOutputDimension_r(h, w, 2);
  size_t n = 0;
  unsigned char* bytes = GEOSWKBWriter_write_r(h, w, g_, &n);
  std::vector<uint8_t> out(bytes, bytes + n);
  GEOSFree_r(h, bytes);
  GEOSWKBWriter_destroy_r(h, w);
  return out;
}

std::string PolygonShape::ToWkt() const {
  GEOSContextHandle_t h = H();
  GEOSWKTWriter* w = GEOSWKTWriter_create_r(h);
  GEOSWKTWriter_setTrim_r(h, w, 1);
  GEOSWKTWriter_setRoundingPrecision_r(h, w, 17);
  char* text = GEOSWKTWriter_write_r(h, w, g_);
  std::string out = text ? text : "";
  GEOSFree_r(h, text);
  GEOSWKTWriter_destroy_r(h, w);
  return out;
}

std::vector<PolygonRings> PolygonShape::Rings() const {
  GEOSContextHandle_t h = H();
  std::vector<PolygonRings> out;
  const int parts = GEOSGetNumGeometries_r(h, g_);
  for (int i = 0; i < parts; ++i) {
    const GEOSGeometry* p = GEOSGetGeometryN_r(h, g_, i);
    PolygonRings rings(1 + GEOSGetNumInteriorRings_r(h, p));
    ReadRing(GEOSGetExteriorRing_r(h, p), rings[0]);
    for (size_t k = 1; k < rings.size(); ++k) ReadRing(GEOSGetInteriorRingN_r(h, p, static_cast<int>(k - 1)), rings[k]);
    out.push_back(std::move(rings));
  }
  return out;
}

double PolygonShape::Distance(const PolygonShape& other) const { return GeosDistance(g_, other.g_); }

double PolygonShape::IntersectionArea(const PolygonShape& other) const {
  if (min_x_ > other.max_x_ || other.min_x_ > max_x_ || min_y_ > other.max_y_ || other.min_y_ > max_y_) return 0.0;
  return GeosIntersectionArea(g_, other.g_);
}

double PolygonShape::Distance(const ConvexPolygon& hull) const { return GeosDistance(g_, HullGeometry(hull).get()); }

double PolygonShape::IntersectionArea(const ConvexPolygon& hull) const {
  if (hull.n < 3) return 0.0;
  return GeosIntersectionArea(g_, HullGeometry(hull).get());
}

}  // namespace georune
