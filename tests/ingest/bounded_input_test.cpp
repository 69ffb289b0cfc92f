// Bounded and located input (issue 10): line ends of every kind, streamed JSON Lines against
// the whole-file reading they replace, special files refused, size limits, empty folders,
// non-UTF-8 ids, strict XML fields, case-insensitive suffixes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "georune/common/files.h"
#include "georune/common/text.h"
#include "georune/ingest/readers.h"
#include "ingest/text.h"
#include "test_support.h"

namespace georune::ingest {
namespace {

using test_support::TempDir;
namespace fs = std::filesystem;

const Ontology& Dota() { return Ontology::Default(); }

// The plain reference for ForEachLine: a line ends at "\r\n", "\n" or "\r".
std::vector<std::string> PlainLines(const std::string& s) {
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') {
      lines.push_back(cur);
      cur.clear();
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      cur += s[i];
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

TEST(LineEnds, ForEachLineMatchesThePlainSplitterOnRandomText) {
  std::mt19937 rng(3);
  const char alphabet[] = {'a', 'b', ' ', '\r', '\n'};
  for (int trial = 0; trial < 2000; ++trial) {
    std::string s(rng() % 40, ' ');
    for (auto& c : s) c = alphabet[rng() % 5];
    std::vector<std::string> got;
    std::vector<int> numbers;
    ASSERT_TRUE(internal::ForEachLine(s, [&](int no, std::string_view l) {
                  got.emplace_back(l);
                  numbers.push_back(no);
                  return Status::Ok();
                }).ok());
    EXPECT_EQ(got, PlainLines(s)) << testing::PrintToString(s);
    for (size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(numbers[i], int(i + 1));
  }
}

TEST(LineEnds, StreamedLinesMatchThePlainSplitterAtEveryBlockSize) {
  // ForEachLineOfFile over a file against PlainLines over its text, with blocks so small that
  // every line end ("\r\n" included) falls across a block boundary somewhere.
  TempDir d;
  std::mt19937 rng(5);
  const char alphabet[] = {'a', 'b', ' ', '\r', '\n'};
  for (int trial = 0; trial < 400; ++trial) {
    std::string s(rng() % 60, ' ');
    for (auto& c : s) c = alphabet[rng() % 5];
    d.Write("f.txt", s);
    for (size_t block : {1, 2, 3, 5, 8, 64}) {
      int fd = ::open((d.path() + "/f.txt").c_str(), O_RDONLY);
      ASSERT_GE(fd, 0);
      std::string buffer;
      std::vector<std::string> got;
      std::vector<int> numbers;
      Status st = internal::ForEachLineOfFile(
          fd, "f.txt", buffer, 1000,
          [&](int no, std::string_view l) {
            got.emplace_back(l);
            numbers.push_back(no);
            return Status::Ok();
          },
          block);
      ::close(fd);
      ASSERT_TRUE(st.ok()) << st.message();
      EXPECT_EQ(got, PlainLines(s)) << testing::PrintToString(s) << " block " << block;
      for (size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(numbers[i], int(i + 1));
    }
  }
}

TEST(LineEnds, AStreamedLineLongerThanTheLimitIsAnErrorAtItsLine) {
  TempDir d;
  d.Write("f.txt", "short\r\nok\n" + std::string(5000, 'x') + "\nnever read\n");
  int fd = ::open((d.path() + "/f.txt").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  std::string buffer;
  int lines = 0;
  Status st = internal::ForEachLineOfFile(
      fd, "f.txt", buffer, 1000, [&](int, std::string_view) { return ++lines, Status::Ok(); }, 64);
  ::close(fd);
  EXPECT_EQ(lines, 2);
  EXPECT_NE(st.message().find("f.txt:3: this line is larger than the limit of 1000 bytes"), std::string::npos)
      << st.message();
  EXPECT_LT(buffer.size(), 2000u);  // it stopped reading at the limit
}

TEST(Task1, FilesLargerThanTheRecordLimitAreStreamed) {
  // A Task1 file holds many images: 40,000 lines (~1.6 MB) read with a 4 KiB record limit.
  TempDir d;
  std::string text;
  for (int i = 0; i < 40000; ++i) text += "img" + std::to_string(i % 100) + " 0.9 0 0 9 0 9 9 0 9\n";
  d.Write("Task1_plane.txt", text);
  ReadOptions opt;
  opt.max_record_bytes = 4096;
  ReadReport report;
  auto r = ReadDotaTask1Dir(d.path(), Dota(), opt, &report);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 100u);
  size_t entities = 0;
  for (const auto& im : *r) entities += im.entities.size();
  EXPECT_EQ(entities, 40000u);
  // A line over the limit is an error at its line; so is an unknown class, found by streaming.
  d.Write("Task1_plane.txt", "img 0.9 0 0 9 0 9 9 0 9\n" + std::string(5000, '1') + "\n");
  auto long_line = ReadDotaTask1Dir(d.path(), Dota(), opt, &report);
  ASSERT_FALSE(long_line.ok());
  EXPECT_NE(long_line.status().message().find("Task1_plane.txt:2: this line is larger than the limit of 4096 bytes"),
            std::string::npos)
      << long_line.status().message();
}

TEST(LineEnds, CrOnlyDotaFilesKeepEveryEntity) {
  TempDir d;
  d.Write("P1.txt", "gsd:0.5\r0 0 9 0 9 9 0 9 plane 0\r10 10 19 10 19 19 10 19 ship 1\r");
  auto r = ReadDotaLabelDir(d.path(), Dota());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].entities.size(), 2u);
  EXPECT_DOUBLE_EQ((*r)[0].gsd, 0.5);
}

// Streamed JSON Lines (8 MiB blocks) against what was written, over ~20 MB with every line end
// kind: lines straddle block boundaries.
TEST(StreamedJsonLines, ManyBlocksReadLikeTheFileWasWritten) {
  TempDir d;
  std::mt19937 rng(5);
  std::string text;
  std::vector<std::pair<std::string, double>> expect;
  const char* ends[] = {"\n", "\r\n", "\r"};
  for (int i = 0; text.size() < (20u << 20); ++i) {
    const std::string id = "img" + std::to_string(i);
    const double x = rng() % 100000 / 7.0;
    std::string pad(rng() % 300, ' ');
    text += "{\"image\": \"" + id + "\", \"path\": \"" + std::string(rng() % 200, 'p') +
            "\", \"entities\": [{\"class\": \"plane\", \"obb\": [" + std::to_string(x) + ",0,1,0,1,1,0,1]}]}" + pad +
            ends[rng() % 3];
    if (rng() % 10 == 0) text += ends[rng() % 3];  // blank lines are ignored
    expect.emplace_back(id, std::stod(std::to_string(x)));
  }
  const std::string file = d.Write("big.jsonl", text);
  ReadOptions opt;
  opt.threads = 2;
  auto r = ReadJsonLines(file, Dota(), opt);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), expect.size());
  for (size_t i = 0; i < expect.size(); ++i) {
    ASSERT_EQ((*r)[i].id, expect[i].first);
    ASSERT_EQ((*r)[i].entities[0].corners[0], expect[i].second);
  }
}

TEST(StreamedJsonLines, AnErrorDeepInTheFileNamesItsLine) {
  TempDir d;
  std::string text;
  int line = 0;
  while (text.size() < (10u << 20)) {
    text += "{\"image\": \"i" + std::to_string(line) + "\", \"path\": \"" + std::string(500, 'p') + "\"}\n";
    ++line;
  }
  text += "{\"image\": \"bad\", \"gsd\": -1}\n";
  const std::string file = d.Write("deep.jsonl", text);
  auto r = ReadJsonLines(file, Dota());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind(file + ":" + std::to_string(line + 1) + ": \"gsd\"", 0), 0u)
      << r.status().message();
}

TEST(StreamedJsonLines, ALineLongerThanTheLimitIsAnErrorAtItsLine) {
  TempDir d;
  const std::string file = d.Write("long.jsonl", "{\"image\": \"a\"}\n" + std::string(3 << 20, 'x'));
  ReadOptions opt;
  opt.max_record_bytes = 1 << 20;
  auto r = ReadJsonLines(file, Dota(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(r.status().message().rfind(file + ":2: this line is larger than the limit of 1 MiB", 0), 0u)
      << r.status().message();
}

TEST(StreamedJsonLines, NullScoreIsAnError) {
  TempDir d;
  const std::string file = d.Write(
      "n.jsonl",
      "{\"image\": \"a\", \"entities\": [{\"class\": \"plane\", \"score\": null, \"obb\": [0,0,1,0,1,1,0,1]}]}\n");
  auto r = ReadJsonLines(file, Dota());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(file + ":1: entity 0: \"score\" must be a number"), std::string::npos)
      << r.status().message();
}

TEST(SpecialFiles, FifosAndDevicesAreRefusedAtOnce) {
  TempDir d;
  const std::string fifo = d.path() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto r = ReadJsonLines(fifo, Dota());  // would block forever if it were opened for reading
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is a FIFO"), std::string::npos) << r.status().message();
  auto z = ReadJsonLines("/dev/zero", Dota());
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(z.status().message().find("is a device"), std::string::npos);
  EXPECT_EQ(ReadFile("/dev/zero").status().code(), StatusCode::kInvalidInput);
  // A FIFO named like a label file in a folder: listed as not regular, so not read.
  ASSERT_EQ(::mkfifo((d.path() + "/P9.txt").c_str(), 0600), 0);
  d.Write("P1.txt", "0 0 9 0 9 9 0 9 plane 0\n");
  auto labels = ReadDotaLabelDir(d.path(), Dota());
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  EXPECT_EQ(labels->size(), 1u);
}

TEST(SpecialFiles, AFileLargerThanTheLimitIsRefused) {
  TempDir d;
  d.Write("P1.txt", std::string(200000, ' ') + "\n0 0 9 0 9 9 0 9 plane 0\n");
  ReadOptions opt;
  opt.max_record_bytes = 100000;
  auto r = ReadDotaLabelDir(d.path(), Dota(), opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("P1.txt: this file is larger than the limit"), std::string::npos)
      << r.status().message();
}

TEST(Folders, EmptyFoldersAreErrorsThatSayWhatWasExpected) {
  TempDir d;
  d.Write("notes.md", "not a label file");
  auto dota = ReadDotaLabelDir(d.path(), Dota());
  EXPECT_EQ(dota.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(dota.status().message().find("no DOTA label files (*.txt) in this folder"), std::string::npos);
  EXPECT_EQ(ReadVocDir(d.path(), Dota()).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(ReadDotaTask1Dir(d.path(), Dota()).status().code(), StatusCode::kInvalidInput);
  ReadOptions yolo;
  yolo.image_width = yolo.image_height = 100;
  EXPECT_EQ(ReadYoloObbDir(d.path(), Dota(), yolo).status().code(), StatusCode::kInvalidInput);
}

TEST(Folders, UpperCaseSuffixesAreRead) {
  TempDir d;
  d.Write("P0003.TXT", "0 0 9 0 9 9 0 9 plane 0\n");
  d.Write("P0004.txt", "0 0 9 0 9 9 0 9 ship 0\n");
  auto r = ReadDotaLabelDir(d.path(), Dota());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, "P0003");
}

TEST(Folders, ASymbolicLinkLoopIsNamedAsOne) {
  TempDir d;
  fs::create_symlink(d.path() + "/loop", d.path() + "/loop");
  auto r = ReadDotaLabelDir(d.path() + "/loop", Dota());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("symbolic links"), std::string::npos) << r.status().message();
}

TEST(Utf8, NonUtf8ImageIdsAreRefusedWithTheFileNamed) {
  EXPECT_TRUE(IsValidUtf8("Pé ü 北京 😀"));
  for (std::string bad : {"P\xe9", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\x80", "\xe2\x82"})
    EXPECT_FALSE(IsValidUtf8(bad)) << testing::PrintToString(bad);
  TempDir d;
  d.Write("P\xe9.txt", "0 0 9 0 9 9 0 9 plane 0\n");
  auto r = ReadDotaLabelDir(d.path(), Dota());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is not valid UTF-8"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
}

TEST(Voc, BadSizeResolutionAndDifficultAreErrorsAtTheirLine) {
  TempDir d;
  const std::string f = d.Write("a.xml", "<annotation>\n<size>\n<width>wide</width></size>\n</annotation>");
  auto w = ReadVocDir(d.path(), Dota());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message().rfind(f + ":3: <width> is not a whole number of pixels: 'wide'", 0), 0u)
      << w.status().message();
  d.Write("a.xml", "<HRSC_Image>\n<Img_Resolution>abc</Img_Resolution>\n</HRSC_Image>");
  auto h = ReadVocDir(d.path(), Dota());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().message().rfind(f + ":2: <Img_Resolution> is not a positive number", 0), 0u)
      << h.status().message();
  d.Write("a.xml",
          "<annotation>\n<object><name>plane</name>\n<difficult>x</difficult>\n"
          "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>\n</annotation>");
  auto x = ReadVocDir(d.path(), Dota());
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.status().message().rfind(f + ":3: <difficult> must be 0 or 1", 0), 0u) << x.status().message();
  ReadOptions skip;
  skip.skip_bad_lines = true;
  ReadReport report;
  auto s = ReadVocDir(d.path(), Dota(), skip, &report);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(report.skipped_lines, 1u);
  // Empty fields stay "unknown".
  d.Write("a.xml", "<annotation><size><width></width><height>0</height></size></annotation>");
  auto e = ReadVocDir(d.path(), Dota());
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ((*e)[0].width, 0);
}

TEST(Yolo, ANamesYamlWhoseFirstLineIsNamesIsFound) {
  TempDir d;
  d.Write("data.yaml", "names:\n  0: ship\n  1: plane\n");
  d.Write("labels/a.txt", "0 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n");
  ReadOptions opt;
  opt.image_width = opt.image_height = 100;
  ReadReport report;
  auto r = ReadYoloObbDir(d.path(), Dota(), opt, &report);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Dota().Class((*r)[0].entities[0].class_id).name, "ship");
}

TEST(Locate, DuplicateIdsAreFoundInEverySourceKind) {
  TempDir d;
  const std::string j = d.Write("a.jsonl", "{\"image\": \"x\"}\n\n{\"image\": \"dup\"}\n{\"image\": \"dup\"}\n");
  EXPECT_EQ(LocateImage(SourceKind::kJsonLines, j, "dup"), j + ":3");
  EXPECT_EQ(LocateImage(SourceKind::kJsonLines, j, "dup", 1), j + ":4");
  EXPECT_EQ(LocateImage(SourceKind::kJsonLines, j, "dup", 2), "");
  const std::string t = d.Write("t1/Task1_plane.txt", "a 0.5 0 0 1 0 1 1 0 1\ndup 0.5 0 0 1 0 1 1 0 1\n");
  EXPECT_EQ(LocateImage(SourceKind::kDotaTask1, d.path() + "/t1", "dup"), t + ":2");
  const std::string l = d.Write("labels/labelTxt/dup.txt", "");
  EXPECT_EQ(LocateImage(SourceKind::kDotaLabels, d.path() + "/labels", "dup"), l);
  EXPECT_EQ(LocateImage(SourceKind::kJsonLines, j, "absent"), "");
}

}  // namespace
}  // namespace georune::ingest
