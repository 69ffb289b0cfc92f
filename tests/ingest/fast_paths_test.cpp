// The ingest fast paths against the plain code they replace: the decimal parser against
// std::from_chars (bit for bit), FileStem/FileName against std::filesystem, the readdir listing
// against directory_iterator, the reused-buffer file read against ReadFile, and determinism of
// the parallel reader and segment builder across thread counts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cinttypes>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "georune/archive/archive.h"
#include "georune/common/files.h"
#include "georune/ingest/readers.h"
#include "ingest/text.h"
#include "test_support.h"

namespace georune::ingest {
namespace {

using test_support::TempDir;
namespace fs = std::filesystem;
using internal::ParseDouble;
using internal::ParseDoubleFromChars;

// Same answer, same bits (so -0.0 and 0.0 differ, and nullopt must match nullopt).
void ExpectSameParse(const std::string& s) {
  std::optional<double> fast = ParseDouble(s), plain = ParseDoubleFromChars(s);
  ASSERT_EQ(fast.has_value(), plain.has_value()) << "'" << s << "'";
  if (!fast) return;
  uint64_t a, b;
  std::memcpy(&a, &*fast, 8);
  std::memcpy(&b, &*plain, 8);
  ASSERT_EQ(a, b) << "'" << s << "' fast " << *fast << " plain " << *plain;
}

TEST(FastParse, EdgeCasesMatchFromChars) {
  const char* cases[] = {
      "0",
      "-0",
      "0.0",
      "-0.0",
      "00",
      "007.50",
      "1",
      "-1",
      "+1",
      "+-1",
      "-+1",
      "1.",
      ".5",
      "-.5",
      "1.e5",
      "",
      "-",
      "+",
      ".",
      "-.",
      "1..2",
      "1.2.3",
      "1a",
      "a1",
      " 1",
      "1 ",
      "0x10",
      "1e5",
      "1E-5",
      "1e",
      "nan",
      "-nan",
      "inf",
      "-inf",
      "infinity",
      "1e400",
      "-1e400",
      "1e-400",
      "4.9e-324",
      "2.2250738585072014e-308",
      "0.1",
      "0.2",
      "0.3",
      "0.30000000000000004",
      "9007199254740991",
      "9007199254740992",
      "9007199254740993",
      "9007199254740994",
      "900719925474099.3",
      "90071992547409.93",
      "0.9007199254740993",
      "9999999999999999999",
      "99999999999999999999",
      "0.9999999999999999999",
      "0.99999999999999999999",
      "1234567890123456789",
      "123456789012345678.9",
      "1.234567890123456789",
      "0.0000000000000000001",
      "0.00000000000000000001",
      "1000000000000000000000",
      "179769313486231570000000000000000000000000000000000000000000000000000000000000000000",
      "1024.0",
      "512.25",
      "-3.14159",
      "1e22",
      "1e23",
      "\x80",
      "1\x80",
  };
  for (const char* c : cases) ExpectSameParse(c);
}

TEST(FastParse, RandomNumbersMatchFromChars) {
  std::mt19937_64 rng(42);
  char buf[64];
  for (int n = 0; n < 300000; ++n) {
    std::string s;
    switch (n % 5) {
      case 0: {  // the shortest round-trip text of a random double of any magnitude
        double v =
            std::uniform_real_distribution<double>(-1, 1)(rng) * std::pow(10.0, static_cast<int>(rng() % 40) - 20);
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
        s.assign(buf, p);
        break;
      }
      case 1: {  // fixed notation with 0..19 decimals, as detector outputs and generators write
        double v = std::uniform_real_distribution<double>(-5000, 5000)(rng);
        std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(rng() % 20), v);
        s = buf;
        break;
      }
      case 2: {  // random digit strings around the 19-digit and 2^53 limits
        int len = 1 + static_cast<int>(rng() % 24);
        for (int k = 0; k < len; ++k) s += static_cast<char>('0' + rng() % 10);
        if (rng() % 2) s.insert(rng() % (s.size() + 1), ".");
        if (rng() % 3 == 0) s.insert(0, "-");
        break;
      }
      case 3: {  // integers near 2^53
        uint64_t v = (uint64_t{1} << 53) - 50 + rng() % 100;
        s = std::to_string(v);
        if (rng() % 2) s.insert(rng() % s.size() + 1, ".");
        break;
      }
      default: {  // random bit patterns printed with 17 significant digits
        uint64_t bits = rng();
        double v;
        std::memcpy(&v, &bits, 8);
        if (!std::isfinite(v)) v = 1.5;
        std::snprintf(buf, sizeof buf, "%.17g", v);
        s = buf;
        break;
      }
    }
    ExpectSameParse(s);
  }
}

TEST(FastPaths, FileStemAndNameMatchFilesystem) {
  for (const char* p : {"a.txt", "/x/y/a.txt", "a.b.txt", ".txt", "..txt", "x/.txt", "noext", "x/noext", "x/.", "x/..",
                        "a.", "/a", "dir/Task1_plane.txt", "P0001.txt", "a..b"}) {
    EXPECT_EQ(internal::FileStem(p), internal::FileStemPlain(p)) << p;
    EXPECT_EQ(internal::FileName(p), internal::FileNamePlain(p)) << p;
  }
}

TEST(FastPaths, ListingAndReadMatchPlainCode) {
  TempDir d;
  const std::string dir = d.path() + "/labels";
  fs::create_directories(dir + "/sub.txt");  // a folder named like a label file: not listed
  std::mt19937 rng(5);
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    std::string name = "img" + std::to_string(rng() % 100000) + (i % 7 ? ".txt" : ".xml");
    std::string text(rng() % 3 ? rng() % 100 : (1 << 16) + rng() % 300000, 'x');  // some > buffer
    for (auto& c : text) c = static_cast<char>('a' + rng() % 26);
    std::ofstream(dir + "/" + name, std::ios::binary) << text;
  }
  fs::create_symlink(dir + "/" + "img_target.xml", dir + "/dangling.txt");  // dangling: not listed
  std::ofstream(dir + "/real.xml") << "r";
  fs::create_symlink(dir + "/real.xml", dir + "/link.txt");  // a link to a file: listed
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".txt") expected.push_back(e.path().string());
  std::sort(expected.begin(), expected.end());
  auto listed = internal::ListFiles(dir, ".txt", false);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, expected);
  auto listed_slash = internal::ListFiles(dir + "/", ".txt", false);
  ASSERT_TRUE(listed_slash.ok());
  EXPECT_EQ(listed_slash->size(), expected.size());

  internal::DirectoryHandle folder(*listed);
  std::string buffer;
  for (const auto& f : *listed) {
    EXPECT_GE(folder.fd(f), 0) << f;
    auto fast = internal::ReadFileInto(folder.fd(f), internal::DirectoryHandle::Name(f), f, buffer, UINT64_MAX);
    auto plain = ReadFile(f);
    ASSERT_TRUE(fast.ok() && plain.ok()) << f;
    EXPECT_EQ(*fast, *plain) << f;
    auto by_path = internal::ReadFileInto(-1, nullptr, f, buffer, UINT64_MAX);
    ASSERT_TRUE(by_path.ok());
    EXPECT_EQ(*by_path, *plain) << f;
  }
  EXPECT_EQ(folder.fd(d.path() + "/other.txt"), -1);
  EXPECT_EQ(folder.fd(dir + "/sub.txt/inner.txt"), -1);
  auto missing = internal::ReadFileInto(-1, nullptr, dir + "/none.txt", buffer, UINT64_MAX);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto folder_read = internal::ReadFileInto(-1, nullptr, dir + "/sub.txt", buffer, UINT64_MAX);
  EXPECT_EQ(folder_read.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(folder_read.status().message(), ReadFile(dir + "/sub.txt").status().message());
}

std::vector<ImageRecord> RandomImages(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  const Ontology& o = Ontology::Default();
  std::vector<ImageRecord> images;
  for (int i = 0; i < n; ++i) {
    ImageRecord im;
    char id[32];
    std::snprintf(id, sizeof id, "G%07d", i);
    im.id = id;
    if (rng() % 4) im.gsd = std::uniform_real_distribution<double>(0.05, 3)(rng);
    int m = static_cast<int>(rng() % (i % 97 == 0 ? 20000 : 40));  // some images span blocks
    for (int k = 0; k < m; ++k) {
      EntityRecord e;
      e.class_id = static_cast<int>(rng() % o.ClassCount());
      e.difficult = rng() % 5 == 0;
      for (auto& c : e.corners) c = std::uniform_real_distribution<double>(-10, 5000)(rng);
      im.entities.push_back(e);
    }
    images.push_back(std::move(im));
  }
  return images;
}

std::string SegmentBytes(const std::string& archive) {
  for (const auto& e : fs::directory_iterator(archive))
    if (e.path().extension() == ".grs") return *ReadFile(e.path().string());
  return {};
}

TEST(FastPaths, SameRecordsAndArchiveBytesForAnyThreadCount) {
  TempDir d;
  const Ontology& o = Ontology::Default();
  auto images = RandomImages(9, 600);
  ASSERT_TRUE(WriteDotaLabelDir(d.path() + "/labels", images, o).ok());
  std::string reference;
  for (int threads : {1, 2, 3, 8}) {
    ReadOptions opt;
    opt.threads = threads;
    auto read = ReadDotaLabelDir(d.path() + "/labels", o, opt);
    ASSERT_TRUE(read.ok()) << read.status().message();
    ASSERT_EQ(read->size(), images.size());
    for (size_t i = 0; i < images.size(); ++i) {
      ASSERT_EQ((*read)[i].id, images[i].id);
      ASSERT_EQ((*read)[i].entities.size(), images[i].entities.size());
      for (size_t k = 0; k < images[i].entities.size(); ++k) {
        ASSERT_EQ((*read)[i].entities[k].corners, images[i].entities[k].corners);
        ASSERT_EQ((*read)[i].entities[k].class_id, images[i].entities[k].class_id);
      }
    }
    IngestOptions iopt;
    iopt.show_progress = false;
    iopt.threads = threads;
    const std::string ar = d.path() + "/ar" + std::to_string(threads);
    ASSERT_TRUE(AppendToArchive(ar, o, std::move(*read), iopt).ok());
    std::string bytes = SegmentBytes(ar);
    ASSERT_FALSE(bytes.empty());
    if (reference.empty()) {
      reference = bytes;
    } else {
      EXPECT_TRUE(bytes == reference) << "threads " << threads;
    }
    EXPECT_EQ(*ReadFile(ar + "/MANIFEST"), *ReadFile(d.path() + "/ar1/MANIFEST"));
  }
}

}  // namespace
}  // namespace georune::ingest
