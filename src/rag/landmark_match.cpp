#include "georune/rag/landmark_match.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <sstream>

#include "georune/common/text.h"
#include "georune/rag/text_fold.h"

namespace georune::rag {
namespace {

constexpr size_t kExactBelow = 5;    // folded names shorter than this must match exactly
constexpr double kCloseFloor = 0.4;  // similarities below this are not worth computing exactly

}  // namespace

LandmarkIndex::Letters LandmarkIndex::Count(const std::string& folded) {
  Letters h{};
  for (unsigned char c : folded) {
    if (c >= 'a' && c <= 'z') ++h[c - 'a'];
    else if (c >= '0' && c <= '9') ++h[26 + (c - '0')];
  }
  return h;
}

namespace {

// A lower bound of the edit distance: a substitution changes two letter counts by one, an
// insertion or deletion one, a transposition none.
size_t DistanceBound(const LandmarkIndex::Letters& a, const LandmarkIndex::Letters& b) {
  size_t l1 = 0;
  for (size_t i = 0; i < a.size(); ++i) l1 += size_t(std::abs(int(a[i]) - int(b[i])));
  return (l1 + 1) / 2;
}

void AddName(std::vector<std::string>* out, const std::string& raw) {
  const std::string f = Fold(raw);
  if (!f.empty() && std::find(out->begin(), out->end(), f) == out->end()) out->push_back(f);
}

size_t CountTokens(const std::string& folded) { return size_t(std::count(folded.begin(), folded.end(), ' ')) + 1; }

bool Inside(const NameMatch& a, const NameMatch& b) {  // a strictly inside b
  return a.begin >= b.begin && a.begin + a.count <= b.begin + b.count && a.count < b.count;
}

}  // namespace

LandmarkIndex::LandmarkIndex(const std::vector<Record>& records) {
  for (size_t i = 0; i < records.size(); ++i) {
    std::vector<std::string> variants;
    const std::string& name = records[i].name;
    AddName(&variants, name);
    if (auto open = name.find(" ("); open != std::string::npos) AddName(&variants, name.substr(0, open));
    for (auto& v : variants) names_.push_back({int(i), v, CountTokens(v), Count(v)});
  }
}

LandmarkLookup LandmarkIndex::Find(std::string_view question, double threshold) const {
  const std::vector<std::string> q = FoldTokens(question);
  // windows[len][b]: the question's tokens b..b+len-1, joined once for every name.
  size_t longest = 0;
  for (const Name& n : names_) longest = std::max(longest, n.tokens + 1);
  std::vector<std::vector<std::string>> windows(std::min(longest, q.size()) + 1);
  std::vector<std::vector<Letters>> letters(windows.size());
  for (size_t len = 1; len < windows.size(); ++len) {
    for (size_t b = 0; b + len <= q.size(); ++b) {
      windows[len].push_back(JoinTokens(q, b, len));
      letters[len].push_back(Count(windows[len].back()));
    }
  }
  // Best window of each record, in name order. Windows whose similarity bound is under
  // `floor`, or cannot beat the record's best, are not compared exactly.
  auto scan = [&](double floor) {
    std::vector<NameMatch> per_record;
    for (const Name& n : names_) {
      NameMatch m{n.record, 0, 0, 0};
      const size_t lo = n.tokens > 1 ? n.tokens - 1 : 1;
      for (size_t len = lo; len <= n.tokens + 1 && len < windows.size(); ++len) {
        for (size_t b = 0; b < windows[len].size(); ++b) {
          const std::string& window = windows[len][b];
          const size_t longer = std::max(window.size(), n.folded.size());
          const size_t diff = longer - std::min(window.size(), n.folded.size());
          const double bound = 1.0 - double(std::max(diff, DistanceBound(n.letters, letters[len][b]))) / double(longer);
          if (bound < floor || bound <= m.score) continue;
          const double s = n.folded.size() < kExactBelow ? double(window == n.folded) : Similarity(window, n.folded);
          if (s > m.score) m = {n.record, s, b, len};
        }
      }
      if (!per_record.empty() && per_record.back().record == m.record) {
        if (m.score > per_record.back().score) per_record.back() = m;
      } else {
        per_record.push_back(m);
      }
    }
    return per_record;
  };
  std::vector<NameMatch> per_record = scan(threshold);
  const bool matched =
      std::any_of(per_record.begin(), per_record.end(), [&](const NameMatch& m) { return m.score >= threshold; });
  if (!matched) per_record = scan(std::min(threshold, kCloseFloor));  // for `closest`
  LandmarkLookup out;
  std::vector<NameMatch> kept;
  for (const auto& m : per_record) {
    if (m.score >= threshold) {
      kept.push_back(m);
    } else if (m.score > out.closest.score) {
      out.closest = m;
    }
  }
  std::vector<NameMatch> outer;
  for (const auto& m : kept) {
    bool inside = std::any_of(kept.begin(), kept.end(), [&](const NameMatch& o) { return Inside(m, o); });
    if (!inside) outer.push_back(m);
  }
  double top = 0;
  for (const auto& m : outer) top = std::max(top, m.score);
  for (const auto& m : outer) {
    if (m.score >= top - 1e-9) out.best.push_back(m);
  }
  return out;
}

std::string NamedPhrase(std::string_view question) {
  static const std::set<std::string> kJoiners = {"de", "of", "the", "du",  "la",  "le", "del", "des",
                                                 "di", "da", "do",  "dos", "das", "y",  "and"};
  static const std::set<std::string> kQuestionWords = {
      "what", "when", "where", "which", "who",  "whom", "whose", "why",  "how",  "is", "are", "was", "were",     "does",
      "do",   "did",  "can",   "could", "tell", "give", "list",  "name", "show", "in", "at",  "for", "describe", "the"};
  std::vector<std::string> words;
  std::istringstream in{std::string(question)};
  std::string w;
  while (in >> w) {
    while (!w.empty() && std::ispunct(static_cast<unsigned char>(w.back())) && w.back() != ')') w.pop_back();
    words.push_back(w);
  }
  auto capital = [](const std::string& s) {
    const unsigned char c = s.empty() ? 0 : static_cast<unsigned char>(s[0]);
    return std::isupper(c) || c >= 0x80;
  };
  std::string best, cur;
  size_t pending_joiners = 0;
  std::string joined;
  auto close = [&] {
    if (cur.size() > best.size()) best = cur;
    cur.clear();
    joined.clear();
    pending_joiners = 0;
  };
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string lower = AsciiLower(words[i]);
    if (i == 0 && kQuestionWords.count(lower)) continue;
    if (capital(words[i])) {
      cur += (cur.empty() ? "" : " ") + joined + words[i];
      joined.clear();
      pending_joiners = 0;
    } else if (!cur.empty() && kJoiners.count(lower) && pending_joiners < 2) {
      joined += words[i] + " ";
      ++pending_joiners;
    } else {
      close();
    }
  }
  close();
  return best;
}

}  // namespace georune::rag
