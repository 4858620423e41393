// The audit of stored snapshots against the events (a4pctl verify; SECURITY.md section 7):
// someone who can write the data directory can replace a snapshot and recompute its digest, so
// the only proof that a snapshot is the state its events make is to make that state again.
// snapshot_audit replays the events once, from the start, and at each snapshot's seq compares
// serialize() of the replayed state with the snapshot's bytes (serialize is deterministic:
// snapshot.hpp).
//
// Thread safety: one object per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"
#include "protocol/snapshot.hpp"
#include "protocol/state.hpp"

namespace a4p::protocol {

class snapshot_audit {
 public:
  explicit snapshot_audit(scan_events_fn scan) : scan_(std::move(scan)) {}

  // Replays up to `seq` and compares. Empty when `bytes` is exactly the replayed state, else
  // what differs (the first table that does, or that the bytes do not decode). Errors: an
  // event that does not decode, the scan's own. REQUIRES: seq >= the previous call's seq.
  [[nodiscard]] result<std::string> check(std::uint64_t seq, std::string_view bytes);

 private:
  scan_events_fn scan_;
  state s_;
};

}  // namespace a4p::protocol
