#include "protocol/visibility.hpp"

#include <algorithm>

#include "protocol/entity_json.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/messages.hpp"
#include "protocol/rooms.hpp"

namespace a4p::protocol {
namespace {

using json = nlohmann::json;

// The discussion id an event is about (its own, its comment's target, an opinion's target),
// or nullptr when it concerns no discussion.
const discussion* scope_of(const state& now, const event& e) {
  std::string_view entity = e.entity;
  std::string target;
  if (entity.starts_with("discussion:")) {
    target = std::string(entity);
  } else if (entity.starts_with("comment:")) {
    auto it = now.comments.find(entity.substr(8));
    if (it != now.comments.end()) {
      target = it->second.target;
    } else if (auto t = e.data.find("target"); t != e.data.end() && t->is_string()) {
      target = t->get<std::string>();
    }
  } else if (entity.starts_with("opinion:")) {
    if (auto t = e.data.find("target"); t != e.data.end() && t->is_string())
      target = t->get<std::string>();
  }
  if (!target.starts_with("discussion:")) return nullptr;
  auto it = now.discussions.find(target.substr(11));
  return it == now.discussions.end() ? nullptr : &it->second;
}

bool may_see_target(const state& s, const viewer& v, std::string_view target) {
  if (!target.starts_with("discussion:")) return true;
  auto it = s.discussions.find(target.substr(11));
  return it == s.discussions.end() || may_see_discussion(it->second, v);
}

// Is this event one whose text is cut while its comment is hidden?
bool redactable(const state& now, const event& e) {
  if (e.name != "comment.posted" && e.name != "comment.edited" && e.name != "comment.hidden")
    return false;
  if (!std::string_view(e.entity).starts_with("comment:")) return false;
  auto it = now.comments.find(e.entity.substr(8));
  return it != now.comments.end() && it->second.hidden;
}

json redact_comment(json c) {
  c.erase("body");
  c.erase("hidden_reason");
  c["redacted"] = true;
  return c;
}

// A comment of some state as `v` sees it, with its hidden flag as `now` has it (decision 0202:
// a comment hidden since stays redacted in older states). REQUIRES: `v` may see its target.
json comment_view(const comment& c, const state& now, const viewer& v) {
  auto cur = now.comments.find(c.id);
  const bool hidden = cur == now.comments.end() ? c.hidden : cur->second.hidden;
  json j = detail::to_json(c);
  return hidden && !privileged(v) ? redact_comment(std::move(j)) : j;
}

}  // namespace

json view_comment(const state& s, const state& now, const viewer& v, std::string_view id) {
  const comment* c = s.comments.get(id);
  if (!c || !may_see_target(now, v, c->target)) return nullptr;
  return comment_view(*c, now, v);
}

bool may_see_discussion(const discussion& d, const viewer& v) {
  if (d.visibility != "restricted" || privileged(v)) return true;
  if (v.org == d.convener) return true;
  return std::find(d.invitees.begin(), d.invitees.end(), v.org) != d.invitees.end();
}

sight sight_of(const state& now, const viewer& v, const event& e) {
  if (const discussion* d = scope_of(now, e); d && !may_see_discussion(*d, v))
    return sight::withheld;
  if (!privileged(v) && redactable(now, e)) return sight::redacted;
  return sight::full;
}

json full_event_json(const event& e) {
  return {{"seq", e.seq},
          {"ts", e.ts},
          {"actor", {{"user", e.who.user}, {"org", e.who.org}}},
          {"name", e.name},
          {"entity", e.entity},
          {"data", e.data},
          {"data_hash", e.data_hash},
          {"hash", e.hash}};
}

json redacted_event_json(const event& e) {
  json j = full_event_json(e);
  json& d = j["data"];
  if (d.is_object()) {
    d.erase("body");
    d.erase("reason");
  }
  j["redacted"] = true;
  return j;
}

std::string event_body(const event& e, redaction r) {
  return event_body(r == redaction::none ? full_event_json(e) : redacted_event_json(e));
}

json view_event(const state& now, const viewer& v, const event& e) {
  switch (sight_of(now, v, e)) {
    case sight::full:
      return full_event_json(e);
    case sight::redacted:
      return redacted_event_json(e);
    case sight::withheld:
      break;
  }
  return {{"seq", e.seq}, {"withheld", true}, {"hash", e.hash}};
}

json view_entity(const state& s, const viewer& v, std::string_view entity) {
  if (entity.starts_with("discussion:")) {
    auto it = s.discussions.find(entity.substr(11));
    if (it == s.discussions.end() || !may_see_discussion(it->second, v)) return nullptr;
    return detail::to_json(it->second);
  }
  if (entity.starts_with("comment:")) {
    return view_comment(s, s, v, entity.substr(8));
  }
  if (entity.starts_with("opinion:")) {
    auto it = s.opinions.find(entity.substr(8));
    if (it == s.opinions.end() || !may_see_target(s, v, it->second.target)) return nullptr;
    return detail::to_json(it->second);
  }
  return detail::entity_json(s, entity);
}

json view_state(const state& s, const viewer& v) {
  return view_state(s, s, v);
}

json view_state(const state& s, const state& now, const viewer& v) {
  return detail::view_state_shaped(s, now, v, false);
}

json view_light_state(const state& s, const viewer& v) {
  return detail::view_state_shaped(s, s, v, true);
}

json view_light_state(const state& s, const state& now, const viewer& v) {
  return detail::view_state_shaped(s, now, v, true);
}

json detail::view_state_shaped(const state& s, const state& now, const viewer& v, bool light) {
  json out = json::object();
  auto all = [](const auto& m) {
    json j = json::object();
    for (const auto& [id, x] : m) j[id] = detail::to_json(x);
    return j;
  };
  // The light shape (rooms.hpp): a room's entity (a thread summary on every target, a pledge's
  // latest report only).
  auto shaped = [&](const auto& x, std::string_view kind, std::string_view id) {
    return light ? skeleton_entity(s, std::string(kind) + std::string(id)) : detail::to_json(x);
  };
  out["seq"] = s.seq();
  out["themes"] = all(s.themes);
  out["commitments"] = all(s.commitments);
  out["orgs"] = all(s.orgs);
  out["users"] = all(s.users);
  json pledges = json::object();
  for (const auto& [id, x] : s.pledges) pledges[id] = shaped(x, "pledge:", id);
  out["pledges"] = std::move(pledges);
  out["gaps"] = all(s.gaps);
  if (light)  // the skeleton's cut: a gap's description (gaps have no room; the full state has it)
    for (auto& [id, g] : out["gaps"].items()) g.erase("description");
  json actions = json::object();
  for (const auto& [id, x] : s.actions) actions[id] = shaped(x, "action:", id);
  out["actions"] = std::move(actions);
  out["rounds"] = all(s.rounds);
  out["champions"] = all(s.champions);
  json discussions = json::object();
  for (const auto& [id, d] : s.discussions) {
    auto cur = now.discussions.find(id);
    if (may_see_discussion(cur == now.discussions.end() ? d : cur->second, v))
      discussions[id] = shaped(d, "discussion:", id);
  }
  out["discussions"] = std::move(discussions);
  json comments = json::object();
  for (const auto& [id, c] : s.comments) {
    if (light) break;
    if (may_see_target(now, v, c.target)) comments[id] = comment_view(c, now, v);
  }
  out["comments"] = std::move(comments);
  json opinions = json::object();
  for (const auto& [id, o] : s.opinions) {
    if (light) break;  // the skeleton's cut: opinions come with their room's first page
    if (may_see_target(now, v, o.target)) opinions[id] = detail::to_json(o);
  }
  out["opinions"] = std::move(opinions);
  return out;
}

audience audience_of(const state& now, const event& e) {
  audience a;
  if (const discussion* d = scope_of(now, e); d && d->visibility == "restricted") {
    a.everyone = false;
    a.orgs = d->invitees.strings();
    if (std::find(a.orgs.begin(), a.orgs.end(), d->convener) == a.orgs.end())
      a.orgs.emplace_back(d->convener);
  }
  a.redact_for_unprivileged = redactable(now, e);
  return a;
}

std::vector<std::string> users_whose_view_changes(const state& now, const event& e) {
  std::vector<std::string> out;
  if (e.name == "user.role_changed") {
    if (auto it = e.data.find("id"); it != e.data.end() && it->is_string())
      out.push_back(it->get<std::string>());
  } else if (e.name == "org.updated") {
    auto c = e.data.find("changes");
    auto id = e.data.find("id");
    if (c == e.data.end() || !c->is_object() || id == e.data.end() || !id->is_string()) return out;
    auto en = c->find("endorsed");
    if (en == c->end() || !en->is_boolean() || en->get<bool>()) return out;
    const auto& org = id->get_ref<const std::string&>();
    for (const auto& [id, u] : now.users)
      if (u.org == org) out.emplace_back(id);
  }
  return out;
}

}  // namespace a4p::protocol
