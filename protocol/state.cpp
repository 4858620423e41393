#include "protocol/state.hpp"

#include <algorithm>

namespace a4p::protocol {

const char* to_string(role r) {
  switch (r) {
    case role::secretariat:
      return "secretariat";
    case role::member:
      return "member";
    case role::auditor:
      return "auditor";
  }
  return "member";
}

std::optional<role> role_from_string(std::string_view s) {
  if (s == "secretariat") return role::secretariat;
  if (s == "member") return role::member;
  if (s == "auditor") return role::auditor;
  return std::nullopt;
}

bool state::operator==(const state& o) const {
  return seq_ == o.seq_ && counters == o.counters && public_off == o.public_off &&
         themes == o.themes && commitments == o.commitments && orgs == o.orgs && users == o.users &&
         pledges == o.pledges && gaps == o.gaps && actions == o.actions &&
         discussions == o.discussions && comments == o.comments && rounds == o.rounds &&
         opinions == o.opinions && champions == o.champions;
}

bool state::is_champion(std::string_view org, std::string_view theme) const {
  std::string key;
  key.reserve(org.size() + theme.size() + 1);
  key.append(org).append(":").append(theme);
  return champions.contains(key);
}

bool state::champions_any(std::string_view org) const {
  for (const auto& [id, c] : champions)
    if (c.org == org) return true;
  return false;
}

bool state::in_group(std::string_view org, std::string_view group) const {
  const auto* o = orgs.get(org);
  return o && o->groups.contains(group);
}

bool state::endorsed(std::string_view org) const {
  const auto* o = orgs.get(org);
  return o && o->endorsed;
}

std::size_t state::table_bytes() const {
  return themes.bytes() + commitments.bytes() + orgs.bytes() + users.bytes() + pledges.bytes() +
         gaps.bytes() + actions.bytes() + discussions.bytes() + comments.bytes() + rounds.bytes() +
         opinions.bytes() + champions.bytes() + threads.bytes();
}

std::size_t state::table_bytes_beyond(const state& o) const {
  return themes.bytes_beyond(o.themes) + commitments.bytes_beyond(o.commitments) +
         orgs.bytes_beyond(o.orgs) + users.bytes_beyond(o.users) + pledges.bytes_beyond(o.pledges) +
         gaps.bytes_beyond(o.gaps) + actions.bytes_beyond(o.actions) +
         discussions.bytes_beyond(o.discussions) + comments.bytes_beyond(o.comments) +
         rounds.bytes_beyond(o.rounds) + opinions.bytes_beyond(o.opinions) +
         champions.bytes_beyond(o.champions) + threads.bytes_beyond(o.threads);
}

}  // namespace a4p::protocol
