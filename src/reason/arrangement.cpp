// The exact arrangement operators (see arrangement.h for the argument of exactness).
#include "georune/reason/arrangement.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace georune::reason {
namespace {

constexpr double kSlack = 1e-9;  // relative: admits every set rounding could disagree on

struct Edge {
  int a, b;  // local indices, a < b
  double w;  // near truth, > 0
};

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n), size_(n, 1) { std::iota(parent_.begin(), parent_.end(), 0); }
  int Find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // Joins the sets of a and b; returns the size of the joined set.
  size_t Unite(int a, int b) {
    a = Find(a), b = Find(b);
    if (a == b) return size_[a];
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return size_[a];
  }
  size_t Size(int x) { return size_[Find(x)]; }

 private:
  std::vector<int> parent_;
  std::vector<size_t> size_;
};

class Solver {
 public:
  Solver(const ArrangementSpec& spec, const std::vector<int>& candidates, const ArrangementContext& ctx)
      : spec_(spec), ids_(candidates), ctx_(ctx) {
    for (int e : ids_) ents_.push_back(&ctx.scene->entities[e]);
  }

  std::vector<int> Run() {
    if (ids_.size() < spec_.n) return {};
    BuildNearGraph();
    std::vector<int> local;
    if (!spec_.aligned) local = spec_.soft ? BestBottleneck() : LargeComponent();
    else local = Aligned();
    std::vector<int> out;
    for (int l : local) out.push_back(ids_[l]);
    std::sort(out.begin(), out.end());
    return out;
  }

  // Every candidate of some accepted set: the search runs to the end, and each set it would
  // have returned is widened to everything that could stand in for it (a whole component of
  // n or more nodes, a whole eligible window).
  std::vector<int> Members() {
    if (ids_.size() < spec_.n) return {};
    member_.assign(N(), 0);
    collect_ = true;
    BuildNearGraph();
    if (!spec_.aligned) {
      std::vector<int> all(N());
      std::iota(all.begin(), all.end(), 0);
      ComponentOfSize(all);
    } else {
      Aligned();
    }
    std::vector<int> out;
    for (size_t l = 0; l < N(); ++l) {
      if (member_[l]) out.push_back(ids_[l]);
    }
    return out;
  }

 private:
  size_t N() const { return ids_.size(); }

  // Edges of the near-graph (truth > 0), found by a sweep on the boxes' x extent: near needs a
  // polygon distance (>= box distance) within k_near·S, or (1 + softness) times that when soft.
  void BuildNearGraph() {
    const TruthParams& p = *ctx_.params;
    const double reach = p.k_near * (spec_.soft ? 1.0 + p.softness : 1.0) * (1.0 + kSlack);
    double max_s = 0;
    for (const SceneEntity* e : ents_) max_s = std::max(max_s, e->s);
    std::vector<int> by_x(N());
    std::iota(by_x.begin(), by_x.end(), 0);
    std::sort(by_x.begin(), by_x.end(), [&](int a, int b) { return ents_[a]->min_x < ents_[b]->min_x; });
    adj_.assign(N(), {});
    for (size_t i = 0; i < N(); ++i) {
      const SceneEntity& u = *ents_[by_x[i]];
      const double x_limit = u.max_x + reach * (u.s + max_s) / 2.0 + kSlack;
      for (size_t j = i + 1; j < N() && ents_[by_x[j]]->min_x <= x_limit; ++j) {
        const SceneEntity& v = *ents_[by_x[j]];
        const double r = reach * (u.s + v.s) / 2.0 + kSlack;
        const double dx = std::max({0.0, v.min_x - u.max_x, u.min_x - v.max_x});
        const double dy = std::max({0.0, v.min_y - u.max_y, u.min_y - v.max_y});
        if (dx * dx + dy * dy > r * r) continue;
        int a = by_x[i], b = by_x[j];
        if (a > b) std::swap(a, b);
        const double w = ctx_.near(ids_[a], ids_[b]);
        if (w <= 0.0) continue;
        edges_.push_back({a, b, w});
        adj_[a].push_back(b);
        adj_[b].push_back(a);
      }
      if ((i & 63) == 0) ctx_.tick();
    }
    for (auto& list : adj_) std::sort(list.begin(), list.end());
  }

  // The first n nodes of a breadth-first search from `start` over edges of weight >= min_w
  // among nodes with mark_[node] == stamp; empty when the component is smaller than n.
  std::vector<int> Bfs(int start, uint32_t stamp, double min_w) {
    std::vector<int> order = {start};
    seen_[start] = stamp;
    for (size_t head = 0; head < order.size() && order.size() < spec_.n; ++head) {
      const int u = order[head];
      for (int v : adj_[u]) {
        if (seen_[v] == stamp || mark_[v] != stamp) continue;
        if (min_w > 0 && Weight(u, v) < min_w) continue;
        seen_[v] = stamp;
        order.push_back(v);
        if (order.size() == spec_.n) break;
      }
    }
    if (order.size() < spec_.n) return {};
    return order;
  }

  double Weight(int u, int v) const { return ctx_.near(ids_[std::min(u, v)], ids_[std::max(u, v)]); }

  // A connected set of n nodes among `members` (crisp edges), or empty. Collecting: marks every
  // component of n or more nodes and returns empty.
  std::vector<int> ComponentOfSize(const std::vector<int>& members) {
    const uint32_t stamp = NextStamp();
    for (int m : members) mark_[m] = stamp;
    for (int m : members) {
      if (seen_[m] == stamp) continue;
      if (collect_) {
        MarkComponent(m, stamp);
        continue;
      }
      std::vector<int> found = Bfs(m, stamp, 0.0);
      if (!found.empty()) return found;
    }
    return {};
  }

  // The whole component of `start` among nodes with mark_ == stamp; its nodes become members
  // when it has n or more.
  void MarkComponent(int start, uint32_t stamp) {
    std::vector<int> order = {start};
    seen_[start] = stamp;
    for (size_t head = 0; head < order.size(); ++head) {
      for (int v : adj_[order[head]]) {
        if (seen_[v] == stamp || mark_[v] != stamp) continue;
        seen_[v] = stamp;
        order.push_back(v);
      }
    }
    if (order.size() < spec_.n) return;
    for (int v : order) member_[v] = 1;
  }

  // Collecting: the eligible entities of an aligned window (n or more) are all members.
  void MarkAll(const std::vector<int>& eligible) {
    for (int v : eligible) member_[v] = 1;
  }

  uint32_t NextStamp() {
    if (mark_.size() != N()) mark_.assign(N(), 0), seen_.assign(N(), 0);
    return ++stamp_;
  }

  std::vector<int> LargeComponent() {
    std::vector<int> all(N());
    std::iota(all.begin(), all.end(), 0);
    return ComponentOfSize(all);
  }

  // Soft clustered: Kruskal from the heaviest edge; the first component of n nodes fixes the
  // best bottleneck w, and any connected n-subset over edges >= w attains it.
  std::vector<int> BestBottleneck() {
    std::vector<Edge> sorted = edges_;
    std::sort(sorted.begin(), sorted.end(), [](const Edge& x, const Edge& y) {
      if (x.w != y.w) return x.w > y.w;
      return x.a != y.a ? x.a < y.a : x.b < y.b;
    });
    UnionFind uf(N());
    for (const Edge& e : sorted) {
      if (uf.Unite(e.a, e.b) < spec_.n) continue;
      const uint32_t stamp = NextStamp();
      std::fill(mark_.begin(), mark_.end(), stamp);
      return Bfs(e.a, stamp, e.w);
    }
    return {};
  }

  // aligned, alone or with clustered (crisp): pairs × sides × tau, see arrangement.h.
  std::vector<int> Aligned() {
    const double t_al = ctx_.params->t_aligned;
    std::vector<int> comp(N(), 0);
    std::vector<std::vector<int>> members(1);
    double hop = 0;  // the longest centre distance along a near edge
    if (spec_.clustered) {
      UnionFind uf(N());
      for (const Edge& e : edges_) {
        uf.Unite(e.a, e.b);
        hop = std::max(hop, std::hypot(ents_[e.a]->c.x - ents_[e.b]->c.x, ents_[e.a]->c.y - ents_[e.b]->c.y));
      }
      std::vector<int> index_of_root(N(), -1);
      members.clear();
      for (size_t i = 0; i < N(); ++i) {
        const int r = uf.Find(static_cast<int>(i));
        if (index_of_root[r] < 0) index_of_root[r] = static_cast<int>(members.size()), members.emplace_back();
        comp[i] = index_of_root[r];
        members[comp[i]].push_back(static_cast<int>(i));
      }
    } else {
      members[0].resize(N());
      std::iota(members[0].begin(), members[0].end(), 0);
    }
    const double reach = (static_cast<double>(spec_.n) - 1.0) * hop * (1.0 + kSlack) + kSlack;
    if (auto same = SameCentre(comp); !same.empty()) return same;
    std::vector<double> offset(N());
    std::vector<int> window, eligible;
    for (size_t a = 0; a < N(); ++a) {
      const std::vector<int>& pool = members[comp[a]];
      if (pool.size() < spec_.n) continue;
      const SceneEntity& ea = *ents_[a];
      for (int b : pool) {
        if (b <= static_cast<int>(a)) continue;
        const SceneEntity& eb = *ents_[b];
        // The formula of StripWidth (common/geometry.cpp), with the pair's first centre as base.
        const double dx = eb.c.x - ea.c.x, dy = eb.c.y - ea.c.y;
        const double l = std::sqrt(dx * dx + dy * dy);
        if (l == 0 || (spec_.clustered && l > reach)) continue;
        ctx_.tick();
        auto offset_of = [&](int k) { return (dx * (ents_[k]->c.y - ea.c.y) - dy * (ents_[k]->c.x - ea.c.x)) / l; };
        const double tau_max = std::min(ea.s, eb.s);
        const double eps = kSlack * (1.0 + t_al * tau_max);
        for (double side : {1.0, -1.0}) {
          auto inside = [&](int k) {
            const double o = side * offset[k];
            return o >= -eps && o <= t_al * tau_max + eps;
          };
          if (spec_.clustered) {
            // S is connected and holds a and b: a's component among the entities in the widest
            // half-strip must hold b and n entities.
            if (!StripComponent(static_cast<int>(a), b, offset_of, inside, offset, &window)) continue;
          } else {
            window.clear();
            for (int k : pool) {
              offset[k] = offset_of(k);
              if (inside(k)) window.push_back(k);
            }
            if (window.size() < spec_.n) continue;
          }
          if (auto found = InWindow(window, offset, side, tau_max, &eligible); !found.empty()) return found;
        }
      }
    }
    return {};
  }

  // The component of `a` in the near-graph over the entities `inside` the half-strip (offsets
  // computed on the way into `offset`), in `out`; whether it holds `b` and n entities.
  template <typename OffsetFn, typename InsideFn>
  bool StripComponent(int a, int b, OffsetFn offset_of, InsideFn inside, std::vector<double>& offset,
                      std::vector<int>* out) {
    const uint32_t stamp = NextStamp();
    out->assign(1, a);
    offset[a] = 0.0;
    seen_[a] = stamp;
    bool has_b = false;
    for (size_t head = 0; head < out->size(); ++head) {
      for (int v : adj_[(*out)[head]]) {
        if (seen_[v] == stamp) continue;
        seen_[v] = stamp;
        offset[v] = offset_of(v);
        if (!inside(v)) continue;
        out->push_back(v);
        has_b |= v == b;
      }
    }
    return has_b && out->size() >= spec_.n;
  }

  // For each tau (a size in the window, at most tau_max), the window's entities with s >= tau
  // within t_al·tau of the line: n of them (aligned), or n connected (aligned and clustered).
  std::vector<int> InWindow(const std::vector<int>& window, const std::vector<double>& offset, double side,
                            double tau_max, std::vector<int>* eligible) {
    const double t_al = ctx_.params->t_aligned;
    std::vector<double> taus;
    for (int k : window) {
      if (ents_[k]->s <= tau_max) taus.push_back(ents_[k]->s);
    }
    std::sort(taus.rbegin(), taus.rend());
    taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
    for (double tau : taus) {
      ctx_.tick();
      const double limit = t_al * tau + kSlack * (1.0 + t_al * tau_max);
      eligible->clear();
      for (int k : window) {
        if (ents_[k]->s >= tau && side * offset[k] <= limit) eligible->push_back(k);
      }
      if (eligible->size() < spec_.n) continue;
      if (collect_ && !spec_.clustered) {
        MarkAll(*eligible);
        continue;
      }
      if (!spec_.clustered) return std::vector<int>(eligible->begin(), eligible->begin() + spec_.n);
      if (auto found = ComponentOfSize(*eligible); !found.empty()) return found;
    }
    return {};
  }

  // Sets whose centres all coincide have width 0 (no pair defines a line): n such entities.
  std::vector<int> SameCentre(const std::vector<int>& comp) {
    std::vector<int> order(N());
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](int i) { return std::make_tuple(comp[i], ents_[i]->c.x, ents_[i]->c.y); };
    std::sort(order.begin(), order.end(), [&](int x, int y) { return key(x) < key(y); });
    for (size_t i = 0; i < N();) {
      size_t j = i;
      while (j < N() && key(order[j]) == key(order[i])) ++j;
      if (j - i >= spec_.n) {
        std::vector<int> run(order.begin() + static_cast<std::ptrdiff_t>(i),
                             order.begin() + static_cast<std::ptrdiff_t>(j));
        std::sort(run.begin(), run.end());
        if (!spec_.clustered) {
          if (!collect_) return std::vector<int>(run.begin(), run.begin() + spec_.n);
          MarkAll(run);
        } else if (auto found = ComponentOfSize(run); !found.empty()) {
          return found;
        }
      }
      i = j;
    }
    return {};
  }

  const ArrangementSpec& spec_;
  const std::vector<int>& ids_;
  const ArrangementContext& ctx_;
  std::vector<const SceneEntity*> ents_;
  std::vector<Edge> edges_;
  std::vector<std::vector<int>> adj_;
  std::vector<uint32_t> mark_, seen_;
  uint32_t stamp_ = 0;
  bool collect_ = false;      // Members(): mark every accepted set instead of returning one
  std::vector<char> member_;  // per local index: in some accepted set
};

}  // namespace

bool CanSolveArrangement(const ArrangementSpec& spec) { return spec.n >= 1 && (!spec.soft || !spec.aligned); }

std::vector<int> SolveArrangement(const ArrangementSpec& spec, const std::vector<int>& candidates,
                                  const ArrangementContext& ctx) {
  return Solver(spec, candidates, ctx).Run();
}

std::vector<int> ArrangementMembers(const ArrangementSpec& spec, const std::vector<int>& candidates,
                                    const ArrangementContext& ctx) {
  return Solver(spec, candidates, ctx).Members();
}

}  // namespace georune::reason
