// Who acts and who reads: the one identity type of the rules, the feed and the readers.
//
//  - actor {user, org}: who a stored event is by, as the log records it (no role: the role is
//    the state's, and changes);
//  - principal {user, org, r}: a user with the base role the state gives them now. A principal
//    sends commands (decide) and reads (visibility: `viewer` is the same type under the name
//    its readers use). The server's sessions, hub and fan-out hold it as it is.
//
// Thread safety: plain values; the functions are pure over a const state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/state.hpp"

namespace a4p::protocol {

struct actor {
  std::string user, org;
  bool operator==(const actor&) const = default;
};

struct principal {
  std::string user;
  std::string org;
  role r = role::member;
  bool operator==(const principal&) const = default;
};
// A reader of the state and of the log.
using viewer = principal;

// Secretariat and auditors read everything, hidden bodies included (protocol/README.md
// "Visibility").
[[nodiscard]] inline bool privileged(const principal& p) noexcept {
  return p.r == role::secretariat || p.r == role::auditor;
}

// The user's principal, from the users of the state; nullopt for an unknown or disabled user
// (a disabled account signs in to nothing, holds no socket and sends no command).
[[nodiscard]] std::optional<principal> principal_of(const state& s, std::string_view user);
// user "system", org "UN", role secretariat: genesis, demo data, a4pctl.
[[nodiscard]] principal system_principal();
// welcome.user.roles: the base role, then "champion" and "g10" when they apply.
[[nodiscard]] std::vector<std::string> roles_of(const state& s, const principal& p);

}  // namespace a4p::protocol
