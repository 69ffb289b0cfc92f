// Truth of atoms (spec §4): relations and comparisons on scene entities, soft or crisp.
//
// Every function returns a truth value in [0, 1]. Crisp mode gives exactly 0 or 1; soft mode
// gives clamp(0.5 + m / (2·w), 0, 1) from the relation's margin m (m ≥ 0 ⇔ the relation holds)
// and width w = softness · threshold; a relation that fails on its boundary (margin exactly 0
// on a strict inequality) gets a value just below 0.5. docs/parameters.md lists the margins.
#pragma once

#include <span>

#include "georune/logic/bound.h"
#include "georune/reason/params.h"
#include "georune/reason/scene.h"

namespace georune::reason {

// `args` are the relation's arguments in order (distinct entities, or the same one repeated).
double RelationTruth(logic::Relation relation, std::span<const SceneEntity* const> args,
                     const TruthParams& params);

// The measure of a comparison in pixels (px, px² or degrees).
double MeasureValue(logic::Measure measure, std::span<const SceneEntity* const> args);

// A comparison's threshold converted to pixels with `gsd` (metres per pixel); NaN if the unit
// is metric and gsd is NaN.
double ThresholdInPixels(const logic::BoundNode& compare, double gsd);

double CompareTruth(const logic::BoundNode& compare, std::span<const SceneEntity* const> args, double gsd,
                    const TruthParams& params);

// Truth of a class atom C(x): p(x) when x's class is in the atom's set (or any class), else 0.
double ClassTruth(const logic::BoundNode& atom, const SceneEntity& e, const TruthParams& params);

// The semantics' connectives (spec §5).
double And(Semantics s, double a, double b);
double Or(Semantics s, double a, double b);
inline double Not(double a) { return 1.0 - a; }

}  // namespace georune::reason
