// Entity history for GET /api/history?entity=<kind>:<id>: every event that touched one
// entity, each with its field-level change {field:{"from":..,"to":..}}, computed by diffing
// the entity's view before and after applying the event.
//
// Touching: an event touches its own entity, plus, for comment.posted and opinion.given, the
// target (so a pledge's history lists the comments posted on it, with an empty change).
//
// Usage: history_builder h("pledge:P3"); for each event in order: h.feed(s, e) (it applies e
// to s); then h.entries(). Readers see view_history() of each entry (null when withheld).
//
// Thread safety: a history_builder is used by one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/state.hpp"
#include "protocol/visibility.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

[[nodiscard]] std::string entity_of(const event& e);
[[nodiscard]] std::vector<std::string> entities_touched(const event& e);

struct history_entry {
  event ev;
  nlohmann::json changes = nlohmann::json::object();  // {field:{from,to}}
};

// {field:{from,to}} for every top-level member that differs (null for a missing side).
[[nodiscard]] nlohmann::json field_changes(const nlohmann::json& before,
                                           const nlohmann::json& after);

class history_builder {
 public:
  explicit history_builder(std::string entity);
  // Applies e to s; records an entry when e touches the entity. Errors: apply()'s.
  [[nodiscard]] result<void> feed(state& s, const event& e);
  [[nodiscard]] const std::vector<history_entry>& entries() const { return entries_; }

 private:
  std::string entity_;
  std::vector<history_entry> entries_;
};

// The entry as this reader may see it: view_event(...) plus "changes" (body changes of a
// redacted comment removed); null when the event is withheld.
[[nodiscard]] nlohmann::json view_history(const state& now, const viewer& v,
                                          const history_entry& h);

}  // namespace a4p::protocol
