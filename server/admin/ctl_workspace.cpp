#include "server/admin/ctl_workspace.hpp"

#include <utility>

#include "protocol/snapshot_audit.hpp"

namespace a4p::server {

storage::status audit_snapshots(
    const storage::event_log& log,
    const std::function<void(std::uint64_t seq, const std::string& problem)>& report) {
  protocol::snapshot_audit audit(scan_fn(log));
  std::optional<storage::error> failure;
  auto st =
      log.scan_snapshots([&](std::uint64_t seq, std::string_view bytes, std::string_view problem) {
        if (!problem.empty()) {
          report(seq, std::string(problem));
          return true;
        }
        auto found = audit.check(seq, bytes);
        if (!found) {
          failure = to_storage_error(found.error());
          return false;
        }
        report(seq, *found);
        return true;
      });
  if (!st) return st;
  if (failure) return std::unexpected(*failure);
  return {};
}

storage::result<ctl_workspace> ctl_workspace::load(storage::event_log& log) {
  ctl_workspace w(log);
  auto s = load_state(log, log.head());
  if (!s) return std::unexpected(s.error());
  w.state_ = std::move(*s);
  return w;
}

storage::status ctl_workspace::append_drafts(const protocol::principal& p,
                                             const std::vector<protocol::draft>& drafts) {
  storage::append_request req;
  req.events = new_events(p, drafts);
  return apply_appended(log_->append(std::move(req)));
}

storage::status ctl_workspace::apply_appended(
    const storage::result<std::vector<storage::event>>& stored) {
  if (!stored) return std::unexpected(stored.error());
  for (const auto& e : *stored) {
    auto pe = to_protocol_event(e);
    if (!pe) return std::unexpected(pe.error());
    // The events are in the log already: the log stays the truth, and the next load shows
    // the same error. This tool's state is not to be used after it.
    if (auto applied = protocol::apply(state_, *pe); !applied)
      return std::unexpected(to_storage_error(applied.error()));
  }
  return {};
}

storage::result<nlohmann::json> ctl_workspace::submit(const protocol::principal& p,
                                                      std::string_view name, nlohmann::json args) {
  protocol::command c;
  c.id = "ctl-" + std::to_string(++commands_);
  c.name = std::string(name);
  c.args = std::move(args);
  auto d = protocol::decide(state_, p, c);
  if (!d) {
    std::string msg = std::string(name) + ": " + std::string(protocol::to_string(d.error().code)) +
                      ": " + d.error().message;
    if (!d.error().details.empty()) msg += " " + d.error().details.dump();
    return std::unexpected(storage::error{storage::status_code::invalid_argument, msg});
  }
  if (!d->events.empty()) {
    auto st = append_drafts(p, d->events);
    if (!st) return std::unexpected(st.error());
  }
  return std::move(d->result);
}

storage::status ctl_workspace::ensure_genesis() {
  if (log_->head() != 0) return {};
  return apply_appended(append_genesis(*log_));
}

storage::result<protocol::principal> ctl_workspace::principal_of(std::string_view user) const {
  auto p = protocol::principal_of(state_, user);
  if (!p) {
    return std::unexpected(
        storage::error{storage::status_code::not_found, "no such user: " + std::string(user)});
  }
  return *p;
}

}  // namespace a4p::server
