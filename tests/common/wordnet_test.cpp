// The shared WordNet reader: a small hand-made database (always runs) for the file handling, the
// binary search and the exception-list rules; Debian's WordNet 3.0 (skipped when absent) for
// NLTK's documented morphy cases, synonyms and hypernyms.
#include "georune/common/wordnet.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace georune {
namespace {

using V = std::vector<std::string>;
constexpr const char* kRealDir = "/usr/share/wordnet";

bool Contains(const V& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// ---- a hand-made database ----

// Writes a five-synset noun database (other parts of speech empty) into a fresh folder.
class TinyWordNet : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("georune_wordnet_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    // data.noun: a licence header, then synsets. Offsets are 8 digits wide, so line lengths do
    // not depend on them: lay the lines out with placeholders, then fill the offsets in.
    const std::string header = "  1 This is a licence header line\n  2 and another one\n";
    const std::vector<std::string> lines = {
        "@0 05 n 01 dog 0 001 @ @1 n 0000 | a domesticated canine\n",
        "@1 05 n 02 canine 0 Canis 0 000 | a carnivore\n",
        "@2 05 n 01 wolf 0 001 @ @1 n 0000 | a wild canine\n",
        "@3 05 n 01 xb 0 000 | first base\n",
        "@4 05 n 01 xc 0 000 | second base\n",
    };
    std::vector<size_t> at;
    size_t pos = header.size();
    for (const auto& l : lines) {
      at.push_back(pos);
      size_t placeholders = 0;
      for (size_t p = 0; (p = l.find('@', p)) != std::string::npos; ++p) {
        if (p + 1 < l.size() && std::isdigit(static_cast<unsigned char>(l[p + 1]))) ++placeholders;
      }
      pos += l.size() + 6 * placeholders;  // each "@k" becomes 8 digits
    }
    auto fill = [&](std::string s) {
      for (size_t k = 0; k < at.size(); ++k) {
        char num[16];
        std::snprintf(num, sizeof num, "%08zu", at[k]);
        std::string placeholder = "@";
        placeholder += std::to_string(k);
        for (size_t p; (p = s.find(placeholder)) != std::string::npos;) s.replace(p, 2, num);
      }
      return s;
    };
    std::string data = header;
    for (const auto& l : lines) data += fill(l);
    Write("data.noun", data);
    for (size_t k = 0; k < at.size(); ++k) offsets_.push_back(uint32_t(at[k]));
    Write("index.noun", fill(header + "canine n 1 1 @ 1 0 @1\n"
                                      "dog n 1 1 @ 1 0 @0\n"
                                      "wolf n 1 1 @ 1 0 @2\n"
                                      "xb n 1 0 1 0 @3\n"
                                      "xc n 1 0 1 0 @4\n"));
    // Two lines for "xa": NLTK keeps the last, WordNet's morphy(7WN)-style BaseForms the first.
    Write("noun.exc", "wolves wolf\nxa xb\nxa xc\n");
    for (const char* p : {"verb", "adj", "adv"}) {
      Write(std::string("index.") + p, "");
      Write(std::string("data.") + p, "");
      Write(std::string(p) + ".exc", "");
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name, std::ios::binary) << text; }
  std::unique_ptr<WordNet> Open() {
    auto wn = WordNet::Open(dir_.string());
    EXPECT_TRUE(wn.ok()) << wn.status().message();
    if (!wn.ok()) return nullptr;
    return std::move(*wn);
  }

  std::filesystem::path dir_;
  std::vector<uint32_t> offsets_;  // of dog, canine, wolf, xb, xc
};

TEST_F(TinyWordNet, SensesBinarySearchAndSynsets) {
  auto wn = Open();
  ASSERT_NE(wn, nullptr);
  EXPECT_EQ(wn->Senses("dog", WordNetPos::kNoun), std::vector<uint32_t>{offsets_[0]});
  EXPECT_EQ(wn->Senses("canine", WordNetPos::kNoun), std::vector<uint32_t>{offsets_[1]});  // first
  EXPECT_EQ(wn->Senses("xc", WordNetPos::kNoun), std::vector<uint32_t>{offsets_[4]});      // last
  for (const char* absent : {"", "a", "cat", "do", "dogs", "zzz", "dog n", "  1"}) {
    EXPECT_TRUE(wn->Senses(absent, WordNetPos::kNoun).empty()) << absent;
  }
  EXPECT_TRUE(wn->Senses("dog", WordNetPos::kVerb).empty());  // an empty index
  EXPECT_TRUE(wn->Contains("wolf", WordNetPos::kNoun));

  auto dog = wn->ReadSynset(WordNetPos::kNoun, offsets_[0]);
  ASSERT_TRUE(dog.ok()) << dog.status().message();
  EXPECT_EQ(dog->words, V{"dog"});
  EXPECT_EQ(dog->hypernyms, std::vector<uint32_t>{offsets_[1]});
  auto canine = wn->ReadSynset(WordNetPos::kNoun, offsets_[1]);
  ASSERT_TRUE(canine.ok());
  EXPECT_EQ(canine->words, (V{"canine", "Canis"}));  // case kept
  EXPECT_TRUE(canine->hypernyms.empty());
  // Not a synset's start, past the end, the header, another part of speech.
  EXPECT_EQ(wn->ReadSynset(WordNetPos::kNoun, offsets_[0] + 1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(wn->ReadSynset(WordNetPos::kNoun, 1u << 30).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(wn->ReadSynset(WordNetPos::kNoun, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(wn->ReadSynset(WordNetPos::kVerb, offsets_[0]).status().code(), StatusCode::kNotFound);
}

TEST_F(TinyWordNet, MorphologyAndSynonyms) {
  auto wn = Open();
  ASSERT_NE(wn, nullptr);
  EXPECT_EQ(wn->Morphy("dogs", WordNetPos::kNoun), V{"dog"});
  EXPECT_EQ(wn->Morphy("wolves", WordNetPos::kNoun), V{"wolf"});  // the exception list
  EXPECT_EQ(wn->Morphy("xa", WordNetPos::kNoun), V{"xc"});        // NLTK: the last line
  EXPECT_EQ(wn->BaseForms("xa"), V{"xb"});                        // the first listed base
  EXPECT_EQ(wn->BaseForms("dogs"), V{"dog"});
  EXPECT_TRUE(wn->Morphy("cats", WordNetPos::kNoun).empty());
  EXPECT_TRUE(wn->Morphy("dogs", WordNetPos::kAdv).empty());
  EXPECT_EQ(wn->SynsetLemmaNames("Canines"), (V{"canine", "Canis"}));
  EXPECT_EQ(wn->Synonyms("canine"), V{"canis"});  // lower-cased, without the word
  EXPECT_TRUE(wn->Synonyms("dog").empty());
}

TEST_F(TinyWordNet, MissingFileIsNotFound) {
  std::filesystem::remove(dir_ / "verb.exc");
  auto wn = WordNet::Open(dir_.string());
  ASSERT_FALSE(wn.ok());
  EXPECT_EQ(wn.status().code(), StatusCode::kNotFound);
  EXPECT_NE(wn.status().message().find("verb.exc"), std::string::npos);
  EXPECT_NE(wn.status().message().find("wordnet-base"), std::string::npos);
  EXPECT_FALSE(WordNet::Shared(dir_.string()).ok());  // failures are not cached
  Write("verb.exc", "");
  auto shared = WordNet::Shared(dir_.string());
  ASSERT_TRUE(shared.ok()) << shared.status().message();
  EXPECT_EQ(*WordNet::Shared(dir_.string()), *shared);  // opened once
}

TEST(WordNetDefault, DirectoryFromEnvironment) {
  const char* old = std::getenv("GEORUNE_WORDNET_DIR");
  const std::string saved = old ? old : "";
  ::setenv("GEORUNE_WORDNET_DIR", "/nonexistent/wordnet", 1);
  EXPECT_EQ(WordNet::DefaultDir(), "/nonexistent/wordnet");
  EXPECT_EQ(WordNet::Default().status().code(), StatusCode::kNotFound);
  ::setenv("GEORUNE_WORDNET_DIR", "", 1);
  EXPECT_EQ(WordNet::DefaultDir(), WordNet::kDefaultDir);
  if (old) ::setenv("GEORUNE_WORDNET_DIR", saved.c_str(), 1);
  else ::unsetenv("GEORUNE_WORDNET_DIR");
}

// ---- Debian's WordNet 3.0 ----

class RealWordNet : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::string(kRealDir) + "/index.noun")) {
      GTEST_SKIP() << "WordNet not installed at " << kRealDir << " (Debian package wordnet-base)";
    }
    auto wn = WordNet::Shared(kRealDir);
    ASSERT_TRUE(wn.ok()) << wn.status().message();
    wn_ = *wn;
  }
  const WordNet* wn_ = nullptr;
};

TEST_F(RealWordNet, MorphyAsNltkDocumentsIt) {
  // NLTK's howto (wordnet.doctest) and WordNetCorpusReader.morphy docstring.
  EXPECT_EQ(wn_->Morphy("dogs", WordNetPos::kNoun), V{"dog"});
  EXPECT_EQ(wn_->Morphy("churches", WordNetPos::kNoun), V{"church"});
  EXPECT_EQ(wn_->Morphy("aardwolves", WordNetPos::kNoun), V{"aardwolf"});
  EXPECT_EQ(wn_->Morphy("abaci", WordNetPos::kNoun), V{"abacus"});
  EXPECT_EQ(wn_->Morphy("book", WordNetPos::kNoun), V{"book"});
  EXPECT_TRUE(wn_->Morphy("book", WordNetPos::kAdj).empty());
  for (WordNetPos pos : kWordNetPos) EXPECT_TRUE(wn_->Morphy("hardrock", pos).empty());
  EXPECT_EQ(wn_->Morphy("geese", WordNetPos::kNoun), V{"goose"});
  EXPECT_EQ(wn_->Morphy("running", WordNetPos::kVerb), V{"run"});
  // "ves" -> "f" is NLTK's rule (not in an exception list): Morphy has it, BaseForms does not.
  EXPECT_EQ(wn_->Morphy("bloodleaves", WordNetPos::kNoun), V{"bloodleaf"});
  EXPECT_TRUE(wn_->BaseForms("bloodleaves").empty());
}

TEST_F(RealWordNet, SynonymsBaseFormsAndLemmaNames) {
  EXPECT_TRUE(Contains(wn_->Synonyms("car"), "automobile"));
  EXPECT_FALSE(Contains(wn_->Synonyms("car"), "car"));
  EXPECT_TRUE(wn_->Synonyms("qwzxv").empty());
  EXPECT_TRUE(Contains(wn_->BaseForms("churches"), "church"));
  EXPECT_TRUE(wn_->BaseForms("qwzxv").empty());
  auto names = wn_->SynsetLemmaNames("Autos");
  EXPECT_TRUE(Contains(names, "car"));
  EXPECT_TRUE(Contains(names, "motorcar"));
}

TEST_F(RealWordNet, HypernymsOfAirlinerReachAirplane) {
  auto senses = wn_->Senses("airliner", WordNetPos::kNoun);
  ASSERT_FALSE(senses.empty());
  std::set<uint32_t> seen;
  std::vector<uint32_t> frontier = senses;
  bool found = false;
  for (int depth = 0; depth < 3 && !found; ++depth) {
    std::vector<uint32_t> next;
    for (uint32_t offset : frontier) {
      if (!seen.insert(offset).second) continue;
      auto synset = wn_->ReadSynset(WordNetPos::kNoun, offset);
      ASSERT_TRUE(synset.ok()) << synset.status().message();
      if (depth > 0 && Contains(synset->words, "airplane")) found = true;
      next.insert(next.end(), synset->hypernyms.begin(), synset->hypernyms.end());
    }
    frontier = std::move(next);
  }
  EXPECT_TRUE(found);
  // The most frequent sense comes first.
  auto dog = wn_->ReadSynset(WordNetPos::kNoun, wn_->Senses("dog", WordNetPos::kNoun).at(0));
  ASSERT_TRUE(dog.ok());
  EXPECT_TRUE(Contains(dog->words, "domestic_dog"));
}

TEST_F(RealWordNet, ConcurrentLookupsAgree) {
  const V words = {"car", "churches", "ships", "harbours", "planes", "running", "better", "geese"};
  std::vector<V> expected;
  for (const auto& w : words) expected.push_back(wn_->Synonyms(w));
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < words.size(); ++i) {
          if (wn_->Synonyms(words[i]) != expected[i]) ++mismatches[size_t(t)];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace georune
