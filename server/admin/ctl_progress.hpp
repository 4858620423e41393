// Progress of a long a4pctl operation (export, verify, backup, restore), on standard error:
// on a terminal a bar redrawn in place; otherwise (a file, a pipe, a CI log) a plain line
// "verify: 40960/100000 (40%)" whenever another tenth is done, and one at the end.
//
// Thread safety: none; one object per operation, on one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace a4p::server {

class ctl_progress {
 public:
  // `tty`: draw a bar (else plain lines). for_stderr() decides with isatty(2).
  ctl_progress(std::string what, std::ostream& out, bool tty);
  [[nodiscard]] static ctl_progress for_stderr(std::string what);

  // `done` of `total` units (events); total 0: unknown, only the count is shown.
  void update(std::uint64_t done, std::uint64_t total);
  // A stage without a count ("checkpoint", "verifying the copy").
  void stage(const std::string& text);
  // The last line: the bar completed (or the final plain line).
  void finish(std::uint64_t done, std::uint64_t total);

 private:
  void draw(std::uint64_t done, std::uint64_t total, bool last);

  std::string what_;
  std::ostream& out_;
  bool tty_;
  int last_tenth_ = -1;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace a4p::server
