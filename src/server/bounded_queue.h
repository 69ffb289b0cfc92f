// A fixed pool of worker threads with a bounded queue, for cpp-httplib 0.11, whose ThreadPool
// queue is unbounded (its TaskQueue::enqueue cannot refuse a connection).
//
// enqueue() hands an accepted connection to a worker when fewer than `limit` wait; otherwise to
// one of a few rejecting threads, on which InRejecter() is true, so that the server answers
// 503 at once (reading only the request head). When the rejecting lane is full too, the task
// runs on the caller (the acceptor) as a rejection, which delays accepting by at most one
// read timeout: memory stays bounded in every case.
// shutdown() runs every queued task (httplib then closes connections not yet started) and
// joins the threads; tasks in flight finish first.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace georune::server {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(size_t workers, size_t limit, size_t rejecters = 2);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // True on a thread that runs rejected connections.
  static bool InRejecter();
  size_t rejected() const { return rejected_.load(); }
  // Connections waiting for a worker now (a hint for fairness: reply "Connection: close" so that a
  // kept-alive connection frees its worker for them).
  size_t waiting() const { return waiting_.load(std::memory_order_relaxed); }

 private:
  struct Lane {
    size_t limit = 0;
    bool rejecting = false;
    std::deque<std::function<void()>> jobs;
    std::vector<std::thread> threads;
  };
  bool Push(Lane& lane, std::function<void()>& fn);
  void Work(Lane& lane);

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  Lane serve_, reject_;
  std::atomic<size_t> rejected_{0};
  std::atomic<size_t> waiting_{0};
};

}  // namespace georune::server
