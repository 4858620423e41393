// Commands on the work: pledges (and their progress), gaps, actions.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/handlers.hpp"

namespace a4p::protocol::detail {

// ---- pledges ----

std::optional<rejection> check_pledge_refs(const state& s, const json& fields,
                                           const std::string& prefix) {
  if (fields.contains("theme") && !s.themes.contains(fields["theme"].get<std::string>()))
    return not_found(prefix + "theme", "no such theme");
  if (fields.contains("commitment") && fields["commitment"].is_string() &&
      !s.commitments.contains(fields["commitment"].get<std::string>()))
    return not_found(prefix + "commitment", "no such commitment");
  if (fields.contains("actions"))
    for (const auto& x : fields["actions"])
      if (!s.actions.contains(x.get<std::string>()))
        return not_found(prefix + "actions", "no such action " + x.get<std::string>());
  return std::nullopt;
}

outcome pledge_create(const state& s, const principal& p, const json& a) {
  if (is_member(p)) {
    if (!s.endorsed(p.org))
      return std::unexpected(forbidden("only members of endorsing organisations pledge"));
  } else if (!is_sec(p)) {
    return std::unexpected(forbidden("auditors send no commands"));
  }
  reader r(a, "");
  std::string theme = r.code("theme");
  std::string title = r.str("title", limits::title);
  std::string description = r.str("description", limits::long_text);
  json output = r.indicator_obj("output");
  json impact = nullptr;
  if (r.has("impact")) impact = r.indicator_obj("impact");
  json commitment = nullptr;
  if (r.has("commitment")) commitment = r.code("commitment");
  std::vector<std::string> actions;
  if (r.has("actions")) actions = r.codes("actions", limits::list);
  json due = nullptr;
  if (r.has("due")) due = r.date("due");
  std::string lang = r.opt_lang();
  A4P_CHECK(r);
  json data = {{"theme", theme}, {"commitment", commitment}, {"actions", actions}};
  if (auto e = check_pledge_refs(s, data, "")) return std::unexpected(std::move(*e));
  std::string id = next_id("P", s.counters.pledge);
  data["id"] = id;
  data["org"] = p.org;
  data["title"] = title;
  data["description"] = description;
  data["output"] = std::move(output);
  data["impact"] = impact;
  data["due"] = due;
  data["version"] = 1;
  with_lang(data, lang);
  return one("pledge.created", "pledge:" + id, std::move(data), {{"id", id}});
}

outcome pledge_update(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::int64_t base = r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("theme")) changes["theme"] = c.code("theme");
    if (c.has("title")) changes["title"] = c.str("title", limits::title);
    if (c.has("description")) changes["description"] = c.str("description", limits::long_text);
    if (c.has("output")) changes["output"] = c.indicator_obj("output");
    if (c.has("impact")) changes["impact"] = c.indicator_obj("impact");
    if (c.has("commitment")) changes["commitment"] = c.code("commitment");
    if (c.has("actions")) changes["actions"] = c.codes("actions", limits::list);
    if (c.has("due")) changes["due"] = c.date("due");
    for (const char* k : {"impact", "commitment", "due"})
      if (c.is_null(k)) changes[k] = nullptr;
  });
  A4P_CHECK(r);
  const pledge* x = s.pledges.get(id);
  if (!x) return std::unexpected(not_found("id", "no such pledge " + id));
  if (x->org != p.org) return std::unexpected(forbidden("only the pledge's organisation edits it"));
  if (auto e = check_pledge_refs(s, changes, "changes.")) return std::unexpected(std::move(*e));
  return versioned_update(s, p, "pledge", id, *x, base, std::move(changes));
}

outcome pledge_report(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::string status = r.one_of("status", {"planned", "on_track", "delayed", "done", "dropped"});
  std::int64_t progress = r.integer("progress", 0, 100);
  std::string note = r.str("note", limits::body, true);
  json round_id = nullptr;
  if (r.has("round")) round_id = r.code("round");
  std::vector<std::string> evidence;
  if (r.has("evidence")) evidence = r.urls("evidence");
  json impact_note = nullptr;
  if (r.has("impact_note")) impact_note = r.str("impact_note", limits::long_text, true);
  json attrib = nullptr;
  if (r.has("attribution")) attrib = r.attribution_obj("attribution");
  std::string lang = r.opt_lang();
  A4P_CHECK(r);
  const pledge* x = s.pledges.get(id);
  if (!x) return std::unexpected(not_found("id", "no such pledge " + id));
  if (x->org != p.org) return std::unexpected(forbidden("only the pledge's organisation reports"));
  if (round_id.is_string()) {
    const round* rd = s.rounds.get(round_id.get<std::string>());
    if (!rd) return std::unexpected(not_found("round", "no such round"));
    if (rd->state != "open")
      return std::unexpected(conflict(s, p, "round:" + rd->id, "the round is closed"));
  }
  json data = {{"id", id},
               {"round", round_id},
               {"status", status},
               {"progress", progress},
               {"note", note},
               {"evidence", evidence},
               {"impact_note", impact_note},
               {"attribution", attrib}};
  with_lang(data, lang);
  return one("pledge.progress_reported", "pledge:" + id, std::move(data), {{"id", id}});
}

// ---- gaps ----

outcome gap_add(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat records gaps"));
  reader r(a, "");
  std::string theme = r.code("theme");
  std::string title = r.str("title", limits::title);
  std::string description = r.str("description", limits::long_text);
  A4P_CHECK(r);
  if (!s.themes.contains(theme))
    return std::unexpected(not_found("theme", "no such theme " + theme));
  std::string id = next_id("G", s.counters.gap);
  return one("gap.added", "gap:" + id,
             {{"id", id},
              {"theme", theme},
              {"title", title},
              {"description", description},
              {"version", 1}},
             {{"id", id}});
}

outcome gap_update(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat edits gaps"));
  reader r(a, "");
  std::string id = r.code("id");
  std::int64_t base = r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("theme")) changes["theme"] = c.code("theme");
    if (c.has("title")) changes["title"] = c.str("title", limits::title);
    if (c.has("description")) changes["description"] = c.str("description", limits::long_text);
  });
  A4P_CHECK(r);
  const gap* x = s.gaps.get(id);
  if (!x) return std::unexpected(not_found("id", "no such gap " + id));
  if (changes.contains("theme") && !s.themes.contains(changes["theme"].get<std::string>()))
    return std::unexpected(not_found("changes.theme", "no such theme"));
  return versioned_update(s, p, "gap", id, *x, base, std::move(changes));
}

// ---- actions ----

outcome action_add(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string theme = r.code("theme");
  std::string title = r.str("title", limits::title);
  std::string kind = r.one_of("kind", {"concrete", "broad"});
  json gap_id = nullptr;
  if (r.has("gap")) gap_id = r.code("gap");
  json due = nullptr;
  if (r.has("due")) due = r.date("due");
  A4P_CHECK(r);
  if (!s.themes.contains(theme))
    return std::unexpected(not_found("theme", "no such theme " + theme));
  if (!is_sec(p) && !champion_of(s, p, theme))
    return std::unexpected(forbidden("only the Secretariat and the theme's champions add actions"));
  if (gap_id.is_string() && !s.gaps.contains(gap_id.get<std::string>()))
    return std::unexpected(not_found("gap", "no such gap"));
  std::string id = next_id("A", s.counters.action);
  return one("action.added", "action:" + id,
             {{"id", id},
              {"theme", theme},
              {"title", title},
              {"kind", kind},
              {"gap", gap_id},
              {"due", due},
              {"version", 1}},
             {{"id", id}});
}

outcome action_update(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::int64_t base = r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("title")) changes["title"] = c.str("title", limits::title);
    if (c.has("kind")) changes["kind"] = c.one_of("kind", {"concrete", "broad"});
    if (c.has("gap")) changes["gap"] = c.code("gap");
    if (c.has("due")) changes["due"] = c.date("due");
    for (const char* k : {"gap", "due"})
      if (c.is_null(k)) changes[k] = nullptr;
  });
  A4P_CHECK(r);
  const action* x = s.actions.get(id);
  if (!x) return std::unexpected(not_found("id", "no such action " + id));
  if (!is_sec(p) && !champion_of(s, p, x->theme))
    return std::unexpected(
        forbidden("only the Secretariat and the theme's champions edit actions"));
  if (changes.contains("gap") && changes["gap"].is_string() &&
      !s.gaps.contains(changes["gap"].get<std::string>()))
    return std::unexpected(not_found("changes.gap", "no such gap"));
  return versioned_update(s, p, "action", id, *x, base, std::move(changes));
}

outcome action_take_up(const state& s, const principal& p, const json& a) {
  if (!is_member(p) || !s.endorsed(p.org))
    return std::unexpected(forbidden("only endorsing organisations take up actions"));
  reader r(a, "");
  std::string id = r.code("id");
  A4P_CHECK(r);
  const action* x = s.actions.get(id);
  if (!x) return std::unexpected(not_found("id", "no such action " + id));
  if (std::find(x->taken_up_by.begin(), x->taken_up_by.end(), p.org) != x->taken_up_by.end())
    return std::unexpected(conflict(s, p, "action:" + id, p.org + " has taken it up already"));
  return one("action.taken_up", "action:" + id, {{"id", id}, {"org", p.org}}, {{"id", id}});
}

}  // namespace a4p::protocol::detail
