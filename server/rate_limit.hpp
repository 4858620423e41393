// Token buckets per key (a user, or one connection's control messages): each bucket holds up
// to `burst` tokens and refills at `rate` tokens per second; a take of `cost` tokens (one
// command, or its size in bytes for the byte budget) that finds fewer is refused, and takes
// nothing. A key's first take finds a full bucket. The clock is injected, so that the tests need
// no wall time.
//
// Thread safety: none; the sequencer uses it on its strand only.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace a4p::server {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  using now_fn = std::function<clock::time_point()>;

  rate_limiter(double rate, double burst, now_fn now = &clock::now);

  // Takes `cost` tokens from `key`'s bucket; false (and nothing taken) when it holds fewer.
  [[nodiscard]] bool take(const std::string& key, double cost = 1);

 private:
  struct bucket {
    double tokens = 0;
    clock::time_point last;
  };
  double rate_;
  double burst_;
  now_fn now_;
  std::unordered_map<std::string, bucket> buckets_;
};

// The same for callers on many threads (the network threads), behind one mutex.
class shared_rate_limiter {
 public:
  shared_rate_limiter(double rate, double burst) : r_(rate, burst) {}
  [[nodiscard]] bool take(const std::string& key, double cost = 1) {
    std::lock_guard lock(mu_);
    return r_.take(key, cost);
  }

 private:
  std::mutex mu_;
  rate_limiter r_;  // GUARDED_BY(mu_)
};

}  // namespace a4p::server
