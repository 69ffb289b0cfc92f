// Internal to the rag module: the pieces of AnswerExtractive() (answer.h), one file each.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "georune/rag/answer.h"

namespace georune::rag {

// Sentences of a text (split after . ? ! followed by a space, and at newlines).
std::vector<std::string> Sentences(const std::string& text);

// answer_vqa.cpp: a vqa question (see answer.h).
ExtractiveAnswer AnswerVqa(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved,
                           std::string_view question, const AnswerOptions& options);

}  // namespace georune::rag
