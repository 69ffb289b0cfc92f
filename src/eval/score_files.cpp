#include "georune/eval/score_files.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "georune/common/diagnostic.h"
#include "georune/common/files.h"

namespace georune::eval {
namespace {

struct Entry {
  std::string id;
  std::vector<std::string> texts;
  int line = 0;
};

const char* LineHint(bool allow_array) {
  return allow_array ? "each line is an object like {\"id\": \"17\", \"text\": \"a caption\"} "
                       "or {\"id\": \"17\", \"text\": [\"one\", \"two\"]}"
                     : "each line is an object like {\"id\": \"17\", \"text\": \"a caption\"}";
}

// One line's {"id", "text"}; `allow_array`: "text" may be an array of strings.
Result<Entry> ParseEntry(const std::string& path, int line_no, std::string_view line, bool allow_array) {
  const char* hint = LineHint(allow_array);
  auto bad = [&](std::string message) { return FileDiagnostic(path, line_no, std::move(message), hint).ToStatus(); };
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("not valid JSON");
  if (!j.is_object()) return bad("expected a JSON object");
  Entry e;
  e.line = line_no;
  auto id = j.find("id");
  if (id == j.end()) return bad("missing \"id\"");
  if (id->is_string()) {
    e.id = id->get<std::string>();
  } else if (id->is_number_integer()) {
    e.id = id->dump();
  } else {
    return bad("\"id\" must be a string or an integer");
  }
  auto t = j.find("text");
  if (t == j.end()) return bad("missing \"text\"");
  if (t->is_string()) {
    e.texts.push_back(t->get<std::string>());
  } else if (allow_array && t->is_array()) {
    for (const auto& item : *t) {
      if (!item.is_string()) return bad("\"text\" array must hold only strings");
      e.texts.push_back(item.get<std::string>());
    }
    if (e.texts.empty()) return bad("\"text\" array is empty");
  } else {
    return bad(allow_array ? "\"text\" must be a string or an array of strings" : "\"text\" must be a string");
  }
  return e;
}

// Every non-blank line of a JSON Lines file of {"id", "text"} objects.
Result<std::vector<Entry>> ReadTextLines(const std::string& path, bool allow_array) {
  GEORUNE_ASSIGN_OR_RETURN(const std::string content,
                           ReadFile(path, kMaxWholeTextFileBytes));  // read whole; a larger file is refused
  std::vector<Entry> entries;
  const std::string_view text = content;
  int line_no = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    GEORUNE_ASSIGN_OR_RETURN(Entry e, ParseEntry(path, line_no, line, allow_array));
    entries.push_back(std::move(e));
  }
  if (entries.empty())
    return FileDiagnostic(path, 0, "no lines with an id and a text", LineHint(allow_array)).ToStatus();
  return entries;
}

}  // namespace

Result<ScoreFilesResult> ScoreFiles(const std::string& refs_path, const std::string& hyps_path, MetricsMode mode,
                                    const TextMetricsOptions& options) {
  GEORUNE_ASSIGN_OR_RETURN(std::vector<Entry> ref_lines, ReadTextLines(refs_path, /*allow_array=*/true));
  GEORUNE_ASSIGN_OR_RETURN(std::vector<Entry> hyp_lines, ReadTextLines(hyps_path, /*allow_array=*/false));
  std::map<std::string, std::vector<std::string>> refs;
  for (Entry& e : ref_lines) {
    auto& texts = refs[e.id];
    texts.insert(texts.end(), e.texts.begin(), e.texts.end());
  }
  std::map<std::string, std::string> hyps;
  std::map<std::string, int> hyp_line;
  for (Entry& e : hyp_lines) {
    auto [it, inserted] = hyp_line.emplace(e.id, e.line);
    if (!inserted) {
      return FileDiagnostic(hyps_path, e.line,
                            "hypothesis id '" + e.id + "' repeats line " + std::to_string(it->second),
                            "give one hypothesis per id")
          .ToStatus();
    }
    if (!refs.count(e.id)) {
      return FileDiagnostic(hyps_path, e.line, "hypothesis id '" + e.id + "' has no reference in " + refs_path,
                            "every hypothesis id needs a reference line with the same id")
          .ToStatus();
    }
    hyps.emplace(e.id, std::move(e.texts.front()));
  }
  ScoreFilesResult out;
  out.references_without_hypothesis = refs.size() - hyps.size();
  GEORUNE_ASSIGN_OR_RETURN(out.scores, ScoreCorpus(refs, hyps, mode, options));
  return out;
}

}  // namespace georune::eval
