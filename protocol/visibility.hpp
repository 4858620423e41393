// What each reader may see: the ONE function family that the live feed, replay, snapshots,
// REST (events, state, history) and export all use (PROTOCOL.md section 5).
//
// Rules, always judged against the state as it is NOW (so a comment hidden later is
// redacted in every replay of its older events):
//  - privileged readers (role secretariat or auditor) see everything, hidden bodies included;
//  - a restricted discussion, and every event about it, its comments, and opinions on it, is
//    withheld from everyone else except invited orgs and the convening org;
//  - a hidden comment's body (and the hide reason) is cut from comment.posted,
//    comment.edited and comment.hidden events, and from the state, with "redacted":true.
//
// Thread safety: pure functions over const state.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/state.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

enum class sight { full, redacted, withheld };

[[nodiscard]] sight sight_of(const state& now, const viewer& v, const event& e);

// The event message fields (no "type", no "prev"): full; redacted (data cut down,
// "redacted":true); or {"seq","withheld":true,"hash"}.
[[nodiscard]] nlohmann::json view_event(const state& now, const viewer& v, const event& e);

// The full and the redacted views of an event, independent of any reader.
[[nodiscard]] nlohmann::json full_event_json(const event& e);
[[nodiscard]] nlohmann::json redacted_event_json(const event& e);
enum class redaction { none, redacted };
// event_body() of messages.hpp for the full or redacted variant of `e`.
[[nodiscard]] std::string event_body(const event& e, redaction r);

// The snapshot / GET /api/state shape of protocol/README.md as this reader may see it.
[[nodiscard]] nlohmann::json view_state(const state& s, const viewer& v);
// An older state (state_at(N)) viewed by the rules of `now`: comments hidden since, and
// restricted discussions, are judged by `now` (decision 0202). Use it for /api/state?at=N.
[[nodiscard]] nlohmann::json view_state(const state& old, const state& now, const viewer& v);

// One entity in view form ("pledge:P3" -> the pledge object), or null if it does not exist
// or the reader may not see it. Used for conflict details and history.
[[nodiscard]] nlohmann::json view_entity(const state& s, const viewer& v, std::string_view entity);
// Comment `id` of state `s` as `v` sees it, judged by `now` (its target's visibility and whether
// it is hidden; decision 0202); null when it does not exist or `v` may not see it.
[[nodiscard]] nlohmann::json view_comment(const state& s, const state& now, const viewer& v,
                                          std::string_view id);

// Who receives an event on the live feed, so the hub serialises one buffer per variant:
//  - everyone == true: every connection;
//  - everyone == false: only privileged readers and members of `orgs`;
//  - redact_for_unprivileged: non-privileged receivers get event_body(e, redacted),
//    privileged ones event_body(e, none).
struct audience {
  bool everyone = true;
  std::vector<std::string> orgs;
  bool redact_for_unprivileged = false;
};
[[nodiscard]] audience audience_of(const state& now, const event& e);
// The restricted-discussion rule, the one place it is written: an open discussion is seen by
// everyone; a restricted one by privileged readers, its invitees and its convening org.
// decide() uses it too (a target the sender may not see is not_found).
[[nodiscard]] bool may_see_discussion(const discussion& d, const viewer& v);

// The users whose view or standing `e` changes, judged on `now` (the state with `e` applied):
// the user of a user.role_changed, every user of an org whose org.updated withdraws its
// endorsement. Their open sockets are closed (4003) so that nothing more reaches them under
// the view they had (protocol/README.md, "Close codes").
[[nodiscard]] std::vector<std::string> users_whose_view_changes(const state& now, const event& e);

}  // namespace a4p::protocol
