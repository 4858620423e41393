#include "protocol/snapshot_audit.hpp"

#include <optional>

#include "protocol/snapshot.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

namespace {
// The first part of two states that differs, by name.
std::string first_difference(const state& a, const state& b) {
  if (a.seq() != b.seq()) return "its seq";
  if (!(a.themes == b.themes)) return "themes";
  if (!(a.commitments == b.commitments)) return "commitments";
  if (!(a.orgs == b.orgs)) return "orgs";
  if (!(a.users == b.users)) return "users";
  if (!(a.pledges == b.pledges)) return "pledges";
  if (!(a.gaps == b.gaps)) return "gaps";
  if (!(a.actions == b.actions)) return "actions";
  if (!(a.discussions == b.discussions)) return "discussions";
  if (!(a.comments == b.comments)) return "comments";
  if (!(a.rounds == b.rounds)) return "rounds";
  if (!(a.opinions == b.opinions)) return "opinions";
  if (!(a.champions == b.champions)) return "champions";
  if (!(a.counters == b.counters)) return "id counters";
  return "the order of entries or their encoding";
}
}  // namespace

result<std::string> snapshot_audit::check(std::uint64_t seq, std::string_view bytes) {
  if (seq < s_.seq())
    return std::unexpected(error{"internal", "snapshot_audit::check called out of order", ""});
  std::optional<error> bad;
  auto scanned = scan_(s_.seq(), seq, [&](std::string_view stored) {
    auto e = decode_stored(stored);
    if (!e) {
      bad = e.error();
      return false;
    }
    if (auto applied = apply(s_, *e); !applied) {
      bad = applied.error();
      return false;
    }
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (bad) return std::unexpected(*bad);
  if (s_.seq() != seq)
    return std::unexpected(
        error{"corruption", "the events end before seq " + std::to_string(seq), ""});
  if (serialize(s_) == bytes) return std::string();
  auto stored = deserialize(bytes);
  if (!stored) return "it does not decode (" + stored.error().message + ")";
  if (snapshot_format(bytes) < oldest_complete_snapshot_format) {
    // An older format holds no posted seqs (snapshot.hpp): everything else must be equal.
    for (const auto& [id, c] : s_.comments)
      if (comment* old = stored->comments.get(id)) old->seq = c.seq;
    if (*stored == s_) return std::string();
  }
  return "it differs from the state its events make: " + first_difference(s_, *stored);
}

}  // namespace a4p::protocol
