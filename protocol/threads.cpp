#include "protocol/threads.hpp"

#include "protocol/state.hpp"

namespace a4p::protocol {

const thread_rows* thread_index::find(std::string_view target) const {
  auto it = by_target_.find(target);
  return it == by_target_.end() ? nullptr : &it->second;
}

void thread_index::posted(std::string_view target, std::uint32_t row, bool hidden) {
  auto it = by_target_.find(target);
  if (it == by_target_.end()) it = by_target_.emplace(std::string(target), thread_rows{}).first;
  it->second.rows.push_back(row);
  if (!hidden) ++it->second.visible;
}

void thread_index::hidden_changed(std::string_view target, bool hidden) {
  auto it = by_target_.find(target);
  if (it == by_target_.end()) return;
  if (hidden && it->second.visible > 0) --it->second.visible;
  if (!hidden) ++it->second.visible;
}

void thread_index::rebuild(const table<comment, 1>& comments) {
  by_target_.clear();
  const auto& rows = comments.rows();
  for (std::size_t i = 0; i < rows.size(); ++i)
    posted(rows[i].target, static_cast<std::uint32_t>(i), rows[i].hidden);
}

}  // namespace a4p::protocol
