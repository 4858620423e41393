// Commands of the conversation: discussions, comments, opinions, champions.
#include <string>
#include <vector>

#include "protocol/handlers.hpp"

namespace a4p::protocol::detail {

// ---- discussions ----

outcome discussion_convene(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string theme = r.code("theme");
  std::string title = r.str("title", limits::title);
  std::string agenda = r.str("agenda", limits::long_text);
  std::string visibility = r.one_of("visibility", {"open", "restricted"});
  std::vector<std::string> invitees;
  if (r.has("invitees")) invitees = r.codes("invitees", limits::list);
  std::string lang = r.opt_lang();
  A4P_CHECK(r);
  if (!s.themes.contains(theme))
    return std::unexpected(not_found("theme", "no such theme " + theme));
  if (!is_sec(p) && !champion_of(s, p, theme))
    return std::unexpected(forbidden("only the Secretariat and the theme's champions convene"));
  for (const auto& o : invitees)
    if (!s.orgs.contains(o))
      return std::unexpected(not_found("invitees", "no such organisation " + o));
  std::string id = next_id("D", s.counters.discussion);
  json data = {{"id", id},         {"theme", theme},           {"title", title},
               {"agenda", agenda}, {"visibility", visibility}, {"invitees", invitees},
               {"convener", p.org}};
  with_lang(data, lang);
  return one("discussion.convened", "discussion:" + id, std::move(data), {{"id", id}});
}

outcome discussion_lock_or_close(const state& s, const principal& p, const json& a, bool close) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::string outcome_text;
  std::string lang;
  if (close) outcome_text = r.str("outcome", limits::long_text), lang = r.opt_lang();
  A4P_CHECK(r);
  const discussion* x = s.discussions.get(id);
  if (!x || check_target(s, p, "discussion:" + id, "id"))
    return std::unexpected(not_found("id", "no such discussion " + id));
  if (!is_sec(p) && !(is_member(p) && p.org == x->convener))
    return std::unexpected(forbidden("only the Secretariat and the convening champion"));
  if (x->state == "closed" || (!close && x->state == "locked"))
    return std::unexpected(conflict(s, p, "discussion:" + id, "the discussion is " + x->state));
  if (close) {
    json data = {{"id", id}, {"outcome", outcome_text}};
    with_lang(data, lang);
    return one("discussion.closed", "discussion:" + id, std::move(data), {{"id", id}});
  }
  return one("discussion.locked", "discussion:" + id, {{"id", id}}, {{"id", id}});
}

// ---- comments ----

const discussion* discussion_of_target(const state& s, std::string_view target) {
  if (!target.starts_with("discussion:")) return nullptr;
  return s.discussions.get(target.substr(11));
}

outcome comment_post(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string target = r.str("target", 128);
  std::string body = r.str("body", limits::body);
  json reply_to = nullptr;
  if (r.has("reply_to")) reply_to = r.code("reply_to");
  std::string lang = r.opt_lang();
  A4P_CHECK(r);
  if (auto e = check_target(s, p, target, "target")) return std::unexpected(std::move(*e));
  if (const discussion* d = discussion_of_target(s, target); d && d->state != "open")
    return std::unexpected(reject(reject_code::locked, "the discussion is " + d->state));
  if (reply_to.is_string()) {
    const comment* c = s.comments.get(reply_to.get<std::string>());
    if (!c) return std::unexpected(not_found("reply_to", "no such comment"));
    if (c->target != target)
      return std::unexpected(bad("reply_to", "reply_to is a comment on another target"));
  }
  std::string id = next_id("C", s.counters.comment);
  json data = {{"id", id}, {"target", target}, {"body", body}, {"reply_to", reply_to}};
  with_lang(data, lang);
  return one("comment.posted", "comment:" + id, std::move(data), {{"id", id}});
}

outcome comment_edit(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::string body = r.str("body", limits::body);
  std::string lang = r.opt_lang();
  A4P_CHECK(r);
  const comment* c = s.comments.get(id);
  if (!c || check_target(s, p, c->target, "id"))
    return std::unexpected(not_found("id", "no such comment " + id));
  if (c->author != p.user) return std::unexpected(forbidden("only the author edits a comment"));
  if (c->hidden) return std::unexpected(forbidden("a hidden comment cannot be edited"));
  if (const discussion* d = discussion_of_target(s, c->target); d && d->state != "open")
    return std::unexpected(reject(reject_code::locked, "the discussion is " + d->state));
  json data = {{"id", id}, {"body", body}};
  with_lang(data, lang);
  return one("comment.edited", "comment:" + id, std::move(data), {{"id", id}});
}

outcome comment_hide_or_restore(const state& s, const principal& p, const json& a, bool hide) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat moderates"));
  reader r(a, "");
  std::string id = r.code("id");
  std::string reason;
  if (hide) reason = r.str("reason", limits::short_text);
  A4P_CHECK(r);
  const comment* c = s.comments.get(id);
  if (!c) return std::unexpected(not_found("id", "no such comment " + id));
  if (c->hidden == hide)
    return std::unexpected(conflict(s, p, "comment:" + id, hide ? "already hidden" : "not hidden"));
  if (hide)
    return one("comment.hidden", "comment:" + id, {{"id", id}, {"reason", reason}}, {{"id", id}});
  return one("comment.restored", "comment:" + id, {{"id", id}}, {{"id", id}});
}

// ---- opinions, champions ----

outcome opinion_give(const state& s, const principal& p, const json& a) {
  if (!is_member(p) || !s.in_group(p.org, "G10"))
    return std::unexpected(forbidden("only members of G10 organisations give opinions"));
  reader r(a, "");
  std::string target = r.str("target", 128);
  std::string position = r.one_of("position", {"support", "concerns", "object"});
  std::string text = r.str("text", limits::body);
  std::string lang = r.opt_lang();
  A4P_CHECK(r);
  if (auto e = check_target(s, p, target, "target")) return std::unexpected(std::move(*e));
  std::string id = p.org + ":" + target;
  json data = {{"id", id}, {"target", target}, {"position", position}, {"text", text}};
  with_lang(data, lang);
  return one("opinion.given", "opinion:" + id, std::move(data), {{"id", id}});
}

outcome champion_assign_or_withdraw(const state& s, const principal& p, const json& a,
                                    bool assign) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat assigns champions"));
  reader r(a, "");
  std::string org_id = r.code("org", 16);
  std::string theme = r.code("theme");
  json offer = nullptr;
  if (assign && r.has("offer")) offer = r.str("offer", limits::body);
  A4P_CHECK(r);
  if (!s.orgs.contains(org_id)) return std::unexpected(not_found("org", "no such organisation"));
  if (!s.themes.contains(theme)) return std::unexpected(not_found("theme", "no such theme"));
  std::string id = org_id + ":" + theme;
  bool exists = s.champions.contains(id);
  if (assign && exists)
    return std::unexpected(conflict(s, p, "champion:" + id, org_id + " champions " + theme));
  if (!assign && !exists)
    return std::unexpected(not_found("org", org_id + " does not champion " + theme));
  if (assign)
    return one("champion.assigned", "champion:" + id,
               {{"id", id}, {"org", org_id}, {"theme", theme}, {"offer", offer}}, {{"id", id}});
  return one("champion.withdrawn", "champion:" + id,
             {{"id", id}, {"org", org_id}, {"theme", theme}}, {{"id", id}});
}

}  // namespace a4p::protocol::detail
