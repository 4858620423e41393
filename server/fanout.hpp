// One event as the live feed delivers it: serialised once per visibility variant and shared by
// every recipient (and by the resume ring), plus who may receive it.
//
// Thread safety: immutable once built; share it by shared_ptr<const fanout> across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/principal.hpp"

namespace a4p::server {

// One item of a session's feed, in seq order: an event body, or a tick body (rooms extension:
// a comment event on a room a light session has not joined). The session puts its own "prev"
// in front of either.
struct feed_item {
  std::uint64_t seq = 0;
  std::shared_ptr<const std::string> body;
  bool tick = false;
};

struct fanout {
  std::uint64_t seq = 0;
  std::string entity;
  // A comment event: the room (its comment's target) and the tick a light session that has not
  // joined it gets instead (protocol::tick_body, the thread as it is after this event).
  std::string room;
  std::shared_ptr<const std::string> tick;
  // event_body() of the full view, and of the redacted view for readers who may not see a
  // hidden body (null: the redacted reader gets `full` too).
  std::shared_ptr<const std::string> full;
  std::shared_ptr<const std::string> redacted;
  // Audience: everyone, or only privileged readers plus members of `orgs`.
  bool everyone = true;
  std::vector<std::string> orgs;

  // The body `v` receives, or null when the event is withheld from `v`.
  [[nodiscard]] const std::shared_ptr<const std::string>* body_for(
      const protocol::principal& v) const {
    if (!everyone && !protocol::privileged(v)) {
      bool in = false;
      for (const auto& o : orgs) in = in || o == v.org;
      if (!in) return nullptr;
    }
    if (redacted && !protocol::privileged(v)) return &redacted;
    return &full;
  }
  // What `v` receives, with `rooms` the rooms of a light session (null: a full session): the
  // event, or its tick on a room not joined; nullopt when withheld from `v`.
  [[nodiscard]] std::optional<feed_item> item_for(const protocol::principal& v,
                                                  const std::set<std::string>* rooms) const {
    const auto* body = body_for(v);
    if (!body) return std::nullopt;
    if (rooms && tick && !rooms->contains(room)) return feed_item{seq, tick, true};
    return feed_item{seq, *body, false};
  }
};

}  // namespace a4p::server
