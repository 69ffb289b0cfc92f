// Tests of the embedders: tokens, WordNet, BM25, hashed text, image statistics, the CLIP BPE
// tokenizer and the ONNX CLIP encoders (on tiny graphs built here with python3-onnx).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "georune/common/files.h"
#include "georune/common/wordnet.h"
#include "georune/embed/bm25.h"
#include "georune/embed/clip_tokenizer.h"
#include "georune/embed/hashed_text.h"
#include "georune/embed/image_stats.h"
#include "georune/embed/onnx_clip.h"
#include "georune/embed/text_tokens.h"
#include "test_support.h"

namespace georune::embed {
namespace {

using test_support::MakeTempDir;
using test_support::TempDir;

TEST(Tokens, TokenizeLowercasesAndSplits) {
  EXPECT_EQ(LowercaseWords("Salts Mill, built 1853!"), (std::vector<std::string>{"salts", "mill", "built", "1853"}));
  EXPECT_TRUE(IsStopword("the"));
  EXPECT_EQ(Stem("churches"), "church");
  EXPECT_EQ(IndexTerms("The churches of Rome"), (std::vector<std::string>{"church", "rome"}));
}

TEST(WordNet, SynonymsAndMorphology) {
  auto wn = WordNet::Open(WordNet::kDefaultDir);
  if (!wn.ok()) GTEST_SKIP() << "WordNet not installed: " << wn.status().message();
  auto base = (*wn)->BaseForms("churches");
  EXPECT_NE(std::find(base.begin(), base.end(), "church"), base.end());
  auto syn = (*wn)->Synonyms("car");
  EXPECT_NE(std::find(syn.begin(), syn.end(), "automobile"), syn.end());
  EXPECT_TRUE((*wn)->Synonyms("qwzxv").empty());
  EXPECT_FALSE(WordNet::Open("/nonexistent").ok());
}

TEST(Bm25, RanksByTermsAndWidensWithSynonyms) {
  Bm25Index index;
  index.Add("the automobile museum holds old automobiles");
  index.Add("a cathedral with two towers");
  index.Add("a park with trees and a lake");
  index.Finalize();
  auto terms = index.QueryTerms("cathedral towers", nullptr);
  auto hits = index.Search(terms, 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].first, 1u);
  EXPECT_GT(hits[0].second, 0);
  EXPECT_DOUBLE_EQ(index.Score(terms, 1), hits[0].second);
  // "car" is not in any document; WordNet widens it to "automobile".
  EXPECT_TRUE(index.Search(index.QueryTerms("car", nullptr), 10).empty());
  auto wn = WordNet::Open(WordNet::kDefaultDir);
  if (!wn.ok()) GTEST_SKIP() << "WordNet not installed";
  auto widened = index.QueryTerms("car", wn->get());
  auto hits2 = index.Search(widened, 10);
  ASSERT_FALSE(hits2.empty());
  EXPECT_EQ(hits2[0].first, 0u);
}

TEST(HashedText, DeterministicNormalisedAndSimilar) {
  HashedTextEmbedder e(256);
  auto a = e.EmbedText("a large stadium with a green field");
  auto b = e.EmbedText("a large stadium with a green field");
  auto c = e.EmbedText("green field of a stadium");
  auto d = e.EmbedText("harbour with many ships and cranes");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NEAR(Dot(*a, *a), 1.0, 1e-5);
  EXPECT_GT(Dot(*a, *c), Dot(*a, *d) + 0.2);
  auto empty = e.EmbedText("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(Dot(*empty, *empty), 0.0f);
  EXPECT_EQ(e.Name(), "hashed-text-v1/256");
}

TEST(ImageStats, SimilarImagesAreCloser) {
  const TempDir temp("stats");
  const std::string& dir = temp.path();
  cv::Mat green(64, 64, CV_8UC3, cv::Scalar(40, 180, 40));
  cv::Mat green2(80, 80, CV_8UC3, cv::Scalar(45, 178, 42));
  cv::Mat stripes(64, 64, CV_8UC3, cv::Scalar(200, 200, 200));
  for (int y = 0; y < 64; y += 8) stripes.rowRange(y, y + 4).setTo(cv::Scalar(20, 20, 20));
  cv::imwrite(dir + "/g.png", green);
  cv::imwrite(dir + "/g2.png", green2);
  cv::imwrite(dir + "/s.png", stripes);
  ImageStatsEmbedder e;
  auto a = e.EmbedImage(dir + "/g.png"), b = e.EmbedImage(dir + "/g2.png"), c = e.EmbedImage(dir + "/s.png");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(int(a->size()), e.Dim());
  EXPECT_NEAR(Dot(*a, *a), 1.0, 1e-5);
  EXPECT_GT(Dot(*a, *b), Dot(*a, *c));
  EXPECT_EQ(e.EmbedImage(dir + "/missing.png").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(WriteFileAtomic(dir + "/bad.png", "not an image").ok());
  EXPECT_EQ(e.EmbedImage(dir + "/bad.png").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(DescribeObjects({{"plane", 3}, {"storage-tank", 1}, {"ship", 0}}), "3 plane, 1 storage tank");
  EXPECT_EQ(DescribeObjects({}), "no detected objects");
}

TEST(ClipTokenizer, CLIPLayoutIdsAndMerges) {
  auto tok = ClipTokenizer::FromMerges({"h e", "l l", "he ll", "hell o</w>"});
  // CLIP's own ids: "!</w>" is 256 and "a</w>" is 320 in bpe_simple_vocab_16e6 as well.
  EXPECT_EQ(tok->Encode("!"), (std::vector<int32_t>{256}));
  EXPECT_EQ(tok->Encode("a"), (std::vector<int32_t>{320}));
  EXPECT_EQ(tok->Encode("Hello"), (std::vector<int32_t>{512 + 3}));
  EXPECT_EQ(tok->sot(), 516);
  EXPECT_EQ(tok->eot(), 517);
  // "hellos": no "hell o" merge without </w>: h e l l o s</w> -> hell o s</w>
  auto ids = tok->Encode("hellos");
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], 512 + 2);
  // Pre-tokenisation: letters, single digits, punctuation runs, contractions.
  EXPECT_EQ(tok->Decode(tok->Encode("It's 42 ok?!")), "it 's 4 2 ok ?!");
  auto model = tok->EncodeForModel("hello", 5);
  EXPECT_EQ(model, (std::vector<int32_t>{516, 515, 517, 0, 0}));
  auto truncated = tok->EncodeForModel("a a a a a a", 4);
  EXPECT_EQ(truncated, (std::vector<int32_t>{516, 320, 320, 517}));
}

TEST(ClipTokenizer, LoadsVocabFiles) {
  const TempDir temp("tok");
  const std::string& dir = temp.path();
  ASSERT_TRUE(WriteFileAtomic(dir + "/bpe.txt",
                              "\"bpe_simple_vocab_16e6.txt#version: 0.2\n"
                              "h e\nl l\nhe ll\nhell o</w>\n")
                  .ok());
  auto tok = ClipTokenizer::Load(dir + "/bpe.txt");
  ASSERT_TRUE(tok.ok()) << tok.status().message();
  EXPECT_EQ((*tok)->Encode("hello"), (std::vector<int32_t>{515}));
  // Hugging Face layout: vocab.json gives the ids.
  ASSERT_TRUE(WriteFileAtomic(dir + "/vocab.json", R"({"h":0,"e":1,"he":2,"hello</w>":3,"<|startoftext|>":4,)"
                                                   R"("<|endoftext|>":5,"hell":6,"ll":7,"o</w>":8,"l":9})")
                  .ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/merges.txt", "#version: 0.2\nh e\nl l\nhe ll\nhell o</w>\n").ok());
  auto hf = ClipTokenizer::Load(dir + "/vocab.json", dir + "/merges.txt");
  ASSERT_TRUE(hf.ok()) << hf.status().message();
  EXPECT_EQ((*hf)->EncodeForModel("hello", 4), (std::vector<int32_t>{4, 3, 5, 0}));
  ASSERT_TRUE(WriteFileAtomic(dir + "/bad.json", "[1,2]").ok());
  EXPECT_EQ(ClipTokenizer::Load(dir + "/bad.json", dir + "/merges.txt").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(ClipTokenizer::Load(dir + "/none.txt").status().code(), StatusCode::kNotFound);
}

class OnnxClip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = MakeTempDir("onnx");
    // Debian's python3 has python3-onnx; another python3 on PATH may not.
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const std::string script = (std::filesystem::path(GEORUNE_TEST_DATA_DIR) / "make_onnx.py").string();
    const std::string cmd = python + " " + script + " " + dir_ + " > " + dir_ + "/log.txt 2>&1";
    ok_ = std::system(cmd.c_str()) == 0;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  void SetUp() override {
    if (!ok_) GTEST_SKIP() << "python3-onnx could not build the test graphs (see " << dir_ << "/log.txt)";
  }
  static std::string dir_;
  static bool ok_;
};
std::string OnnxClip::dir_;
bool OnnxClip::ok_ = false;

TEST_F(OnnxClip, ImageEncoderMatchesNumpy) {
  auto enc = OnnxClipImageEncoder::Load(dir_ + "/image_linear.onnx", 8);
  ASSERT_TRUE(enc.ok()) << enc.status().message();
  EXPECT_EQ((*enc)->Dim(), 4);
  std::ifstream in(dir_ + "/expected.txt");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string name;
    ls >> name;
    std::vector<float> want(4);
    for (auto& v : want) ls >> v;
    auto got = (*enc)->EmbedImage(dir_ + "/" + name + ".ppm");
    ASSERT_TRUE(got.ok()) << got.status().message();
    for (int i = 0; i < 4; ++i) EXPECT_NEAR((*got)[size_t(i)], want[size_t(i)], 1e-4) << name << " " << i;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
  EXPECT_EQ((*enc)->EmbedImage(dir_ + "/missing.png").status().code(), StatusCode::kNotFound);
}

TEST_F(OnnxClip, TextEncoderFeedsTokenIds) {
  auto tok = ClipTokenizer::FromMerges({"h e", "l l", "he ll", "hell o</w>"});
  std::vector<int32_t> ids = tok->EncodeForModel("hello a", 77);
  auto enc = OnnxClipTextEncoder::Load(dir_ + "/text_linear.onnx", std::move(tok));
  ASSERT_TRUE(enc.ok()) << enc.status().message();
  std::ifstream in(dir_ + "/text_weights.txt");
  std::vector<double> w(77 * 3);
  for (auto& v : w) in >> v;
  std::vector<double> want(3, 0.0);
  for (int i = 0; i < 77; ++i)
    for (int j = 0; j < 3; ++j) want[size_t(j)] += ids[size_t(i)] * w[size_t(i * 3 + j)];
  double norm = 0;
  for (double v : want) norm += v * v;
  norm = std::sqrt(norm);
  auto got = (*enc)->EmbedText("hello a");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 3u);
  for (int j = 0; j < 3; ++j) EXPECT_NEAR((*got)[size_t(j)], want[size_t(j)] / norm, 1e-4);
}

TEST(OnnxClipReal, LoadsTheSharedYoloModel) {
  const std::string path = GEORUNE_SHARED_DIR "/data/models/yolo-fastestv2/model.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  auto enc = OnnxClipImageEncoder::Load(path, 352);
  ASSERT_TRUE(enc.ok()) << enc.status().message();
  EXPECT_GT((*enc)->Dim(), 0);
  const std::string img = GEORUNE_SHARED_DIR "/data/captions/rsicd/stadium_1.jpg";
  if (std::filesystem::exists(img)) {
    auto v = (*enc)->EmbedImage(img);
    ASSERT_TRUE(v.ok()) << v.status().message();
    EXPECT_EQ(int(v->size()), (*enc)->Dim());
    EXPECT_NEAR(Dot(*v, *v), 1.0, 1e-3);
  }
  const TempDir temp("badonnx");
  const std::string& dir = temp.path();
  ASSERT_TRUE(WriteFileAtomic(dir + "/bad.onnx", "garbage").ok());
  EXPECT_EQ(OnnxClipImageEncoder::Load(dir + "/bad.onnx").status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace georune::embed
