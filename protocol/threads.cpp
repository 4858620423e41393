#include "protocol/threads.hpp"

#include "protocol/chunked_rows.hpp"
#include "protocol/state.hpp"

namespace a4p::protocol {

const thread_rows* thread_index::find(std::string_view target) const {
  if (!at_) return nullptr;
  auto it = at_->find(target);
  return it == at_->end() ? nullptr : threads_[it->second].get();
}

thread_rows& thread_index::own(std::shared_ptr<thread_rows>& t) {
  if (sole_owner(t)) return *t;
  t = std::make_shared<thread_rows>(*t);
  return *t;
}

void thread_index::posted(std::string_view target, std::uint32_t row, bool hidden) {
  std::uint32_t i = 0;
  if (auto it = at_ ? at_->find(target) : positions::iterator(); at_ && it != at_->end()) {
    i = it->second;
  } else {
    // A new target: the positions are copied first if another copy of the index holds them.
    if (!at_) {
      at_ = std::make_shared<positions>();
    } else if (!sole_owner(at_)) {
      at_ = std::make_shared<positions>(*at_);
    }
    i = static_cast<std::uint32_t>(threads_.size());
    at_->emplace(std::string(target), i);
    threads_.push_back(std::make_shared<thread_rows>());
  }
  thread_rows& t = own(threads_[i]);
  t.rows.push_back(row);
  if (!hidden) ++t.visible;
}

void thread_index::hidden_changed(std::string_view target, bool hidden) {
  if (!at_) return;
  auto it = at_->find(target);
  if (it == at_->end()) return;
  thread_rows& t = own(threads_[it->second]);
  if (hidden && t.visible > 0) --t.visible;
  if (!hidden) ++t.visible;
}

void thread_index::rebuild(const table<comment, 1>& comments) {
  at_.reset();
  threads_.clear();
  const auto& rows = comments.rows();
  for (std::size_t i = 0; i < rows.size(); ++i)
    posted(rows[i].target, static_cast<std::uint32_t>(i), rows[i].hidden);
}

namespace {
// A map entry: its node, the key's bytes; a thread: its rows and its pointer.
constexpr std::size_t entry_bytes = 64;
std::size_t rows_bytes(const thread_rows& t) {
  return sizeof(thread_rows) + 16 + t.rows.capacity() * sizeof(std::uint32_t);
}
template <class Positions>
std::size_t positions_bytes(const Positions* at) {
  if (!at) return 0;
  std::size_t n = at->bucket_count() * sizeof(void*);
  for (const auto& [target, i] : *at) n += entry_bytes + target.size();
  return n;
}
}  // namespace

std::size_t thread_index::bytes() const {
  std::size_t n = positions_bytes(at_.get()) + threads_.capacity() * sizeof(threads_[0]);
  for (const auto& t : threads_) n += rows_bytes(*t);
  return n;
}

std::size_t thread_index::bytes_beyond(const thread_index& older) const {
  std::size_t n = threads_.capacity() * sizeof(threads_[0]);
  if (at_ != older.at_) n += positions_bytes(at_.get());
  for (std::size_t i = 0; i < threads_.size(); ++i)
    if (i >= older.threads_.size() || threads_[i] != older.threads_[i])
      n += rows_bytes(*threads_[i]);
  return n;
}

}  // namespace a4p::protocol
