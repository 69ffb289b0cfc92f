// search::Run against the reference evaluator on real DOTA labels and on random archives, with
// every optimisation on and each one off; budgets, gsd errors, ranking.
#include "georune/search/search.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "../reason/random_formulas.h"
#include "georune/ingest/readers.h"
#include "georune/plan/analysis.h"
#include "georune/reason/planner.h"
#include "test_support.h"

namespace georune::search {
namespace {

using test_support::MakeTempDir;
using test_support::TempDir;

namespace fs = std::filesystem;

std::vector<std::pair<std::string, std::string>> DevFormulas() {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(std::string(GEORUNE_SHARED_DIR) + "/bench/queries-dev.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    out.emplace_back(j["id"], j["logic"]);
  }
  return out;
}

// The ranking as (image, score) pairs.
std::vector<std::pair<std::string, double>> Ranking(const Archive& archive, const std::string& formula,
                                                    SearchOptions options) {
  auto q = logic::ParseAndBind(formula, archive.ontology());
  EXPECT_TRUE(q.ok()) << q.status().message();
  options.top_k = 0;
  auto r = search::Run(archive, *q, options);
  EXPECT_TRUE(r.ok()) << formula << ": " << r.status().message();
  std::vector<std::pair<std::string, double>> out;
  if (r.ok()) {
    for (const auto& res : r->results) out.emplace_back(res.image_id, res.score);
  }
  return out;
}

// `images` ingested into a new archive in `dir` (default ontology, no progress), opened.
Result<std::unique_ptr<Archive>> IngestAndOpen(const std::string& dir, const std::vector<ImageRecord>& images) {
  IngestOptions io;
  io.show_progress = false;
  if (auto report = AppendToArchive(dir, Ontology::Default(), images, io); !report.ok()) return report.status();
  return Archive::Open(dir);
}

void ExpectSame(const std::vector<std::pair<std::string, double>>& a,
                const std::vector<std::pair<std::string, double>>& b, bool crisp, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first) << what << " rank " << i;
    if (crisp) EXPECT_EQ(a[i].second, b[i].second) << what;
    else EXPECT_NEAR(a[i].second, b[i].second, 1e-9) << what;
  }
}

class RealDota : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string labels = std::string(GEORUNE_SHARED_DIR) + "/data/dota/labelTxt";
    if (!fs::exists(labels)) GTEST_SKIP() << "shared/data/dota/labelTxt not found";
    dir_ = MakeTempDir("dota");
    auto images = ingest::ReadDotaLabelDir(labels, Ontology::Default());
    ASSERT_TRUE(images.ok()) << images.status().message();
    IngestOptions io;
    io.show_progress = false;
    ASSERT_TRUE(AppendToArchive(dir_, Ontology::Default(), std::move(images).value(), io).ok());
    auto a = Archive::Open(dir_);
    ASSERT_TRUE(a.ok());
    archive_ = std::move(a).value();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
  std::unique_ptr<Archive> archive_;
};

TEST_F(RealDota, DevFormulasPlannedEqualsReference) {
  auto dev = DevFormulas();
  ASSERT_EQ(dev.size(), 40u);
  int nonempty = 0;
  for (bool crisp : {true, false}) {
    for (const auto& [id, f] : dev) {
      SearchOptions planned, reference;
      planned.truth.crisp = reference.truth.crisp = crisp;
      reference.reference = true;
      auto p = Ranking(*archive_, f, planned);
      ExpectSame(p, Ranking(*archive_, f, reference), crisp, id + (crisp ? " crisp" : " soft"));
      nonempty += !p.empty();
    }
  }
  EXPECT_GT(nonempty, 30);
}

TEST_F(RealDota, EachOptimisationOffChangesNothing) {
  // Without some optimisations a formula may exceed its budget on P0706 (531 ships): such a run
  // must refuse with kTooComplex, never answer differently.
  int compared = 0, refused = 0;
  for (const auto& [name, what] : ListOptimizations()) {
    for (const auto& [id, f] : DevFormulas()) {
      SearchOptions on, off;
      on.truth.crisp = off.truth.crisp = true;
      off.disabled.insert(name);
      off.image_budget = 5'000'000;
      auto q = logic::ParseAndBind(f, archive_->ontology());
      on.top_k = off.top_k = 0;
      auto without = search::Run(*archive_, *q, off);
      if (!without.ok()) {
        EXPECT_EQ(without.status().code(), StatusCode::kTooComplex) << without.status().message();
        ++refused;
        continue;
      }
      std::vector<std::pair<std::string, double>> b;
      for (const auto& res : without->results) b.emplace_back(res.image_id, res.score);
      ExpectSame(Ranking(*archive_, f, on), b, true, id + " without " + name);
      ++compared;
    }
  }
  // Every optimisation off in turn on every dev formula: each run compared or refused, few refused.
  const int runs = static_cast<int>(ListOptimizations().size() * DevFormulas().size());
  EXPECT_EQ(compared + refused, runs);
  EXPECT_LE(refused, 5) << refused << " of " << runs << " runs refused";
}

TEST_F(RealDota, WitnessesExplainTheScore) {
  auto q = logic::ParseAndBind("plane(a) AND plane(b) AND near(a, b)", archive_->ontology());
  ASSERT_TRUE(q.ok());
  SearchOptions o;
  o.truth.crisp = true;
  auto r = search::Run(*archive_, *q, o);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->results.empty());
  for (const auto& res : r->results) {
    ASSERT_EQ(res.witness.size(), 2u);
    EXPECT_NE(res.witness[0].second, res.witness[1].second);  // distinct entities
    ASSERT_EQ(res.atoms.size(), 3u);
    for (const auto& atom : res.atoms) EXPECT_EQ(atom.value, 1.0) << atom.atom;
  }
}

TEST_F(RealDota, MetricUnitsNeedGsdWhereTheyApply) {
  // P0032, P1478… and P2805… have no gsd: planes there make a metric query on planes an error…
  auto q = logic::ParseAndBind("plane(p) AND length(p) > 20 m", archive_->ontology());
  ASSERT_TRUE(q.ok());
  SearchOptions o;
  auto r = search::Run(*archive_, *q, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("has no gsd"), std::string::npos);
  EXPECT_TRUE(test_support::NamesSetting(r.status(), Setting::kDefaultGsd)) << r.status().message();
  o.reference = true;
  EXPECT_FALSE(search::Run(*archive_, *q, o).ok());
  o.truth.default_gsd = 0.3;
  EXPECT_TRUE(search::Run(*archive_, *q, o).ok());
  // …but images without gsd hold no storage tank, so this one answers.
  auto tanks = logic::ParseAndBind("storage_tank(t) AND area(t) > 2000 m2", archive_->ontology());
  EXPECT_TRUE(search::Run(*archive_, *tanks, SearchOptions{}).ok());
}

TEST_F(RealDota, BudgetRefusesInsteadOfHanging) {
  // Eight vehicles pairwise far apart and aligned: astronomically many assignments.
  auto q = logic::ParseAndBind(
      "vehicle(a) AND vehicle(b) AND vehicle(c) AND vehicle(d) AND vehicle(e) AND vehicle(f) AND "
      "clustered(a, b, c, d, e, f) AND NOT exists z: ship(z)",
      archive_->ontology());
  ASSERT_TRUE(q.ok());
  SearchOptions o;
  o.image_budget = 100000;
  o.reference = true;
  auto start = std::chrono::steady_clock::now();
  auto r = search::Run(*archive_, *q, o);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTooComplex);
  EXPECT_NE(r.status().message().find("too complex"), std::string::npos);
  EXPECT_NE(r.status().message().find("vehicle(a)"), std::string::npos) << r.status().message();
}

TEST_F(RealDota, TopKIsThePrefixOfAll) {
  for (const auto& [id, f] : DevFormulas()) {
    auto q = logic::ParseAndBind(f, archive_->ontology());
    SearchOptions all, top;
    all.top_k = 0;  // every image with a score > 0
    top.top_k = 3;
    auto a = search::Run(*archive_, *q, all);
    auto t = search::Run(*archive_, *q, top);
    ASSERT_TRUE(a.ok() && t.ok());
    ASSERT_EQ(t->results.size(), std::min<size_t>(3, a->results.size())) << id;
    for (size_t i = 0; i < t->results.size(); ++i) EXPECT_EQ(t->results[i].image_id, a->results[i].image_id);
  }
}

// An archive record of a scene: its entities' hull corners (the first repeated for short hulls).
ImageRecord ToRecord(const reason::Scene& s, const std::string& id) {
  ImageRecord rec;
  rec.id = id;
  rec.gsd = s.gsd;
  for (const auto& e : s.entities) {
    EntityRecord er;
    er.class_id = e.class_id;
    er.score = static_cast<float>(e.p);
    for (int k = 0; k < 4; ++k) {
      const Vec2& p = e.hull.points[k < e.hull.n ? k : 0];
      er.corners[2 * k] = p.x;
      er.corners[2 * k + 1] = p.y;
    }
    rec.entities.push_back(er);
  }
  return rec;
}

TEST(RandomArchive, PlannedEqualsReferenceThroughTheArchive) {
  std::mt19937 rng(3);
  std::vector<ImageRecord> images;
  for (int i = 0; i < 120; ++i) {
    reason::Scene s = testing::RandomScene(rng, rng() % 10, i % 3 == 0, i % 11 == 0 ? std::nan("") : 0.4);
    char id[16];
    std::snprintf(id, sizeof id, "R%04d", (i * 37) % 120);  // ids not in ingest order
    images.push_back(ToRecord(s, id));
  }
  const TempDir temp("random");
  const std::string& dir = temp.path();
  auto archive = IngestAndOpen(dir, images);
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  int nonempty = 0;
  for (int it = 0; it < 150; ++it) {
    std::string f = testing::RandomFormula(rng);
    SearchOptions planned, reference;
    planned.truth.crisp = reference.truth.crisp = it % 2 == 0;
    planned.truth.default_gsd = reference.truth.default_gsd = 0.5;
    planned.truth.semantics = reference.truth.semantics = static_cast<reason::Semantics>(it % 3);
    reference.reference = true;
    auto all = Ranking(**archive, f, planned);
    ExpectSame(all, Ranking(**archive, f, reference), it % 2 == 0, f);
    nonempty += !all.empty();
    // Top-k by upper bounds is the prefix of the full ranking, ties included.
    for (size_t k : {1, 3, 7}) {
      SearchOptions top = planned;
      top.top_k = k;
      auto q = logic::ParseAndBind(f, (*archive)->ontology());
      auto r = search::Run(**archive, *q, top);
      ASSERT_TRUE(r.ok()) << r.status().message();
      std::vector<std::pair<std::string, double>> got;
      for (const auto& res : r->results) got.emplace_back(res.image_id, res.score);
      std::vector<std::pair<std::string, double>> want(all.begin(), all.begin() + std::min(k, all.size()));
      ExpectSame(got, want, true, f + " top " + std::to_string(k));
    }
  }
  EXPECT_GT(nonempty, 150 / 4) << "the random formulas should often match some image";
}

// Rows and clusters through the archive: the same ranking as the reference, and under each
// result's witness the same atom values (as a multiset: interchangeable variables may be bound
// in another order).
TEST(RandomArchive, ArrangementsPlannedEqualsReferenceThroughTheArchive) {
  std::mt19937 rng(8);
  std::vector<ImageRecord> images;
  for (int i = 0; i < 50; ++i) {
    images.push_back(ToRecord(testing::RandomRowScene(rng, 5 + rng() % 8, i % 2 == 0), "D" + std::to_string(100 + i)));
  }
  const TempDir temp("rows");
  const std::string& dir = temp.path();
  auto archive = IngestAndOpen(dir, images);
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  int nonempty = 0;
  for (int it = 0; it < 24; ++it) {
    const int n = 3 + (it / 4) % 2;  // the reference enumerates P(cars, n)
    std::string f, args;
    for (int i = 0; i < n; ++i) {
      f += (i ? " AND " : "") + std::string("car(v") + std::to_string(i) + ")";
      args += (i ? ", v" : "v") + std::to_string(i);
    }
    if (it % 4 != 3) f += " AND clustered(" + args + ")";
    if (it % 4 != 2) f += " AND aligned(" + args + ")";
    SearchOptions planned, reference;
    planned.truth.crisp = reference.truth.crisp = it % 3 != 2;
    planned.top_k = reference.top_k = 0;
    reference.reference = true;
    auto q = logic::ParseAndBind(f, (*archive)->ontology());
    ASSERT_TRUE(q.ok()) << q.status().message();
    auto p = search::Run(**archive, *q, planned);
    auto r = search::Run(**archive, *q, reference);
    ASSERT_TRUE(p.ok() && r.ok()) << f;
    ASSERT_EQ(p->results.size(), r->results.size()) << f;
    nonempty += !p->results.empty();
    for (size_t i = 0; i < p->results.size(); ++i) {
      const ImageResult &a = p->results[i], &b = r->results[i];
      EXPECT_EQ(a.image_id, b.image_id) << f;
      EXPECT_NEAR(a.score, b.score, 1e-12) << f;
      EXPECT_EQ(a.witness.size(), b.witness.size()) << f;
      std::vector<double> va, vb;
      for (const auto& atom : a.atoms) va.push_back(atom.value);
      for (const auto& atom : b.atoms) vb.push_back(atom.value);
      std::sort(va.begin(), va.end());
      std::sort(vb.begin(), vb.end());
      ASSERT_EQ(va.size(), vb.size()) << f;
      for (size_t k = 0; k < va.size(); ++k) EXPECT_NEAR(va[k], vb[k], 1e-12) << f << " " << a.image_id;
    }
  }
  EXPECT_GT(nonempty, 12) << "rows should be found in many of these archives' queries";
}

// Class-only formulas scored from the class index's counts (class-counts): the same ranking,
// scores and witness atom values as the reference (as a multiset: interchangeable variables may
// be bound in another order), and the very witnesses of the planned search without the counts,
// in every semantics; the counts are used only where the index bounds every score of the image
// above min_conf.
TEST(RandomArchive, ClassCountsEqualReference) {
  std::mt19937 rng(21);
  for (const bool crisp_scores : {true, false}) {
    std::vector<ImageRecord> images;
    for (int i = 0; i < 150; ++i) {
      reason::Scene s = testing::RandomScene(rng, rng() % (i % 10 == 0 ? 30 : 9), crisp_scores);
      images.push_back(ToRecord(s, "C" + std::to_string(1000 + (i * 7) % 150)));
    }
    const TempDir temp("classes");
    const std::string& dir = temp.path();
    auto archive = IngestAndOpen(dir, images);
    ASSERT_TRUE(archive.ok()) << archive.status().message();
    uint64_t from_counts = 0, empty_images = 0;
    for (const auto& im : images) empty_images += im.entities.empty();
    for (int it = 0; it < 120; ++it) {
      const std::string f = testing::RandomClassFormula(rng);
      auto q = logic::ParseAndBind(f, (*archive)->ontology());
      ASSERT_TRUE(q.ok()) << f << ": " << q.status().message();
      SearchOptions planned;
      planned.truth.crisp = it % 4 != 3;
      planned.truth.semantics = static_cast<reason::Semantics>(it % 3);
      planned.truth.min_conf = it % 5 == 4 ? 0.5 : 0.05;
      planned.top_k = it % 6 == 5 ? 4 : 0;
      SearchOptions reference = planned, searched = planned;
      reference.reference = true;
      searched.disabled.insert("class-counts");
      auto p = search::Run(**archive, *q, planned);
      auto r = search::Run(**archive, *q, reference);
      auto e = search::Run(**archive, *q, searched);
      ASSERT_TRUE(p.ok() && r.ok() && e.ok()) << f;
      EXPECT_EQ(e->stats.from_counts, 0u);
      from_counts += p->stats.from_counts;
      // Soft truth, or scores below the threshold in the block: the index decides only images
      // holding none of the formula's classes (their scene is empty, in any mode).
      const std::vector<bool> kept = plan::RelevantClasses(*q, (*archive)->ontology().ClassCount());
      uint64_t without_kept = 0;
      for (const auto& im : images) {
        bool holds = false;
        for (const auto& e : im.entities) holds |= kept.empty() || kept[e.class_id];
        without_kept += !holds;
      }
      EXPECT_GE(without_kept, empty_images);
      if (!planned.truth.crisp || (!crisp_scores && planned.truth.min_conf == 0.5)) {
        EXPECT_LE(p->stats.from_counts, without_kept) << f;
      }
      ASSERT_EQ(p->results.size(), r->results.size()) << f;
      ASSERT_EQ(p->results.size(), e->results.size()) << f;
      for (size_t i = 0; i < p->results.size(); ++i) {
        const ImageResult &a = p->results[i], &b = r->results[i];
        EXPECT_EQ(a.image_id, b.image_id) << f;
        EXPECT_EQ(a.score, b.score) << f;
        EXPECT_EQ(a.witness.size(), b.witness.size()) << f;
        std::vector<double> va, vb;
        for (const auto& atom : a.atoms) va.push_back(atom.value);
        for (const auto& atom : b.atoms) vb.push_back(atom.value);
        std::sort(va.begin(), va.end());
        std::sort(vb.begin(), vb.end());
        // Soft truth: a witness of the same score may differ from the reference's (Gödel: any
        // assignment attaining the minimum); crisp atom values are 0/1 and must agree.
        if (planned.truth.crisp) {
          EXPECT_EQ(va, vb) << f << " " << a.image_id;
        }
        EXPECT_EQ(a.witness, e->results[i].witness) << f << " " << a.image_id;
      }
      // Streaming: results without explanations, explained one at a time, are the same rows.
      SearchOptions lazy = planned;
      lazy.explain_results = false;
      auto l = search::Run(**archive, *q, lazy);
      ASSERT_TRUE(l.ok());
      ASSERT_EQ(l->results.size(), p->results.size());
      Explainer explainer(**archive, *q, lazy);
      for (size_t i = 0; i < l->results.size(); ++i) {
        EXPECT_TRUE(l->results[i].witness.empty() && l->results[i].atoms.empty());
        ASSERT_TRUE(explainer.Explain(&l->results[i]).ok()) << f;
        EXPECT_EQ(l->results[i].witness, p->results[i].witness) << f;
        EXPECT_EQ(l->results[i].atoms.size(), p->results[i].atoms.size()) << f;
      }
    }
    EXPECT_GT(from_counts, 1000u);
  }
}

// --explain: the plan before the run names its operators and optimisers; after the run, each
// component's counters agree with the answer (one search per image evaluated, one found per
// result: no --top, product semantics, every result explained in the pass).
TEST(Search, ExplainCountsWhatEachOperatorDid) {
  std::mt19937 rng(5);
  std::vector<ImageRecord> images;
  for (int i = 0; i < 60; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "E%04d", i);
    images.push_back(ToRecord(testing::RandomScene(rng, 2 + rng() % 12, false, 0.4), id));
  }
  const TempDir temp("explain");
  const std::string& dir = temp.path();
  auto archive = IngestAndOpen(dir, images);
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  auto q = logic::ParseAndBind("ship(s) AND harbor(h) AND near(s, h)", Ontology::Default());
  ASSERT_TRUE(q.ok());
  SearchOptions o;
  o.truth.crisp = true;
  o.top_k = 0;
  o.explain = true;
  const std::string before = PlanBeforeRun(**archive, *q, o);
  for (const char* part : {"plan before running", "[class-index]", "physical plan (per image):", "scan s: ship",
                           "est. ", "join order:", "[join-order]", "check near(s, h)"}) {
    EXPECT_NE(before.find(part), std::string::npos) << part << "\n" << before;
  }
  auto r = search::Run(**archive, *q, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_FALSE(r->results.empty());
  const std::string& after = r->plan;
  EXPECT_NE(after.find("physical plan:"), std::string::npos) << after;
  const std::string expected =
      std::to_string(r->stats.evaluated) + " searches, " + std::to_string(r->results.size()) + " with a value above 0";
  EXPECT_NE(after.find("component {s, h}: " + expected), std::string::npos) << expected << "\n" << after;
  EXPECT_NE(after.find("entities in"), std::string::npos) << after;
}

// Images holding none of the classes a formula reads have an empty scene: the index decides
// them (class-counts) in every mode, with the reference's ranking and the plain search's
// witnesses. Negated, universal and at-most formulas make every image a candidate.
TEST(RandomArchive, EmptyScenesFromTheIndexEqualReference) {
  std::mt19937 rng(29);
  std::vector<ImageRecord> images;
  for (int i = 0; i < 120; ++i) {
    reason::Scene s = testing::RandomScene(rng, rng() % 8, i % 2 == 0);
    images.push_back(ToRecord(s, "E" + std::to_string(1000 + i)));
  }
  const TempDir temp("empty");
  const std::string& dir = temp.path();
  auto archive = IngestAndOpen(dir, images);
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  uint64_t from_index = 0;
  for (int it = 0; it < 90; ++it) {
    auto pick = [&](std::vector<std::string> v) { return v[rng() % v.size()]; };
    const std::string c1 = pick({"ship", "plane", "storage_tank", "vehicle", "harbor"});
    const std::string c2 = pick({"harbor", "small_vehicle", "large_vehicle", "ship", "object"});
    const std::string rel = pick({"near", "far", "on", "left_of", "parallel", "overlaps"});
    const std::string f =
        it % 3 == 0   ? "NOT exists a: " + c1 + "(a) AND NOT exists b: " + c2 + "(b) AND " + rel + "(a, b)"
        : it % 3 == 1 ? "forall a: " + c1 + "(a) -> exists b: " + c2 + "(b) AND " + rel + "(b, a)"
                      : "exists<=1 a: " + c1 + "(a) AND exists b: " + c2 + "(b) AND " + rel + "(a, b)";
    auto q = logic::ParseAndBind(f, (*archive)->ontology());
    ASSERT_TRUE(q.ok()) << f << ": " << q.status().message();
    SearchOptions planned;
    planned.truth.crisp = it % 2 == 0;
    planned.truth.default_gsd = 0.5;
    planned.truth.semantics = static_cast<reason::Semantics>(it % 3);
    SearchOptions reference = planned, searched = planned;
    reference.reference = true;
    searched.disabled.insert("class-counts");
    ExpectSame(Ranking(**archive, f, planned), Ranking(**archive, f, reference), planned.truth.crisp, f);
    auto p = search::Run(**archive, *q, planned);
    auto e = search::Run(**archive, *q, searched);
    ASSERT_TRUE(p.ok() && e.ok()) << f;
    EXPECT_EQ(e->stats.from_counts, 0u);
    from_index += p->stats.from_counts;
    ASSERT_EQ(p->results.size(), e->results.size()) << f;
    for (size_t i = 0; i < p->results.size(); ++i) {
      EXPECT_EQ(p->results[i].image_id, e->results[i].image_id) << f;
      EXPECT_EQ(p->results[i].score, e->results[i].score) << f;
      EXPECT_EQ(p->results[i].witness, e->results[i].witness) << f;
      EXPECT_EQ(p->results[i].atoms.size(), e->results[i].atoms.size()) << f;
    }
  }
  EXPECT_GT(from_index, 300u) << "the index should decide many images";
}

// With --top K the threads stop once the k best cannot change. An image claimed by a slow
// thread before that point is still scored: the top k is the full listing's prefix, run after run.
TEST(RandomArchive, TopKUnderRacingThreadsIsThePrefixOfAll) {
  // Cheap images (most decided from the class counts) and more threads than cores: a thread is
  // often preempted between claiming an image and scoring it.
  std::mt19937 rng(31);
  std::vector<ImageRecord> images;
  for (int i = 0; i < 300; ++i) {
    images.push_back(
        ToRecord(testing::RandomScene(rng, static_cast<int>(rng() % 3), true), "T" + std::to_string(1000 + i)));
  }
  const TempDir temp("racing");
  auto archive = IngestAndOpen(temp.path(), images);
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  const std::string f = "forall a: ship(a) -> exists b: object(b) AND near(b, a)";
  SearchOptions options;
  options.truth.crisp = true;
  options.truth.default_gsd = 0.5;
  options.threads = 16;
  const auto all = Ranking(**archive, f, options);
  ASSERT_GT(all.size(), 10u);
  const std::vector<std::pair<std::string, double>> prefix(all.begin(), all.begin() + 10);
  auto q = logic::ParseAndBind(f, (*archive)->ontology());
  ASSERT_TRUE(q.ok());
  options.top_k = 10;
  for (int run = 0; run < 1000; ++run) {
    auto r = search::Run(**archive, *q, options);
    ASSERT_TRUE(r.ok()) << r.status().message();
    std::vector<std::pair<std::string, double>> top;
    for (const auto& res : r->results) top.emplace_back(res.image_id, res.score);
    ASSERT_EQ(top, prefix) << "run " << run;
  }
}

// Class counts are capped where they stop deciding anything (the largest quantifier count plus
// the number of variables): around that cap, with outer variables taking entities from the
// counted class, the index's answer is the reference's.
TEST(RandomArchive, CappedClassCountsEqualReferenceAtTheCap) {
  const int ship = *Ontology::Default().FindClass("ship"), plane = *Ontology::Default().FindClass("plane");
  std::vector<ImageRecord> images;
  for (int ships = 0; ships <= 14; ++ships) {
    for (int planes : {0, 1, 9}) {
      reason::Scene s;
      s.gsd = 0.5;
      for (int k = 0; k < ships + planes; ++k) {
        const double x = 10.0 * k;
        s.entities.push_back(
            reason::MakeSceneEntity(k, k < ships ? ship : plane, 0.9, Corners{x, 0, x + 4, 0, x + 4, 2, x, 2}));
      }
      images.push_back(ToRecord(s, "N" + std::to_string(100 + ships * 10 + planes)));
    }
  }
  const TempDir temp("cap");
  auto archive = IngestAndOpen(temp.path(), images);
  ASSERT_TRUE(archive.ok()) << archive.status().message();
  for (const std::string f :
       {"exists=3 x: ship(x)", "exists<=5 x: ship(x)", "exists>=6 x: ship(x)",
        "ship(a) AND ship(b) AND exists=4 x: ship(x)", "ship(a) AND ship(b) AND ship(c) AND exists<=2 x: ship(x)",
        "ship(a) AND NOT exists>=5 x: ship(x) OR plane(x)", "exists=9 x: object(x)",
        "forall y: ship(y) -> NOT exists=2 x: plane(x)", "ship(a) AND exists=1 x: NOT ship(x)"}) {
    auto q = logic::ParseAndBind(f, (*archive)->ontology());
    ASSERT_TRUE(q.ok()) << f << ": " << q.status().message();
    SearchOptions planned, reference;
    planned.truth.crisp = reference.truth.crisp = true;
    planned.top_k = reference.top_k = 0;
    reference.reference = true;
    auto p = search::Run(**archive, *q, planned);
    auto r = search::Run(**archive, *q, reference);
    ASSERT_TRUE(p.ok() && r.ok()) << f;
    EXPECT_GT(p->stats.from_counts, 0u) << f;
    ASSERT_EQ(p->results.size(), r->results.size()) << f;
    for (size_t i = 0; i < p->results.size(); ++i) {
      EXPECT_EQ(p->results[i].image_id, r->results[i].image_id) << f;
      EXPECT_EQ(p->results[i].score, r->results[i].score) << f;
    }
  }
}

TEST(Search, UnknownOptimisationIsAnError) {
  auto q = logic::ParseAndBind("plane(a)", Ontology::Default());
  const TempDir temp("empty");
  const std::string& dir = temp.path();
  ImageRecord empty;
  empty.id = "x";
  empty.gsd = 0.5;
  ASSERT_TRUE(AppendToArchive(dir, Ontology::Default(), {empty}, {false}).ok());
  auto archive = Archive::Open(dir);
  ASSERT_TRUE(archive.ok());
  SearchOptions o;
  o.disabled.insert("warp-drive");
  auto r = search::Run(**archive, *q, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown optimisation 'warp-drive'"), std::string::npos);
}

}  // namespace
}  // namespace georune::search
