// One event as the live feed delivers it: serialised once per visibility variant and shared by
// every recipient (and by the resume ring), plus who may receive it.
//
// Thread safety: immutable once built; share it by shared_ptr<const fanout> across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "protocol/principal.hpp"

namespace a4p::server {

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
  [[nodiscard]] const std::shared_ptr<const std::string>* body_for(
      const protocol::principal& v) const {
    if (!everyone && !protocol::privileged(v)) {
      bool in = false;
      for (const auto& o : orgs) in = in || o == v.org;
      if (!in) return nullptr;
    }
    if (redacted && !protocol::privileged(v)) return &redacted;
    return &full;
  }
};

}  // namespace a4p::server
