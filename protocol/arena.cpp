#include "protocol/arena.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <ostream>
#include <unordered_map>

#include <sys/mman.h>

#include <nlohmann/json.hpp>

namespace a4p::protocol {

namespace {
// Chunks grow with the arena (half of what it holds), between these bounds; a request over a
// quarter of the chunk size gets a block of its own.
constexpr std::size_t min_chunk = std::size_t{16} << 10;
constexpr std::size_t max_chunk = std::size_t{8} << 20;  // four huge pages
}  // namespace

namespace detail {

namespace {
constexpr std::size_t large_block = std::size_t{1} << 20;
constexpr std::size_t huge_page = std::size_t{2} << 20;

// Freed large blocks kept for reuse. A reused block has its pages already: filling it costs
// no page faults, which on this kind of VM cost more than the work itself (a state of a
// 1,000,000-event log is ~300 MB). A request takes the smallest free block that holds it, if
// that block is at most four times the request; live blocks remember their real size. Over
// the limit, the blocks freed longest ago are given back first.
struct block_pool {
  struct free_block {
    void* p;
    std::uint64_t stamp;  // its key in `age`
  };
  using free_map = std::multimap<std::size_t, free_block>;  // real size -> block

  std::mutex mu;
  free_map free;
  std::map<std::uint64_t, free_map::iterator> age;  // oldest freed first
  std::uint64_t next_stamp = 0;
  std::unordered_map<void*, std::size_t> sizes;  // live block -> real size
  std::size_t held = 0;                          // bytes in `free`

  // Takes `it` out of the free blocks; returns its block.
  void* take(free_map::iterator it) {
    void* q = it->second.p;
    held -= it->first;
    age.erase(it->second.stamp);
    free.erase(it);
    return q;
  }
  // Takes the least recently freed block out; returns it (to std::free outside the lock).
  void* evict_oldest() { return take(age.begin()->second); }
  void put(void* q, std::size_t size) {
    auto it = free.emplace(size, free_block{q, next_stamp});
    try {
      age.emplace(next_stamp++, it);
    } catch (...) {
      free.erase(it);
      throw;
    }
    held += size;
  }
  std::size_t limit = [] {
    const char* env = std::getenv("A4P_BLOCK_POOL_MB");
    return (env ? std::strtoull(env, nullptr, 10) : 1024ull) * 1024 * 1024;
  }();
};
block_pool& pool() {
  static auto* p = new block_pool();  // never destroyed: blocks may be freed at exit
  return *p;
}
}  // namespace

void set_block_pool_limit(std::size_t bytes) {
  auto& p = pool();
  std::vector<void*> drop;
  {
    std::lock_guard lock(p.mu);
    p.limit = bytes;
    while (p.held > p.limit && !p.free.empty()) drop.push_back(p.evict_oldest());
  }
  for (void* q : drop) std::free(q);
}

std::size_t block_pool_bytes() {
  auto& p = pool();
  std::lock_guard lock(p.mu);
  return p.held;
}

void* allocate_large(std::size_t bytes) {
  if (bytes < large_block) return ::operator new(bytes);
  std::size_t size = (bytes + huge_page - 1) / huge_page * huge_page;
  auto& p = pool();
  std::lock_guard lock(p.mu);
  auto it = p.free.lower_bound(size);
  if (it != p.free.end() && it->first / 4 <= size) {
    std::size_t real = it->first;
    void* q = p.take(it);
    try {
      p.sizes[q] = real;
    } catch (...) {
      std::free(q);
      throw;
    }
    return q;
  }
  void* q = std::aligned_alloc(huge_page, size);
  if (!q) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  (void)madvise(q, size, MADV_HUGEPAGE);  // advice only: without THP, 4 KiB pages
#endif
  try {
    p.sizes[q] = size;
  } catch (...) {
    std::free(q);
    throw;
  }
  return q;
}

void free_large(void* q, std::size_t bytes) noexcept {
  if (!q) return;
  if (bytes < large_block) {
    ::operator delete(q);
    return;
  }
  auto& p = pool();
  std::vector<void*> evicted;
  bool kept = false;
  {
    std::lock_guard lock(p.mu);
    auto live = p.sizes.find(q);
    std::size_t size = live == p.sizes.end() ? 0 : live->second;
    if (live != p.sizes.end()) p.sizes.erase(live);
    if (size != 0 && size <= p.limit) {
      try {
        // Make room by giving back the blocks freed longest ago.
        while (p.held + size > p.limit && !p.free.empty()) evicted.push_back(p.evict_oldest());
        p.put(q, size);
        kept = true;
      } catch (...) {
        // no room to remember it: give it back
      }
    }
  }
  for (void* e : evicted) std::free(e);
  if (!kept) std::free(q);
}

}  // namespace detail

std::ostream& operator<<(std::ostream& os, text t) {
  return os << t.view();
}

void to_json(nlohmann::json& j, text t) {
  j = std::string(t.view());
}

void to_json(nlohmann::json& j, const text_list& l) {
  j = nlohmann::json::array();
  auto& a = j.get_ref<nlohmann::json::array_t&>();
  a.reserve(l.size());
  for (const auto& t : l) a.emplace_back(std::string(t.view()));
}

std::uint64_t arena::new_id() noexcept {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

arena& arena::operator=(const arena& o) {
  if (this != &o) {
    keep_ = o.keep_;
    bytes_ = o.bytes_;
    cur_ = nullptr;
    left_ = 0;
    id_ = new_id();  // o's growing arrays are o's to grow
  }
  return *this;
}

arena::arena(arena&& o) noexcept
    : keep_(std::move(o.keep_)), bytes_(o.bytes_), cur_(o.cur_), left_(o.left_), id_(o.id_) {
  o.keep_.clear();
  o.bytes_ = 0;
  o.cur_ = nullptr;
  o.left_ = 0;
  o.id_ = new_id();
}

arena& arena::operator=(arena&& o) noexcept {
  if (this != &o) {
    keep_ = std::move(o.keep_);
    bytes_ = o.bytes_;
    cur_ = o.cur_;
    left_ = o.left_;
    id_ = o.id_;
    o.keep_.clear();
    o.bytes_ = 0;
    o.cur_ = nullptr;
    o.left_ = 0;
    o.id_ = new_id();
  }
  return *this;
}

char* arena::new_block(std::size_t n) {
  auto* p = static_cast<char*>(detail::allocate_large(n));
  keep_.emplace_back(p, [n](char* q) { detail::free_large(q, n); });
  bytes_ += n;
  return p;
}

void* arena::allocate(std::size_t n, std::size_t align) {
  if (n == 0) return nullptr;
  auto pad = [&] {
    return static_cast<std::size_t>(-reinterpret_cast<std::uintptr_t>(cur_) & (align - 1));
  };
  if (cur_ == nullptr || pad() + n > left_) {
    std::size_t chunk = std::clamp(bytes_ / 2, min_chunk, max_chunk);
    std::size_t want = n + align;
    if (want > chunk / 4) {
      // A block of its own; the current chunk keeps its free room.
      char* p = new_block(want);
      p += static_cast<std::size_t>(-reinterpret_cast<std::uintptr_t>(p) & (align - 1));
      return p;
    }
    cur_ = new_block(chunk);
    left_ = chunk;
  }
  std::size_t skip = pad();
  char* p = cur_ + skip;
  cur_ += skip + n;
  left_ -= skip + n;
  return p;
}

text arena::keep(std::string_view s) {
  if (s.empty()) return {};
  auto* p = static_cast<char*>(allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

text_list arena::with(const text_list& l, std::string_view s) {
  text* out = alloc_array<text>(l.size() + 1);
  std::copy(l.begin(), l.end(), out);
  out[l.size()] = keep(s);
  return make_list(out, l.size() + 1);
}

field_versions arena::with(const field_versions& v, std::string_view field, std::int64_t version) {
  auto at =
      std::lower_bound(v.begin(), v.end(), field,
                       [](const field_version& f, std::string_view k) { return f.field < k; });
  bool present = at != v.end() && at->field == field;
  std::size_t n = v.size() + (present ? 0 : 1);
  auto* out = alloc_array<field_version>(n);
  std::size_t before = static_cast<std::size_t>(at - v.begin());
  std::copy(v.begin(), at, out);
  out[before] = field_version{present ? at->field : keep(field), version};
  std::copy(present ? at + 1 : at, v.end(), out + before + 1);
  return make_versions(out, n);
}

void arena::adopt(std::shared_ptr<const void> bytes, std::size_t size) {
  bytes_ += size;
  keep_.emplace_back(std::move(bytes));
}

}  // namespace a4p::protocol
