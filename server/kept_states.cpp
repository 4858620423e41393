#include "server/kept_states.hpp"

#include <utility>

#include <spdlog/spdlog.h>

#include "protocol/snapshot.hpp"
#include "server/log_state.hpp"

namespace a4p::server {

kept_states::kept_states(std::uint64_t every, std::size_t max_bytes)
    : max_bytes_(max_bytes), every_(every == 0 ? 1 : every) {}

std::shared_ptr<const protocol::state> kept_states::at_or_before(std::uint64_t seq) const {
  std::lock_guard lock(mu_);
  std::shared_ptr<const protocol::state> best;
  for (const auto& e : kept_) {  // a few hundred at most, by seq
    if (e.state->seq() > seq) break;
    best = e.state;
  }
  return best;
}

storage::result<protocol::state> kept_states::state_at(const storage::event_log& log,
                                                       std::uint64_t seq) const {
  auto base = at_or_before(seq);
  if (!base) return load_state(log, seq);
  protocol::state s = *base;  // a pointer per chunk of rows; the texts are shared
  if (auto replayed = protocol::replay_to(s, seq, scan_fn(log)); !replayed)
    return std::unexpected(to_storage_error(replayed.error()));
  return s;
}

namespace {
// What `s` adds to memory beyond `before`, the state kept before it in the chain (nullptr: it
// is the first, and holds its texts and tables alone). The chain's arenas are copies of one
// another, so the texts of `s` beyond `before` are what its arena grew by.
std::size_t bytes_beyond(const protocol::state& s, const protocol::state* before) {
  if (!before) return s.arena().bytes() + s.table_bytes();
  return s.table_bytes_beyond(*before) + (s.arena().bytes() - before->arena().bytes());
}
}  // namespace

storage::result<bool> kept_states::step(const storage::event_log& log, std::uint64_t head) {
  std::lock_guard stepping(step_mu_);
  std::shared_ptr<const protocol::state> last;
  std::uint64_t next = 0;
  {
    std::lock_guard lock(mu_);
    if (off_ || max_bytes_ == 0) return false;
    if (!kept_.empty()) last = kept_.back().state;
    next = (last ? last->seq() : 0) + every_;
  }
  if (next > head) return false;
  // One state is replayed along the log, and a copy of it kept at each point: the copies never
  // write, so the working state grows its arrays in place (arena.hpp) and shares with them
  // every chunk of rows it has not written since.
  if (!work_ || work_->seq() > next || (last && work_->seq() < last->seq())) {
    if (last) {
      work_ = *last;
    } else {
      auto loaded = load_state(log, next);
      if (!loaded) return std::unexpected(loaded.error());
      work_ = std::move(*loaded);
    }
  }
  if (auto replayed = protocol::replay_to(*work_, next, scan_fn(log)); !replayed) {
    work_.reset();
    return std::unexpected(to_storage_error(replayed.error()));
  }
  auto kept = std::make_shared<const protocol::state>(*work_);
  const std::size_t bytes = bytes_beyond(*kept, last.get());
  std::lock_guard lock(mu_);
  kept_.push_back({std::move(kept), bytes});
  bytes_ += bytes;
  fit();
  if (off_) work_.reset();
  return !off_;
}

void kept_states::fit() {
  while (bytes_ > max_bytes_ && !off_) {
    if (kept_.size() <= 1) {
      spdlog::warn(
          "kept past states: one state with the log's texts needs {} bytes, over "
          "--kept-state-bytes {}; none kept, ?at reads start from snapshots",
          bytes_, max_bytes_);
      kept_.clear();
      bytes_ = 0;
      off_ = true;
      return;
    }
    // Every other state goes; the interval doubles.
    every_ *= 2;
    std::vector<entry> thinned;
    for (auto& e : kept_)
      if (e.state->seq() % every_ == 0) thinned.push_back(std::move(e));
    kept_ = std::move(thinned);
    bytes_ = 0;
    for (std::size_t i = 0; i < kept_.size(); ++i) {
      kept_[i].bytes = bytes_beyond(*kept_[i].state, i ? kept_[i - 1].state.get() : nullptr);
      bytes_ += kept_[i].bytes;
    }
    spdlog::info("kept past states: every {} events now ({} states, {} bytes)", every_,
                 kept_.size(), bytes_);
  }
}

void kept_states::build(const storage::event_log& log, const post_fn& post,
                        const std::atomic<bool>& stop) {
  if (building_.exchange(true)) return;
  continue_build(log, post, stop);
}

void kept_states::continue_build(const storage::event_log& log, const post_fn& post,
                                 const std::atomic<bool>& stop) {
  post([this, &log, post, &stop] {
    bool more = false;
    if (!stop) {
      auto stepped = step(log, log.head());
      if (!stepped)
        spdlog::warn("kept past states: a step failed: {}", stepped.error().message);
      else
        more = *stepped;
    }
    if (more && !stop)
      continue_build(log, post, stop);
    else
      building_ = false;
  });
}

kept_states::counts kept_states::stats() const {
  std::lock_guard lock(mu_);
  return {kept_.size(), bytes_, every_, kept_.empty() ? 0 : kept_.back().state->seq(), off_};
}

}  // namespace a4p::server
