#include "server/admin/ctl_progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace a4p::server {

ctl_progress::ctl_progress(std::string what, std::ostream& out, bool tty)
    : what_(std::move(what)), out_(out), tty_(tty) {}

ctl_progress ctl_progress::for_stderr(std::string what) {
  return ctl_progress(std::move(what), std::cerr, ::isatty(STDERR_FILENO) == 1);
}

void ctl_progress::update(std::uint64_t done, std::uint64_t total) {
  draw(done, total, false);
}

void ctl_progress::finish(std::uint64_t done, std::uint64_t total) {
  draw(done, total, true);
}

void ctl_progress::stage(const std::string& text) {
  if (tty_) {
    out_ << "\r\033[K" << what_ << ": " << text << std::flush;
  } else {
    out_ << what_ << ": " << text << "\n" << std::flush;
  }
}

void ctl_progress::draw(std::uint64_t done, std::uint64_t total, bool last) {
  const int pct = total == 0 ? (last ? 100 : 0)
                             : static_cast<int>(std::min<std::uint64_t>(done, total) * 100 / total);
  const std::string count = std::to_string(done) + (total ? "/" + std::to_string(total) : "") +
                            " (" + std::to_string(pct) + "%)";
  if (!tty_) {
    // Plain lines: one per tenth reached below 100%, and the last one.
    if (!last && (pct / 10 <= last_tenth_ || pct == 100)) return;
    last_tenth_ = pct / 10;
    out_ << what_ << ": " << count << (last ? " done" : "") << "\n" << std::flush;
    return;
  }
  // A bar, redrawn at most ten times a second.
  const auto now = std::chrono::steady_clock::now();
  if (!last && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int width = 30;
  const int filled = pct * width / 100;
  out_ << "\r\033[K" << what_ << " [" << std::string(filled, '#')
       << std::string(width - filled, '.') << "] " << count;
  if (last) out_ << "\n";
  out_ << std::flush;
}

}  // namespace a4p::server
