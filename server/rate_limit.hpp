// Per-user token buckets for commands (--rate, --burst): each user's bucket holds up to
// `burst` tokens and refills at `rate` tokens per second; a command takes one token, and a
// command that finds less than one is rejected (`rate_limited`). A user's first command finds
// a full bucket. The clock is injected, so that the tests need no wall time.
//
// Thread safety: none; the sequencer uses it on its strand only.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <unordered_map>

namespace a4p::server {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  using now_fn = std::function<clock::time_point()>;

  rate_limiter(double rate, double burst, now_fn now = &clock::now);

  // Takes one token from `user`'s bucket; false (and nothing taken) when there is none.
  [[nodiscard]] bool take(const std::string& user);

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

}  // namespace a4p::server
