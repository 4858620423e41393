// The seam between the event log (storage/) and the rules (protocol/): the one place that
//  - turns a decision's drafts into events to append (new_events);
//  - turns an appended or read storage::event into a domain event (to_protocol_event);
//  - appends the genesis events of a new log (append_genesis);
//  - feeds the log's stored bytes to the domain's readers (scan_fn), and rebuilds the state at
//    a seq from the nearest snapshot plus the events after it (load_state).
// a4pd (server_app, the sequencer, the audit and REST readers) and the administration tools
// (ctl_workspace, a4pctl) all go through it. The stored bytes are decoded by one function,
// protocol::decode_stored; storage's own reader (storage::event::from_json) serves the log's
// chain checks and never reaches the domain (docs/decisions/0005).
//
// Thread safety: free functions; each uses only the log's thread-safe methods.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/snapshot.hpp"
#include "protocol/state.hpp"
#include "protocol/workspace.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

// The drafts as events by `p` (data as canonical JSON), ready for event_log::append.
[[nodiscard]] std::vector<storage::new_event> new_events(
    const protocol::principal& p, const std::vector<protocol::draft>& drafts);

// storage::event -> protocol::event with `data` already parsed (the sequencer keeps each
// draft's data, so it does not parse the canonical JSON it has just written).
[[nodiscard]] protocol::event to_protocol_event(const storage::event& e, nlohmann::json data);
// The same, parsing e.data. invalid_argument if data is not JSON.
[[nodiscard]] storage::result<protocol::event> to_protocol_event(const storage::event& e);

// Appends protocol::genesis() as the system principal (synced) and returns the stored
// events. REQUIRES: the log is empty.
[[nodiscard]] storage::result<std::vector<storage::event>> append_genesis(storage::event_log& log);

// The log's stored events, as protocol::state_at and protocol::snapshot_audit read them.
[[nodiscard]] protocol::scan_events_fn scan_fn(const storage::event_log& log);

// The state just after event `at` of `log` (snapshot + replay). A snapshot that fails its
// envelope check is skipped by the log (options::on_snapshot_rejected); one that passes it but
// does not decode is dropped here too, and the state replayed from the events alone.
[[nodiscard]] storage::result<protocol::state> load_state(const storage::event_log& log,
                                                          std::uint64_t at);

// A domain error as a storage error ("corruption" stays corruption, the rest invalid_argument).
[[nodiscard]] storage::error to_storage_error(const protocol::error& e);

}  // namespace a4p::server
