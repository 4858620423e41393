#include "protocol/arena.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <ostream>

#include <nlohmann/json.hpp>

namespace a4p::protocol {

namespace {
// Chunks grow with the arena (half of what it holds), between these bounds; a request over a
// quarter of the chunk size gets a block of its own.
constexpr std::size_t min_chunk = std::size_t{16} << 10;
constexpr std::size_t max_chunk = std::size_t{8} << 20;
}  // namespace

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
  auto block = std::make_shared_for_overwrite<char[]>(n);
  char* p = block.get();
  keep_.emplace_back(std::move(block));
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
