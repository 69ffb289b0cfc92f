// Running work on several threads, deterministically in what it computes.
//
// Items are handed out one at a time from a shared counter, so the order in which items run
// varies, but every item runs exactly once. The callbacks must not throw. The calling thread
// is one of the workers.
#pragma once

#include <cstddef>
#include <functional>

namespace georune {

// The workers to use for n items: `threads` (0 = all cores), at most n, at least 1 when n > 0.
size_t WorkerCount(size_t n, int threads);

// Runs fn(worker, i) for every i in [0, n) on `workers` threads; `worker` in [0, workers)
// names the thread, so that fn can keep per-worker state.
void ParallelForWorkers(size_t n, size_t workers, const std::function<void(size_t, size_t)>& fn);

// Runs fn(i) for every i in [0, n) on WorkerCount(n, threads) threads.
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn);

// Runs fn() once on each of `workers` threads (fn claims its own work).
void RunOnThreads(size_t workers, const std::function<void()>& fn);

}  // namespace georune
