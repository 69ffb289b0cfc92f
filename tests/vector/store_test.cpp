// Tests of the vector store: HNSW against the exact flat oracle, filters, upsert/delete,
// persistence and corruption.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>

#include "georune/common/files.h"
#include "georune/vector/store.h"
#include "test_support.h"

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

// A path in this process's temp folder, removed with everything in it when the tests end.
std::string TempPath(const std::string& name) {
  static const test_support::TempDir dir("vec");
  return dir.path() + "/" + name;
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

double RecallAt10(const Collection& c, const std::vector<std::vector<float>>& queries, const Filter& f) {
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

// ---- the persisted HNSW graph (formats 2 and 3) ----

uint64_t ReadU64(const std::string& bytes, size_t at) {
  uint64_t v;
  std::memcpy(&v, bytes.data() + at, 8);
  return v;
}
void WriteU64(std::string& bytes, size_t at, uint64_t v) { std::memcpy(bytes.data() + at, &v, 8); }

std::vector<uint64_t> TopIds(const std::vector<Hit>& hits) {
  std::vector<uint64_t> ids;
  for (const auto& h : hits) ids.push_back(h.key);
  return ids;
}

// 5k vectors with tombstones (deleted and replaced items) in the graph before saving.
VectorStore MakeGraphStore(std::mt19937& rng, int dim) {
  VectorStore store;
  Collection* c = *store.GetOrCreate("text", dim, HnswParams{16, 100, 64, 100});
  for (uint64_t i = 0; i < 5000; ++i) EXPECT_TRUE(c->Upsert(i, RandomUnit(rng, dim), MakePayload(i)).ok());
  EXPECT_TRUE(c->BuildGraph().ok());
  for (uint64_t i = 0; i < 5000; i += 50) c->Delete(i);  // tombstones
  for (uint64_t i = 1; i < 5000; i += 97) EXPECT_TRUE(c->Upsert(i, RandomUnit(rng, dim), MakePayload(i)).ok());
  return store;
}

TEST(VectorStore, SavedGraphLoadsAndAnswersAsBefore) {
  std::mt19937 rng(21);
  VectorStore store = MakeGraphStore(rng, 32);
  const Collection* before = store.Find("text");
  const std::string path = TempPath("graph.grvs");
  ASSERT_TRUE(store.Save(path).ok());
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  uint32_t version;
  std::memcpy(&version, bytes->data() + 8, 4);
  EXPECT_EQ(version, 3u);
  auto loaded = VectorStore::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Collection* after = loaded->Find("text");
  ASSERT_NE(after, nullptr);
  EXPECT_TRUE(after->has_graph());  // loaded, not rebuilt
  EXPECT_EQ(after->size(), before->size());
  EXPECT_EQ(after->params().m, 16u);
  Filter f;
  f.chunk_types = {"basic_info"};
  for (int q = 0; q < 200; ++q) {
    const auto query = RandomUnit(rng, 32);
    const auto a = before->SearchHnsw(query.data(), 10), b = after->SearchHnsw(query.data(), 10);
    ASSERT_EQ(a.size(), 10u);
    ASSERT_EQ(TopIds(a), TopIds(b)) << "query " << q;
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].score, b[i].score);
    ASSERT_EQ(TopIds(before->SearchHnsw(query.data(), 10, f)), TopIds(after->SearchHnsw(query.data(), 10, f)));
  }
}

TEST(VectorStore, UpsertAndDeleteAfterLoadingAGraph) {
  std::mt19937 rng(22);
  VectorStore store = MakeGraphStore(rng, 16);
  const std::string path = TempPath("graph_edit.grvs");
  ASSERT_TRUE(store.Save(path).ok());
  auto loaded = VectorStore::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  Collection* c = loaded->Find("text");
  ASSERT_TRUE(c->has_graph());
  const size_t n = c->size();
  const auto a = RandomUnit(rng, 16), b = RandomUnit(rng, 16);
  ASSERT_TRUE(c->Upsert(90001, a, MakePayload(1)).ok());  // new key
  EXPECT_EQ(c->SearchHnsw(a.data(), 1)[0].key, 90001u);
  ASSERT_TRUE(c->Upsert(7, b, MakePayload(7)).ok());  // replace a loaded key
  EXPECT_EQ(c->size(), n + 1);
  EXPECT_EQ(c->SearchHnsw(b.data(), 1)[0].key, 7u);
  EXPECT_TRUE(c->Delete(90001));
  for (const auto& h : c->SearchHnsw(a.data(), 50)) EXPECT_NE(h.key, 90001u);
  EXPECT_EQ(c->SearchHnsw(a.data(), 100000).size(), n);  // every live item reachable, no dead one
  ASSERT_TRUE(c->has_graph());
  std::vector<std::vector<float>> queries;
  for (int i = 0; i < 100; ++i) queries.push_back(RandomUnit(rng, 16));
  EXPECT_GE(RecallAt10(*c, queries, {}), 0.95);
  // Save the edited graph (tombstones of loaded and new nodes) and load it again.
  ASSERT_TRUE(loaded->Save(path).ok());
  auto again = VectorStore::Load(path);
  ASSERT_TRUE(again.ok()) << again.status().message();
  const Collection* c2 = again->Find("text");
  EXPECT_TRUE(c2->has_graph());
  EXPECT_EQ(c2->size(), n);
  EXPECT_EQ(c2->GetPayload(90001), nullptr);
  EXPECT_EQ(c2->SearchHnsw(b.data(), 1)[0].key, 7u);
  for (const auto& q : queries) ASSERT_EQ(TopIds(c->SearchHnsw(q.data(), 10)), TopIds(c2->SearchHnsw(q.data(), 10)));
}

TEST(VectorStore, DamagedGraphIsRefused) {
  std::mt19937 rng(23);
  VectorStore store;
  Collection* c = *store.GetOrCreate("text", 8);
  for (uint64_t i = 0; i < 200; ++i) ASSERT_TRUE(c->Upsert(i, RandomUnit(rng, 8), MakePayload(i)).ok());
  const std::string path = TempPath("graph_bad.grvs");
  ASSERT_TRUE(store.Save(path).ok());
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  const size_t head = size_t(ReadU64(*bytes, 12));  // the head checksum is at `head`
  const size_t graph_at = head + 8, graph_len = size_t(ReadU64(*bytes, head - 16));
  ASSERT_EQ(graph_at + graph_len, bytes->size());
  ASSERT_GT(graph_len, 200u * 16);
  const std::string bad_path = path + ".bad";
  auto load_bad = [&](const std::string& content) {
    EXPECT_TRUE(WriteFileAtomic(bad_path, content).ok());
    return VectorStore::Load(bad_path).status();
  };
  // A flipped byte anywhere in the graph: its checksum, named with the file and collection.
  for (size_t pos : {graph_at, graph_at + graph_len / 2, bytes->size() - 1}) {
    std::string bad = *bytes;
    bad[pos] ^= 0x04;
    const Status s = load_bad(bad);
    EXPECT_EQ(s.code(), StatusCode::kCorrupt) << pos;
    EXPECT_NE(s.message().find(bad_path), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("HNSW graph of collection \"text\": checksum mismatch"), std::string::npos)
        << s.message();
  }
  // Truncated graph.
  for (size_t cut : {size_t(1), graph_len / 2, graph_len}) {
    const Status s = load_bad(bytes->substr(0, bytes->size() - cut));
    EXPECT_EQ(s.code(), StatusCode::kCorrupt) << cut;
    EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.message();
  }
  // Extra bytes after the graph.
  EXPECT_EQ(load_bad(*bytes + "x").code(), StatusCode::kCorrupt);
  // The graph's recorded checksum damaged (in the head): the head checksum catches it.
  {
    std::string bad = *bytes;
    bad[head - 3] ^= 0x01;
    const Status s = load_bad(bad);
    EXPECT_EQ(s.code(), StatusCode::kCorrupt);
    EXPECT_NE(s.message().find("checksum mismatch"), std::string::npos) << s.message();
  }
  // Checksums made to match a structurally impossible graph (a neighbour id out of range):
  // still refused, never read as a graph.
  {
    std::string bad = *bytes;
    // section: 40-byte header; node 0: u64 item, u32 level, u32 count, then its neighbour ids.
    uint32_t count;
    std::memcpy(&count, bad.data() + graph_at + 40 + 12, 4);
    ASSERT_GT(count, 0u);
    const uint32_t wild = 1u << 30;
    std::memcpy(bad.data() + graph_at + 40 + 16, &wild, 4);
    WriteU64(bad, head - 8, Checksum64(bad.data() + graph_at, graph_len));
    WriteU64(bad, head, Checksum64(bad.data(), head));
    const Status s = load_bad(bad);
    EXPECT_EQ(s.code(), StatusCode::kCorrupt);
    EXPECT_NE(s.message().find("links at node 0"), std::string::npos) << s.message();
  }
}

// tests/vector/data/store_v1.grvs: written by the format-1 Save (commit 63a1c0f), see
// tests/vector/data/README.md. Vectors: Vec(i) below.
std::vector<float> FixtureVec(uint64_t i, int dim) {
  std::vector<float> v(static_cast<size_t>(dim));
  double s = 0;
  for (int j = 0; j < dim; ++j) {
    v[size_t(j)] = float(std::sin(double(i * 31 + uint64_t(j) + 1)));
    s += double(v[size_t(j)]) * v[size_t(j)];
  }
  for (auto& x : v) x = float(x / std::sqrt(s));
  return v;
}

TEST(VectorStore, FormatOneStoreStillLoads) {
  const std::string fixture = (std::filesystem::path(GEORUNE_TEST_DATA_DIR) / "store_v1.grvs").string();
  auto loaded = VectorStore::Load(fixture);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->Names(), (std::vector<std::string>{"image", "text"}));
  Collection* text = loaded->Find("text");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->size(), 29u);
  EXPECT_EQ(text->params().m, 8u);
  EXPECT_EQ(text->params().ef_search, 32u);
  EXPECT_EQ(text->GetPayload(105), nullptr);
  const Payload* p = text->GetPayload(112);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->record_id, "r4");
  EXPECT_EQ(p->chunk, 12u);
  EXPECT_EQ(p->chunk_type, "text");
  EXPECT_EQ(p->category, "Historic Site");
  EXPECT_TRUE(p->has_location);
  EXPECT_EQ(p->lat, 22.5);
  EXPECT_EQ(p->lon, -32.25);
  EXPECT_EQ(loaded->Find("image")->GetPayload(3)->image_path, "img3.png");
  const auto v = FixtureVec(12, 8);
  for (int j = 0; j < 8; ++j) EXPECT_NEAR(text->GetVector(112)[j], v[size_t(j)], 1e-6);
  // No graph in format 1: built on the first HNSW search, as before.
  EXPECT_FALSE(text->has_graph());
  EXPECT_EQ(text->SearchHnsw(v.data(), 1)[0].key, 112u);
  EXPECT_TRUE(text->has_graph());
  EXPECT_EQ(TopIds(text->SearchHnsw(v.data(), 5)), TopIds(text->SearchFlat(v.data(), 5)));
  // Saved again, it becomes format 3 with the graph.
  const std::string path = TempPath("from_v1.grvs");
  ASSERT_TRUE(loaded->Save(path).ok());
  auto again = VectorStore::Load(path);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->Find("text")->has_graph());
  EXPECT_TRUE(again->Find("image")->has_graph());
  EXPECT_EQ(again->Find("text")->size(), 29u);
  EXPECT_EQ(TopIds(again->Find("text")->SearchHnsw(v.data(), 5)), TopIds(text->SearchHnsw(v.data(), 5)));
}

TEST(VectorStore, EmptyCollectionSavesWithoutGraph) {
  VectorStore store;
  ASSERT_TRUE(store.GetOrCreate("empty", 4).ok());
  const std::string path = TempPath("empty.grvs");
  ASSERT_TRUE(store.Save(path).ok());
  auto loaded = VectorStore::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->Find("empty")->size(), 0u);
  EXPECT_FALSE(loaded->Find("empty")->has_graph());
  std::vector<float> q(4, 0.5f);
  EXPECT_TRUE(loaded->Find("empty")->SearchHnsw(q.data(), 3).empty());
}

// tests/vector/data/store_v2.grvs: store_v1.grvs saved again by the format-2 Save (README.md).
TEST(VectorStore, FormatTwoStoreStillLoadsWithItsGraph) {
  const std::string fixture = (std::filesystem::path(GEORUNE_TEST_DATA_DIR) / "store_v2.grvs").string();
  auto bytes = ReadFile(fixture);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  uint32_t version;
  std::memcpy(&version, bytes->data() + 8, 4);
  ASSERT_EQ(version, 2u);
  auto loaded = VectorStore::Load(fixture);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  Collection* text = loaded->Find("text");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->size(), 29u);
  EXPECT_EQ(text->GetPayload(112)->record_id, "r4");
  // The saved graph is used (format 2 graphs are hnswlib 0.6's layout, this build's).
  EXPECT_TRUE(text->has_graph());
  EXPECT_TRUE(loaded->GraphNotes().empty());
  const auto v = FixtureVec(12, 8);
  SearchReport report;
  EXPECT_EQ(text->SearchHnsw(v.data(), 1, {}, &report)[0].key, 112u);
  EXPECT_TRUE(report.exact_because.empty()) << report.exact_because;
  EXPECT_EQ(TopIds(text->SearchHnsw(v.data(), 5)), TopIds(text->SearchFlat(v.data(), 5)));
}

// A graph saved under another hnswlib layout is not used: the items load, the graph is rebuilt
// at the first HNSW search, and the store says why.
TEST(VectorStore, GraphOfAnotherHnswlibLayoutIsRebuiltVisibly) {
  std::mt19937 rng(31);
  VectorStore store;
  Collection* c = *store.GetOrCreate("text", 8);
  for (uint64_t i = 0; i < 300; ++i) ASSERT_TRUE(c->Upsert(i, RandomUnit(rng, 8), MakePayload(i)).ok());
  const std::string path = TempPath("layout.grvs");
  ASSERT_TRUE(store.Save(path).ok());
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  // The layout string follows the head length: u32 length, then "hnswlib tableint=4 ...".
  uint32_t layout_len;
  std::memcpy(&layout_len, bytes->data() + 20, 4);
  const std::string layout = bytes->substr(24, layout_len);
  ASSERT_EQ(layout.rfind("hnswlib tableint=", 0), 0u) << layout;
  const size_t digit = 24 + layout.find("tableint=") + 9;
  std::string other = *bytes;
  other[digit] = '8';  // "tableint=8": a layout this build does not have
  const size_t head = size_t(ReadU64(other, 12));
  WriteU64(other, head, Checksum64(other.data(), head));
  ASSERT_TRUE(WriteFileAtomic(path + ".other", other).ok());
  auto loaded = VectorStore::Load(path + ".other");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  Collection* lc = loaded->Find("text");
  EXPECT_FALSE(lc->has_graph());
  const auto notes = loaded->GraphNotes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("collection \"text\": saved HNSW graph not used"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("tableint=8"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("rebuilt"), std::string::npos) << notes[0];
  const auto q = RandomUnit(rng, 8);
  SearchReport report;
  EXPECT_EQ(TopIds(lc->SearchHnsw(q.data(), 10, {}, &report)), TopIds(c->SearchHnsw(q.data(), 10)));
  EXPECT_TRUE(report.exact_because.empty());  // rebuilt, not a flat fallback
  EXPECT_TRUE(lc->has_graph());
  // A damaged graph section is still refused, whatever the layout.
  other[other.size() - 3] ^= 0x01;
  ASSERT_TRUE(WriteFileAtomic(path + ".other", other).ok());
  EXPECT_EQ(VectorStore::Load(path + ".other").status().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace georune::vector
