// Snapshots of the workspace state, and state_at(seq) = nearest snapshot + replay.
//
// serialize() writes a compact, versioned binary form (magic "A4PS", format 1; see README
// "Snapshots"), deterministic: a state gives the same bytes whether it was replayed from
// empty or from a snapshot, so tests compare serialize() outputs. deserialize() checks every
// length and never throws.
//
// state_at() takes callbacks so that this module stays free of storage:
//  - load_nearest(at): the latest snapshot with seq <= at, as a loaded_snapshot (its stored
//    bytes in place, and what keeps them valid), or nullopt. state_at copies the bytes once
//    and deserialises them;
//  - scan(after, up_to, sink): calls sink(stored event bytes) for each event in
//    (after, up_to] in order, stopping when sink returns false.
// Both are called on the calling thread: state_at starts no thread.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "protocol/result.hpp"
#include "protocol/state.hpp"

namespace a4p::protocol {

[[nodiscard]] std::string serialize(const state& s);
// The format version of snapshot bytes (5 now), or 0 when they are not a snapshot.
[[nodiscard]] std::uint32_t snapshot_format(std::string_view bytes);
// Snapshots of formats before 5 lack the comments' posted seqs: state_at does not use them
// (it replays from the events instead), and snapshot_audit compares them without those seqs.
inline constexpr std::uint32_t oldest_complete_snapshot_format = 5;
// Snapshot bytes as a loaded state keeps them (its texts point into them).
class snapshot_bytes {
 public:
  explicit snapshot_bytes(std::size_t size);  // uninitialised
  [[nodiscard]] char* data() noexcept { return p_.get(); }
  [[nodiscard]] const char* data() const noexcept { return p_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] std::string_view view() const noexcept { return {p_.get(), n_}; }

 private:
  std::unique_ptr<char[]> p_;
  std::size_t n_;
};
[[nodiscard]] std::shared_ptr<const snapshot_bytes> copy_snapshot_bytes(std::string_view bytes);

// The state keeps `bytes` and its texts point into them: the strings are not copied. The
// string_view form copies the bytes first (copy_snapshot_bytes).
[[nodiscard]] result<state> deserialize(std::shared_ptr<const snapshot_bytes> bytes);
[[nodiscard]] result<state> deserialize(std::string_view bytes);

// A snapshot as storage holds it: `stored` stays valid while `keep` lives (a storage
// iterator, say; null when the caller keeps the bytes alive past state_at itself).
struct loaded_snapshot {
  std::uint64_t seq = 0;
  std::string_view stored;
  std::shared_ptr<const void> keep;
};
using load_nearest_snapshot_fn =
    std::function<result<std::optional<loaded_snapshot>>(std::uint64_t at)>;
using scan_events_fn = std::function<result<void>(
    std::uint64_t after, std::uint64_t up_to, const std::function<bool(std::string_view)>& sink)>;

// The state just after event `seq`. Errors: a snapshot or event that does not decode
// (code "corruption"), or the callbacks' own errors.
[[nodiscard]] result<state> state_at(std::uint64_t seq,
                                     const load_nearest_snapshot_fn& load_nearest,
                                     const scan_events_fn& scan);

// Folds the events after s.seq() up to `seq` into `s` (a state kept at an earlier point and
// copied: decision 0331). Errors as state_at's; `s` is then part-way and must be dropped.
[[nodiscard]] result<void> replay_to(state& s, std::uint64_t seq, const scan_events_fn& scan);

}  // namespace a4p::protocol
