// apply(): folds one stored event into the state.
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocol/public_view.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// apply
//
// Each applier reads the event's data and writes texts through the state's arena (keep()).
// The hot ones (comments, opinions, progress reports: two thirds of a typical log) walk `data`
// once instead of looking each field up.

namespace {

const std::string empty_string;

const std::string& sget(const json& d, std::string_view k) {
  auto it = d.find(k);
  if (it == d.end() || !it->is_string()) return empty_string;
  return it->get_ref<const std::string&>();
}
std::int64_t iget(const json& d, std::string_view k) {
  auto it = d.find(k);
  if (it == d.end() || !it->is_number_integer()) return 0;
  return it->get<std::int64_t>();
}
bool bget(const json& d, std::string_view k) {
  auto it = d.find(k);
  return it != d.end() && it->is_boolean() && it->get<bool>();
}
// A string member as a text of the state.
text tget(state& s, const json& d, std::string_view k) {
  return s.keep(sget(d, k));
}
// The strings of an array (others skipped) as a list of the state.
text_list list_of(state& s, const json& a) {
  if (!a.is_array()) return {};
  std::size_t n = 0;
  for (const auto& x : a) n += x.is_string() ? 1 : 0;
  if (n == 0) return {};
  text* out = s.arena().alloc_array<text>(n);
  std::size_t i = 0;
  for (const auto& x : a)
    if (x.is_string()) out[i++] = s.keep(x.get_ref<const std::string&>());
  return arena::make_list(out, n);
}
text_list lget(state& s, const json& d, std::string_view k) {
  auto it = d.find(k);
  return it == d.end() ? text_list() : list_of(s, *it);
}
std::optional<indicator_target> indget(state& s, const json& d, std::string_view k) {
  auto it = d.find(k);
  if (it == d.end() || !it->is_object()) return std::nullopt;
  return indicator_target{tget(s, *it, "indicator"), tget(s, *it, "target")};
}

void bump(std::uint64_t& counter, std::string_view id, std::size_t prefix_len) {
  std::uint64_t n = 0;
  if (id.size() <= prefix_len) return;
  auto [p, ec] = std::from_chars(id.data() + prefix_len, id.data() + id.size(), n);
  if (ec == std::errc() && n > counter) counter = n;
}

template <class T>
void set_changed(state& s, T& x, const json& changes, std::int64_t version) {
  for (auto it = changes.begin(); it != changes.end(); ++it)
    x.changed = s.arena().with(x.changed, it.key(), version);
}

// The `changes` object of an update event, or nullptr.
const json* changes_of(const event& e) {
  auto c = e.data.find("changes");
  return c == e.data.end() || !c->is_object() ? nullptr : &*c;
}

using applier = result<void> (*)(state&, const event&);

// An event of a known name about an entity the state does not hold: the log and the rules
// disagree, which replay must not paper over.
std::unexpected<error> missing(const event& e) {
  return std::unexpected(
      error{"corruption",
            "event " + std::to_string(e.seq) + " (" + e.name +
                ") is about no entity of the state, or changes nothing: " + e.entity,
            "entity"});
}

result<void> ap_theme_added(state& s, const event& e) {
  const auto& d = e.data;
  s.themes.put(theme{tget(s, d, "id"), tget(s, d, "name"), tget(s, d, "note")});
  return {};
}
result<void> ap_org_added(state& s, const event& e) {
  const auto& d = e.data;
  org o;
  o.id = tget(s, d, "id");
  o.name = tget(s, d, "name");
  o.kind = tget(s, d, "kind");
  o.region = tget(s, d, "region");
  o.groups = lget(s, d, "groups");
  o.endorsed = bget(d, "endorsed");
  s.orgs.put(o);
  return {};
}
result<void> ap_org_updated(state& s, const event& e) {
  org* o = s.orgs.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!o || !c) return missing(e);
  if (c->contains("name")) o->name = tget(s, *c, "name");
  if (c->contains("region")) o->region = tget(s, *c, "region");
  if (c->contains("groups")) o->groups = lget(s, *c, "groups");
  if (c->contains("endorsed")) o->endorsed = bget(*c, "endorsed");
  ++o->version;
  return {};
}
result<void> ap_user_added(state& s, const event& e) {
  const auto& d = e.data;
  user u;
  u.id = tget(s, d, "id");
  u.name = tget(s, d, "name");
  u.org = tget(s, d, "org");
  u.r = role_from_string(sget(d, "role")).value_or(role::member);
  s.users.put(u);
  return {};
}
result<void> ap_user_role_changed(state& s, const event& e) {
  user* u = s.users.get(sget(e.data, "id"));
  if (!u) return missing(e);
  u->r = role_from_string(sget(e.data, "role")).value_or(u->r);
  ++u->version;
  return {};
}
result<void> ap_user_disabled_or_enabled(state& s, const event& e) {
  user* u = s.users.get(sget(e.data, "id"));
  if (!u) return missing(e);
  u->disabled = e.name == "user.disabled";
  ++u->version;
  return {};
}
result<void> ap_user_preference_set(state& s, const event& e) {
  user* u = s.users.get(sget(e.data, "id"));
  if (!u) return missing(e);
  u->lang = tget(s, e.data, "lang");
  ++u->version;
  return {};
}
result<void> ap_commitment_added(state& s, const event& e) {
  const auto& d = e.data;
  commitment c;
  c.id = tget(s, d, "id");
  c.theme = tget(s, d, "theme");
  c.number = iget(d, "number");
  c.title = tget(s, d, "title");
  c.responsibility = tget(s, d, "responsibility");
  bump(s.counters.commitment, c.id, 2);
  s.commitments.put(c);
  return {};
}
result<void> ap_commitment_updated(state& s, const event& e) {
  commitment* x = s.commitments.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!x || !c) return missing(e);
  if (c->contains("theme")) x->theme = tget(s, *c, "theme");
  if (c->contains("number")) x->number = iget(*c, "number");
  if (c->contains("title")) x->title = tget(s, *c, "title");
  if (c->contains("responsibility")) x->responsibility = tget(s, *c, "responsibility");
  x->version = iget(e.data, "version");
  set_changed(s, *x, *c, x->version);
  return {};
}
result<void> ap_pledge_created(state& s, const event& e) {
  const auto& d = e.data;
  pledge x;
  x.id = tget(s, d, "id");
  x.org = tget(s, d, "org");
  x.theme = tget(s, d, "theme");
  x.title = tget(s, d, "title");
  x.description = tget(s, d, "description");
  x.output = indget(s, d, "output").value_or(indicator_target{});
  x.impact = indget(s, d, "impact");
  x.commitment = tget(s, d, "commitment");
  x.actions = lget(s, d, "actions");
  x.due = tget(s, d, "due");
  x.created_ts = s.keep(e.ts);
  x.updated_ts = x.created_ts;
  x.lang = tget(s, d, "lang");
  bump(s.counters.pledge, x.id, 1);
  s.pledges.put(std::move(x));
  return {};
}
result<void> ap_pledge_updated(state& s, const event& e) {
  pledge* x = s.pledges.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!x || !c) return missing(e);
  for (auto it = c->begin(); it != c->end(); ++it) {
    const std::string& k = it.key();
    if (k == "theme")
      x->theme = tget(s, *c, k);
    else if (k == "title")
      x->title = tget(s, *c, k);
    else if (k == "description")
      x->description = tget(s, *c, k);
    else if (k == "output")
      x->output = indget(s, *c, k).value_or(indicator_target{});
    else if (k == "impact")
      x->impact = indget(s, *c, k);
    else if (k == "commitment")
      x->commitment = tget(s, *c, k);
    else if (k == "actions")
      x->actions = lget(s, *c, k);
    else if (k == "due")
      x->due = tget(s, *c, k);
  }
  x->version = iget(e.data, "version");
  x->updated_ts = s.keep(e.ts);
  set_changed(s, *x, *c, x->version);
  return {};
}
result<void> ap_pledge_progress_reported(state& s, const event& e) {
  const auto& obj = e.data.get_ref<const json::object_t&>();
  auto idv = obj.find("id");
  if (idv == obj.end() || !idv->second.is_string()) return missing(e);
  pledge* x = s.pledges.get(idv->second.get_ref<const std::string&>());
  if (!x) return missing(e);
  report r;
  r.seq = e.seq;
  r.ts = s.keep(e.ts);
  r.by = s.keep(e.who.user);
  for (const auto& [k, v] : obj) {
    if (k == "round") {
      if (v.is_string()) r.round = s.keep(v.get_ref<const std::string&>());
    } else if (k == "status") {
      if (v.is_string()) r.status = s.keep(v.get_ref<const std::string&>());
    } else if (k == "progress") {
      if (v.is_number_integer()) r.progress = v.get<std::int64_t>();
    } else if (k == "note") {
      if (v.is_string()) r.note = s.keep(v.get_ref<const std::string&>());
    } else if (k == "evidence") {
      r.evidence = list_of(s, v);
    } else if (k == "impact_note") {
      if (v.is_string()) r.impact_note = s.keep(v.get_ref<const std::string&>());
    } else if (k == "lang") {
      if (v.is_string()) r.lang = s.keep(v.get_ref<const std::string&>());
    } else if (k == "attribution") {
      if (v.is_object())
        r.attrib =
            attribution{tget(s, v, "statement"), bget(v, "preexisting"), tget(s, v, "confidence")};
    }
  }
  x->status = r.status;
  x->progress = r.progress;
  x->updated_ts = r.ts;
  s.arena().push_back(x->reports, r);
  return {};
}
result<void> ap_pledge_published(state& s, const event& e) {
  pledge* x = s.pledges.get(sget(e.data, "id"));
  if (!x) return missing(e);
  x->published = e.name == "pledge.published";
  x->published_ts = x->published ? s.keep(e.ts) : text();
  return {};
}
result<void> ap_public_configured(state& s, const event& e) {
  auto c = public_category_from_string(sget(e.data, "id"));
  if (!c) return missing(e);
  const auto bit = std::uint32_t{1} << static_cast<unsigned>(*c);
  s.public_off = bget(e.data, "public") ? s.public_off & ~bit : s.public_off | bit;
  return {};
}

result<void> ap_round_opened(state& s, const event& e) {
  round r;
  r.id = tget(s, e.data, "id");
  r.name = tget(s, e.data, "name");
  r.closes = tget(s, e.data, "closes");
  r.opened_ts = s.keep(e.ts);
  bump(s.counters.round, r.id, 1);
  s.rounds.put(r);
  return {};
}
result<void> ap_round_closed(state& s, const event& e) {
  round* r = s.rounds.get(sget(e.data, "id"));
  if (!r) return missing(e);
  r->state = text::literal("closed");
  return {};
}
result<void> ap_gap_added(state& s, const event& e) {
  gap g;
  g.id = tget(s, e.data, "id");
  g.theme = tget(s, e.data, "theme");
  g.title = tget(s, e.data, "title");
  g.description = tget(s, e.data, "description");
  bump(s.counters.gap, g.id, 1);
  s.gaps.put(g);
  return {};
}
result<void> ap_gap_updated(state& s, const event& e) {
  gap* x = s.gaps.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!x || !c) return missing(e);
  if (c->contains("theme")) x->theme = tget(s, *c, "theme");
  if (c->contains("title")) x->title = tget(s, *c, "title");
  if (c->contains("description")) x->description = tget(s, *c, "description");
  x->version = iget(e.data, "version");
  set_changed(s, *x, *c, x->version);
  return {};
}
result<void> ap_action_added(state& s, const event& e) {
  action a;
  a.id = tget(s, e.data, "id");
  a.theme = tget(s, e.data, "theme");
  a.title = tget(s, e.data, "title");
  a.kind = tget(s, e.data, "kind");
  a.gap = tget(s, e.data, "gap");
  a.due = tget(s, e.data, "due");
  bump(s.counters.action, a.id, 1);
  s.actions.put(a);
  return {};
}
result<void> ap_action_updated(state& s, const event& e) {
  action* x = s.actions.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!x || !c) return missing(e);
  if (c->contains("title")) x->title = tget(s, *c, "title");
  if (c->contains("kind")) x->kind = tget(s, *c, "kind");
  if (c->contains("gap")) x->gap = tget(s, *c, "gap");
  if (c->contains("due")) x->due = tget(s, *c, "due");
  x->version = iget(e.data, "version");
  set_changed(s, *x, *c, x->version);
  return {};
}
result<void> ap_action_taken_up(state& s, const event& e) {
  action* x = s.actions.get(sget(e.data, "id"));
  if (!x) return missing(e);
  const std::string& o = sget(e.data, "org");
  if (!x->taken_up_by.contains(o)) x->taken_up_by = s.arena().with(x->taken_up_by, o);
  return {};
}
result<void> ap_discussion_convened(state& s, const event& e) {
  const auto& d = e.data;
  discussion x;
  x.id = tget(s, d, "id");
  x.theme = tget(s, d, "theme");
  x.title = tget(s, d, "title");
  x.agenda = tget(s, d, "agenda");
  x.visibility = tget(s, d, "visibility");
  x.invitees = lget(s, d, "invitees");
  x.convener = tget(s, d, "convener");
  x.created_ts = s.keep(e.ts);
  x.lang = tget(s, d, "lang");
  bump(s.counters.discussion, x.id, 1);
  s.discussions.put(x);
  return {};
}
result<void> ap_discussion_locked(state& s, const event& e) {
  discussion* x = s.discussions.get(sget(e.data, "id"));
  if (!x) return missing(e);
  x->state = text::literal("locked");
  ++x->version;
  return {};
}
result<void> ap_discussion_closed(state& s, const event& e) {
  discussion* x = s.discussions.get(sget(e.data, "id"));
  if (!x) return missing(e);
  x->state = text::literal("closed");
  x->outcome = tget(s, e.data, "outcome");
  x->outcome_lang = tget(s, e.data, "lang");
  ++x->version;
  return {};
}
result<void> ap_comment_posted(state& s, const event& e) {
  comment c;
  for (const auto& [k, v] : e.data.get_ref<const json::object_t&>()) {
    if (!v.is_string()) continue;
    const auto& str = v.get_ref<const std::string&>();
    if (k == "id")
      c.id = s.keep(str);
    else if (k == "target")
      c.target = s.keep(str);
    else if (k == "body")
      c.body = s.keep(str);
    else if (k == "reply_to")
      c.reply_to = s.keep(str);
    else if (k == "lang")
      c.lang = s.keep(str);
  }
  c.author = s.keep(e.who.user);
  c.org = s.keep(e.who.org);
  c.ts = s.keep(e.ts);
  c.seq = e.seq;
  bump(s.counters.comment, c.id, 1);
  const bool fresh = !s.comments.contains(c.id);
  const comment& row = s.comments.put(c);
  if (fresh)  // appended: the last row
    s.threads.posted(row.target, static_cast<std::uint32_t>(s.comments.size() - 1), row.hidden);
  return {};
}

result<void> ap_comment_edited(state& s, const event& e) {
  comment* c = s.comments.get(sget(e.data, "id"));
  if (!c) return missing(e);
  c->body = tget(s, e.data, "body");
  c->lang = tget(s, e.data, "lang");  // an edit without one: the new text's language is unknown
  c->edited = true;
  ++c->version;
  return {};
}
result<void> ap_comment_hidden(state& s, const event& e) {
  comment* c = s.comments.get(sget(e.data, "id"));
  if (!c) return missing(e);
  if (!c->hidden) s.threads.hidden_changed(c->target, true);
  c->hidden = true;
  c->hidden_reason = tget(s, e.data, "reason");
  ++c->version;
  return {};
}
result<void> ap_comment_restored(state& s, const event& e) {
  comment* c = s.comments.get(sget(e.data, "id"));
  if (!c) return missing(e);
  if (c->hidden) s.threads.hidden_changed(c->target, false);
  c->hidden = false;
  c->hidden_reason = {};
  ++c->version;
  return {};
}
result<void> ap_opinion_given(state& s, const event& e) {
  opinion o;
  for (const auto& [k, v] : e.data.get_ref<const json::object_t&>()) {
    if (!v.is_string()) continue;
    const auto& str = v.get_ref<const std::string&>();
    if (k == "id")
      o.id = s.keep(str);
    else if (k == "target")
      o.target = s.keep(str);
    else if (k == "position")
      o.position = s.keep(str);
    else if (k == "text")
      o.text = s.keep(str);
    else if (k == "lang")
      o.lang = s.keep(str);
  }
  o.org = s.keep(e.who.org);
  o.by = s.keep(e.who.user);
  o.ts = s.keep(e.ts);
  s.opinions.put(o);
  return {};
}

result<void> ap_champion_assigned(state& s, const event& e) {
  s.champions.put(champion{tget(s, e.data, "id"), tget(s, e.data, "org"), tget(s, e.data, "theme"),
                           tget(s, e.data, "offer")});
  return {};
}
result<void> ap_champion_withdrawn(state& s, const event& e) {
  if (!s.champions.erase(sget(e.data, "id"))) return missing(e);
  return {};
}

const std::unordered_map<std::string_view, applier>& appliers() {
  static const std::unordered_map<std::string_view, applier> m = {
      {"theme.added", ap_theme_added},
      {"org.added", ap_org_added},
      {"org.updated", ap_org_updated},
      {"user.added", ap_user_added},
      {"user.role_changed", ap_user_role_changed},
      {"user.preference_set", ap_user_preference_set},
      {"user.disabled", ap_user_disabled_or_enabled},
      {"user.enabled", ap_user_disabled_or_enabled},
      {"commitment.added", ap_commitment_added},
      {"commitment.updated", ap_commitment_updated},
      {"pledge.created", ap_pledge_created},
      {"pledge.updated", ap_pledge_updated},
      {"pledge.progress_reported", ap_pledge_progress_reported},
      {"pledge.published", ap_pledge_published},
      {"pledge.unpublished", ap_pledge_published},
      {"public.configured", ap_public_configured},
      {"round.opened", ap_round_opened},
      {"round.closed", ap_round_closed},
      {"gap.added", ap_gap_added},
      {"gap.updated", ap_gap_updated},
      {"action.added", ap_action_added},
      {"action.updated", ap_action_updated},
      {"action.taken_up", ap_action_taken_up},
      {"discussion.convened", ap_discussion_convened},
      {"discussion.locked", ap_discussion_locked},
      {"discussion.closed", ap_discussion_closed},
      {"comment.posted", ap_comment_posted},
      {"comment.edited", ap_comment_edited},
      {"comment.hidden", ap_comment_hidden},
      {"comment.restored", ap_comment_restored},
      {"opinion.given", ap_opinion_given},
      {"champion.assigned", ap_champion_assigned},
      {"champion.withdrawn", ap_champion_withdrawn},
  };
  return m;
}

}  // namespace

result<void> apply(state& s, const event& e) {
  const auto& m = appliers();
  auto it = m.find(e.name);
  if (it != m.end()) {  // an unknown name, from a later version, changes nothing but seq
    auto id = e.data.is_object() ? e.data.find("id") : e.data.end();
    if (!e.data.is_object() || id == e.data.end() || !id->is_string() ||
        id->get_ref<const std::string&>().empty())
      return std::unexpected(error{"corruption",
                                   "event " + std::to_string(e.seq) + " (" + e.name +
                                       "): data is not an object with a string \"id\"",
                                   "data"});
    // Each applier checks what it needs before it changes anything.
    if (auto applied = it->second(s, e); !applied) return applied;
  }
  s.set_seq(e.seq);
  return {};
}

}  // namespace a4p::protocol
