#include "georune/common/wordnet.h"
#include "georune/common/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

namespace georune {
namespace {

constexpr std::array<const char*, 4> kPosNames = {"noun", "verb", "adj", "adv"};
constexpr std::array<char, 4> kPosLetters = {'n', 'v', 'a', 'r'};

size_t Index(WordNetPos pos) { return static_cast<size_t>(pos); }

// Suffix detachment rules. WordNet's morphy(7WN) and NLTK share them except that NLTK adds
// "ves" → "f" for nouns. The order is NLTK's MORPHOLOGICAL_SUBSTITUTIONS (morphy(7WN) has the
// same order without that rule).
struct Substitution {
  std::string_view old_suffix;
  std::string_view new_suffix;
  bool nltk_only = false;
};

const std::vector<Substitution>& Substitutions(WordNetPos pos) {
  static const std::array<std::vector<Substitution>, 4> kTable = {{
      {{"s", ""},
       {"ses", "s"},
       {"ves", "f", true},
       {"xes", "x"},
       {"zes", "z"},
       {"ches", "ch"},
       {"shes", "sh"},
       {"men", "man"},
       {"ies", "y"}},
      {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
      {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
      {},
  }};
  return kTable[Index(pos)];
}

// The space-separated fields of a line.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool ParseUint(std::string_view s, int base, uint64_t* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && end == s.data() + s.size();
}

size_t LineStart(std::string_view text, size_t pos) {
  while (pos > 0 && text[pos - 1] != '\n') --pos;
  return pos;
}

std::string_view LineAt(std::string_view text, size_t start) {
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  return text.substr(start, end - start);
}

// A line's key: its text up to the first space. Lines that start with a space (the licence
// header of index.*) sort before every key.
bool LineKeyLess(std::string_view line, std::string_view key) {
  if (line.starts_with(' ')) return true;
  return line.substr(0, line.find(' ')) < key;
}

// The lines of a sorted WordNet file (index.* or *.exc) whose key is `key`, in file order.
// Binary search over byte positions, as WordNet's bin_search does.
std::vector<std::string_view> FindLines(std::string_view text, std::string_view key) {
  size_t lo = 0, hi = text.size();  // both line starts; lines before lo are < key, from hi >= key
  while (lo < hi) {
    const size_t start = LineStart(text, lo + (hi - lo) / 2);
    const std::string_view line = LineAt(text, start);
    if (LineKeyLess(line, key)) {
      lo = std::min(text.size(), start + line.size() + 1);
    } else {
      hi = start;
    }
  }
  std::vector<std::string_view> out;
  while (lo < text.size()) {
    const std::string_view line = LineAt(text, lo);
    if (line.starts_with(' ') || line.substr(0, line.find(' ')) != key) break;
    out.push_back(line);
    lo += line.size() + 1;
  }
  return out;
}

// index.<pos> line: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset...
std::vector<uint32_t> ParseIndexLine(std::string_view line) {
  const auto fields = Fields(line);
  uint64_t n_synsets = 0, n_pointers = 0;
  if (fields.size() < 4 || !ParseUint(fields[2], 10, &n_synsets) || !ParseUint(fields[3], 10, &n_pointers) ||
      fields.size() < 6 + n_pointers + n_synsets) {
    return {};
  }
  std::vector<uint32_t> offsets;
  offsets.reserve(n_synsets);
  for (uint64_t k = 0; k < n_synsets; ++k) {
    uint64_t offset = 0;
    if (!ParseUint(fields[6 + n_pointers + k], 10, &offset) || offset > UINT32_MAX) return {};
    offsets.push_back(static_cast<uint32_t>(offset));
  }
  return offsets;
}

void AddUnique(std::vector<std::string>& out, std::string s) {
  if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
}

}  // namespace

std::string WordNet::DefaultDir() {
  const char* env = std::getenv("GEORUNE_WORDNET_DIR");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(kDefaultDir);
}

Result<std::unique_ptr<WordNet>> WordNet::Open(const std::string& dir) {
  std::unique_ptr<WordNet> wn(new WordNet());
  wn->dir_ = dir;
  for (WordNetPos pos : kWordNetPos) {
    const std::string name = kPosNames[Index(pos)];
    const std::array<std::pair<std::string, MappedFile*>, 3> files = {{
        {dir + "/index." + name, &wn->index_[Index(pos)]},
        {dir + "/data." + name, &wn->data_[Index(pos)]},
        {dir + "/" + name + ".exc", &wn->exceptions_[Index(pos)]},
    }};
    for (const auto& [path, file] : files) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) {
        return Status::NotFound(path +
                                ": no WordNet database here (hint: install Debian's "
                                "wordnet-base, or set GEORUNE_WORDNET_DIR to its folder)");
      }
      GEORUNE_ASSIGN_OR_RETURN(*file, MappedFile::Open(path));
    }
  }
  return wn;
}

Result<const WordNet*> WordNet::Shared(const std::string& dir) {
  static std::mutex mutex;
  // Never freed: the instances must outlive every thread that may still use them at exit.
  static auto& cache = *new std::map<std::string, std::unique_ptr<WordNet>>();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(dir);
  if (it != cache.end()) return static_cast<const WordNet*>(it->second.get());
  GEORUNE_ASSIGN_OR_RETURN(std::unique_ptr<WordNet> wn, Open(dir));
  const WordNet* raw = wn.get();
  cache.emplace(dir, std::move(wn));
  return raw;
}

Result<const WordNet*> WordNet::Default() { return Shared(DefaultDir()); }

std::vector<uint32_t> WordNet::Senses(std::string_view lemma, WordNetPos pos) const {
  const auto lines = FindLines(index_[Index(pos)].view(), lemma);
  if (lines.empty()) return {};
  return ParseIndexLine(lines.front());
}

bool WordNet::Contains(std::string_view lemma, WordNetPos pos) const { return !Senses(lemma, pos).empty(); }

std::vector<std::vector<std::string_view>> WordNet::Exceptions(std::string_view form, WordNetPos pos) const {
  std::vector<std::vector<std::string_view>> out;
  for (std::string_view line : FindLines(exceptions_[Index(pos)].view(), form)) {
    auto fields = Fields(line);
    out.emplace_back(fields.begin() + 1, fields.end());
  }
  return out;
}

Result<WordNetSynset> WordNet::ReadSynset(WordNetPos pos, uint32_t offset) const {
  const std::string_view data = data_[Index(pos)].view();
  const std::string where = dir_ + "/data." + kPosNames[Index(pos)] + " at " + std::to_string(offset);
  if (offset >= data.size() || (offset > 0 && data[offset - 1] != '\n')) {
    return Status::NotFound(where + ": no synset starts there");
  }
  // offset lex_filenum ss_type w_cnt (word lex_id)... p_cnt (symbol offset pos source)... | gloss
  const auto fields = Fields(LineAt(data, offset));
  uint64_t line_offset = 0, w_cnt = 0, p_cnt = 0;
  if (fields.size() < 4 || !ParseUint(fields[0], 10, &line_offset) || line_offset != offset) {
    return Status::NotFound(where + ": no synset starts there");
  }
  if (!ParseUint(fields[3], 16, &w_cnt) || fields.size() < 5 + 2 * w_cnt ||
      !ParseUint(fields[4 + 2 * w_cnt], 10, &p_cnt) || fields.size() < 5 + 2 * w_cnt + 4 * p_cnt) {
    return Status::Corrupt(where + ": malformed synset line");
  }
  WordNetSynset synset;
  synset.offset = offset;
  synset.pos = pos;
  for (uint64_t k = 0; k < w_cnt; ++k) {
    std::string_view word = fields[4 + 2 * k];
    // An adjective's marker: NLTK's re.match(r"(.*?)(\(.*\))?$").
    if (!word.empty() && word.back() == ')') {
      if (size_t open = word.find('('); open != std::string_view::npos) word = word.substr(0, open);
    }
    synset.words.emplace_back(word);
  }
  const char letter = kPosLetters[Index(pos)];
  for (uint64_t k = 0; k < p_cnt; ++k) {
    const size_t at = 5 + 2 * w_cnt + 4 * k;
    const std::string_view symbol = fields[at];
    const std::string_view target_pos = fields[at + 2];
    uint64_t target = 0;
    if ((symbol == "@" || symbol == "@i") && target_pos.size() == 1 &&
        (target_pos[0] == letter || (letter == 'a' && target_pos[0] == 's')) &&
        ParseUint(fields[at + 1], 10, &target) && target <= UINT32_MAX) {
      synset.hypernyms.push_back(static_cast<uint32_t>(target));
    }
  }
  return synset;
}

std::vector<std::string> WordNet::Morphy(std::string_view form, WordNetPos pos) const {
  const auto& substitutions = Substitutions(pos);
  auto apply_rules = [&](const std::vector<std::string>& forms) {
    std::vector<std::string> out;
    for (const auto& f : forms) {
      for (const auto& sub : substitutions) {
        if (f.ends_with(sub.old_suffix)) {
          out.push_back(f.substr(0, f.size() - sub.old_suffix.size()) + std::string(sub.new_suffix));
        }
      }
    }
    return out;
  };
  auto filter_forms = [&](const std::vector<std::string>& forms) {
    std::vector<std::string> out;
    for (const auto& f : forms) {
      if (Contains(f, pos)) AddUnique(out, f);
    }
    return out;
  };
  // 0. The exception list: NLTK keeps the last line for a form.
  const auto exceptions = Exceptions(form, pos);
  if (!exceptions.empty()) {
    std::vector<std::string> forms = {std::string(form)};
    for (std::string_view base : exceptions.back()) forms.emplace_back(base);
    return filter_forms(forms);
  }
  // 1-2. The rules once; the original and those of its forms that are in the database.
  std::vector<std::string> forms = apply_rules({std::string(form)});
  std::vector<std::string> with_original = {std::string(form)};
  with_original.insert(with_original.end(), forms.begin(), forms.end());
  auto results = filter_forms(with_original);
  if (!results.empty()) return results;
  // 3. The rules again until something matches. Each rule keeps or shortens a form, so few
  // strings arise; the bound only guards the loop.
  for (int round = 0; round < 16 && !forms.empty(); ++round) {
    forms = apply_rules(forms);
    results = filter_forms(forms);
    if (!results.empty()) return results;
  }
  return {};
}

std::vector<std::string> WordNet::SynsetLemmaNames(std::string_view word) const {
  const std::string lower = AsciiLower(word);
  std::vector<std::string> names;
  for (WordNetPos pos : kWordNetPos) {
    for (const auto& form : Morphy(lower, pos)) {
      for (uint32_t offset : Senses(form, pos)) {
        auto synset = ReadSynset(pos, offset);
        if (!synset.ok()) continue;  // a corrupt index: skip rather than guess
        for (auto& name : synset->words) names.push_back(std::move(name));
      }
    }
  }
  return names;
}

std::vector<std::string> WordNet::BaseForms(std::string_view word) const {
  std::vector<std::string> out;
  const std::string w(word);
  for (WordNetPos pos : kWordNetPos) {
    for (const auto& bases : Exceptions(w, pos)) {
      if (bases.empty()) continue;
      AddUnique(out, std::string(bases.front()));  // the first listed base only
      break;
    }
    if (Contains(w, pos)) AddUnique(out, w);
    for (const auto& sub : Substitutions(pos)) {
      if (sub.nltk_only || w.size() <= sub.old_suffix.size() || !w.ends_with(sub.old_suffix)) {
        continue;
      }
      std::string base = w.substr(0, w.size() - sub.old_suffix.size()) + std::string(sub.new_suffix);
      if (Contains(base, pos)) AddUnique(out, std::move(base));
    }
  }
  return out;
}

std::vector<std::string> WordNet::Synonyms(std::string_view word, int max_senses) const {
  std::vector<std::string> out;
  for (const std::string& base : BaseForms(word)) {
    for (WordNetPos pos : kWordNetPos) {
      const auto offsets = Senses(base, pos);
      for (int s = 0; s < int(offsets.size()) && s < max_senses; ++s) {
        auto synset = ReadSynset(pos, offsets[size_t(s)]);
        if (!synset.ok()) continue;
        for (const auto& name : synset->words) {
          std::string syn = AsciiLower(name);
          if (syn.find('_') != std::string::npos || syn == word || syn == base) continue;
          AddUnique(out, std::move(syn));
        }
      }
    }
  }
  return out;
}

}  // namespace georune
