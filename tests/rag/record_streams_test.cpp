// The streamed knowledge-base readers (RSWK arrays, JSON Lines documents) against the whole-file
// readers they replace -- the file parsed at once, then each record converted by the same
// RswkRecord / JsonlRecord -- on the real RSWK and RSICD files and on generated ones; located
// errors for a record over the limit; and a file larger than the old whole-file cap (256 MiB)
// read with bounded memory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "georune/common/files.h"
#include "georune/common/lines.h"
#include "georune/rag/records.h"
#include "rag/record_json.h"
#include "test_support.h"

namespace georune::rag {
namespace {

using nlohmann::json;
using test_support::TempDir;

// The readers before streaming: the whole file in memory, parsed at once.
Result<std::vector<Record>> WholeFileRswk(const std::string& path) {
  GEORUNE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  const json doc = json::parse(text);
  const auto places = test_support::JsonArrayElementPlaces(text);
  std::vector<Record> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    GEORUNE_ASSIGN_OR_RETURN(Record r, RswkRecord(doc[i], path, places.at(i).first, i));
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Record>> WholeFileJsonl(const std::string& path) {
  GEORUNE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<Record> out;
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  GEORUNE_RETURN_IF_ERROR(ForEachLine(text, [&](int no, std::string_view line) -> Status {
    if (line.find_first_not_of(" \t") == std::string_view::npos) return Status::Ok();
    GEORUNE_ASSIGN_OR_RETURN(Record r, JsonlRecord(json::parse(line), path, no, base_dir));
    out.push_back(std::move(r));
    return Status::Ok();
  }));
  return out;
}

void ExpectSameRecords(const Result<std::vector<Record>>& got, const Result<std::vector<Record>>& want) {
  ASSERT_TRUE(want.ok()) << want.status().message();
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), want->size());
  for (size_t i = 0; i < got->size(); ++i) {
    const Record& a = (*got)[i];
    const Record& b = (*want)[i];
    SCOPED_TRACE("record " + std::to_string(i) + " (" + b.source + ")");
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.category, b.category);
    EXPECT_EQ(a.image_path, b.image_path);
    EXPECT_EQ(a.image_description, b.image_description);
    EXPECT_EQ(a.has_location, b.has_location);
    EXPECT_EQ(a.lat, b.lat);
    EXPECT_EQ(a.lon, b.lon);
    EXPECT_EQ(a.fields, b.fields);
    EXPECT_EQ(a.variables, b.variables);
    EXPECT_EQ(a.monthly, b.monthly);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.source, b.source);
  }
}

TEST(RecordStreams, RswkEqualsTheWholeFileReaderOnRealData) {
  const std::string path = std::string(GEORUNE_SHARED_DIR) + "/data/rswk/ORI_DATASET/ori_data_test.partial.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no RSWK data at " << path;
  auto got = ReadRswkFile(path);
  ExpectSameRecords(got, WholeFileRswk(path));
  EXPECT_GT(got->size(), 100u);
}

TEST(RecordStreams, JsonlEqualsTheWholeFileReaderOnRealText) {
  // RSICD's captions, each line given an id (the KB's JSON Lines documents need one).
  const std::string src = std::string(GEORUNE_SHARED_DIR) + "/data/captions/rsicd/textaug_valid_rsicd.jsonl";
  if (!std::filesystem::exists(src)) GTEST_SKIP() << "no RSICD captions at " << src;
  TempDir d;
  std::ifstream in(src);
  std::ofstream out(d.path() + "/docs.jsonl");
  std::string line;
  for (int i = 0; std::getline(in, line); ++i) {
    json j = json::parse(line);
    j["id"] = i;
    j["text"] = j["captions"];
    j["image"] = j["filename"];
    out << j.dump() << (i % 3 == 0 ? "\r\n" : "\n") << (i % 7 == 0 ? "\n" : "");
  }
  out.close();
  auto got = ReadJsonlFile(d.path() + "/docs.jsonl");
  ExpectSameRecords(got, WholeFileJsonl(d.path() + "/docs.jsonl"));
  EXPECT_GT(got->size(), 1000u);
}

json RandomText(std::mt19937& rng) {
  static const std::vector<std::string> kWords = {"mill", "Stadium", "ü",  "\"quoted\"", "[x]",
                                                  "{y}",  "a,b",     "\\", "°N",         "\n"};
  std::string s;
  for (size_t n = rng() % 12; n-- > 0;) s += kWords[rng() % kWords.size()] + " ";
  return s;
}

json RandomRswk(std::mt19937& rng, int i) {
  json r;
  r["ID"] = i % 5 == 0 ? json(i) : json(std::to_string(100000 + i));
  r["image_name"] = "image " + std::to_string(i);
  json wk;
  wk["Name"] = "Place " + std::to_string(i);
  if (rng() % 2) wk["Category"] = RandomText(rng);
  if (rng() % 2) wk["Location"] = rng() % 2 ? "40°11′27″N 29°02′46″E" : "51.556, -0.2796";
  wk["Historical_Background"] = RandomText(rng);
  json events = json::array();
  for (size_t n = rng() % 3; n-- > 0;)
    events.push_back({{"Event", RandomText(rng)}, {"Year", "1855"}, {"Description", RandomText(rng)}});
  wk["Major_Events"] = events;
  wk["Notable_Visitors"] = json::array({RandomText(rng), RandomText(rng)});
  r["world knowledge"] = wk;
  json ek;
  ek["ALBEDO"] = static_cast<double>(rng() % 1000) / 997.0;
  ek["LST_Day_1km"] = "26.27°C";
  ek["SR_B1"] = {{"January 2019", 1523.5}, {"February 2019", static_cast<int>(rng() % 3000)}};
  r["remote sensing expert knowledge"] = ek;
  if (rng() % 3 == 0) r["monthly expert knowledge"] = {{"March 2019", {{"NDVI", 0.4}}}};
  return r;
}

TEST(RecordStreams, RswkEqualsTheWholeFileReaderOnGeneratedData) {
  TempDir d;
  std::mt19937 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    json doc = json::array();
    for (int i = 0; i < trial * 3; ++i) doc.push_back(RandomRswk(rng, i));
    const std::string path = d.Write("rswk.json", doc.dump(trial % 4 == 0 ? -1 : trial % 4));
    ExpectSameRecords(ReadRswkFile(path), WholeFileRswk(path));
  }
}

TEST(RecordStreams, JsonlEqualsTheWholeFileReaderOnGeneratedData) {
  TempDir d;
  std::mt19937 rng(4);
  for (int trial = 0; trial < 20; ++trial) {
    std::string text;
    for (int i = 0; i < trial * 3; ++i) {
      json j;
      j["id"] = i % 2 ? json(i) : json("doc-" + std::to_string(i));
      if (rng() % 2) j["title"] = RandomText(rng);
      j["text"] = rng() % 2 ? RandomText(rng) : json::array({RandomText(rng), RandomText(rng)});
      if (rng() % 2) j["location"] = rng() % 2 ? json({{"lat", 40.1}, {"lon", 29.0}}) : json::array({-12.5, 130.25});
      if (rng() % 2) j["fields"] = {{"Area", RandomText(rng)}, {"Details", RandomText(rng)}};
      if (rng() % 2) j["image"] = "img/" + std::to_string(i) + ".png";
      j["extra"] = static_cast<int>(rng() % 100);
      text += j.dump() + (rng() % 2 ? "\r\n" : "\n") + (rng() % 4 == 0 ? "  \n" : "");
    }
    const std::string path = d.Write("docs.jsonl", text);
    ExpectSameRecords(ReadJsonlFile(path), WholeFileJsonl(path));
  }
}

TEST(RecordStreams, ARecordOverTheLimitIsAnErrorAtItsLine) {
  TempDir d;
  const std::string big(5000, 'x');
  const std::string jsonl = d.Write("a.jsonl", "{\"id\": 1}\n\n{\"id\": 2, \"text\": \"" + big + "\"}\n{\"id\": 3}\n");
  int seen = 0;
  auto count = [&](Record&&) { return ++seen, Status::Ok(); };
  Status st = ForEachJsonlRecord(jsonl, count, 4096);
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find(jsonl + ":3: this line is larger than the limit of 4096 bytes"), std::string::npos)
      << st.message();
  seen = 0;
  std::mt19937 rng(1);
  const std::string rswk =
      d.Write("a.json", "[\n" + RandomRswk(rng, 1).dump() + ",\n  {\"ID\": \"2\", \"x\": \"" + big + "\"}]");
  st = ForEachRswkRecord(rswk, count, 4096);
  EXPECT_EQ(seen, 1);
  EXPECT_NE(st.message().find(rswk + ":3: record 2 is larger than the limit of 4096 bytes"), std::string::npos)
      << st.message();
}

// Writes `count` records of about 1 MiB each through `write_record` (streamed, never whole).
template <typename Fn>
void WriteLargeFile(const std::string& path, const std::string& head, const std::string& separator,
                    const std::string& tail, int count, Fn&& write_record) {
  std::ofstream out(path, std::ios::binary);
  out << head;
  std::string words;
  while (words.size() < (1u << 20)) words += "remote sensing of mills and stadiums ";
  for (int i = 0; i < count; ++i) out << (i > 0 ? separator : "") << write_record(i, words);
  out << tail;
}

TEST(RecordStreams, AFileLargerThanTheOldCapIsReadWithBoundedMemory) {
  // 272 records of ~1 MiB: over the 256 MiB the whole-file readers refused. Memory holds one
  // record (its text, its parse and its Record), not the file: 32 MiB at most (128 MiB under
  // AddressSanitizer, still under half the file).
  constexpr int kRecords = 272;
  constexpr long kMiBkB = 1024;
  TempDir d;
  const std::string jsonl = d.path() + "/big.jsonl";
  WriteLargeFile(jsonl, "", "\n", "\n", kRecords, [](int i, const std::string& words) {
    return "{\"id\": " + std::to_string(i) + ", \"title\": \"t\", \"text\": \"" + words + "\"}";
  });
  ASSERT_GT(std::filesystem::file_size(jsonl), uint64_t{256} << 20);
  long rss = test_support::StartPeakMeasurement();
  size_t seen = 0, bytes = 0;
  Status st = ForEachJsonlRecord(jsonl, [&](Record&& r) { return ++seen, bytes += r.text.size(), Status::Ok(); });
  long grown = test_support::ProcStatusKb("VmHWM") - rss;
  std::printf("[ measured ] JSON Lines, %zu MiB: peak RSS +%ld kB\n", size_t(std::filesystem::file_size(jsonl) >> 20),
              grown);
  std::filesystem::remove(jsonl);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(seen, size_t(kRecords));
  EXPECT_GT(bytes, size_t{256} << 20);
  EXPECT_LT(grown, 32 * kMiBkB + test_support::kSanitizerPeakSlackKb);

  const std::string rswk = d.path() + "/big.json";
  WriteLargeFile(rswk, "[\n", ",\n", "\n]\n", kRecords, [](int i, const std::string& words) {
    return "  {\"ID\": \"" + std::to_string(i) + "\", \"world knowledge\": {\"Name\": \"n\", \"Details\": \"" + words +
           "\"}}";
  });
  ASSERT_GT(std::filesystem::file_size(rswk), uint64_t{256} << 20);
  rss = test_support::StartPeakMeasurement();
  seen = bytes = 0;
  st = ForEachRswkRecord(rswk, [&](Record&& r) { return ++seen, bytes += r.fields["Details"].size(), Status::Ok(); });
  grown = test_support::ProcStatusKb("VmHWM") - rss;
  std::printf("[ measured ] RSWK, %zu MiB: peak RSS +%ld kB\n", size_t(std::filesystem::file_size(rswk) >> 20), grown);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(seen, size_t(kRecords));
  EXPECT_GT(bytes, size_t{256} << 20);
  EXPECT_LT(grown, 32 * kMiBkB + test_support::kSanitizerPeakSlackKb);
}

}  // namespace
}  // namespace georune::rag
