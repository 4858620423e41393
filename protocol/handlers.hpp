// Internal to decide(): what the command handlers share (the merge check, the versioned
// update, targets) and the handlers themselves, one file per area: decide_admin.cpp (org,
// user, commitment, round), decide_work.cpp (pledge, gap, action), decide_talk.cpp
// (discussion, comment, opinion, champion), decide_public.cpp (publication). decide.cpp dispatches.
// Not part of the library's interface.
//
// Thread safety: pure functions over a const state.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/args.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol::detail {

using outcome = std::expected<decision, rejection>;

decision one(std::string name, std::string entity, json data, json result);
// The language tag of written content, in the event data only when the command gave one (an
// event without "lang" is content of unknown language: every event before this member existed).
inline void with_lang(json& data, const std::string& lang) {
  if (!lang.empty()) data["lang"] = lang;
}
std::string next_id(const char* prefix, std::uint64_t count);
bool is_sec(const principal& p);
bool is_member(const principal& p);
bool champion_of(const state& s, const principal& p, std::string_view theme);
rejection conflict(const state& s, const principal& p, const std::string& entity,
                   std::string message, json extra = json::object());
// base_version merge: refuse when a field in `changes` changed after base_version.
std::optional<rejection> merge_check(const state& s, const principal& p, const std::string& entity,
                                     std::int64_t version, const field_versions& changed,
                                     std::int64_t base, const json& changes);
// May this principal see the target entity ("discussion:D1", "pledge:P2", "action:A1")?
// nullopt: yes; else the rejection (not_found: absent or invisible, indistinguishably).
std::optional<rejection> check_target(const state& s, const principal& p, std::string_view target,
                                      const std::string& field);

// The tail of every versioned update: the base_version merge, then one "<kind>.updated".
template <class Entity>
outcome versioned_update(const state& s, const principal& p, const std::string& kind,
                         const std::string& id, const Entity& x, std::int64_t base, json changes) {
  const std::string entity = kind + ":" + id;
  if (auto m = merge_check(s, p, entity, x.version, x.changed, base, changes))
    return std::unexpected(std::move(*m));
  return one(kind + ".updated", entity,
             {{"id", id}, {"changes", std::move(changes)}, {"version", x.version + 1}},
             {{"id", id}, {"version", x.version + 1}});
}

// decide_admin.cpp
outcome org_add(const state& s, const principal& p, const json& a);
outcome org_update(const state& s, const principal& p, const json& a);
outcome user_add(const state& s, const principal& p, const json& a);
outcome user_set_role(const state& s, const principal& p, const json& a);
outcome user_disable_or_enable(const state& s, const principal& p, const json& a, bool disable);
outcome user_set_preference(const state& s, const principal& p, const json& a);
outcome commitment_add(const state& s, const principal& p, const json& a);
outcome commitment_update(const state& s, const principal& p, const json& a);
outcome round_open(const state& s, const principal& p, const json& a);
outcome round_close(const state& s, const principal& p, const json& a);
// decide_work.cpp
outcome pledge_create(const state& s, const principal& p, const json& a);
outcome pledge_update(const state& s, const principal& p, const json& a);
outcome pledge_report(const state& s, const principal& p, const json& a);
outcome gap_add(const state& s, const principal& p, const json& a);
outcome gap_update(const state& s, const principal& p, const json& a);
outcome action_add(const state& s, const principal& p, const json& a);
outcome action_update(const state& s, const principal& p, const json& a);
outcome action_take_up(const state& s, const principal& p, const json& a);
// decide_talk.cpp
outcome discussion_convene(const state& s, const principal& p, const json& a);
outcome comment_post(const state& s, const principal& p, const json& a);
outcome comment_edit(const state& s, const principal& p, const json& a);
outcome opinion_give(const state& s, const principal& p, const json& a);
outcome discussion_lock_or_close(const state& s, const principal& p, const json& a, bool close);
outcome comment_hide_or_restore(const state& s, const principal& p, const json& a, bool hide);
outcome champion_assign_or_withdraw(const state& s, const principal& p, const json& a, bool assign);
// decide_public.cpp
outcome pledge_publish_or_withdraw(const state& s, const principal& p, const json& a, bool publish);
outcome public_configure(const state& s, const principal& p, const json& a);

}  // namespace a4p::protocol::detail
