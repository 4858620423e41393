#include "tests/load/latency_histogram.hpp"

#include <algorithm>

namespace a4p::load {

latency_histogram::latency_histogram() {
  for (auto& sh : shards_) sh.counts.reset(new std::atomic<std::uint64_t>[buckets]);
  reset();
}

std::size_t latency_histogram::my_shard() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1) % shards;
  return mine;
}

void latency_histogram::reset() {
  for (auto& sh : shards_) {
    for (std::size_t i = 0; i < buckets; ++i) sh.counts[i].store(0, std::memory_order_relaxed);
    sh.total.store(0);
    sh.max_ns.store(0);
  }
}

void latency_histogram::add(const latency_histogram& other) {
  shard& mine = shards_[0];
  for (const auto& sh : other.shards_) {
    for (std::size_t i = 0; i < buckets; ++i) {
      if (const auto n = sh.counts[i].load(std::memory_order_relaxed))
        mine.counts[i].fetch_add(n, std::memory_order_relaxed);
    }
    mine.total.fetch_add(sh.total.load(std::memory_order_relaxed), std::memory_order_relaxed);
    mine.max_ns.store(std::max(mine.max_ns.load(std::memory_order_relaxed),
                               sh.max_ns.load(std::memory_order_relaxed)),
                      std::memory_order_relaxed);
  }
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
  shard& sh = shards_[my_shard()];
  sh.counts[bucket_of(ns / 1000)].fetch_add(1, std::memory_order_relaxed);
  sh.total.fetch_add(1, std::memory_order_relaxed);
  std::int64_t seen = sh.max_ns.load(std::memory_order_relaxed);
  while (ns > seen && !sh.max_ns.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
  }
}

std::uint64_t latency_histogram::count() const {
  std::uint64_t n = 0;
  for (const auto& sh : shards_) n += sh.total.load(std::memory_order_relaxed);
  return n;
}

std::int64_t latency_histogram::percentile_us(double fraction) const {
  const std::uint64_t total = count();
  if (total == 0) return 0;
  auto rank = static_cast<std::uint64_t>(fraction * static_cast<double>(total));
  rank = std::clamp<std::uint64_t>(rank, 1, total);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    for (const auto& sh : shards_) seen += sh.counts[b].load(std::memory_order_relaxed);
    if (seen >= rank) return std::min(upper_us(b), max_us());
  }
  return max_us();
}

std::int64_t latency_histogram::max_us() const {
  std::int64_t m = 0;
  for (const auto& sh : shards_) m = std::max(m, sh.max_ns.load(std::memory_order_relaxed));
  return m / 1000;
}

}  // namespace a4p::load
