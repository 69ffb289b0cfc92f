#include "georune/embed/wordnet.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace georune::embed {
namespace {

const char* kPosName[4] = {"noun", "verb", "adj", "adv"};

// The line of `view` that starts at or before `pos`.
size_t LineStart(std::string_view view, size_t pos) {
  while (pos > 0 && view[pos - 1] != '\n') --pos;
  return pos;
}

}  // namespace

Result<std::unique_ptr<WordNet>> WordNet::Open(const std::string& dir) {
  std::unique_ptr<WordNet> wn(new WordNet());
  for (int p = 0; p < 4; ++p) {
    const std::string index_path = dir + "/index." + kPosName[p];
    const std::string data_path = dir + "/data." + kPosName[p];
    if (!std::filesystem::exists(index_path) || !std::filesystem::exists(data_path)) {
      return Status::NotFound(index_path + ": no WordNet database here (hint: install the "
                              "Debian package wordnet-base)");
    }
    GEORUNE_ASSIGN_OR_RETURN(wn->index_[p], MappedFile::Open(index_path));
    GEORUNE_ASSIGN_OR_RETURN(wn->data_[p], MappedFile::Open(data_path));
    auto exc = ReadFile(dir + "/" + kPosName[p] + ".exc");
    if (exc.ok()) {
      std::istringstream in(*exc);
      std::string line;
      while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string inflected, base;
        if (ls >> inflected >> base) wn->exceptions_[p].emplace(inflected, base);
      }
    }
  }
  return wn;
}

std::vector<long> WordNet::Offsets(int p, std::string_view lemma) const {
  const std::string_view view = index_[p].view();
  // Binary search over line starts; the licence header lines start with two spaces, which sort
  // before every lemma.
  size_t lo = 0, hi = view.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const size_t start = LineStart(view, mid);
    size_t end = view.find('\n', start);
    if (end == std::string_view::npos) end = view.size();
    const std::string_view line = view.substr(start, end - start);
    const std::string_view key = line.substr(0, line.find(' '));
    if (line.starts_with("  ") || key < lemma) {
      lo = end + 1;
    } else if (key > lemma) {
      hi = start;
    } else {
      // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
      std::istringstream ls{std::string(line)};
      std::string word, pos;
      int synset_cnt = 0, p_cnt = 0;
      ls >> word >> pos >> synset_cnt >> p_cnt;
      std::string skip;
      for (int i = 0; i < p_cnt; ++i) ls >> skip;
      int sense_cnt = 0, tagsense_cnt = 0;
      ls >> sense_cnt >> tagsense_cnt;
      std::vector<long> offsets;
      long off;
      for (int i = 0; i < synset_cnt && (ls >> off); ++i) offsets.push_back(off);
      return offsets;
    }
    if (lo > view.size()) break;
  }
  return {};
}

std::vector<std::string> WordNet::SynsetWords(int p, long offset) const {
  const std::string_view view = data_[p].view();
  if (offset < 0 || size_t(offset) >= view.size()) return {};
  size_t end = view.find('\n', size_t(offset));
  if (end == std::string_view::npos) end = view.size();
  std::istringstream ls{std::string(view.substr(size_t(offset), end - size_t(offset)))};
  std::string off, lex_filenum, ss_type, w_cnt_hex;
  ls >> off >> lex_filenum >> ss_type >> w_cnt_hex;
  const long w_cnt = std::strtol(w_cnt_hex.c_str(), nullptr, 16);
  std::vector<std::string> words;
  for (long i = 0; i < w_cnt; ++i) {
    std::string w, lex_id;
    if (!(ls >> w >> lex_id)) break;
    // Adjectives may carry a marker such as "(a)".
    if (auto paren = w.find('('); paren != std::string::npos) w.resize(paren);
    std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
    words.push_back(std::move(w));
  }
  return words;
}

std::vector<std::string> WordNet::BaseForms(std::string_view word) const {
  static const std::vector<std::pair<std::string, std::string>> kRules[4] = {
      {{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"},
       {"men", "man"}, {"ies", "y"}},
      {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"},
       {"ing", ""}},
      {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
      {}};
  std::vector<std::string> out;
  auto add = [&](const std::string& w) {
    if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
  };
  const std::string w(word);
  for (int p = 0; p < 4; ++p) {
    if (auto it = exceptions_[p].find(w); it != exceptions_[p].end()) add(it->second);
    if (!Offsets(p, w).empty()) add(w);
    for (const auto& [suffix, repl] : kRules[p]) {
      if (w.size() > suffix.size() && w.ends_with(suffix)) {
        std::string base = w.substr(0, w.size() - suffix.size()) + repl;
        if (!Offsets(p, base).empty()) add(base);
      }
    }
  }
  return out;
}

std::vector<std::string> WordNet::Synonyms(std::string_view word, int max_senses) const {
  std::vector<std::string> out;
  const std::string w(word);
  for (const std::string& base : BaseForms(word)) {
    for (int p = 0; p < 4; ++p) {
      const auto offsets = Offsets(p, base);
      for (int s = 0; s < int(offsets.size()) && s < max_senses; ++s) {
        for (auto& syn : SynsetWords(p, offsets[size_t(s)])) {
          if (syn.find('_') != std::string::npos || syn == w || syn == base) continue;
          if (std::find(out.begin(), out.end(), syn) == out.end()) out.push_back(std::move(syn));
        }
      }
    }
  }
  return out;
}

}  // namespace georune::embed
