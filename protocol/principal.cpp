// Principals: who sends a command, as the state knows them.
#include <string>
#include <string_view>
#include <vector>

#include "protocol/principal.hpp"

namespace a4p::protocol {

std::optional<principal> principal_of(const state& s, std::string_view user) {
  const auto* u = s.users.get(user);
  if (!u || u->disabled) return std::nullopt;
  return principal{u->id.str(), u->org.str(), u->r};
}

principal system_principal() {
  return principal{"system", "UN", role::secretariat};
}

std::vector<std::string> roles_of(const state& s, const principal& p) {
  std::vector<std::string> out{to_string(p.r)};
  if (p.r == role::member && s.champions_any(p.org)) out.emplace_back("champion");
  if (p.r == role::member && s.in_group(p.org, "G10")) out.emplace_back("g10");
  return out;
}

}  // namespace a4p::protocol
