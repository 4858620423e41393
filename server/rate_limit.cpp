#include "server/rate_limit.hpp"

#include <algorithm>

namespace a4p::server {

rate_limiter::rate_limiter(double rate, double burst, now_fn now)
    : rate_(rate), burst_(burst), now_(std::move(now)) {}

bool rate_limiter::take(const std::string& key, double cost) {
  const auto now = now_();
  auto [it, fresh] = buckets_.try_emplace(key);
  auto& b = it->second;
  if (fresh) {
    b.tokens = burst_;
  } else {
    const double dt = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + dt * rate_);
  }
  b.last = now;
  if (b.tokens < cost) return false;
  b.tokens -= cost;
  return true;
}

}  // namespace a4p::server
