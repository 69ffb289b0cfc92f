// Lists and superlatives, answered over the records' structured fields (not by retrieval).
//
// ParseStructured() reads a question (no landmark named in it; answer_vqa.cpp checks first):
//  - superlative: a direction word — generic (highest, largest, most, greatest, maximum, top /
//    lowest, smallest, least, minimum) or one that implies its quantity (hottest, coldest,
//    wettest, driest, windiest, calmest, biggest, …; field_lexicon.h) — and the quantity
//    (DetectSense, or the one the word implies). "top 3", "the three wettest", "5 highest"
//    ask for several (default 1; ties at the cut are all kept).
//  - list: "which/what/list/name/show … landmarks|sites|places|<category>" with a filter, or
//    such a noun with a known place ("historic sites in Iran").
// Filters: the record category named in the question (folded, plural allowed: "historic
// sites" → "Historic Site"); a place after "in"/"from"/"within": the longest run of question
// tokens found in some record's folded Area (country aliases: USA / U.S. / United States,
// UK / Britain with England, Scotland, Wales, Northern Ireland); an unknown place is kept
// (`place_unmatched`) so the answer can say "not_found". AnswerOptions' filter (category,
// box) applies as well.
// AnswerStructured(): a list gives every matching record sorted by name, with its Area (or the
// asked quantity), up to options.list_limit (the answer says how many were left out); a
// superlative orders the records holding a numeric value of the quantity's first key, and
// for a quantity with two sources (PRECTOTLAND / precipitation) also names the leader of the
// second. No match: "not_found" with the filters looked for.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "georune/rag/answer.h"
#include "georune/rag/field_lexicon.h"
#include "georune/rag/knowledge_base.h"

namespace georune::rag {

struct StructuredQuery {
  bool superlative = false;
  const Sense* sense = nullptr;  // the quantity ordered by (superlative) or shown (list)
  bool descending = true;
  size_t count = 1;              // superlative: how many
  std::string category;          // a record category, "" for any
  std::string place;             // as typed (folded), "" for any
  bool place_unmatched = false;  // a place was named but no record's Area mentions it
  std::string direction_word;    // "highest", "coldest", …
};

std::optional<StructuredQuery> ParseStructured(const KnowledgeBase& kb, std::string_view question);

ExtractiveAnswer AnswerStructured(const KnowledgeBase& kb, const StructuredQuery& query, const AnswerOptions& options);

// A Physical_Area text as square metres: the first "NUMBER UNIT" with an area unit (m², km²,
// ha, hectares, acres, sq mi, sq ft, square metres/kilometres/miles/feet); false when none.
bool AreaSquareMetres(const std::string& text, double* m2);

}  // namespace georune::rag
