#include "protocol/arena.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <deque>
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

// Freed large blocks are kept for reuse as 2 MiB pages that have been written before. On this
// kind of VM the first touch of a page costs more than the work that fills it (a state of a
// 1,000,000-event log is ~300 MB), so pages are worth keeping; but the sizes asked for vary
// with every snapshot, so a block is not kept whole: its pages are. A new block is a fresh
// 2 MiB-aligned mapping into which mremap() moves as many kept pages as it needs, at the cost
// of a page-table move each, not a page of writes; only the rest of it is fresh memory. Over
// the limit, the pages freed longest ago are unmapped first.
struct block_pool {
  std::mutex mu;
  std::deque<char*> free;                        // kept pages, oldest freed at the front
  std::unordered_map<void*, std::size_t> sizes;  // live block -> mapped bytes
  std::size_t limit = [] {
    const char* env = std::getenv("A4P_BLOCK_POOL_MB");
    return (env ? std::strtoull(env, nullptr, 10) : 1024ull) * 1024 * 1024;
  }();
  std::size_t held() const { return free.size() * huge_page; }
  // Takes the pages over the limit out, to unmap outside the lock.
  void trim(std::vector<char*>& drop) {
    while (held() > limit) {
      drop.push_back(free.front());
      free.pop_front();
    }
  }
};
block_pool& pool() {
  static auto* p = new block_pool();  // never destroyed: blocks may be freed at exit
  return *p;
}

void unmap_pages(const std::vector<char*>& pages) noexcept {
  for (char* q : pages) (void)munmap(q, huge_page);
}

// A fresh mapping of `size` bytes (a multiple of huge_page), huge_page aligned.
char* map_aligned(std::size_t size) {
  void* raw = mmap(nullptr, size + huge_page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto* base = static_cast<char*>(raw);
  std::size_t lead =
      static_cast<std::size_t>(-reinterpret_cast<std::uintptr_t>(base) & (huge_page - 1));
  if (lead != 0) (void)munmap(base, lead);
  if (huge_page - lead != 0) (void)munmap(base + lead + size, huge_page - lead);
  char* p = base + lead;
#ifdef MADV_HUGEPAGE
  (void)madvise(p, size, MADV_HUGEPAGE);  // advice only: without THP, 4 KiB pages
#endif
  return p;
}
}  // namespace

void set_block_pool_limit(std::size_t bytes) {
  auto& p = pool();
  std::vector<char*> drop;
  {
    std::lock_guard lock(p.mu);
    p.limit = bytes;
    p.trim(drop);
  }
  unmap_pages(drop);
}

std::size_t block_pool_bytes() {
  auto& p = pool();
  std::lock_guard lock(p.mu);
  return p.held();
}

void* allocate_large(std::size_t bytes) {
  if (bytes < large_block) return ::operator new(bytes);
  std::size_t size = (bytes + huge_page - 1) / huge_page * huge_page;
  char* q = map_aligned(size);
  auto& p = pool();
  std::vector<char*> reuse;
  {
    std::lock_guard lock(p.mu);
    try {
      p.sizes[q] = size;
    } catch (...) {
      (void)munmap(q, size);
      throw;
    }
    std::size_t n = std::min(size / huge_page, p.free.size());
    reuse.assign(p.free.end() - static_cast<std::ptrdiff_t>(n), p.free.end());  // most recent
    p.free.erase(p.free.end() - static_cast<std::ptrdiff_t>(n), p.free.end());
  }
  // Each kept page replaces a fresh one of the new mapping; should a move fail, the page is
  // given back and the fresh one stays.
  for (std::size_t i = 0; i < reuse.size(); ++i) {
    void* to = q + i * huge_page;
    if (mremap(reuse[i], huge_page, huge_page, MREMAP_MAYMOVE | MREMAP_FIXED, to) != to)
      (void)munmap(reuse[i], huge_page);
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
  std::vector<char*> drop;
  std::size_t size = 0;
  {
    std::lock_guard lock(p.mu);
    auto live = p.sizes.find(q);
    if (live == p.sizes.end()) return;  // not ours: nothing to do safely
    size = live->second;
    p.sizes.erase(live);
    if (size <= p.limit) {
      try {
        for (std::size_t at = 0; at < size; at += huge_page)
          p.free.push_back(static_cast<char*>(q) + at);
        p.trim(drop);
        size = 0;  // kept
      } catch (...) {
        // no room to remember the pages: give them all back (those kept so far included)
        std::erase_if(p.free, [&](char* page) {
          return page >= static_cast<char*>(q) && page < static_cast<char*>(q) + size;
        });
      }
    }
  }
  unmap_pages(drop);
  if (size != 0) (void)munmap(q, size);
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
