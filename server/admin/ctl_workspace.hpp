// The administration tools' view of one data directory: the event log plus the workspace
// state folded from it, and the one path by which a4pctl and the demo data write: decide a
// command as a principal, append the resulting events (synced), fold them in.
//
// This is a single-writer helper for tools that own the directory (a4pctl on a stopped
// server's data, populate() before a4pd starts serving). a4pd has its own sequencer.
//
// Thread safety: none; use one ctl_workspace from one thread.
#pragma once

#include <functional>

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/state.hpp"
#include "protocol/workspace.hpp"
#include "server/log_state.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

class ctl_workspace {
 public:
  // Folds the whole log of `log` into the state (nearest snapshot + replay).
  // REQUIRES: `log` outlives the ctl_workspace.
  [[nodiscard]] static storage::result<ctl_workspace> load(storage::event_log& log);

  [[nodiscard]] const protocol::state& state() const { return state_; }
  [[nodiscard]] storage::event_log& log() { return *log_; }

  // decide(state, p, {id, name, args}) -> append -> apply. Returns ack.result (for example
  // {"id":"P3"}). A rejection comes back as invalid_argument with "<name>: <code>: <message>".
  [[nodiscard]] storage::result<nlohmann::json> submit(const protocol::principal& p,
                                                       std::string_view name, nlohmann::json args);

  // Appends protocol::genesis() as the system principal if the log is empty.
  [[nodiscard]] storage::status ensure_genesis();

  // The principal of a user in the current state, as submit() wants it.
  [[nodiscard]] storage::result<protocol::principal> principal_of(std::string_view user) const;

 private:
  explicit ctl_workspace(storage::event_log& log) : log_(&log) {}
  [[nodiscard]] storage::status append_drafts(const protocol::principal& p,
                                              const std::vector<protocol::draft>& drafts);
  // Applies the events just appended (or returns the append's error).
  [[nodiscard]] storage::status apply_appended(
      const storage::result<std::vector<storage::event>>& stored);

  storage::event_log* log_;
  protocol::state state_;
  std::uint64_t commands_ = 0;  // for command ids
};

// Every stored snapshot checked against the events (protocol::snapshot_audit: the state is
// replayed once from the start and compared at each snapshot's seq): report(seq, problem) for
// each, with `problem` empty when the snapshot is exactly the state its events make.
[[nodiscard]] storage::status audit_snapshots(
    const storage::event_log& log,
    const std::function<void(std::uint64_t seq, const std::string& problem)>& report);

}  // namespace a4p::server
