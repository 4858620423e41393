// chunked_rows<T>: the rows of one table (table.hpp) in chunks of 16 that copies of the table
// share until one of them writes (issue 13, docs/decisions/0331-kept-past-states.md).
//
// A state copy used to copy every row (53 MB, 10-30 ms at 1,000,000 events). Now it copies a
// pointer per chunk; a chunk is copied the first time a copy writes into it (mut(), push_back()
// on a shared last chunk). So a chain of states kept at intervals of the log holds, per state,
// only the chunks the events of its interval touched, and a published version (decision 0308)
// or a past state to replay on costs microseconds to copy.
//
// Thread safety: as for the state. A const chunked_rows may be read from many threads; a
// writer needs its object for itself, and writes only into chunks no other object holds
// (sole_owner() below: a copy that dropped the chunk on another thread finished its reads
// before), so copies on other threads never see a write.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define A4P_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define A4P_TSAN 1
#endif
#endif

namespace a4p::protocol {

// Whether `p` is the only owner of its object, with acquire ordering: when true, every owner
// that dropped it on another thread finished its reads before (its release of the count
// happens before), so the object may be written in place. Shared by chunked_rows and the
// thread index (threads.cpp).
template <class T>
[[nodiscard]] bool sole_owner(const std::shared_ptr<T>& p) noexcept {
  if (p.use_count() != 1) return false;  // a relaxed load of the count
#ifdef A4P_TSAN
  // ThreadSanitizer does not model fences: it reported a writer's row written in place as
  // racing with another thread's copy of that chunk (public site and publisher, both applying
  // round.opened at start). It sees read-modify-writes of the count, which libstdc++ makes
  // acq_rel: a copy taken and dropped here acquires what every earlier release gave.
  { std::shared_ptr<T> probe = p; }
#else
  std::atomic_thread_fence(std::memory_order_acquire);
#endif
  return true;
}

template <class T>
class chunked_rows {
 public:
  // 16 rows: a comment touched in a chunk that a kept state shares costs 2.8 KB, not 22 KB as
  // with 128 (measured at 1,000,000 events: decision 0331).
  static constexpr std::size_t shift = 4;
  static constexpr std::size_t chunk_rows = std::size_t{1} << shift;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept {
    return (*chunks_[i >> shift])[i & (chunk_rows - 1)];
  }
  [[nodiscard]] const T& back() const noexcept { return (*this)[size_ - 1]; }
  // Row i for writing: its chunk is first copied if another object shares it.
  [[nodiscard]] T& mut(std::size_t i) { return (*own(i >> shift))[i & (chunk_rows - 1)]; }

  void reserve(std::size_t n) { chunks_.reserve((n + chunk_rows - 1) >> shift); }
  T& push_back(T x) {
    if ((size_ & (chunk_rows - 1)) == 0) {
      auto c = std::make_shared<std::vector<T>>();
      c->reserve(chunk_rows);  // never reallocated: rows keep their address in their chunk
      chunks_.push_back(std::move(c));
    }
    auto& c = *own(size_ >> shift);
    c.push_back(std::move(x));
    ++size_;
    return c.back();
  }

  class const_iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    const_iterator() = default;
    const_iterator(const chunked_rows* r, std::size_t i) : r_(r), i_(i) {}
    const T& operator*() const { return (*r_)[i_]; }
    const T* operator->() const { return &(*r_)[i_]; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++i_;
      return old;
    }
    [[nodiscard]] std::size_t index() const { return i_; }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }

   private:
    const chunked_rows* r_ = nullptr;
    std::size_t i_ = 0;
  };
  [[nodiscard]] const_iterator begin() const { return {this, 0}; }
  [[nodiscard]] const_iterator end() const { return {this, size_}; }

  // Bytes held by the chunks (each counted whole), and the chunk pointers.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return chunks_.size() * (chunk_rows * sizeof(T) + sizeof(chunks_[0]));
  }
  // Bytes of the chunks `older` does not share with this object (at the same place), plus the
  // chunk pointers: what this object adds to memory when `older` is kept too.
  [[nodiscard]] std::size_t bytes_beyond(const chunked_rows& older) const noexcept {
    std::size_t n = chunks_.size() * sizeof(chunks_[0]);
    for (std::size_t k = 0; k < chunks_.size(); ++k)
      if (k >= older.chunks_.size() || chunks_[k] != older.chunks_[k]) n += chunk_rows * sizeof(T);
    return n;
  }

 private:
  // Chunk k, copied first if another object holds it too.
  std::vector<T>* own(std::size_t k) {
    auto& c = chunks_[k];
    if (sole_owner(c)) return c.get();
    auto copy = std::make_shared<std::vector<T>>();
    copy->reserve(chunk_rows);
    copy->assign(c->begin(), c->end());
    c = std::move(copy);
    return c.get();
  }

  std::vector<std::shared_ptr<std::vector<T>>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace a4p::protocol
