// HNSW (hnswlib through georune::vector::Collection) against the exact flat scan: recall@10
// and query time. Plain main (not Google Benchmark): one build, then a sweep of ef_search.
//
//   vector_bench [N=100000] [DIM=128] [QUERIES=500] [M=16] [EF_CONSTRUCTION=100] [STORE]
//
// Data: N unit vectors drawn around 1,000 Gaussian cluster centres (σ = 0.5 per coordinate
// around a unit centre, renormalised) plus queries drawn the same way; fixed seed. Reports
// build time, flat ms/query, and for each ef_search: HNSW ms/query and recall@10 against flat.
//
// Persistence: the collection (with its graph) is saved to STORE (default: a file in the temp
// folder, removed afterwards) and loaded back; reports save time, file size, load time (read,
// checksums, graph restore), the first HNSW query after loading, and whether the loaded graph
// answers every query with the same top-10 as the built one. A format-1 store (no graph)
// costs instead its load plus the build time above. QUERIES=0 skips the
// flat scan and the ef sweep (for large N).
#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "georune/vector/store.h"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<float> Unit(std::vector<float> v) {
  double s = 0;
  for (float x : v) s += double(x) * x;
  for (float& x : v) x = float(x / std::sqrt(s));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const int dim = argc > 2 ? std::atoi(argv[2]) : 128;
  const size_t nq = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 500;
  georune::vector::HnswParams params;
  params.m = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 16;
  params.ef_construction = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 100;
  std::mt19937 rng(12345);
  std::normal_distribution<float> normal(0, 1);
  auto random_vec = [&](float scale) {
    std::vector<float> v(static_cast<size_t>(dim));
    for (auto& x : v) x = normal(rng) * scale;
    return v;
  };
  std::vector<std::vector<float>> centres;
  for (int c = 0; c < 1000; ++c) centres.push_back(Unit(random_vec(1)));
  std::uniform_int_distribution<size_t> pick(0, centres.size() - 1);
  const float sigma = 0.5f / std::sqrt(float(dim));
  auto sample = [&] {
    const auto& c = centres[pick(rng)];
    auto v = random_vec(sigma);
    for (int i = 0; i < dim; ++i) v[size_t(i)] += c[size_t(i)];
    return Unit(std::move(v));
  };
  georune::vector::VectorStore store;
  auto created = store.GetOrCreate("bench", dim, params);
  if (!created.ok()) return 1;
  georune::vector::Collection& coll = **created;
  for (size_t i = 0; i < n; ++i) {
    if (!coll.Upsert(i, sample(), {}).ok()) return 1;
  }
  std::vector<std::vector<float>> queries;
  for (size_t i = 0; i < nq; ++i) queries.push_back(sample());
  std::printf("vector_bench: N=%zu dim=%d queries=%zu M=%zu ef_construction=%zu (1 thread)\n", n, dim, nq, params.m,
              params.ef_construction);
  auto t0 = Clock::now();
  if (georune::Status built = coll.BuildGraph(); !built.ok()) {
    std::fprintf(stderr, "vector_bench: %s\n", built.message().c_str());
    return 1;
  }
  const double build_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("hnsw build: %.1f s\n", build_s);

  // Persistence: save with the graph, load, first query; same answers as the built graph.
  const bool own_file = argc <= 6;
  const std::string store_path =
      own_file
          ? (std::filesystem::temp_directory_path() / ("vector_bench_" + std::to_string(::getpid()) + ".grvs")).string()
          : std::string(argv[6]);
  t0 = Clock::now();
  if (auto s = store.Save(store_path); !s.ok()) {
    std::fprintf(stderr, "save: %s\n", s.message().c_str());
    return 1;
  }
  const double save_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const double file_mb = double(std::filesystem::file_size(store_path)) / 1e6;
  t0 = Clock::now();
  auto loaded = georune::vector::VectorStore::Load(store_path);
  const double load_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!loaded.ok()) {
    std::fprintf(stderr, "load: %s\n", loaded.status().message().c_str());
    return 1;
  }
  const georune::vector::Collection* lc = loaded->Find("bench");
  const auto probe = sample();
  t0 = Clock::now();
  lc->SearchHnsw(probe.data(), 10);
  const double first_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  size_t same = 0;
  for (size_t q = 0; q < nq; ++q) {
    const auto a = coll.SearchHnsw(queries[q].data(), 10), b = lc->SearchHnsw(queries[q].data(), 10);
    bool eq = a.size() == b.size();
    for (size_t i = 0; eq && i < a.size(); ++i) eq = a[i].key == b[i].key;
    same += eq;
  }
  std::printf("save (with graph): %.1f s, %.1f MB\n", save_s, file_mb);
  std::printf("load (with graph): %.2f s, graph loaded: %s; first query after load: %.2f ms\n", load_s,
              lc->has_graph() ? "yes" : "NO", first_ms);
  std::printf("rebuild instead (format-1 store): its load plus the %.1f s build, > x%.0f this load\n", build_s,
              build_s / load_s);
  std::printf("loaded graph: same top-10 as the built graph for %zu of %zu queries\n", same, nq);
  loaded = georune::vector::VectorStore();
  if (own_file) std::filesystem::remove(store_path);
  if (nq == 0) return 0;
  std::vector<std::set<uint64_t>> truth(nq);
  t0 = Clock::now();
  for (size_t q = 0; q < nq; ++q) {
    for (const auto& h : coll.SearchFlat(queries[q].data(), 10)) truth[q].insert(h.key);
  }
  const double flat_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / double(nq);
  std::printf("flat: %.3f ms/query (exact)\n", flat_ms);
  for (size_t ef : {16, 32, 64, 128, 256}) {
    coll.SetEfSearch(ef);
    size_t found = 0;
    t0 = Clock::now();
    std::vector<std::vector<georune::vector::Hit>> results(nq);
    for (size_t q = 0; q < nq; ++q) results[q] = coll.SearchHnsw(queries[q].data(), 10);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / double(nq);
    for (size_t q = 0; q < nq; ++q)
      for (const auto& h : results[q]) found += truth[q].count(h.key);
    std::printf("hnsw ef_search=%3zu: %.4f ms/query, recall@10=%.4f, speed-up x%.0f\n", ef, ms,
                double(found) / double(10 * nq), flat_ms / ms);
  }
  return 0;
}
