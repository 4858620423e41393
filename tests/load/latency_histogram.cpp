#include "tests/load/latency_histogram.hpp"

#include <algorithm>

namespace a4p::load {

latency_histogram::latency_histogram() : counts_(new std::atomic<std::uint64_t>[buckets]) {
  reset();
}

void latency_histogram::reset() {
  for (std::size_t i = 0; i < buckets; ++i) counts_[i].store(0, std::memory_order_relaxed);
  total_.store(0);
  max_ns_.store(0);
}

std::size_t latency_histogram::bucket_of(std::int64_t us) {
  if (us < 0) us = 0;
  if (us < 1'000'000) return static_cast<std::size_t>(us / 10);
  std::int64_t ms = (us - 1'000'000) / 1000;
  if (ms < static_cast<std::int64_t>(coarse_buckets)) {
    return fine_buckets + static_cast<std::size_t>(ms);
  }
  return buckets - 1;
}

std::int64_t latency_histogram::upper_us(std::size_t b) {
  if (b < fine_buckets) return static_cast<std::int64_t>(b + 1) * 10;
  if (b < fine_buckets + coarse_buckets) {
    return 1'000'000 + static_cast<std::int64_t>(b - fine_buckets + 1) * 1000;
  }
  return 60'000'000;
}

void latency_histogram::record(std::int64_t ns) {
  counts_[bucket_of(ns / 1000)].fetch_add(1, std::memory_order_relaxed);
  total_.fetch_add(1, std::memory_order_relaxed);
  std::int64_t seen = max_ns_.load(std::memory_order_relaxed);
  while (ns > seen && !max_ns_.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
  }
}

std::uint64_t latency_histogram::count() const {
  return total_.load(std::memory_order_relaxed);
}

std::int64_t latency_histogram::percentile_us(double fraction) const {
  const std::uint64_t total = count();
  if (total == 0) return 0;
  auto rank = static_cast<std::uint64_t>(fraction * static_cast<double>(total));
  rank = std::clamp<std::uint64_t>(rank, 1, total);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    seen += counts_[b].load(std::memory_order_relaxed);
    if (seen >= rank) return std::min(upper_us(b), max_us());
  }
  return max_us();
}

std::int64_t latency_histogram::max_us() const {
  return max_ns_.load(std::memory_order_relaxed) / 1000;
}

}  // namespace a4p::load
