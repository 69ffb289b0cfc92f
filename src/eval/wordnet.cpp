#include "eval/wordnet.h"

#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

namespace georune::eval {
namespace {

constexpr std::array<const char*, 4> kPosNames = {"noun", "verb", "adj", "adv"};

struct Substitution {
  const char* old_suffix;
  const char* new_suffix;
};

// NLTK's WordNetCorpusReader.MORPHOLOGICAL_SUBSTITUTIONS, in its order.
const std::vector<Substitution>& Substitutions(int pos) {
  static const std::array<std::vector<Substitution>, 4> kTable = {{
      {{"s", ""}, {"ses", "s"}, {"ves", "f"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"},
       {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
      {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"},
       {"ing", ""}},
      {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
      {},
  }};
  return kTable[pos];
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string_view> SplitSpaces(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\n' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\n' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool ParseUint(std::string_view s, int base, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v * base + d;
  }
  *out = v;
  return true;
}

}  // namespace

Result<const WordNet*> WordNet::Load(const std::string& dir) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<WordNet>>* cache =
      new std::map<std::string, std::unique_ptr<WordNet>>();  // never freed: shared for the process
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache->find(dir);
  if (it != cache->end()) return static_cast<const WordNet*>(it->second.get());
  std::unique_ptr<WordNet> wordnet(new WordNet());
  GEORUNE_RETURN_IF_ERROR(wordnet->LoadFrom(dir));
  const WordNet* raw = wordnet.get();
  cache->emplace(dir, std::move(wordnet));
  return raw;
}

Status WordNet::LoadFrom(const std::string& dir) {
  for (int pos = 0; pos < 4; ++pos) {
    const std::string index_path = dir + "/index." + kPosNames[pos];
    auto index_text = ReadFile(index_path);
    if (!index_text.ok()) {
      return Status::NotFound("WordNet index " + index_path + " cannot be read (" +
                              index_text.status().message() +
                              "; hint: install Debian's wordnet-base or pass the WordNet folder)");
    }
    std::string_view text = *index_text;
    size_t line_no = 0;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      start = end + 1;
      ++line_no;
      if (line.empty() || line[0] == ' ') continue;  // licence header
      auto fields = SplitSpaces(line);
      uint64_t n_synsets = 0, n_pointers = 0;
      if (fields.size() < 4 || !ParseUint(fields[2], 10, &n_synsets) ||
          !ParseUint(fields[3], 10, &n_pointers) || fields.size() < 6 + n_pointers + n_synsets) {
        return Status::Corrupt(index_path + ":" + std::to_string(line_no) +
                               ": malformed WordNet index line");
      }
      std::vector<uint32_t> offsets;
      offsets.reserve(n_synsets);
      for (uint64_t k = 0; k < n_synsets; ++k) {
        uint64_t offset = 0;
        if (!ParseUint(fields[6 + n_pointers + k], 10, &offset)) {
          return Status::Corrupt(index_path + ":" + std::to_string(line_no) +
                                 ": malformed synset offset");
        }
        offsets.push_back(static_cast<uint32_t>(offset));
      }
      index_[std::string(fields[0])][pos] = std::move(offsets);
    }

    const std::string exc_path = dir + "/" + kPosNames[pos] + ".exc";
    auto exc_text = ReadFile(exc_path);
    if (!exc_text.ok()) {
      return Status::NotFound("WordNet exception list " + exc_path + " cannot be read (" +
                              exc_text.status().message() + ")");
    }
    std::string_view exc = *exc_text;
    start = 0;
    while (start < exc.size()) {
      size_t end = exc.find('\n', start);
      if (end == std::string_view::npos) end = exc.size();
      auto fields = SplitSpaces(exc.substr(start, end - start));
      start = end + 1;
      if (fields.empty()) continue;
      std::vector<std::string> bases;
      for (size_t k = 1; k < fields.size(); ++k) bases.emplace_back(fields[k]);
      exceptions_[pos][std::string(fields[0])] = std::move(bases);
    }

    const std::string data_path = dir + "/data." + kPosNames[pos];
    auto mapped = MappedFile::Open(data_path);
    if (!mapped.ok()) {
      return Status::NotFound("WordNet data " + data_path + " cannot be read (" +
                              mapped.status().message() + ")");
    }
    data_[pos] = std::move(mapped).value();
  }
  return Status::Ok();
}

std::vector<std::string> WordNet::Morphy(const std::string& form, int pos) const {
  const auto& substitutions = Substitutions(pos);
  auto apply_rules = [&](const std::vector<std::string>& forms) {
    std::vector<std::string> out;
    for (const auto& f : forms) {
      for (const auto& sub : substitutions) {
        if (EndsWith(f, sub.old_suffix)) {
          out.push_back(f.substr(0, f.size() - std::string_view(sub.old_suffix).size()) +
                        sub.new_suffix);
        }
      }
    }
    return out;
  };
  auto filter_forms = [&](const std::vector<std::string>& forms) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& f : forms) {
      auto it = index_.find(f);
      if (it == index_.end() || it->second[pos].empty()) continue;
      if (seen.insert(f).second) out.push_back(f);
    }
    return out;
  };
  // 0. The exception list.
  auto exc = exceptions_[pos].find(form);
  if (exc != exceptions_[pos].end()) {
    std::vector<std::string> forms = {form};
    forms.insert(forms.end(), exc->second.begin(), exc->second.end());
    return filter_forms(forms);
  }
  // 1-2. Rules once; the original and its forms that are in the database.
  std::vector<std::string> forms = apply_rules({form});
  std::vector<std::string> with_original = {form};
  with_original.insert(with_original.end(), forms.begin(), forms.end());
  auto results = filter_forms(with_original);
  if (!results.empty()) return results;
  // 3. Keep applying rules until something matches (each rule shortens or keeps a form's
  // length, and only finitely many strings arise, so this ends; bound it anyway).
  for (int round = 0; round < 16 && !forms.empty(); ++round) {
    forms = apply_rules(forms);
    results = filter_forms(forms);
    if (!results.empty()) return results;
  }
  return {};
}

std::vector<std::string> WordNet::SynsetLemmaNames(const std::string& word) const {
  std::string lower = word;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string> names;
  for (int pos = 0; pos < 4; ++pos) {
    for (const auto& form : Morphy(lower, pos)) {
      auto it = index_.find(form);
      if (it == index_.end()) continue;
      std::string_view data = data_[pos].view();
      for (uint32_t offset : it->second[pos]) {
        if (offset >= data.size()) continue;  // a corrupt index; skip rather than read past
        size_t end = data.find('\n', offset);
        if (end == std::string_view::npos) end = data.size();
        auto fields = SplitSpaces(data.substr(offset, end - offset));
        uint64_t w_cnt = 0;
        if (fields.size() < 4 || !ParseUint(fields[3], 16, &w_cnt)) continue;
        for (uint64_t k = 0; k < w_cnt && 4 + 2 * k < fields.size(); ++k) {
          std::string_view name = fields[4 + 2 * k];
          // NLTK: re.match(r"(.*?)(\(.*\))?$") drops a trailing "(a)", "(p)", "(ip)".
          if (!name.empty() && name.back() == ')') {
            size_t open = name.find('(');
            if (open != std::string_view::npos) name = name.substr(0, open);
          }
          names.emplace_back(name);
        }
      }
    }
  }
  return names;
}

}  // namespace georune::eval
