// One event as the live feed delivers it: serialised once per visibility variant and shared by
// every recipient (and by the resume ring), plus who may receive it.
//
// Thread safety: immutable once built; share it by shared_ptr<const fanout> across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol/state.hpp"

namespace a4p::server {

// Who a live session is: fixed at hello.
struct viewer_info {
  std::string user;
  std::string org;
  protocol::role r = protocol::role::member;
  [[nodiscard]] bool privileged() const {
    return r == protocol::role::secretariat || r == protocol::role::auditor;
  }
};

struct fanout {
  std::uint64_t seq = 0;
  std::string entity;
  // event_body() of the full view, and of the redacted view for readers who may not see a
  // hidden body (null: the redacted reader gets `full` too).
  std::shared_ptr<const std::string> full;
  std::shared_ptr<const std::string> redacted;
  // Audience: everyone, or only privileged readers plus members of `orgs`.
  bool everyone = true;
  std::vector<std::string> orgs;

  // The body `v` receives, or null when the event is withheld from `v`.
  [[nodiscard]] const std::shared_ptr<const std::string>* body_for(const viewer_info& v) const {
    if (!everyone && !v.privileged()) {
      bool in = false;
      for (const auto& o : orgs) in = in || o == v.org;
      if (!in) return nullptr;
    }
    if (redacted && !v.privileged()) return &redacted;
    return &full;
  }
};

}  // namespace a4p::server
