// English → logic (spec/logic.md §2): one interface, two translators.
//
//  - "builtin": a deterministic rule-based translator of the English people use for image
//    queries, with the meaning of ../shared/spec/english.md: normaliser → lexicon → grammar
//    (nl/lexicon.h; src/nl/normaliser.cpp, lexicon.cpp, grammar.cpp). Class nouns from the
//    ontology with synonyms, plurals, groups, WordNet synonyms and typos; counting and vague
//    quantities; spatial relations; the scope of no/without/with; rows and groups; every;
//    negation; disjunction; relative clauses; metric phrases. No model, no network, well under a
//    millisecond per query. When it cannot translate it returns kInvalidInput naming each word
//    it could not place (with spelling neighbours, or the WordNet chain it refused to follow);
//    it never drops part of a query silently.
//  - "llm": an OpenAI-compatible chat endpoint (llm/chat_client.h) prompted with the ontology,
//    the relations and the syntax; N candidates are sampled, each parsed and bound, normalised
//    (logic::NormalForm) and the most frequent valid one is kept (uncertainty control as in the
//    RUNE paper), with its agreement ratio. Optionally falls back to "builtin".
//
// Every Translation holds a formula that passed logic::ParseAndBind against the ontology
// given; `formula` is its canonical print. Translators are not thread-safe; make one per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "georune/common/status.h"
#include "georune/llm/chat_client.h"
#include "georune/logic/bound.h"
#include "georune/ontology/ontology.h"

namespace georune::nl {

struct Translation {
  std::string formula;      // canonical print of the bound query (logic::Print)
  logic::BoundQuery query;  // the bound query itself
  std::string translator;   // "builtin" | "llm"
  double agreement = 1.0;   // votes of the kept candidate / samples (1 for builtin)
  int samples = 1;          // candidates asked for
  int votes = 1;            // candidates agreeing with the kept one (up to NormalForm)
  std::vector<std::pair<std::string, std::string>> rejected;  // candidate, reason
  std::string note;                                           // e.g. "llm failed (...); used builtin"
};

class Translator {
 public:
  virtual ~Translator() = default;
  // kInvalidInput: the English cannot be translated (message lists what was not understood).
  // kUnavailable: the LLM endpoint failed and no fallback is configured.
  virtual Result<Translation> Translate(std::string_view english, const Ontology& ontology) = 0;
};

struct TranslatorConfig {
  std::string kind = "builtin";  // "builtin" | "llm"
  bool use_wordnet = true;       // builtin: widen nouns with WordNet when its files are found
  std::string wordnet_dir;       // empty: $GEORUNE_WORDNET_DIR, else /usr/share/wordnet

  // llm
  llm::ClientConfig client;  // URL, timeouts, retries, API key
  std::string model;         // sent as "model" (may be empty for llama.cpp)
  int samples = 10;          // N candidates
  double temperature = 0.7;
  int max_tokens = 256;
  llm::StructuredOutput structured = llm::StructuredOutput::kJsonSchema;
  bool fallback = false;  // on endpoint failure or no valid candidate, use builtin
  std::optional<long long> seed;
};

// kInvalidInput for an unknown kind or bad LLM settings (URL, samples < 1).
Result<std::unique_ptr<Translator>> MakeTranslator(const TranslatorConfig& config);

// The built-in translator's draft: the formula text before validation (for tests and
// --explain); the same errors as Translate().
Result<std::string> DraftBuiltin(std::string_view english, const Ontology& ontology, bool use_wordnet = true);

// The LLM translator built on a given client (the seam; MakeTranslator builds an
// HttpChatClient). `client` must outlive the translator.
std::unique_ptr<Translator> MakeLlmTranslator(const TranslatorConfig& config, llm::ChatClient& client);

// The prompt pieces, exposed for tests and docs.
std::string LlmSystemPrompt(const Ontology& ontology);
std::string FormulaJsonSchema();                       // {"type":"object","properties":{"formula":...}}
std::string FormulaGrammar(const Ontology& ontology);  // GBNF admitting only the formula syntax
// The formula inside a reply: the "formula" field of a JSON object, else the text itself
// (code fences and a leading "formula:" stripped).
std::string ExtractFormula(std::string_view reply);

}  // namespace georune::nl
