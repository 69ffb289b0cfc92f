// Everyday words → RSWK fields. The documented lexicon (docs/rag.md, "Field lexicon").
//
// A Sense is one quantity or fact a question can ask about:
//  - a remote-sensing variable (kind kVariable): `keys` are the RSWK variable names that hold
//    it, best source first (rain → PRECTOTLAND, then precipitation); a record's variable
//    matches a key when its name is the key or starts with "KEY(" ("GWETPROF(Average prof
//    soil moisture)");
//  - a world-knowledge field (kind kField): `keys` holds the one field name.
// `phrases` are folded word sequences (text_fold.h). DetectSense() finds, in the folded
// question tokens (a trailing "s" dropped from words of 4+ letters on both sides), every
// phrase that occurs as consecutive tokens and returns the sense of the longest one (most
// tokens; ties: lexicon order). Variable codes ("albedo", "lst day 1km", "sr b4") are phrases.
// World-knowledge senses only count when no variable sense matches; among them the lexicon's
// order decides ties, so "address" wins over "where".
#pragma once

#include <string>
#include <vector>

#include "georune/rag/records.h"

namespace georune::rag {

enum class SenseKind { kVariable, kField };

struct Sense {
  SenseKind kind;
  std::vector<std::string> keys;
  std::string label;  // "daytime land surface temperature"
  std::string unit;   // unit of the values ("mm", "°C", "m/s", "Pa", "°"); "" when unitless
  std::vector<std::string> phrases;
  // Superlative direction words ("hottest" → higher values) that imply this sense.
  std::vector<std::string> more_words, less_words;
};

const std::vector<Sense>& FieldLexicon();

// Folded, singularised tokens of a question (the form DetectSense and the phrases use).
std::vector<std::string> LexiconTokens(std::string_view question);

// The sense the question asks about, or nullptr. `tokens` from LexiconTokens().
const Sense* DetectSense(const std::vector<std::string>& tokens);

// True when `tokens` contain `phrase` (folded words separated by spaces) consecutively.
bool HasPhrase(const std::vector<std::string>& tokens, const std::string& phrase);

struct FieldValue {
  std::string key;    // the record's field or variable name ("GWETPROF(Average prof soil moisture)")
  std::string value;  // as stored, units kept ("544.3mm"); land cover with its class name
};

// The values a record holds for a sense, one per key that it has, best source first.
std::vector<FieldValue> ValuesOf(const Record& record, const Sense& sense);

// The leading number of a value ("-1.1m/s" → -1.1); false when it does not start with one.
bool NumericValue(const std::string& value, double* out);

}  // namespace georune::rag
