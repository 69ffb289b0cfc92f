#include "georune/common/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace georune {

size_t WorkerCount(size_t n, int threads) {
  size_t workers = threads > 0 ? static_cast<size_t>(threads) : std::max(1u, std::thread::hardware_concurrency());
  return std::min(workers, n);
}

void RunOnThreads(size_t workers, const std::function<void()>& fn) {
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(fn);
  fn();
  for (auto& t : pool) t.join();
}

void ParallelForWorkers(size_t n, size_t workers, const std::function<void(size_t, size_t)>& fn) {
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(0, i);
    return;
  }
  std::atomic<size_t> next{0}, worker_ids{0};
  RunOnThreads(workers, [&] {
    const size_t worker = worker_ids.fetch_add(1);
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) fn(worker, i);
  });
}

void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn) {
  ParallelForWorkers(n, WorkerCount(n, threads), [&](size_t, size_t i) { fn(i); });
}

}  // namespace georune
