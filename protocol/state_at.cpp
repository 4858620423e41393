// state_at(): the nearest snapshot plus the replay of the events after it (replay_to).
// Sequential, on the calling thread (decision 0205).
#include <optional>
#include <string_view>

#include "protocol/snapshot.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

result<state> state_at(std::uint64_t seq, const load_nearest_snapshot_fn& load_nearest,
                       const scan_events_fn& scan) {
  std::optional<loaded_snapshot> snap;
  if (load_nearest) {
    auto got = load_nearest(seq);
    if (!got) return std::unexpected(got.error());
    snap = std::move(*got);
    // An older format lacks the comments' posted seqs (snapshot.hpp): the events make them.
    if (snap && snapshot_format(snap->stored) < oldest_complete_snapshot_format) snap.reset();
  }
  if (snap && snap->seq > seq)
    return std::unexpected(error{"corruption", "snapshot is newer than the requested seq", ""});
  const std::uint64_t from = snap ? snap->seq : 0;

  state s;
  if (snap) {
    auto bytes = copy_snapshot_bytes(snap->stored);
    snap->keep.reset();  // the bytes are copied
    auto restored = deserialize(std::move(bytes));
    if (!restored) return std::unexpected(restored.error());
    if (restored->seq() != from)
      return std::unexpected(error{"corruption", "snapshot holds another seq than its key", ""});
    s = std::move(*restored);
  }
  if (auto replayed = replay_to(s, seq, scan); !replayed) return std::unexpected(replayed.error());
  return s;
}

result<void> replay_to(state& s, std::uint64_t seq, const scan_events_fn& scan) {
  if (s.seq() >= seq) return {};
  std::optional<error> failure;
  auto scanned = scan(s.seq(), seq, [&](std::string_view stored) {
    auto e = decode_stored(stored);
    auto applied = e ? apply(s, *e) : result<void>(std::unexpected(e.error()));
    if (!applied) {
      failure = applied.error();
      return false;
    }
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return {};
}

}  // namespace a4p::protocol
