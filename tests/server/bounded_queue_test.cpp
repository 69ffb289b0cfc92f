// BoundedTaskQueue: at most `limit` tasks wait; the rest run at once as rejections; shutdown
// runs what waits and joins.
#include "server/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace georune::server {
namespace {

TEST(BoundedTaskQueue, RejectsBeyondTheLimitAndDrainsOnShutdown) {
  BoundedTaskQueue queue(/*workers=*/1, /*limit=*/2, /*rejecters=*/1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> served{0}, rejected_runs{0}, served_on_rejecter{0};
  std::promise<void> started;
  queue.enqueue([&] {  // holds the only worker
    started.set_value();
    released.wait();
    ++served;
  });
  started.get_future().wait();
  for (int i = 0; i < 2; ++i) {
    queue.enqueue([&] {
      served_on_rejecter += BoundedTaskQueue::InRejecter();
      ++served;
    });
  }
  std::promise<bool> on_rejecter;
  queue.enqueue([&] {  // the queue is full: a rejection
    ++rejected_runs;
    on_rejecter.set_value(BoundedTaskQueue::InRejecter());
  });
  EXPECT_TRUE(on_rejecter.get_future().get());
  EXPECT_EQ(queue.rejected(), 1u);
  EXPECT_EQ(queue.waiting(), 2u);
  release.set_value();
  queue.shutdown();
  EXPECT_EQ(served.load(), 3);
  EXPECT_EQ(served_on_rejecter.load(), 0);
  EXPECT_EQ(rejected_runs.load(), 1);
  EXPECT_EQ(queue.waiting(), 0u);
}

TEST(BoundedTaskQueue, BothLanesFullRunsTheRejectionOnTheCaller) {
  BoundedTaskQueue queue(1, 1, 1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> holding{0};
  auto hold = [&] {
    ++holding;
    released.wait();
  };
  queue.enqueue(hold);  // the worker
  queue.enqueue(hold);  // the serve lane's one slot
  while (holding.load() < 1) std::this_thread::yield();
  queue.enqueue(hold);  // the rejecter thread
  while (holding.load() < 2) std::this_thread::yield();
  queue.enqueue([] {});  // the reject lane's one slot
  bool inline_rejection = false;
  const auto caller = std::this_thread::get_id();
  queue.enqueue([&] { inline_rejection = BoundedTaskQueue::InRejecter() && std::this_thread::get_id() == caller; });
  EXPECT_TRUE(inline_rejection);
  EXPECT_FALSE(BoundedTaskQueue::InRejecter());  // reset on the caller afterwards
  EXPECT_EQ(queue.rejected(), 3u);
  release.set_value();
  queue.shutdown();
  EXPECT_EQ(holding.load(), 3);
}

}  // namespace
}  // namespace georune::server
