// The built-in English translator's time per query (docs/translation.md: under 1 ms). Plain
// main: every query of the given JSON Lines sets is translated once (the cold pass: WordNet's
// first use, caches), then REPEATS more times, each timed on its own; reports per set the cold
// mean and the warm mean, p50, p99 and max in ms, against the DOTA v2.0 ontology.
//
//   translate_bench REPEATS FILE.jsonl...
//   e.g. build/bin/translate_bench 20 bench/queries/*.jsonl tests/nl/data/paraphrases.jsonl
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "georune/nl/translator.h"
#include "georune/ontology/ontology.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

std::vector<std::string> Texts(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line)["text"].get<std::string>());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || std::atoi(argv[1]) < 1) {
    std::fprintf(stderr, "usage: translate_bench REPEATS FILE.jsonl...\n");
    return 2;
  }
  int repeats = std::atoi(argv[1]);
  std::vector<std::string> files(argv + 2, argv + argc);
  auto tr = georune::nl::MakeTranslator({});
  if (!tr.ok()) {
    std::fprintf(stderr, "translator: %s\n", tr.status().message().c_str());
    return 1;
  }
  const auto& ont = georune::Ontology::Default();
  std::printf("%-28s %7s %9s %9s %9s %9s %9s\n", "set", "queries", "cold ms", "mean ms", "p50 ms", "p99 ms", "max ms");
  for (const auto& f : files) {
    auto texts = Texts(f);
    if (texts.empty()) {
      std::fprintf(stderr, "%s: no queries\n", f.c_str());
      return 1;
    }
    auto c0 = Clock::now();
    for (const auto& t : texts) (void)(*tr)->Translate(t, ont);
    double cold = Ms(c0, Clock::now()) / texts.size();
    std::vector<double> ms;
    for (int r = 0; r < repeats; ++r) {
      for (const auto& t : texts) {
        auto a = Clock::now();
        auto res = (*tr)->Translate(t, ont);
        ms.push_back(Ms(a, Clock::now()));
        if (!res.ok() && r == 0) std::fprintf(stderr, "  refused: %s\n", t.c_str());
      }
    }
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms) sum += v;
    auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
    std::string name = f.substr(f.find_last_of('/') + 1);
    std::printf("%-28s %7zu %9.4f %9.4f %9.4f %9.4f %9.4f\n", name.c_str(), texts.size(), cold, sum / ms.size(),
                pct(0.5), pct(0.99), ms.back());
  }
  return 0;
}
