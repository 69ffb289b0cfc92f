#include "georune/rag/text_fold.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <sstream>

#include "georune/common/text.h"

namespace georune::rag {
namespace {

struct Folder {
  std::mutex mu;
  std::unique_ptr<icu::Transliterator> tr;
  Folder() {
    UErrorCode status = U_ZERO_ERROR;
    tr.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) tr.reset();  // ICU data missing: Fold() lower-cases ASCII only
  }
};

Folder& SharedFolder() {
  static Folder folder;
  return folder;
}

}  // namespace

std::string Fold(std::string_view utf8) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  Folder& f = SharedFolder();
  if (f.tr) {
    std::lock_guard<std::mutex> lock(f.mu);
    f.tr->transliterate(u);
  }
  std::string ascii;
  u.toUTF8String(ascii);
  std::string out;
  out.reserve(ascii.size());
  for (unsigned char c : ascii) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
    if (keep) {
      out.push_back(char(std::tolower(c)));
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> FoldTokens(std::string_view utf8) {
  std::vector<std::string> out;
  std::istringstream in(Fold(utf8));
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

double Similarity(std::string_view a, std::string_view b) {
  const size_t len = std::max(a.size(), b.size());
  if (len == 0) return 1.0;
  return 1.0 - double(EditDistance(a, b)) / double(len);
}

std::string JoinTokens(const std::vector<std::string>& tokens, size_t begin, size_t count) {
  std::string out;
  for (size_t i = begin; i < begin + count && i < tokens.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += tokens[i];
  }
  return out;
}

}  // namespace georune::rag
