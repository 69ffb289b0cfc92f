// A progress bar on standard error, drawn only when standard error is a terminal.
//
// Thread safe: Advance() may be called from worker threads; redraws are rate limited to ~10/s.
// Finish() (or the destructor) draws the final state and ends the line.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace georune {

class ProgressBar {
 public:
  ProgressBar(std::string label, uint64_t total);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Advance(uint64_t n = 1);
  void Finish();
  bool enabled() const { return enabled_; }

 private:
  void Draw(bool final);

  std::string label_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  bool enabled_;
  bool finished_ = false;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace georune
