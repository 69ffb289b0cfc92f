#include "nl/wordnet.h"

#include <cstdlib>
#include <deque>
#include <fstream>
#include <set>
#include <sstream>

#include "georune/common/files.h"

namespace georune::nl {

const WordNet* WordNet::Default() {
  static const WordNet* instance = [] {
    const char* env = std::getenv("GEORUNE_WORDNET_DIR");
    return new WordNet(env != nullptr && *env != '\0' ? env : "/usr/share/wordnet");  // lives for the process
  }();
  return instance;
}

void WordNet::Load() const {
  if (loaded_) return;
  loaded_ = true;
  std::ifstream in(dir_ + "/index.noun");
  if (!in) return;
  auto data = ReadFile(dir_ + "/data.noun");
  if (!data.ok()) return;
  data_ = std::move(data).value();
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ') continue;  // licence header
    std::istringstream ls(line);
    std::string lemma, pos;
    int synset_cnt = 0, p_cnt = 0;
    ls >> lemma >> pos >> synset_cnt >> p_cnt;
    std::string skip;
    for (int i = 0; i < p_cnt; ++i) ls >> skip;
    int sense_cnt = 0, tagsense = 0;
    ls >> sense_cnt >> tagsense;
    std::vector<long> offsets;
    for (int i = 0; i < synset_cnt; ++i) {
      long off;
      if (ls >> off) offsets.push_back(off);
    }
    index_.emplace(std::move(lemma), std::move(offsets));
  }
  available_ = !index_.empty();
}

bool WordNet::Available() const {
  std::lock_guard<std::mutex> lock(mu_);
  Load();
  return available_;
}

std::optional<WordNet::Synset> WordNet::ReadSynset(long offset) const {
  if (offset < 0 || static_cast<size_t>(offset) >= data_.size()) return std::nullopt;
  size_t end = data_.find('\n', offset);
  std::istringstream ls(data_.substr(offset, end == std::string::npos ? std::string::npos : end - offset));
  long off;
  std::string lex, type, wcnt_hex;
  ls >> off >> lex >> type >> wcnt_hex;
  Synset s;
  int wcnt = static_cast<int>(std::strtol(wcnt_hex.c_str(), nullptr, 16));
  for (int i = 0; i < wcnt; ++i) {
    std::string w, lex_id;
    ls >> w >> lex_id;
    size_t paren = w.find('(');
    if (paren != std::string::npos) w = w.substr(0, paren);
    for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s.words.push_back(w);
  }
  int pcnt = 0;
  ls >> pcnt;
  for (int i = 0; i < pcnt; ++i) {
    std::string sym, pos, src;
    long target;
    ls >> sym >> target >> pos >> src;
    if ((sym == "@" || sym == "@i") && pos == "n") s.hypernyms.push_back(target);
  }
  return s;
}

std::vector<long> WordNet::Senses(const std::string& lemma) const {
  auto it = index_.find(lemma);
  if (it != index_.end()) return it->second;
  return {};
}

std::optional<std::string> WordNet::MapToOntology(const std::string& word, const Ontology& ontology) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string key = ontology.name() + "\n" + word;
  auto c = cache_.find(key);
  if (c != cache_.end()) return c->second;
  Load();
  std::optional<std::string> result;
  if (available_ && word.size() >= 3) {
    // singular forms of a plural (WordNet's morphology, the regular part)
    std::vector<std::string> lemmas = {word};
    auto ends = [&](const std::string& s) { return word.size() > s.size() && word.compare(word.size() - s.size(), s.size(), s) == 0; };
    if (ends("ies")) lemmas.push_back(word.substr(0, word.size() - 3) + "y");
    if (ends("es")) lemmas.push_back(word.substr(0, word.size() - 2));
    if (ends("s")) lemmas.push_back(word.substr(0, word.size() - 1));
    if (ends("men")) lemmas.push_back(word.substr(0, word.size() - 3) + "man");
    for (const auto& lemma : lemmas) {
      std::vector<long> senses = Senses(lemma);
      if (senses.size() > 3) senses.resize(3);  // the common senses only
      // breadth-first: the synset's own words, then hypernyms up to two levels
      std::deque<std::pair<long, int>> queue;
      for (long s : senses) queue.emplace_back(s, 0);
      std::set<long> seen;
      while (!queue.empty() && !result) {
        auto [off, depth] = queue.front();
        queue.pop_front();
        if (!seen.insert(off).second) continue;
        auto syn = ReadSynset(off);
        if (!syn) continue;
        for (const auto& w : syn->words) {
          auto set = ontology.Resolve(w);
          if (set) {
            result = set->name;
            break;
          }
        }
        if (depth < 2) {
          for (long h : syn->hypernyms) queue.emplace_back(h, depth + 1);
        }
      }
      if (result) break;
    }
  }
  cache_[key] = result;
  return result;
}

}  // namespace georune::nl
