// States kept at every K events of the log, for `?at` reads at random points (issue 13;
// docs/decisions/0331-kept-past-states.md).
//
// A past state built from its snapshot costs the snapshot's read and decode: 100-900 ms at
// 1,000,000 events (snapshots of up to 134 MB). Here a chain of states is kept instead, one at
// every multiple of `every` (--kept-state-every): one state is replayed along the log and a copy
// of it kept at each point, so all of them share every text of the log (one arena, decision
// 0203) and every chunk of rows an interval did not touch (chunked_rows.hpp). A
// read at N copies the kept state at or before N (a pointer per chunk) and replays at most
// `every` - 1 events (~4 us each).
//
// Built in the background, one interval per task on the readers' requests lane (so requests
// queue between steps), after start and whenever a read finds the chain behind the head by an
// interval or more. Until a point is covered, its reads take the old path (load_state).
//
// Memory (--kept-state-bytes): the texts of the chain (the last state's arena, shared by all)
// plus, per state, the chunks and index entries it does not share with the state before it
// (protocol::state::table_bytes_beyond). Over the budget, every other state is dropped and
// `every` doubles; if one state with its texts does not fit, nothing is kept and reads take
// the old path. 0: nothing is kept.
//
// What is kept is the STATE, never a view (decision 0202): each reader's view is judged by the
// state as it is now.
//
// Thread safety: every method may be called from any thread (one mutex; a step replays
// outside it, and at most one build runs at a time).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "protocol/state.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

class kept_states {
 public:
  kept_states(std::uint64_t every, std::size_t max_bytes);

  // The state just after event `seq`: the kept state at or before it, copied, plus a replay;
  // without one, load_state (the nearest snapshot plus a replay).
  [[nodiscard]] storage::result<protocol::state> state_at(const storage::event_log& log,
                                                          std::uint64_t seq) const;
  // The kept state with the greatest seq <= `seq`, or nullptr.
  [[nodiscard]] std::shared_ptr<const protocol::state> at_or_before(std::uint64_t seq) const;

  // Keeps the next state of the chain if it is at or before `head`. True: one was kept (call
  // again); false: caught up, full or off. Called by build(); exposed for tests. Steps run one
  // at a time (step_mu_).
  [[nodiscard]] storage::result<bool> step(const storage::event_log& log, std::uint64_t head);

  using post_fn = std::function<void(std::function<void()>)>;
  // Runs step() until caught up with the log's head, one step per task given to `post`, unless
  // a build runs already or `stop` is set. `log`, `stop` and this object must outlive it.
  void build(const storage::event_log& log, const post_fn& post, const std::atomic<bool>& stop);

  struct counts {
    std::size_t states = 0, bytes = 0;
    std::uint64_t every = 0, last = 0;  // the interval now, the newest kept seq
    bool off = false;                   // given up: one state does not fit the budget
  };
  [[nodiscard]] counts stats() const;
  // True while a build runs (its next step is queued or running).
  [[nodiscard]] bool building() const { return building_; }

 private:
  struct entry {
    std::shared_ptr<const protocol::state> state;
    std::size_t bytes;  // beyond the entry before it (the first: its tables)
  };
  void fit();  // REQUIRES: mu_ held
  void continue_build(const storage::event_log& log, const post_fn& post,
                      const std::atomic<bool>& stop);

  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::vector<entry> kept_;  // GUARDED_BY(mu_), by seq
  std::uint64_t every_;      // GUARDED_BY(mu_)
  std::size_t bytes_ = 0;    // GUARDED_BY(mu_)
  bool off_ = false;         // GUARDED_BY(mu_)
  std::atomic<bool> building_{false};
  std::mutex step_mu_;                   // held for a whole step
  std::optional<protocol::state> work_;  // GUARDED_BY(step_mu_): the chain's tip, replayed on
};

}  // namespace a4p::server
