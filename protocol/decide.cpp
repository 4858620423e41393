// decide(): dispatch by command name, and what the handlers share.
#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>

#include "protocol/handlers.hpp"
#include "protocol/visibility.hpp"

namespace a4p::protocol {
namespace detail {

decision one(std::string name, std::string entity, json data, json result) {
  decision d;
  d.events.push_back(draft{std::move(name), std::move(entity), std::move(data)});
  d.result = std::move(result);
  return d;
}

std::string next_id(const char* prefix, std::uint64_t count) {
  return prefix + std::to_string(count + 1);
}

bool is_sec(const principal& p) {
  return p.r == role::secretariat;
}
bool is_member(const principal& p) {
  return p.r == role::member;
}
bool champion_of(const state& s, const principal& p, std::string_view theme) {
  return is_member(p) && s.is_champion(p.org, theme);
}

json current_view(const state& s, const principal& p, const std::string& entity) {
  return view_entity(s, p, entity);
}

rejection conflict(const state& s, const principal& p, const std::string& entity,
                   std::string message, json extra) {
  json details = {{"current", current_view(s, p, entity)}};
  for (auto it = extra.begin(); it != extra.end(); ++it) details[it.key()] = it.value();
  return reject(reject_code::conflict, std::move(message), std::move(details));
}

std::optional<rejection> merge_check(const state& s, const principal& p, const std::string& entity,
                                     std::int64_t version, const field_versions& changed,
                                     std::int64_t base, const json& changes) {
  if (base > version)
    return bad("base_version", "base_version " + std::to_string(base) +
                                   " is newer than the current version " + std::to_string(version));
  json overlap = json::array();
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    auto f = changed.of(it.key());
    if (f && *f > base) overlap.push_back(it.key());
  }
  if (!overlap.empty())
    return conflict(s, p, entity, "changed since version " + std::to_string(base),
                    {{"fields", overlap}});
  return std::nullopt;
}

// The `changes` object of an update: `fields(c, changes)` reads each editable field present;

std::optional<rejection> check_target(const state& s, const principal& p, std::string_view target,
                                      const std::string& field) {
  auto colon = target.find(':');
  std::string kind(colon == std::string::npos ? std::string_view() : target.substr(0, colon));
  std::string id(colon == std::string::npos ? std::string_view() : target.substr(colon + 1));
  if (kind == "pledge") {
    if (!s.pledges.contains(id)) return not_found(field, "no such pledge " + id);
    return std::nullopt;
  }
  if (kind == "action") {
    if (!s.actions.contains(id)) return not_found(field, "no such action " + id);
    return std::nullopt;
  }
  if (kind == "discussion") {
    const discussion* d = s.discussions.get(id);
    if (!d) return not_found(field, "no such discussion " + id);
    if (!may_see_discussion(*d, p)) return not_found(field, "no such discussion " + id);
    return std::nullopt;
  }
  return bad(field, field + " must be \"discussion:<id>\", \"pledge:<id>\" or \"action:<id>\"");
}

}  // namespace detail

using namespace detail;

namespace {

using handler = std::function<outcome(const state&, const principal&, const json&)>;

const std::unordered_map<std::string, handler>& handlers() {
  static const std::unordered_map<std::string, handler> h = {
      {"org.add", org_add},
      {"org.update", org_update},
      {"user.add", user_add},
      {"user.set_role", user_set_role},
      {"user.set_preference", user_set_preference},
      {"user.disable", [](const state& s, const principal& p,
                          const json& a) { return user_disable_or_enable(s, p, a, true); }},
      {"user.enable", [](const state& s, const principal& p,
                         const json& a) { return user_disable_or_enable(s, p, a, false); }},
      {"commitment.add", commitment_add},
      {"commitment.update", commitment_update},
      {"pledge.create", pledge_create},
      {"pledge.update", pledge_update},
      {"pledge.report", pledge_report},
      {"pledge.publish", [](const state& s, const principal& p,
                            const json& a) { return pledge_publish_or_withdraw(s, p, a, true); }},
      {"pledge.withdraw_publication",
       [](const state& s, const principal& p, const json& a) {
         return pledge_publish_or_withdraw(s, p, a, false);
       }},
      {"public.configure", public_configure},
      {"round.open", round_open},
      {"round.close", round_close},
      {"gap.add", gap_add},
      {"gap.update", gap_update},
      {"action.add", action_add},
      {"action.update", action_update},
      {"action.take_up", action_take_up},
      {"discussion.convene", discussion_convene},
      {"discussion.lock", [](const state& s, const principal& p,
                             const json& a) { return discussion_lock_or_close(s, p, a, false); }},
      {"discussion.close", [](const state& s, const principal& p,
                              const json& a) { return discussion_lock_or_close(s, p, a, true); }},
      {"comment.post", comment_post},
      {"comment.edit", comment_edit},
      {"comment.hide", [](const state& s, const principal& p,
                          const json& a) { return comment_hide_or_restore(s, p, a, true); }},
      {"comment.restore", [](const state& s, const principal& p,
                             const json& a) { return comment_hide_or_restore(s, p, a, false); }},
      {"opinion.give", opinion_give},
      {"champion.assign", [](const state& s, const principal& p,
                             const json& a) { return champion_assign_or_withdraw(s, p, a, true); }},
      {"champion.withdraw",
       [](const state& s, const principal& p, const json& a) {
         return champion_assign_or_withdraw(s, p, a, false);
       }},
  };
  return h;
}

}  // namespace

std::vector<std::string> command_names() {
  std::vector<std::string> out;
  for (const auto& [name, h] : handlers()) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::expected<decision, rejection> decide(const state& s, const principal& p, const command& c) {
  const auto& h = handlers();
  auto it = h.find(c.name);
  if (it == h.end())
    return std::unexpected(bad("name", "unknown command \"" + c.name.substr(0, 64) + "\""));
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  if (!c.args.is_object()) return std::unexpected(bad("args", "args must be an object"));
  try {
    return it->second(s, p, c.args);
  } catch (const std::exception& ex) {
    // A bug in a handler, not a client error: the caller logs and counts it (the randomized
    // tests assert it never happens). Nothing was decided, so the state is untouched.
    return std::unexpected(
        reject(reject_code::internal, "internal error in " + c.name + ": " + ex.what()));
  }
}

}  // namespace a4p::protocol
