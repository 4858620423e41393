#include "protocol/history.hpp"

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
    if (from != to) out[it.key()] = {{"from", std::move(from)}, {"to", std::move(to)}};
  }
  return out;
}

history_builder::history_builder(std::string entity) : entity_(std::move(entity)) {}

void history_builder::feed(state& s, const event& e) {
  bool touches = false;
  for (const auto& t : entities_touched(e))
    if (t == entity_) touches = true;
  if (!touches) {
    apply(s, e);
    return;
  }
  json before = detail::entity_json(s, entity_);
  apply(s, e);
  json after = detail::entity_json(s, entity_);
  entries_.push_back(history_entry{e, field_changes(before, after)});
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
