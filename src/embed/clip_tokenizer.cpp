#include "georune/embed/clip_tokenizer.h"

#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "georune/common/files.h"

namespace georune::embed {
namespace {

std::string CodepointToUtf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s.push_back(char(cp));
  } else if (cp < 0x800) {
    s.push_back(char(0xC0 | (cp >> 6)));
    s.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(char(0xE0 | (cp >> 12)));
    s.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(char(0x80 | (cp & 0x3F)));
  }
  return s;
}

// Byte order of CLIP's bytes_to_unicode(): printable ranges first, then the rest.
std::vector<int> ByteOrder(std::vector<uint32_t>* codepoints) {
  std::vector<int> bs;
  for (int b = '!'; b <= '~'; ++b) bs.push_back(b);
  for (int b = 0xA1; b <= 0xAC; ++b) bs.push_back(b);
  for (int b = 0xAE; b <= 0xFF; ++b) bs.push_back(b);
  std::vector<uint32_t> cs(bs.begin(), bs.end());
  int n = 0;
  for (int b = 0; b < 256; ++b) {
    if (std::find(bs.begin(), bs.end(), b) == bs.end()) {
      bs.push_back(b);
      cs.push_back(uint32_t(256 + n++));
    }
  }
  *codepoints = cs;
  return bs;
}

// Length of the UTF-8 sequence starting with byte c (1 for invalid lead bytes).
size_t Utf8Len(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

enum class CharClass { kSpace, kLetter, kDigit, kOther };

CharClass Classify(unsigned char c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    return CharClass::kSpace;
  }
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) return CharClass::kLetter;
  if (c >= '0' && c <= '9') return CharClass::kDigit;
  return CharClass::kOther;
}

// CLIP's text cleaning and pre-tokenisation pattern (see the header for the approximation).
std::vector<std::string> PreTokenize(std::string_view raw) {
  std::string text;
  bool space = false;
  for (unsigned char c : raw) {
    if (Classify(c) == CharClass::kSpace) {
      space = true;
      continue;
    }
    if (space && !text.empty()) text.push_back(' ');
    space = false;
    text.push_back(char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  std::vector<std::string> out;
  size_t i = 0;
  // Special tokens, then contractions, in CLIP's pattern order.
  static const char* kLiterals[] = {"<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
  while (i < text.size()) {
    const std::string_view rest(text.data() + i, text.size() - i);
    bool matched = false;
    for (const char* s : kLiterals) {
      if (rest.starts_with(s)) {
        out.emplace_back(s);
        i += std::string_view(s).size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    const CharClass cls = Classify(static_cast<unsigned char>(text[i]));
    if (cls == CharClass::kSpace) {
      ++i;
    } else if (cls == CharClass::kDigit) {
      out.push_back(text.substr(i, 1));
      ++i;
    } else {
      size_t j = i;
      while (j < text.size() && Classify(static_cast<unsigned char>(text[j])) == cls) {
        j += cls == CharClass::kLetter ? Utf8Len(static_cast<unsigned char>(text[j])) : 1;
      }
      j = std::min(j, text.size());
      out.push_back(text.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<ClipTokenizer> ClipTokenizer::FromMerges(const std::vector<std::string>& merges) {
  std::unique_ptr<ClipTokenizer> tok(new ClipTokenizer());
  std::vector<uint32_t> cps;
  const std::vector<int> bs = ByteOrder(&cps);
  std::vector<std::string> vocab;
  for (size_t k = 0; k < bs.size(); ++k) {
    tok->byte_encoder_[bs[k]] = CodepointToUtf8(cps[k]);
    tok->byte_decoder_[tok->byte_encoder_[bs[k]]] = uint8_t(bs[k]);
    vocab.push_back(tok->byte_encoder_[bs[k]]);
  }
  for (size_t k = 0; k < bs.size(); ++k) vocab.push_back(vocab[k] + "</w>");
  int rank = 0;
  for (const auto& m : merges) {
    const size_t sp = m.find(' ');
    if (sp == std::string::npos) continue;
    std::string a = m.substr(0, sp), b = m.substr(sp + 1);
    while (!b.empty() && (b.back() == '\r' || b.back() == ' ')) b.pop_back();
    tok->ranks_.emplace(std::make_pair(a, b), rank++);
    vocab.push_back(a + b);
  }
  vocab.emplace_back("<|startoftext|>");
  vocab.emplace_back("<|endoftext|>");
  for (size_t k = 0; k < vocab.size(); ++k) {
    tok->encoder_.emplace(vocab[k], int32_t(k));
    tok->decoder_.emplace(int32_t(k), vocab[k]);
  }
  tok->sot_ = tok->encoder_.at("<|startoftext|>");
  tok->eot_ = tok->encoder_.at("<|endoftext|>");
  return tok;
}

Result<std::unique_ptr<ClipTokenizer>> ClipTokenizer::Load(const std::string& vocab_path,
                                                           const std::string& merges_path) {
  // The vocabulary files are read whole (CLIP's are 1-2 MiB); one over kMaxVocabularyBytes is
  // refused as the wrong file.
  constexpr uint64_t kMaxVocabularyBytes = uint64_t{64} << 20;
  GEORUNE_ASSIGN_OR_RETURN(std::string vocab_text, ReadFile(vocab_path, kMaxVocabularyBytes));
  if (merges_path.empty()) {
    if (vocab_path.ends_with(".gz")) {
      return Status::InvalidInput(vocab_path + ": compressed vocabulary (hint: gunzip it and pass the .txt)");
    }
    // bpe_simple_vocab_16e6.txt: a header line, then merges; CLIP keeps 49152-256-2 of them.
    std::istringstream in(vocab_text);
    std::string line;
    std::vector<std::string> merges;
    std::getline(in, line);  // header
    while (std::getline(in, line) && merges.size() < size_t(49152 - 256 - 2)) {
      if (!line.empty()) merges.push_back(line);
    }
    if (merges.empty()) return Status::InvalidInput(vocab_path + ":1: no BPE merges found");
    return FromMerges(merges);
  }
  GEORUNE_ASSIGN_OR_RETURN(std::string merges_text, ReadFile(merges_path, kMaxVocabularyBytes));
  std::istringstream in(merges_text);
  std::string line;
  std::vector<std::string> merges;
  while (std::getline(in, line)) {
    if (line.starts_with("#version") || line.empty()) continue;
    merges.push_back(line);
  }
  auto tok = FromMerges(merges);
  // vocab.json gives the ids (Hugging Face layout); they replace the CLIP-layout numbering.
  nlohmann::json j = nlohmann::json::parse(vocab_text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::InvalidInput(vocab_path + ":1: not a JSON object of token -> id");
  }
  tok->encoder_.clear();
  tok->decoder_.clear();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_number_integer()) {
      return Status::InvalidInput(vocab_path + ": token \"" + it.key() + "\" has no integer id");
    }
    tok->encoder_[it.key()] = it.value().get<int32_t>();
    tok->decoder_[it.value().get<int32_t>()] = it.key();
  }
  auto sot = tok->encoder_.find("<|startoftext|>"), eot = tok->encoder_.find("<|endoftext|>");
  if (sot == tok->encoder_.end() || eot == tok->encoder_.end()) {
    return Status::InvalidInput(vocab_path + ": no <|startoftext|>/<|endoftext|> tokens");
  }
  tok->sot_ = sot->second;
  tok->eot_ = eot->second;
  return tok;
}

std::vector<std::string> ClipTokenizer::Bpe(const std::string& token) const {
  std::vector<std::string> word;
  for (size_t i = 0; i < token.size();) {
    const size_t n = std::min(Utf8Len(static_cast<unsigned char>(token[i])), token.size() - i);
    word.push_back(token.substr(i, n));
    i += n;
  }
  if (word.empty()) return {};
  word.back() += "</w>";
  while (word.size() > 1) {
    int best = INT_MAX;
    std::pair<std::string, std::string> bigram;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      auto it = ranks_.find({word[i], word[i + 1]});
      if (it != ranks_.end() && it->second < best) {
        best = it->second;
        bigram = it->first;
      }
    }
    if (best == INT_MAX) break;
    std::vector<std::string> merged;
    for (size_t i = 0; i < word.size();) {
      if (i + 1 < word.size() && word[i] == bigram.first && word[i + 1] == bigram.second) {
        merged.push_back(word[i] + word[i + 1]);
        i += 2;
      } else {
        merged.push_back(word[i]);
        ++i;
      }
    }
    word = std::move(merged);
  }
  return word;
}

std::vector<int32_t> ClipTokenizer::Encode(std::string_view text) const {
  std::vector<int32_t> ids;
  for (const auto& piece : PreTokenize(text)) {
    if (piece == "<|startoftext|>") {
      ids.push_back(sot_);
      continue;
    }
    if (piece == "<|endoftext|>") {
      ids.push_back(eot_);
      continue;
    }
    std::string mapped;
    for (unsigned char c : piece) mapped += byte_encoder_[c];
    for (const auto& sym : Bpe(mapped)) {
      auto it = encoder_.find(sym);
      if (it != encoder_.end()) ids.push_back(it->second);
    }
  }
  return ids;
}

std::vector<int32_t> ClipTokenizer::EncodeForModel(std::string_view text, int context_length) const {
  std::vector<int32_t> ids = Encode(text);
  std::vector<int32_t> out;
  out.push_back(sot_);
  out.insert(out.end(), ids.begin(), ids.end());
  out.push_back(eot_);
  if (int(out.size()) > context_length) {
    out.resize(size_t(context_length));
    out.back() = eot_;
  }
  out.resize(size_t(context_length), 0);
  return out;
}

std::string ClipTokenizer::Decode(const std::vector<int32_t>& ids) const {
  std::string joined;
  for (int32_t id : ids) {
    auto it = decoder_.find(id);
    if (it != decoder_.end()) joined += it->second;
  }
  std::string bytes;
  for (size_t i = 0; i < joined.size();) {
    if (joined.compare(i, 4, "</w>") == 0) {
      bytes.push_back(' ');
      i += 4;
      continue;
    }
    const size_t n = std::min(Utf8Len(static_cast<unsigned char>(joined[i])), joined.size() - i);
    auto it = byte_decoder_.find(joined.substr(i, n));
    if (it != byte_decoder_.end()) bytes.push_back(char(it->second));
    i += n;
  }
  while (!bytes.empty() && bytes.back() == ' ') bytes.pop_back();
  return bytes;
}

}  // namespace georune::embed
