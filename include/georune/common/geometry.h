// Plane geometry of oriented boxes, exactly as spec/logic.md §1 and §4 define it.
//
// Pixel coordinates, origin top-left, y pointing down. Every function here is pure, allocation
// free and thread safe. Degenerate boxes (collinear or coincident corners) are valid input:
// their hull is a segment or a point, with area 0.
#pragma once

#include <array>
#include <span>

namespace georune {

struct Vec2 {
  double x = 0, y = 0;
};

// Convex hull of up to four points, counter-clockwise in a y-up sense (as the shoelace formula
// sees it), without repeated or collinear points. n is 1 (point), 2 (segment) or 3..4 (polygon).
struct ConvexPolygon {
  std::array<Vec2, 4> points{};
  int n = 0;
};

// The box's four corners as x1,y1,…,x4,y4.
using Corners = std::array<double, 8>;

ConvexPolygon ConvexHullOfCorners(const Corners& corners);

// Area of a convex polygon (0 for a point or segment).
double PolygonArea(const ConvexPolygon& poly);

// Centroid: the area centroid of a polygon; the midpoint of a segment hull; the point itself.
// (This matches PostGIS ST_Centroid on the same hull.)
Vec2 PolygonCentroid(const ConvexPolygon& poly);

// Area of the intersection of two convex polygons (0 if either is degenerate).
double ConvexIntersectionArea(const ConvexPolygon& a, const ConvexPolygon& b);

// Smallest Euclidean distance between two convex sets; 0 when they touch or intersect.
double ConvexDistance(const ConvexPolygon& a, const ConvexPolygon& b);

// Orientation and side lengths read from the corner order: the longest of the four sides
// (x1y1→x2y2, …, x4y4→x1y1; on a tie the later side), its direction in degrees in [0, 180),
// its length, and the shortest side's length.
struct BoxShape {
  double theta_deg = 0;
  double length = 0;
  double width = 0;
};
BoxShape ShapeFromCorners(const Corners& corners);

// Orientation difference δ = min(|a−b|, 180−|a−b|) of two directions in degrees, in [0, 90].
double OrientationDifference(double theta_a_deg, double theta_b_deg);

// Width of the narrowest strip (two parallel lines) holding all the points: the minimum over
// point pairs (i, j) of the points' spread across the line through i and j. 0 for fewer than
// three points, or for coincident or collinear points.
double StripWidth(std::span<const Vec2> points);

}  // namespace georune
