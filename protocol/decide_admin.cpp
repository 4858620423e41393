// The Secretariat's commands: organisations, users, commitments, rounds.
#include <cstdint>
#include <string>

#include "protocol/entity_json.hpp"
#include "protocol/handlers.hpp"

namespace a4p::protocol::detail {

// ---- admin ----

outcome org_add(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat adds organisations"));
  reader r(a, "");
  std::string id = r.code("id", 16);
  std::string name = r.str("name", limits::short_text);
  std::string kind = r.one_of("kind", {"member_state", "organization", "secretariat"});
  std::string region;
  if (r.has("region")) region = r.one_of("region", {"AFR", "APG", "EEG", "GRULAC", "WEOG"});
  std::vector<std::string> groups;
  if (r.has("groups")) groups = r.codes("groups", 32);
  bool endorsed = r.has("endorsed") ? r.boolean("endorsed") : kind != "secretariat";
  A4P_CHECK(r);
  if (s.orgs.contains(id))
    return std::unexpected(conflict(s, p, "org:" + id, "organisation " + id + " exists"));
  json data = {{"id", id},         {"name", name},
               {"kind", kind},     {"region", or_null(region)},
               {"groups", groups}, {"endorsed", endorsed}};
  return one("org.added", "org:" + id, std::move(data), {{"id", id}});
}

outcome org_update(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat updates organisations"));
  reader r(a, "");
  std::string id = r.code("id", 16);
  if (r.has("base_version")) r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("name")) changes["name"] = c.str("name", limits::short_text);
    if (c.has("region"))
      changes["region"] = c.one_of("region", {"AFR", "APG", "EEG", "GRULAC", "WEOG"});
    if (c.has("groups")) changes["groups"] = c.codes("groups", 32);
    if (c.has("endorsed")) changes["endorsed"] = c.boolean("endorsed");
  });
  A4P_CHECK(r);
  if (!s.orgs.contains(id)) return std::unexpected(not_found("id", "no such organisation " + id));
  return one("org.updated", "org:" + id, {{"id", id}, {"changes", changes}}, {{"id", id}});
}

outcome user_add(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat adds users"));
  reader r(a, "");
  std::string id = r.code("id", 64);
  std::string name = r.str("name", limits::short_text);
  std::string org_id = r.code("org", 16);
  std::string role_s = r.one_of("role", {"secretariat", "member", "auditor"});
  A4P_CHECK(r);
  if (id == "system") return std::unexpected(bad("id", "\"system\" is reserved"));
  if (!s.orgs.contains(org_id))
    return std::unexpected(not_found("org", "no such organisation " + org_id));
  if (s.users.contains(id))
    return std::unexpected(conflict(s, p, "user:" + id, "user " + id + " exists"));
  return one("user.added", "user:" + id,
             {{"id", id}, {"name", name}, {"org", org_id}, {"role", role_s}}, {{"id", id}});
}

outcome user_set_role(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat changes roles"));
  reader r(a, "");
  std::string id = r.code("id", 64);
  std::string role_s = r.one_of("role", {"secretariat", "member", "auditor"});
  A4P_CHECK(r);
  if (!s.users.contains(id)) return std::unexpected(not_found("id", "no such user " + id));
  return one("user.role_changed", "user:" + id, {{"id", id}, {"role", role_s}}, {{"id", id}});
}

outcome user_disable_or_enable(const state& s, const principal& p, const json& a, bool disable) {
  if (!is_sec(p))
    return std::unexpected(forbidden("only the Secretariat disables or enables accounts"));
  reader r(a, "");
  std::string id = r.code("id", 64);
  A4P_CHECK(r);
  const user* u = s.users.get(id);
  if (!u) return std::unexpected(not_found("id", "no such user " + id));
  // Nobody locks themselves out: another Secretariat user has to do it.
  if (disable && id == p.user) return std::unexpected(forbidden("you cannot disable yourself"));
  if (u->disabled == disable)
    return std::unexpected(conflict(
        s, p, "user:" + id, "user " + id + (disable ? " is disabled" : " is not disabled")));
  return one(disable ? "user.disabled" : "user.enabled", "user:" + id, {{"id", id}}, {{"id", id}});
}

// The signed-in user's own preferences (an a4p.v1 extension): today only `lang`, the language
// the web client shows itself in, so that it follows the user to another browser. Anyone may set
// their own (auditors send no commands at all, decide.cpp); nobody sets another's.
outcome user_set_preference(const state& s, const principal& p, const json& a) {
  reader r(a, "");
  std::string lang;
  bool clear = r.is_null("lang");
  if (!clear) {
    lang = r.opt_lang();
    if (!r.err && lang.empty()) r.err = bad("lang", "lang is required (a BCP 47 tag, or null)");
  }
  A4P_CHECK(r);
  const user* u = s.users.get(p.user);
  if (!u) return std::unexpected(not_found("user", "no such user " + p.user));
  if (std::string_view(u->lang) == lang)
    return std::unexpected(conflict(s, p, "user:" + p.user, "the preference is already set"));
  return one("user.preference_set", "user:" + p.user,
             {{"id", p.user}, {"lang", lang.empty() ? json(nullptr) : json(lang)}},
             {{"id", p.user}});
}

// ---- commitments ----

outcome commitment_add(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat adds commitments"));
  reader r(a, "");
  std::string theme = r.code("theme");
  std::int64_t number = r.integer("number", 1, 1000);
  std::string title = r.str("title", limits::title);
  std::string resp = r.one_of("responsibility", {"member_states", "secretary_general", "shared"});
  A4P_CHECK(r);
  if (!s.themes.contains(theme))
    return std::unexpected(not_found("theme", "no such theme " + theme));
  std::string id = next_id("CM", s.counters.commitment);
  return one("commitment.added", "commitment:" + id,
             {{"id", id},
              {"theme", theme},
              {"number", number},
              {"title", title},
              {"responsibility", resp},
              {"version", 1}},
             {{"id", id}});
}

outcome commitment_update(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat edits commitments"));
  reader r(a, "");
  std::string id = r.code("id");
  std::int64_t base = r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("theme")) changes["theme"] = c.code("theme");
    if (c.has("number")) changes["number"] = c.integer("number", 1, 1000);
    if (c.has("title")) changes["title"] = c.str("title", limits::title);
    if (c.has("responsibility"))
      changes["responsibility"] =
          c.one_of("responsibility", {"member_states", "secretary_general", "shared"});
  });
  A4P_CHECK(r);
  const commitment* x = s.commitments.get(id);
  if (!x) return std::unexpected(not_found("id", "no such commitment " + id));
  if (changes.contains("theme") && !s.themes.contains(changes["theme"].get<std::string>()))
    return std::unexpected(not_found("changes.theme", "no such theme"));
  return versioned_update(s, p, "commitment", id, *x, base, std::move(changes));
}

// ---- rounds ----

outcome round_open(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat opens rounds"));
  reader r(a, "");
  std::string name = r.str("name", limits::short_text);
  std::string closes = r.date("closes");
  A4P_CHECK(r);
  std::string id = next_id("R", s.counters.round);
  return one("round.opened", "round:" + id, {{"id", id}, {"name", name}, {"closes", closes}},
             {{"id", id}});
}

outcome round_close(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat closes rounds"));
  reader r(a, "");
  std::string id = r.code("id");
  A4P_CHECK(r);
  const round* x = s.rounds.get(id);
  if (!x) return std::unexpected(not_found("id", "no such round " + id));
  if (x->state == "closed") return std::unexpected(conflict(s, p, "round:" + id, "already closed"));
  return one("round.closed", "round:" + id, {{"id", id}}, {{"id", id}});
}

}  // namespace a4p::protocol::detail
