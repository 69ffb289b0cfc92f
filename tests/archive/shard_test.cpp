// Shard sets: balance, partition, manifest damage, shard ingest all-or-nothing.
#include "georune/archive/shard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "georune/common/files.h"
#include "test_support.h"

namespace georune {
namespace {

using test_support::TempDir;
namespace fs = std::filesystem;

std::vector<ImageRecord> Images(uint32_t seed, int n, const std::string& prefix) {
  std::mt19937 rng(seed);
  std::vector<ImageRecord> out(n);
  for (int i = 0; i < n; ++i) {
    out[i].id = prefix + std::to_string(i);
    out[i].entities.resize(rng() % 60);
    for (auto& e : out[i].entities) {
      e.class_id = static_cast<int>(rng() % Ontology::Default().ClassCount());
      for (auto& c : e.corners) c = rng() % 1000;
    }
  }
  return out;
}

std::map<std::string, std::string> Bytes(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    auto data = ReadFile(e.path().string());
    out[e.path().string()] = data.ok() ? *data : "<dir>";
  }
  return out;
}

TEST(Shard, AssignIsLargestFirstToTheLightestShard) {
  auto images = Images(1, 500, "a");
  std::vector<uint64_t> loads(4, 0);
  auto shard = AssignToShards(images, loads);
  size_t biggest = 0;
  std::vector<uint64_t> check(4, 0);
  for (size_t i = 0; i < images.size(); ++i) {
    check[shard[i]] += images[i].entities.size();
    biggest = std::max(biggest, images[i].entities.size());
  }
  EXPECT_EQ(check, loads);
  EXPECT_LE(*std::max_element(loads.begin(), loads.end()) - *std::min_element(loads.begin(), loads.end()), biggest);
}

TEST(Shard, SplitPartitionsTheArchiveAndRefusesDamage) {
  TempDir d;
  auto images = Images(2, 300, "img");
  ASSERT_TRUE(AppendToArchive(d.path() + "/A", Ontology::Default(), images, {false}).ok());
  auto m = ShardArchive(d.path() + "/A", d.path() + "/S", 3);
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto read = ReadShardManifest(d.path() + "/S");
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->shards.size(), 3u);
  std::set<std::string> ids;
  for (const auto& s : read->shards) {
    auto a = Archive::Open(ShardPath(d.path() + "/S", s));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ((*a)->ImageCount(), s.images);
    EXPECT_EQ((*a)->EntityCount(), s.entities);
    for (uint32_t i = 0; i < (*a)->ImageCount(); ++i) ids.insert(std::string((*a)->ImageId(i)));
  }
  EXPECT_EQ(ids.size(), images.size());
  // A damaged manifest is refused, naming the file.
  const std::string path = d.path() + "/S/shards.json";
  std::string text = *ReadFile(path);
  text.replace(text.find("shard-001"), 9, "shard-009");
  ASSERT_TRUE(WriteFileAtomic(path, text).ok());
  auto bad = ReadShardManifest(d.path() + "/S");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(bad.status().message().find("shards.json"), std::string::npos);
  // A failed split leaves nothing behind.
  EXPECT_FALSE(ShardArchive(d.path() + "/A", d.path() + "/T", 301).ok());
  EXPECT_FALSE(fs::exists(d.path() + "/T"));
}

TEST(Shard, AFailedShardIngestLeavesEveryByte) {
  TempDir d;
  ASSERT_TRUE(AppendToArchive(d.path() + "/A", Ontology::Default(), Images(3, 200, "a"), {false}).ok());
  ASSERT_TRUE(ShardArchive(d.path() + "/A", d.path() + "/S", 3).ok());
  auto before = Bytes(d.path() + "/S");
  // New images reach every shard; the one dealt last to the last shard is malformed, so that
  // shard's append fails after the others succeeded.
  auto more = Images(4, 30, "b");
  auto m = ReadShardManifest(d.path() + "/S");
  std::vector<uint64_t> loads;
  for (const auto& s : m->shards) loads.push_back(s.entities);
  auto shard = AssignToShards(more, loads);
  size_t victim = std::find(shard.begin(), shard.end(), 2u) - shard.begin();
  ASSERT_LT(victim, more.size());
  ASSERT_NE(std::count(shard.begin(), shard.end(), 0u), 0);
  more[victim].entities.push_back(EntityRecord{});
  more[victim].entities.back().class_id = 9999;
  auto r = AppendToShards(d.path() + "/S", Ontology::Default(), more, {false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Bytes(d.path() + "/S"), before);
  // A duplicate id anywhere in the set is refused before anything is written.
  auto dup = Images(5, 5, "c");
  dup[2].id = "a17";
  r = AppendToShards(d.path() + "/S", Ontology::Default(), dup, {false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(Bytes(d.path() + "/S"), before);
  // And a good ingest lands, with the manifest updated.
  auto ok = AppendToShards(d.path() + "/S", Ontology::Default(), Images(6, 40, "d"), {false});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  // (the Result must outlive the loop: ranging over a member of a temporary reads freed memory)
  auto manifest = ReadShardManifest(d.path() + "/S");
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  uint64_t images = 0;
  for (const auto& s : manifest->shards) images += s.images;
  EXPECT_EQ(images, 240u);
}

}  // namespace
}  // namespace georune
