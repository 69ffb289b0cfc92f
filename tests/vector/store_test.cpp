// Tests of the vector store: HNSW against the exact flat oracle, filters, upsert/delete,
// persistence and corruption.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <set>

#include "georune/common/files.h"
#include "georune/vector/store.h"

namespace georune::vector {
namespace {

std::vector<float> RandomUnit(std::mt19937& rng, int dim) {
  std::normal_distribution<float> n(0, 1);
  std::vector<float> v(static_cast<size_t>(dim));
  double s = 0;
  for (auto& x : v) {
    x = n(rng);
    s += double(x) * x;
  }
  for (auto& x : v) x = float(x / std::sqrt(s));
  return v;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("georune_vec_" + name + "_" + std::to_string(::getpid())))
      .string();
}

Payload MakePayload(uint64_t i) {
  Payload p;
  p.record_id = "r" + std::to_string(i / 3);
  p.chunk = uint32_t(i);
  p.chunk_type = i % 2 ? "basic_info" : "expert_knowledge";
  p.category = i % 5 == 0 ? "Stadium" : "Historic Site";
  p.text = "text " + std::to_string(i);
  p.has_location = true;
  p.lat = double(i % 180) - 90;
  p.lon = double(i % 360) - 180;
  return p;
}

double RecallAt10(const Collection& c, const std::vector<std::vector<float>>& queries,
                  const Filter& f) {
  size_t found = 0, total = 0;
  for (const auto& q : queries) {
    auto exact = c.SearchFlat(q.data(), 10, f);
    auto approx = c.SearchHnsw(q.data(), 10, f);
    std::set<uint64_t> truth;
    for (const auto& h : exact) truth.insert(h.key);
    for (const auto& h : approx) found += truth.count(h.key);
    total += exact.size();
  }
  return total ? double(found) / double(total) : 1.0;
}

TEST(Collection, HnswRecallAgainstFlat) {
  std::mt19937 rng(42);
  Collection c("text", 32);
  for (uint64_t i = 0; i < 5000; ++i) ASSERT_TRUE(c.Upsert(i, RandomUnit(rng, 32), MakePayload(i)).ok());
  std::vector<std::vector<float>> queries;
  for (int i = 0; i < 200; ++i) queries.push_back(RandomUnit(rng, 32));
  EXPECT_GE(RecallAt10(c, queries, {}), 0.95);
  Filter f;
  f.chunk_types = {"basic_info"};
  f.category = "stadium";
  EXPECT_GE(RecallAt10(c, queries, f), 0.95);
  for (const auto& h : c.SearchHnsw(queries[0].data(), 10, f)) {
    const Payload* p = c.GetPayload(h.key);
    EXPECT_EQ(p->chunk_type, "basic_info");
    EXPECT_EQ(p->category, "Stadium");
  }
}

TEST(Collection, FlatIsExactAndOrdered) {
  std::mt19937 rng(1);
  Collection c("x", 8);
  std::vector<std::vector<float>> vs;
  for (uint64_t i = 0; i < 100; ++i) {
    vs.push_back(RandomUnit(rng, 8));
    ASSERT_TRUE(c.Upsert(i, vs.back(), MakePayload(i)).ok());
  }
  auto hits = c.SearchFlat(vs[17].data(), 5);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(hits[0].key, 17u);
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
  Filter box;
  box.use_box = true;
  box.min_lat = -90;
  box.max_lat = -80;  // lat = i%180-90 in [-90,-80] -> i in 0..10
  for (const auto& h : c.SearchFlat(vs[0].data(), 100, box)) EXPECT_LE(h.key, 10u);
  EXPECT_EQ(c.SearchFlat(vs[0].data(), 100, box).size(), 11u);
  EXPECT_TRUE(c.SearchFlat(vs[0].data(), 0).empty());
}

TEST(Collection, UpsertAndDelete) {
  std::mt19937 rng(3);
  Collection c("x", 16);
  std::vector<float> a = RandomUnit(rng, 16), b = RandomUnit(rng, 16);
  for (uint64_t i = 0; i < 300; ++i) ASSERT_TRUE(c.Upsert(i, RandomUnit(rng, 16), MakePayload(i)).ok());
  ASSERT_TRUE(c.Upsert(7, a, MakePayload(7)).ok());
  // Build the graph, then change it: upsert, delete and insert after the build.
  EXPECT_EQ(c.SearchHnsw(a.data(), 1)[0].key, 7u);
  ASSERT_TRUE(c.Upsert(7, b, MakePayload(7)).ok());
  EXPECT_EQ(c.size(), 300u);
  EXPECT_EQ(c.SearchHnsw(b.data(), 1)[0].key, 7u);
  EXPECT_NE(c.SearchHnsw(a.data(), 1)[0].key, 7u);
  EXPECT_TRUE(c.Delete(7));
  EXPECT_FALSE(c.Delete(7));
  EXPECT_EQ(c.GetPayload(7), nullptr);
  for (const auto& h : c.SearchHnsw(b.data(), 300)) EXPECT_NE(h.key, 7u);
  EXPECT_EQ(c.SearchHnsw(b.data(), 1000).size(), 299u);
  ASSERT_TRUE(c.Upsert(1000, a, MakePayload(1000)).ok());
  EXPECT_EQ(c.SearchHnsw(a.data(), 1)[0].key, 1000u);
  EXPECT_EQ(c.Upsert(1, std::vector<float>(3, 0.f), {}).code(), StatusCode::kInvalidInput);
  std::vector<float> nan(16, 0.f);
  nan[0] = NAN;
  EXPECT_EQ(c.Upsert(1, nan, {}).code(), StatusCode::kInvalidInput);
}

TEST(VectorStore, PersistenceRoundTrip) {
  std::mt19937 rng(5);
  VectorStore store;
  auto text = store.GetOrCreate("text", 24);
  auto image = store.GetOrCreate("image", 12);
  ASSERT_TRUE(text.ok() && image.ok());
  EXPECT_FALSE(store.GetOrCreate("text", 25).ok());
  for (uint64_t i = 0; i < 500; ++i) ASSERT_TRUE((*text)->Upsert(i, RandomUnit(rng, 24), MakePayload(i)).ok());
  for (uint64_t i = 0; i < 50; ++i) ASSERT_TRUE((*image)->Upsert(i, RandomUnit(rng, 12), MakePayload(i)).ok());
  (*text)->Delete(3);
  const std::string path = TempPath("roundtrip.grvs");
  ASSERT_TRUE(store.Save(path).ok());
  auto loaded = VectorStore::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Collection* lt = loaded->Find("text");
  ASSERT_NE(lt, nullptr);
  EXPECT_EQ(lt->size(), 499u);
  EXPECT_EQ(loaded->Find("image")->size(), 50u);
  EXPECT_EQ(lt->GetPayload(3), nullptr);
  const Payload* p = lt->GetPayload(10);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->record_id, "r3");
  EXPECT_EQ(p->text, "text 10");
  EXPECT_TRUE(p->has_location);
  auto q = RandomUnit(rng, 24);
  auto a = (*text)->SearchFlat(q.data(), 10), b = lt->SearchFlat(q.data(), 10);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key, b[i].key);
    EXPECT_EQ(a[i].score, b[i].score);
  }
  auto ha = (*text)->SearchHnsw(q.data(), 10), hb = lt->SearchHnsw(q.data(), 10);
  EXPECT_EQ(ha.size(), hb.size());
}

TEST(VectorStore, CorruptionIsDetected) {
  std::mt19937 rng(9);
  VectorStore store;
  auto c = store.GetOrCreate("text", 8);
  ASSERT_TRUE(c.ok());
  for (uint64_t i = 0; i < 20; ++i) ASSERT_TRUE((*c)->Upsert(i, RandomUnit(rng, 8), MakePayload(i)).ok());
  const std::string path = TempPath("corrupt.grvs");
  ASSERT_TRUE(store.Save(path).ok());
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  // A flipped bit anywhere: checksum mismatch.
  for (size_t pos : {size_t(20), bytes->size() / 2, bytes->size() - 9}) {
    std::string bad = *bytes;
    bad[pos] ^= 0x10;
    ASSERT_TRUE(WriteFileAtomic(path + ".bad", bad).ok());
    auto r = VectorStore::Load(path + ".bad");
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << pos;
  }
  // Truncated, bad magic, empty.
  ASSERT_TRUE(WriteFileAtomic(path + ".bad", bytes->substr(0, bytes->size() / 2)).ok());
  EXPECT_EQ(VectorStore::Load(path + ".bad").status().code(), StatusCode::kCorrupt);
  std::string magic = *bytes;
  magic[0] = 'X';
  ASSERT_TRUE(WriteFileAtomic(path + ".bad", magic).ok());
  auto r = VectorStore::Load(path + ".bad");
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("magic"), std::string::npos);
  ASSERT_TRUE(WriteFileAtomic(path + ".bad", "").ok());
  EXPECT_EQ(VectorStore::Load(path + ".bad").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(VectorStore::Load(path + ".none").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace georune::vector
