#include "protocol/threads.hpp"

#include <atomic>

#include "protocol/state.hpp"

namespace a4p::protocol {

const thread_rows* thread_index::find(std::string_view target) const {
  auto it = by_target_.find(target);
  return it == by_target_.end() ? nullptr : it->second.get();
}

thread_rows& thread_index::own(std::shared_ptr<thread_rows>& t) {
  if (t.use_count() == 1) {
    std::atomic_thread_fence(std::memory_order_acquire);  // see chunked_rows.hpp
    return *t;
  }
  t = std::make_shared<thread_rows>(*t);
  return *t;
}

void thread_index::posted(std::string_view target, std::uint32_t row, bool hidden) {
  auto it = by_target_.find(target);
  if (it == by_target_.end())
    it = by_target_.emplace(std::string(target), std::make_shared<thread_rows>()).first;
  thread_rows& t = own(it->second);
  t.rows.push_back(row);
  if (!hidden) ++t.visible;
}

void thread_index::hidden_changed(std::string_view target, bool hidden) {
  auto it = by_target_.find(target);
  if (it == by_target_.end()) return;
  thread_rows& t = own(it->second);
  if (hidden && t.visible > 0) --t.visible;
  if (!hidden) ++t.visible;
}

void thread_index::rebuild(const table<comment, 1>& comments) {
  by_target_.clear();
  const auto& rows = comments.rows();
  for (std::size_t i = 0; i < rows.size(); ++i)
    posted(rows[i].target, static_cast<std::uint32_t>(i), rows[i].hidden);
}

namespace {
// A map node: the key's string and its bytes, the shared pointer, the bucket.
constexpr std::size_t node_bytes = 96;
std::size_t rows_bytes(const thread_rows& t) {
  return sizeof(thread_rows) + t.rows.capacity() * sizeof(std::uint32_t);
}
}  // namespace

std::size_t thread_index::bytes() const {
  std::size_t n = 0;
  for (const auto& [target, t] : by_target_) n += node_bytes + target.size() + rows_bytes(*t);
  return n;
}

std::size_t thread_index::bytes_beyond(const thread_index& older) const {
  std::size_t n = 0;
  for (const auto& [target, t] : by_target_) {
    n += node_bytes + target.size();
    auto o = older.by_target_.find(target);
    if (o == older.by_target_.end() || o->second != t) n += rows_bytes(*t);
  }
  return n;
}

}  // namespace a4p::protocol
