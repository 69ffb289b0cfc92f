// What each operator of a physical plan did over the images evaluated (--explain, after the
// run): per exists-block component, its searches, rows in and out of each scan, the arrangement
// operator's outcomes, the join orders used, the assignments tried and the time.
#include <algorithm>
#include <cstdio>

#include "georune/reason/planner.h"

namespace georune::reason {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void ReportScans(const plan::PhysicalPlan& plan, const plan::ExistsPlan& block, const plan::ComponentPlan& comp,
                 const PlannedEvaluator::BlockStats& s, uint64_t searches, std::string* out) {
  for (int p : comp.positions) {
    const std::string& name = plan.query->var_names[block.vars[p]];
    auto in = s.scanned.find(name);
    auto kept = s.candidates.find(name);
    if (in == s.scanned.end() || kept == s.candidates.end()) continue;
    *out += "      scan " + name + ": " + std::to_string(in->second) + " entities in, " + std::to_string(kept->second) +
            " candidates out (" + Fixed(static_cast<double>(kept->second) / std::max<uint64_t>(searches, 1), 1) +
            " per search)\n";
  }
}

void ReportJoinOrders(const plan::PhysicalPlan& plan, const plan::ExistsPlan& block, const plan::ComponentPlan& comp,
                      const PlannedEvaluator::BlockStats& s, std::string* out) {
  // A join order belongs to the component whose first variable it starts with.
  std::vector<std::pair<uint64_t, std::string>> orders;
  for (const auto& [j, n] : s.join_orders) {
    for (int p : comp.positions) {
      const std::string& name = plan.query->var_names[block.vars[p]];
      if (j == name || j.rfind(name + " → ", 0) == 0) {
        orders.emplace_back(n, j);
        break;
      }
    }
  }
  if (orders.empty()) return;
  std::sort(orders.rbegin(), orders.rend());
  *out += "      join orders:";
  for (size_t i = 0; i < orders.size() && i < 3; ++i) {
    *out += i ? "; " : " ";
    *out += orders[i].second;
    *out += " (" + std::to_string(orders[i].first) + ")";
  }
  *out += "\n";
}

}  // namespace

std::string PlannedEvaluator::DescribeRun(const plan::PhysicalPlan& plan, const Stats& stats) {
  std::string out;
  for (const auto& block : plan.blocks) {
    auto it = stats.find(block->key);
    if (it == stats.end() || it->second.searches == 0) {
      out += "  exists-block " + block->key + ": never searched\n";
      continue;
    }
    const BlockStats& s = it->second;
    out += "  exists-block " + block->key + ": " + std::to_string(s.searches) + " component searches; " +
           std::to_string(s.assignments) + " assignments tried; " + std::to_string(s.grid_lookups) +
           " candidate lists from the spatial grid\n";
    for (const auto& [o, n] : s.operators) out += "    " + o + ": " + std::to_string(n) + " searches\n";
    for (size_t c = 0; c < block->components.size() && c < s.components.size(); ++c) {
      const plan::ComponentPlan& comp = block->components[c];
      const ComponentStats& cs = s.components[c];
      out += "    " + plan::ComponentName(plan, *block, comp) + ": " + std::to_string(cs.searches) + " searches, " +
             std::to_string(cs.found) + " with a value above 0; " + std::to_string(cs.assignments) + " assignments; " +
             Fixed(cs.ms, 1) + " ms (summed over threads)\n";
      ReportScans(plan, *block, comp, s, cs.searches, &out);
      ReportJoinOrders(plan, *block, comp, s, &out);
    }
  }
  return out;
}

}  // namespace georune::reason
