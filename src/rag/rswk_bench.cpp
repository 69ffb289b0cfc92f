#include "georune/rag/rswk_bench.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <unordered_map>

#include "georune/common/diagnostic.h"
#include "georune/common/files.h"
#include "georune/common/json_error.h"

namespace georune::rag {

std::string NameLandmark(const std::string& question, const std::string& name) {
  std::string q = question;
  for (size_t p; (p = q.find("<image>")) != std::string::npos;) q.erase(p, 7);
  while (!q.empty() && (q.front() == ' ' || q.front() == '\n')) q.erase(q.begin());
  static const std::regex kPhrases[] = {
      std::regex(
          R"(\b(the|this)\s+(?:(?:landmark|site|place|location|area|structure|building|region|spot)\s+)?(?:(?:shown|captured|depicted|seen|visible|featured|displayed|pictured)\s+)?(?:in|from|of|on|within)\s+(?:the|this)\s+(?:remote(?:\s+sensing)?|satellite)\s+image)",
          std::regex::icase),
      std::regex(
          R"(\b(the|this)\s+(?:remote(?:\s+sensing)?|satellite)\s+image(?:ry)?(?:\s+(?:location|landmark|site|area|place))?)",
          std::regex::icase),
      std::regex(R"(\b(the|this)\s+(?:landmark|site|place|location|area|structure|region)\b)", std::regex::icase)};
  for (const auto& re : kPhrases) {
    std::smatch m;
    if (std::regex_search(q, m, re)) {
      return q.substr(0, size_t(m.position(0))) + name + q.substr(size_t(m.position(0) + m.length(0)));
    }
  }
  return q + " (" + name + ")";
}

namespace {

std::string Stem(const std::string& image) { return std::filesystem::path(image).stem().string(); }

Status LoadFile(const std::string& path, const std::unordered_map<std::string, std::string>& by_name,
                std::vector<BenchItem>* items, size_t* skipped) {
  // A question file is one JSON document, read whole (RSWK's are a few MiB); one over 256 MiB
  // is refused as the wrong file.
  GEORUNE_ASSIGN_OR_RETURN(std::string text, ReadFile(path, kMaxWholeTextFileBytes));
  const std::string kind = std::filesystem::path(path).stem().string();
  const bool classification = path.find("classification") != std::string::npos;
  using nlohmann::json;
  if (path.ends_with(".json")) {
    json doc;
    try {
      doc = json::parse(text);
    } catch (const json::exception& e) {
      return JsonDiagnostic(path, 0, e.what(), "a benchmark .json file is one JSON array", text).ToStatus();
    }
    if (!doc.is_array()) return FileDiagnostic(path, 1, "expected a JSON array").ToStatus();
    for (size_t i = 0; i < doc.size(); ++i) {
      json e = doc[i];
      // Some elements hold gpt_output as a string of JSON (as the model wrote it): parse it.
      if (e.is_object() && e.contains("gpt_output") && e["gpt_output"].is_string()) {
        json inner = json::parse(e["gpt_output"].get<std::string>(), nullptr, false);
        if (inner.is_discarded() || !inner.is_array()) {
          ++*skipped;  // unparseable model output: not a question
          continue;
        }
        e["gpt_output"] = std::move(inner);
      }
      if (!e.is_object() || !e.contains("image_name") || !e["image_name"].is_string() || !e.contains("gpt_output") ||
          !e["gpt_output"].is_array()) {
        return FileDiagnostic(path, 0, "element " + std::to_string(i + 1) + ": expected {image_name, gpt_output[]}")
            .ToStatus();
      }
      const std::string name = e["image_name"].get<std::string>();
      auto it = by_name.find(name);
      for (size_t k = 0; k < e["gpt_output"].size(); ++k) {
        if (it == by_name.end()) {
          ++*skipped;
          continue;
        }
        const json& qa = e["gpt_output"][k];
        if (!qa.is_object() || !qa.contains("question") || !qa["question"].is_string() || !qa.contains("answer") ||
            !qa["answer"].is_string())
          continue;
        BenchItem item;
        item.id = kind + ":" + std::to_string(i + 1) + ":" + std::to_string(k + 1);
        item.kind = kind;
        item.task = Task::kVqa;
        item.original = qa["question"].get<std::string>();
        item.question = NameLandmark(item.original, name);
        item.gold = qa["answer"].get<std::string>();
        item.record_id = it->second;
        item.landmark = name;
        items->push_back(std::move(item));
      }
    }
    return Status::Ok();
  }
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception& e) {
      return JsonDiagnostic(path, line_no, e.what(), "a benchmark .jsonl file is one JSON object per line", line)
          .ToStatus();
    }
    const json* msgs = j.contains("messages") ? &j["messages"] : nullptr;
    if (!msgs || !msgs->is_array() || msgs->size() < 2 || !j.contains("images") || !j["images"].is_array() ||
        j["images"].empty() || !j["images"][0].is_string()) {
      return FileDiagnostic(path, line_no, "expected {messages:[user, assistant], images:[…]}").ToStatus();
    }
    const std::string name = Stem(j["images"][0].get<std::string>());
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      ++*skipped;
      continue;
    }
    const json& u = (*msgs)[0];
    const json& a = (*msgs)[1];
    if (!u.contains("content") || !u["content"].is_string() || !a.contains("content") || !a["content"].is_string()) {
      return FileDiagnostic(path, line_no, "message content must be a string").ToStatus();
    }
    BenchItem item;
    item.id = kind + ":" + std::to_string(line_no);
    item.kind = kind;
    item.task = classification ? Task::kClassify : Task::kVqa;
    item.original = u["content"].get<std::string>();
    item.question = NameLandmark(item.original, name);
    item.gold = a["content"].get<std::string>();
    item.record_id = it->second;
    item.landmark = name;
    items->push_back(std::move(item));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<BenchItem>> LoadRswkQuestions(const std::string& path, const KnowledgeBase& kb, size_t* skipped) {
  std::unordered_map<std::string, std::string> by_name;
  for (const auto& r : kb.records()) by_name.emplace(r.name, r.id);
  std::vector<std::string> files;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec)) {
      const std::string p = e.path().string();
      if (e.is_regular_file() && (p.ends_with(".jsonl") || p.ends_with(".json"))) files.push_back(p);
    }
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::exists(path, ec)) {
    files.push_back(path);
  } else if (ec.value() == ELOOP) {
    return Status::InvalidInput(path + ": too many levels of symbolic links (a link loop?)");
  } else {
    return Status::NotFound(path + ": no such file or folder");
  }
  std::vector<BenchItem> items;
  size_t skip = 0;
  for (const auto& f : files) GEORUNE_RETURN_IF_ERROR(LoadFile(f, by_name, &items, &skip));
  if (skipped) *skipped = skip;
  return items;
}

}  // namespace georune::rag
