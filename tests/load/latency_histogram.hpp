// A lock-free latency histogram for the load generator: 10 microsecond buckets up to 1 s, then
// 1 ms buckets up to 60 s, plus the exact maximum. Many threads record at once (relaxed
// atomics, in per-thread shards so that the io threads do not fight over cache lines at
// hundreds of thousands of samples per second); percentiles are read after the run.
//
// Thread safety: record() from any thread; the readers are meant for after the run (they see a
// consistent enough picture while running, which is all a progress line needs).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace a4p::load {

class latency_histogram {
 public:
  latency_histogram();

  void record(std::int64_t nanoseconds);
  void reset();
  // Adds `other`'s samples to this one (pooling phases of one condition). Not while either records.
  void add(const latency_histogram& other);

  [[nodiscard]] std::uint64_t count() const;
  // The latency (in microseconds) below which `fraction` (0..1) of the samples fall: the upper
  // edge of the bucket holding that rank. 0 when empty.
  [[nodiscard]] std::int64_t percentile_us(double fraction) const;
  [[nodiscard]] std::int64_t max_us() const;

 private:
  static constexpr std::size_t fine_buckets = 100'000;   // 10 us each, up to 1 s
  static constexpr std::size_t coarse_buckets = 59'000;  // 1 ms each, 1 s to 60 s
  static constexpr std::size_t buckets = fine_buckets + coarse_buckets + 1;  // + overflow

  [[nodiscard]] static std::size_t bucket_of(std::int64_t us);
  [[nodiscard]] static std::int64_t upper_us(std::size_t bucket);

  static constexpr std::size_t shards = 4;
  struct alignas(64) shard {
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts;
    std::atomic<std::uint64_t> total{0};
    std::atomic<std::int64_t> max_ns{0};
  };
  [[nodiscard]] static std::size_t my_shard();

  shard shards_[shards];
};

}  // namespace a4p::load
