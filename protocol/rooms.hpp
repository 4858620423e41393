// Rooms and the light snapshot: an a4p.v1 extension negotiated in hello (protocol/README.md,
// "Rooms and the light snapshot"; decision 0210; issue 18). A light client gets the workspace's
// skeleton (no comment bodies, each pledge's latest report only, a thread summary on every
// discussion, pledge and action), joins the targets a view needs, and pages their comments
// (and a pledge's reports) back with a cursor.
//
// Every page goes through the visibility rules of visibility.hpp, judged by the state as it is
// now: a comment in a page is exactly what view_entity() shows this reader (a hidden one
// redacted for readers who may not see its body), and a restricted discussion the reader may
// not see is no room at all (nullopt, answered not_found).
//
// Thread safety: pure functions over const state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/messages.hpp"
#include "protocol/principal.hpp"
#include "protocol/state.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

// A page holds at most this many comments or reports; a join's first page 50 by default.
inline constexpr std::size_t default_page_limit = 50;
inline constexpr std::size_t max_page_limit = 200;

// A thread's summary, the same for every reader who may see its target:
// {"count": comments not hidden, "last_seq": the seq of the latest comment.posted on it (0 when
// none), "last_ts": its ts ("" when none)}.
[[nodiscard]] nlohmann::json thread_json(const state& s, std::string_view target);

// True when `room` is "discussion:<id>", "pledge:<id>" or "action:<id>" of an entity that
// exists and that `v` may see.
[[nodiscard]] bool room_visible(const state& s, const viewer& v, std::string_view room);

// The room (target) a comment event is about, from the state after it: "" when `e` is not a
// comment event or its comment is unknown.
[[nodiscard]] std::string room_of_comment_event(const state& now, const event& e);

// The object of a room's target with everything a detail view shows: the full state's object
// ("discussion:D1" -> the discussion), except a pledge's "reports", its latest report only,
// plus "report_count"; and "thread" on each. Null when the target does not exist. Not judged for
// visibility (the caller has). The skeleton holds this object less the cuts of README's "Rooms
// and the light snapshot"; the first page of a room carries it whole as "entity".
[[nodiscard]] nlohmann::json room_entity(const state& s, std::string_view room);
// The object the skeleton holds for a room's target: room_entity() less the detail text only a
// detail view shows (protocol/README.md "Rooms and the light snapshot", decision 0212): a
// pledge without "description", its latest report without "note", "evidence", "impact_note"
// ("has_impact_note":bool instead) and "attribution.statement"; a discussion without "agenda"
// and "outcome" ("has_outcome":bool instead). An action as room_entity(). Null when none.
[[nodiscard]] nlohmann::json skeleton_entity(const state& s, std::string_view room);
// The opinions on `target` in `s`, as the full state shows them, by id. Not judged for
// visibility (the caller has).
[[nodiscard]] nlohmann::json opinions_on(const state& s, std::string_view target);

// The light snapshot's state (the skeleton) for this reader: view_state() with "comments":{},
// each pledge's "reports" cut to its latest one plus "report_count", and "thread" on every
// discussion, pledge and action.
[[nodiscard]] nlohmann::json view_light_state(const state& s, const viewer& v);
// The skeleton of an older state (state_at(N)) judged by the rules of `now`, as view_state(old,
// now, v) is (GET /api/state?at=N&view=light).
[[nodiscard]] nlohmann::json view_light_state(const state& old, const state& now, const viewer& v);

// One page of a list, oldest first, and the cursor of the page before it (nullopt: none).
struct page_part {
  nlohmann::json items = nlohmann::json::array();
  std::optional<std::uint64_t> before;
};

// The latest `limit` comments of `room` posted before the cursor `before` (a comment.posted seq;
// nullopt: the latest), as view_entity() shows them to `v`. The cursor of the result is the
// posted seq of its oldest comment. nullopt when the room is not visible to `v`.
[[nodiscard]] std::optional<page_part> page_comments(const state& s, const viewer& v,
                                                     std::string_view room,
                                                     std::optional<std::uint64_t> before,
                                                     std::size_t limit);
// The same in an older state `s`, judged by the rules of `now` (GET /api/thread?at=N): the room
// must exist in `s` and be visible in `now`; comments hidden since are redacted.
[[nodiscard]] std::optional<page_part> page_comments(const state& s, const state& now,
                                                     const viewer& v, std::string_view room,
                                                     std::optional<std::uint64_t> before,
                                                     std::size_t limit);
// The same for a pledge room's progress reports (cursor: a report's seq). nullopt when `room`
// is not a pledge `v` may see.
[[nodiscard]] std::optional<page_part> page_reports(const state& s, const viewer& v,
                                                    std::string_view room,
                                                    std::optional<std::uint64_t> before,
                                                    std::size_t limit);

// The answer to a page request on state `s` judged by `now` (both the same but for a past
// read): a join's first page (`first`: the latest comments, and a pledge room's latest reports
// too, and the room's "entity" and "opinions"), else the list whose cursor `r` gives. An error code
// instead: "not_found" (no such room for this reader), "bad_request" (a reports page outside a
// pledge room).
[[nodiscard]] std::expected<page_answer, std::string> answer_page(const state& s, const state& now,
                                                                  const viewer& v,
                                                                  const page_request& r,
                                                                  bool first);

}  // namespace a4p::protocol
