// The CLIP byte-level BPE tokenizer (openai/CLIP simple_tokenizer.py), reading the model's own
// vocabulary files.
//
// Load() accepts either
//  - bpe_simple_vocab_16e6.txt (plain text, first line a header, then merges "a b"; the vocab is
//    built as CLIP builds it: 256 byte symbols, the same with "</w>", each merge, then
//    "<|startoftext|>" and "<|endoftext|>"), or
//  - a vocab.json (token → id) together with merges.txt (Hugging Face layout).
//
// Encode(): text cleaning as CLIP does it (whitespace collapsed, lower-cased), pre-tokenisation
// with CLIP's pattern ('s 't 're 've 'm 'll 'd | letters+ | one digit | other non-space+), bytes
// mapped through bytes_to_unicode, "</w>" on the last symbol of each word, then merges by rank.
// Limitation: the pattern's \p{L} / \p{N} are decided exactly for ASCII; every non-ASCII code
// point counts as a letter (CLIP's ftfy/html-unescape cleaning is not applied).
// EncodeForModel(): [SOT] ids [EOT], truncated to context_length (EOT kept last), zero padded.
// A loaded tokenizer is immutable; Encode is thread safe (the BPE cache is not shared).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "georune/common/status.h"

namespace georune::embed {

class ClipTokenizer {
 public:
  // `vocab_path`: bpe_simple_vocab_16e6.txt, or vocab.json with `merges_path` = merges.txt.
  static Result<std::unique_ptr<ClipTokenizer>> Load(const std::string& vocab_path,
                                                     const std::string& merges_path = "");
  // Builds a tokenizer from merges only (CLIP layout vocab); `merges` are "a b" lines.
  static std::unique_ptr<ClipTokenizer> FromMerges(const std::vector<std::string>& merges);

  std::vector<int32_t> Encode(std::string_view text) const;
  std::vector<int32_t> EncodeForModel(std::string_view text, int context_length = 77) const;
  std::string Decode(const std::vector<int32_t>& ids) const;
  int32_t sot() const { return sot_; }
  int32_t eot() const { return eot_; }
  size_t vocab_size() const { return encoder_.size(); }

 private:
  ClipTokenizer() = default;
  std::vector<std::string> Bpe(const std::string& word) const;

  std::unordered_map<std::string, int32_t> encoder_;
  std::unordered_map<int32_t, std::string> decoder_;
  std::map<std::pair<std::string, std::string>, int> ranks_;
  std::string byte_encoder_[256];
  std::unordered_map<std::string, uint8_t> byte_decoder_;
  int32_t sot_ = -1, eot_ = -1;
};

}  // namespace georune::embed
