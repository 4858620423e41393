// The per-target comment index of a state (issue 18, rooms and the light snapshot): for each
// target ("discussion:D1", "pledge:P3", "action:A2") the rows of its comments in the comments
// table, in post order, and how many of them are not hidden. A page of a thread, its count and
// its last activity are then found without walking every comment of the workspace.
//
// Derived data: kept by apply() (comment.posted, .hidden, .restored), rebuilt by deserialize()
// from the comments table, never serialised and not part of state ==. A state whose comments
// are set by hand (tests) calls rebuild(). Rows are positions in the table, so a copy of the
// state shares the meaning of its index. A copy of the index shares each thread's rows until
// one of them posts there (as chunked_rows.hpp does for the tables; decision 0331).
//
// Thread safety: none of its own; a const index may be read from many threads. A writer
// writes only rows no other copy holds.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/table.hpp"

namespace a4p::protocol {

struct comment;

struct thread_rows {
  std::vector<std::uint32_t> rows;  // rows of the comments table, in post order
  std::uint32_t visible = 0;        // of them, not hidden
};

class thread_index {
 public:
  // The thread of `target`, or nullptr when nothing was ever posted on it.
  [[nodiscard]] const thread_rows* find(std::string_view target) const;
  // A comment posted on `target`, now at `row` of the comments table.
  void posted(std::string_view target, std::uint32_t row, bool hidden);
  // A comment of `target` was hidden (true) or restored (false).
  void hidden_changed(std::string_view target, bool hidden);
  void rebuild(const table<comment, 1>& comments);
  [[nodiscard]] std::size_t size() const { return threads_.size(); }
  // Bytes held, and those `older` does not share with this index (what keeping both costs
  // beyond `older`); estimates.
  [[nodiscard]] std::size_t bytes() const;
  [[nodiscard]] std::size_t bytes_beyond(const thread_index& older) const;

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using positions = std::unordered_map<std::string, std::uint32_t, hash, std::equal_to<>>;
  // target -> its place in threads_; only grows (a target's first comment), and is shared by
  // copies of the index until one of them adds a target. So a copy costs one vector of
  // pointers, not a map of strings (decision 0331).
  std::shared_ptr<positions> at_;
  // Each thread's rows, shared with copies of the index until written (own()).
  std::vector<std::shared_ptr<thread_rows>> threads_;
  thread_rows& own(std::shared_ptr<thread_rows>& t);
};

}  // namespace a4p::protocol
