#include "georune/rag/retrieve.h"

#include <algorithm>
#include <map>

namespace georune::rag {

namespace {

// Flat search when asked (exact), else HNSW; an HNSW search answered exactly adds a note.
std::vector<vector::Hit> Search(const vector::Collection& c, const std::vector<float>& q, size_t k,
                                const vector::Filter& f, bool exact, std::vector<std::string>* notes) {
  if (exact) return c.SearchFlat(q.data(), k, f);
  vector::SearchReport report;
  auto hits = c.SearchHnsw(q.data(), k, f, &report);
  if (!report.exact_because.empty() && notes) {
    notes->push_back("the " + c.name() +
                     " search scanned every item (exact) instead of using "
                     "the HNSW graph: " +
                     report.exact_because);
  }
  return hits;
}

}  // namespace

Result<std::vector<Retrieved>> Retriever::Retrieve(const Query& query, const RetrieveOptions& o,
                                                   std::vector<std::string>* notes) const {
  if (!(o.alpha >= 0 && o.alpha <= 1)) return Status::InvalidInput("the image weight alpha must be in [0, 1]");
  if (o.tau == 0) return Status::InvalidInput("tau, the candidates per modality, must be at least 1");
  if (o.top_k == 0) return Status::InvalidInput("top_k, the chunks kept, must be at least 1");
  const vector::Collection* text_coll = kb_.store().Find(kTextCollection);
  const vector::Collection* image_coll = kb_.store().Find(kImageCollection);
  const bool filtered = !o.filter.empty();

  // ---- text modality ----
  const bool text_active = !query.text.empty() && text_coll && text_coll->size() > 0;
  std::vector<std::pair<std::string, double>> terms;
  double bm25_max = 0;
  std::vector<float> qt;
  if (text_active) {
    terms = kb_.bm25().QueryTerms(query.text, wordnet_);
    GEORUNE_ASSIGN_OR_RETURN(qt, text_.EmbedText(query.text));
    if (int(qt.size()) != text_coll->dim()) {
      return Status::InvalidInput("the text embedder gives " + std::to_string(qt.size()) +
                                  "-d vectors, the knowledge base holds " + std::to_string(text_coll->dim()) +
                                  "-d ones");
    }
  }
  auto text_score = [&](uint32_t chunk) -> double {
    double s = 0;
    if (bm25_max > 0) s += o.bm25_share * kb_.bm25().Score(terms, chunk) / bm25_max;
    if (auto d = text_coll->Score(chunk, qt.data())) s += (1 - o.bm25_share) * std::max(0.0f, *d);
    return s;
  };
  auto passes = [&](uint32_t chunk) {
    if (!filtered) return true;
    const auto* p = text_coll->GetPayload(chunk);
    return p && o.filter.Matches(*p);
  };
  std::map<uint32_t, Retrieved> cands;
  if (text_active) {
    std::vector<uint32_t> pool;
    // BM25 over everything: the best score normalises s_text.
    auto bm = kb_.bm25().Search(terms, kb_.chunks().size());
    if (!bm.empty()) bm25_max = bm.front().second;
    size_t taken = 0;
    for (const auto& [doc, s] : bm) {
      if (taken >= o.tau) break;
      if (!passes(doc)) continue;
      pool.push_back(doc);
      ++taken;
    }
    const auto dense = Search(*text_coll, qt, 2 * o.tau, o.filter, o.exact, notes);
    for (const auto& h : dense) pool.push_back(uint32_t(h.key));
    std::sort(pool.begin(), pool.end());
    pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
    std::vector<std::pair<double, uint32_t>> scored;
    for (uint32_t c : pool) scored.emplace_back(text_score(c), c);
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (size_t i = 0; i < scored.size() && i < o.tau; ++i) {
      Retrieved& r = cands[scored[i].second];
      r.chunk = scored[i].second;
      r.rank_text = int(i + 1);
    }
  }

  // ---- image modality ----
  std::vector<float> qi;
  bool image_active = false;
  if (!query.image_path.empty() && image_ && image_coll && image_coll->size() > 0) {
    if (image_->Name() != kb_.image_embedder()) {
      return Status::InvalidInput("the image embedder \"" + image_->Name() + "\" differs from the knowledge base's \"" +
                                  kb_.image_embedder() + "\"");
    }
    GEORUNE_ASSIGN_OR_RETURN(qi, image_->EmbedImage(query.image_path));
    image_active = true;
    vector::Filter f = o.filter;
    f.chunk_types.clear();  // image items are all image_description chunks
    const auto hits = Search(*image_coll, qi, o.tau, f, o.exact, notes);
    int rank = 0;
    for (const auto& h : hits) {
      const auto* p = image_coll->GetPayload(h.key);
      if (!p || !passes(p->chunk)) continue;
      Retrieved& r = cands[p->chunk];
      r.chunk = p->chunk;
      r.rank_image = ++rank;
    }
  }
  if (cands.empty()) return std::vector<Retrieved>{};

  // ---- score every candidate in both modalities ----
  std::vector<Retrieved> out;
  for (auto& [chunk, r] : cands) {
    const Chunk& c = kb_.chunks()[chunk];
    r.record_id = c.record_id;
    r.chunk_type = c.type;
    if (text_active) r.s_text = text_score(chunk);
    if (image_active) {
      const int ri = kb_.RecordIndex(c.record_id);
      auto s = ri >= 0 ? image_coll->Score(uint64_t(ri), qi.data()) : std::nullopt;
      r.s_image = s ? std::max(0.0, double(*s)) : 0.0;
    }
    out.push_back(std::move(r));
  }
  if (o.fusion == Fusion::kWeighted) {
    for (auto& r : out) {
      if (text_active && image_active) r.score = (1 - o.alpha) * *r.s_text + o.alpha * *r.s_image;
      else r.score = text_active ? *r.s_text : *r.s_image;
    }
  } else {
    for (auto& r : out) r.score = 0;
    auto add_rrf = [&](auto get) {
      std::vector<size_t> idx(out.size());
      for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
      std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
        return get(out[a]) != get(out[b]) ? get(out[a]) > get(out[b]) : out[a].chunk < out[b].chunk;
      });
      for (size_t rank = 0; rank < idx.size(); ++rank) out[idx[rank]].score += 1.0 / (o.rrf_k + double(rank + 1));
    };
    if (text_active) add_rrf([](const Retrieved& r) { return *r.s_text; });
    if (image_active) add_rrf([](const Retrieved& r) { return *r.s_image; });
  }
  std::sort(out.begin(), out.end(), [](const Retrieved& a, const Retrieved& b) {
    return a.score != b.score ? a.score > b.score : a.chunk < b.chunk;
  });
  if (out.size() > o.top_k) out.resize(o.top_k);
  for (size_t i = 0; i < out.size(); ++i) out[i].rank = int(i + 1);
  return out;
}

}  // namespace georune::rag
