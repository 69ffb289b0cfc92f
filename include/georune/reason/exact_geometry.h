// Exact crisp decisions on relation boundaries (spec §4), in rational arithmetic.
//
// The archive stores each corner as the double its label file's decimal text parsed to. A
// double that is the nearest double to a decimal with at most 9 places is read back as that
// decimal (0.1 is 1/10, not the binary 0.1000000000000000055…); any other double as its exact
// binary value. Every derived quantity a crisp test compares is then exact or algebraic:
// areas, centroids, squared distances and squared strip widths are rationals; s = sqrt(A) and
// the cosines of multiples of 15° enter through exact comparisons with square roots. Each
// function returns the sign of (quantity − threshold): −1, 0 or +1, so a tie is 0, and the
// caller applies the relation's own inequality (≤, <, …) to it.
//
// These are slow (big rationals) and meant for the rare case where floating point cannot tell
// the side of a boundary: relations.cpp decides in double first and calls them only within a
// rounding tolerance of the threshold. nullopt: no exact answer, for a polygon entity (its
// geometry goes through GEOS in floating point) or a threshold without exact form (an angle
// that is not a multiple of 15°).
#pragma once

#include <optional>
#include <span>

#include "georune/logic/bound.h"
#include "georune/reason/scene.h"

namespace georune::reason::exact {

// Whether the entity has exact geometry (a box entity; polygon entities do not).
inline bool Has(const SceneEntity& e) { return !e.polygon; }

// The directional relation (left_of, right_of, above, below) of a seen from b, exactly: the
// cone test of spec §4 on v = c(a) − c(b), ties on the 45° diagonals included.
std::optional<bool> Direction(logic::Relation relation, const SceneEntity& a, const SceneEntity& b);

// sign(A(a) − A(b)).
std::optional<int> AreaDifference(const SceneEntity& a, const SceneEntity& b);

// sign(A(a)) (0 for a degenerate box, else +1).
std::optional<int> AreaSign(const SceneEntity& a);

// sign(d(a, b) − k · (s(a) + s(b)) / 2), k >= 0 (near, far).
std::optional<int> DistanceVsScale(const SceneEntity& a, const SceneEntity& b, double k);

// sign(area(poly(a) ∩ poly(b)) − t · A(a)) (on with t = t_on; overlaps with t = 0).
std::optional<int> IntersectionVsArea(const SceneEntity& a, const SceneEntity& b, double t);

// sign(δ(a, b) − deg), δ the orientation difference of spec §4; nullopt unless deg is a
// multiple of 15° in [0, 90] (other thresholds have no exact form here).
std::optional<int> AngleVs(const SceneEntity& a, const SceneEntity& b, double deg);

// sign(StripWidth(centres) − t · min s) over the arguments, t >= 0 (aligned).
std::optional<int> StripVs(std::span<const SceneEntity* const> args, double t);

// sign(measure − threshold) for a comparison (spec §2) whose threshold in pixels is
// number · factor / gsd^power; power 0 ignores gsd. nullopt where the measure has no exact form.
struct Threshold {
  double number = 0;
  double factor = 1;  // 1000 for km, 10000 for ha, else 1
  double gsd = 1;
  int power = 0;  // 0: pixels; 1: lengths in m/km; 2: areas in m²/ha
};
std::optional<int> MeasureVs(logic::Measure measure, std::span<const SceneEntity* const> args, const Threshold& t);

}  // namespace georune::reason::exact
