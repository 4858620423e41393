#include "protocol/history.hpp"

#include <algorithm>

#include "protocol/entity_json.hpp"

namespace a4p::protocol {

using json = nlohmann::json;

std::string entity_of(const event& e) {
  return e.entity;
}

std::vector<std::string> entities_touched(const event& e) {
  std::vector<std::string> out{e.entity};
  if (e.name == "comment.posted" || e.name == "opinion.given") {
    if (auto t = e.data.find("target"); t != e.data.end() && t->is_string() && *t != e.entity)
      out.push_back(t->get<std::string>());
  }
  return out;
}

namespace {

// A list-valued field's change: the items added and the items removed (as multisets), so that
// an entry costs what changed, not the list's length. A missing side is an empty list.
json list_change(const json& before, const json& after) {
  std::vector<const json*> left;  // after's items not matched by one of before's
  if (after.is_array())
    for (const auto& x : after) left.push_back(&x);
  json removed = json::array();
  if (before.is_array()) {
    for (const auto& x : before) {
      auto it = std::find_if(left.begin(), left.end(), [&](const json* y) { return *y == x; });
      if (it == left.end())
        removed.push_back(x);
      else
        left.erase(it);
    }
  }
  json added = json::array();
  for (const json* x : left) added.push_back(*x);
  return {{"added", std::move(added)}, {"removed", std::move(removed)}};
}

bool list_valued(const json& before, const json& after) {
  return (before.is_array() || before.is_null()) && (after.is_array() || after.is_null()) &&
         (before.is_array() || after.is_array());
}

// The entity's view for diffing: a pledge without its reports (diffed by count instead: they
// are only ever appended), so that a pledge with thousands of reports costs one report.
struct diff_view {
  json fields;
  const pledge* p = nullptr;
  std::size_t reports = 0;
};

diff_view diff_view_of(const state& s, const std::string& entity) {
  constexpr std::string_view pledge_kind = "pledge:";
  if (entity.starts_with(pledge_kind)) {
    auto it = s.pledges.find(std::string_view(entity).substr(pledge_kind.size()));
    if (it == s.pledges.end()) return {nullptr};
    return {detail::pledge_fields(it->second), &it->second, it->second.reports.size()};
  }
  return {detail::entity_json(s, entity)};
}

}  // namespace

json field_changes(const json& before, const json& after) {
  json out = json::object();
  auto at = [](const json& j, const std::string& k) -> json {
    if (!j.is_object()) return nullptr;
    auto it = j.find(k);
    return it == j.end() ? json(nullptr) : *it;
  };
  json keys = json::object();
  if (before.is_object())
    for (auto it = before.begin(); it != before.end(); ++it) keys[it.key()] = true;
  if (after.is_object())
    for (auto it = after.begin(); it != after.end(); ++it) keys[it.key()] = true;
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    json from = at(before, it.key());
    json to = at(after, it.key());
    if (from == to) continue;
    out[it.key()] = list_valued(from, to) ? list_change(from, to)
                                          : json{{"from", std::move(from)}, {"to", std::move(to)}};
  }
  return out;
}

history_builder::history_builder(std::string entity) : entity_(std::move(entity)) {}

result<void> history_builder::feed(state& s, const event& e) {
  bool touches = false;
  for (const auto& t : entities_touched(e))
    if (t == entity_) touches = true;
  if (!touches) return apply(s, e);
  const diff_view before = diff_view_of(s, entity_);
  if (auto applied = apply(s, e); !applied) return applied;
  const diff_view after = diff_view_of(s, entity_);
  json changes = field_changes(before.fields, after.fields);
  if (after.p && after.reports != before.reports) {
    // Reports are appended, never edited or removed (apply.cpp): the new ones are the tail.
    json added = json::array();
    const auto& all = after.p->reports;
    for (std::size_t k = before.reports; k < after.reports; ++k)
      added.push_back(detail::to_json(all[k]));
    changes["reports"] = {{"added", std::move(added)}, {"removed", json::array()}};
  }
  entries_.push_back(history_entry{e, std::move(changes)});
  return {};
}

json view_history(const state& now, const viewer& v, const history_entry& h) {
  sight sg = sight_of(now, v, h.ev);
  if (sg == sight::withheld) return nullptr;
  json out = view_event(now, v, h.ev);
  json changes = h.changes;
  if (sg == sight::redacted || (!privileged(v) && h.ev.entity.starts_with("comment:") && [&] {
        auto it = now.comments.find(h.ev.entity.substr(8));
        return it != now.comments.end() && it->second.hidden;
      }())) {
    changes.erase("body");
    changes.erase("hidden_reason");
  }
  out["changes"] = std::move(changes);
  return out;
}

}  // namespace a4p::protocol
