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
ExtractiveAnswer AnswerVqa(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved, std::string_view question,
                           const AnswerOptions& options);
// answer_classify.cpp: the category with the most retrieval score among the retrieved records
// (restricted to the question's "categories: A, B, C." list when it has one).
ExtractiveAnswer AnswerClassify(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved,
                                std::string_view question);
// answer_caption.cpp: a templated caption of the best retrieved record.
ExtractiveAnswer AnswerCaption(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved);

}  // namespace georune::rag
