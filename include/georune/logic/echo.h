// The echo: a bound formula rendered back to plain English, so a user can check what will be
// searched (../shared/spec/english.md, Echo). Generated from the formula, never from the query
// text: "bridge(b) AND NOT exists v: vehicle(v) AND on(v, b)" →
// "an image with a bridge b that has no vehicle v on it".
//
// Every atom, quantifier and connective of the formula appears in the sentence; variables are
// named as in the formula so that a reader can follow which entity is which. Deterministic,
// no allocation beyond the returned string's pieces; thread-safe.
#pragma once

#include <string>

#include "georune/logic/bound.h"

namespace georune::logic {

std::string RenderEnglish(const BoundQuery& query);

}  // namespace georune::logic
