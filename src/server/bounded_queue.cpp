// BoundedTaskQueue: two lanes (serve, reject) under one lock; see bounded_queue.h.
#include "server/bounded_queue.h"

#include <utility>

namespace georune::server {
namespace {
thread_local bool t_rejecting = false;
}  // namespace

bool BoundedTaskQueue::InRejecter() { return t_rejecting; }

BoundedTaskQueue::BoundedTaskQueue(size_t workers, size_t limit, size_t rejecters) {
  serve_.limit = limit;
  reject_.limit = limit;
  reject_.rejecting = true;
  for (size_t i = 0; i < workers; ++i) serve_.threads.emplace_back([this] { Work(serve_); });
  for (size_t i = 0; i < rejecters; ++i) reject_.threads.emplace_back([this] { Work(reject_); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

bool BoundedTaskQueue::Push(Lane& lane, std::function<void()>& fn) {
  if (lane.jobs.size() >= lane.limit) return false;
  lane.jobs.push_back(std::move(fn));
  return true;
}

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    if (Push(serve_, fn)) {
      waiting_.store(serve_.jobs.size(), std::memory_order_relaxed);
      cv_.notify_all();
      return;
    }
    ++rejected_;
    if (Push(reject_, fn)) {
      cv_.notify_all();
      return;
    }
  }
  t_rejecting = true;  // both lanes full: answer 503 here
  fn();
  t_rejecting = false;
}

void BoundedTaskQueue::Work(Lane& lane) {
  t_rejecting = lane.rejecting;
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !lane.jobs.empty(); });
      if (lane.jobs.empty()) return;  // stopping, and nothing left
      fn = std::move(lane.jobs.front());
      lane.jobs.pop_front();
      if (!lane.rejecting) waiting_.store(lane.jobs.size(), std::memory_order_relaxed);
    }
    fn();
  }
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && serve_.threads.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (Lane* lane : {&serve_, &reject_}) {
    for (auto& t : lane->threads) t.join();
    lane->threads.clear();
  }
}

}  // namespace georune::server
