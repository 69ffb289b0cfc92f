// Stage 1 of the built-in translator: English text → normalised tokens (nl/lexicon.h).
#include <cctype>
#include <string>
#include <unordered_map>

#include "georune/nl/lexicon.h"

namespace georune::nl {
namespace {

// British (and a few variant) spellings → the American ones the lexicon and ontologies use.
const std::unordered_map<std::string, std::string>& Spellings() {
  static const std::unordered_map<std::string, std::string> k = {
      {"harbour", "harbor"},
      {"harbours", "harbors"},
      {"aeroplane", "airplane"},
      {"aeroplanes", "airplanes"},
      {"metre", "meter"},
      {"metres", "meters"},
      {"kilometre", "kilometer"},
      {"kilometres", "kilometers"},
      {"centre", "center"},
      {"centres", "centers"},
      {"neighbouring", "neighboring"},
      {"neighbour", "neighbor"},
      {"neighbours", "neighbors"},
      {"colour", "color"},
      {"grey", "gray"},
      {"tyre", "tire"},
      {"tyres", "tires"},
      {"storey", "story"},
      {"kerb", "curb"},
      {"lorry", "truck"},
      {"lorries", "trucks"},
      {"carpark", "car park"},
      {"carparks", "car parks"},
      {"aerodrome", "airfield"},
      {"programme", "program"},
      {"theatre", "theater"},
      {"jetty", "pier"},
      {"jetties", "piers"},
  };
  return k;
}

// Words that carry no meaning wherever they stand.
bool IsFiller(const std::string& w) {
  return w == "please" || w == "kindly" || w == "thanks" || w == "thx" || w == "pls" || w == "plz";
}

// Lower-cased words, numbers and commas; symbols spelled out; everything else a separator.
std::string Spell(std::string_view text) {
  std::string s;
  s.reserve(text.size() + 16);
  auto at = [&](size_t i) -> unsigned char { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0; };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = at(i);
    if (c == 0xC2 && at(i + 1) == 0xB2) {  // ²
      s += '2';
      ++i;
    } else if (c == 0xE2 && at(i + 1) == 0x89 && (at(i + 2) == 0xA5 || at(i + 2) == 0xA4)) {  // ≥ ≤
      s += at(i + 2) == 0xA5 ? " at least " : " at most ";
      i += 2;
    } else if (c == 0xE2 && at(i + 1) == 0x80 && (at(i + 2) == 0x99 || at(i + 2) == 0x98)) {  // ’ ‘
      s += '\'';
      i += 2;
    } else if (std::isalnum(c)) {
      s += static_cast<char>(std::tolower(c));
    } else if (c == '.' && i > 0 && std::isdigit(at(i - 1)) && std::isdigit(at(i + 1))) {
      s += '.';
    } else if (c == '>' || c == '<') {
      bool eq = at(i + 1) == '=';
      s += c == '>' ? (eq ? " at least " : " more than ") : (eq ? " at most " : " fewer than ");
      if (eq) ++i;
    } else if (c == '+' && i > 0 && std::isdigit(at(i - 1))) {
      s += " or more ";
    } else if (c == '&') {
      s += " and ";
    } else if (c == ',' || c == ';' || c == ':' || c == '.' || c == '?' || c == '!') {
      s += " , ";  // a full stop between items separates them like a comma ("a ship. a harbor.")
    } else if (c == '\'') {
      s += '\'';
    } else {
      s += ' ';  // hyphens, full stops, brackets, quotes: separators
    }
  }
  return s;
}

void Push(Tokens& out, const std::string& word) {
  if (IsFiller(word)) return;
  auto sp = Spellings().find(word);
  if (sp == Spellings().end()) {
    out.push_back(word);
    return;
  }
  size_t b = 0;  // a mapped spelling may be two words ("car park")
  const std::string& m = sp->second;
  while (b < m.size()) {
    size_t e = m.find(' ', b);
    if (e == std::string::npos) e = m.size();
    out.push_back(m.substr(b, e - b));
    b = e + 1;
  }
}

// One raw word (may hold an apostrophe or digits+letters) → tokens.
void Expand(const std::string& raw, Tokens& out) {
  static const std::unordered_map<std::string, std::vector<std::string>> kContractions = {
      {"there's", {"there", "is"}}, {"isn't", {"is", "not"}},  {"aren't", {"are", "not"}}, {"doesn't", {"not"}},
      {"don't", {"not"}},           {"it's", {"it", "is"}},    {"i'd", {"i", "would"}},    {"i'm", {"i", "am"}},
      {"that's", {"that", "is"}},   {"wasn't", {"is", "not"}}, {"weren't", {"are", "not"}}};
  auto c = kContractions.find(raw);
  if (c != kContractions.end()) {
    for (const auto& w : c->second) out.push_back(w);
    return;
  }
  std::string t;
  for (char ch : raw) {
    if (ch != '\'') t += ch;
  }
  if (t.empty()) return;
  // "100m" / "2000m2" → number and unit
  size_t k = 0;
  while (k < t.size() && (std::isdigit(static_cast<unsigned char>(t[k])) || t[k] == '.')) ++k;
  if (k > 0 && k < t.size() && IsNumberToken(t.substr(0, k))) {
    out.push_back(t.substr(0, k));
    Push(out, t.substr(k));
    return;
  }
  Push(out, t);
}

}  // namespace

bool IsNumberToken(const std::string& t) {
  bool digit = false;
  for (char c : t) {
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    else if (c != '.') return false;
  }
  return digit;
}

Tokens Normalise(std::string_view text) {
  std::string s = Spell(text);
  Tokens out;
  std::string cur;
  for (char c : s) {
    if (c != ' ') {
      cur += c;
    } else if (!cur.empty()) {
      Expand(cur, out);
      cur.clear();
    }
  }
  if (!cur.empty()) Expand(cur, out);
  // commas at either end, and repeated commas, mean nothing
  Tokens clean;
  for (const auto& t : out) {
    if (t == "," && (clean.empty() || clean.back() == ",")) continue;
    clean.push_back(t);
  }
  while (!clean.empty() && clean.back() == ",") clean.pop_back();
  return clean;
}

}  // namespace georune::nl
