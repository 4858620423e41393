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
  auto it = orgs.find(std::string(org));
  if (it == orgs.end()) return false;
  return std::find(it->second.groups.begin(), it->second.groups.end(), group) !=
         it->second.groups.end();
}

bool state::endorsed(std::string_view org) const {
  auto it = orgs.find(std::string(org));
  return it != orgs.end() && it->second.endorsed;
}

}  // namespace a4p::protocol
