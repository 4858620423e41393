#include "server/admin/ctl_workspace.hpp"

#include <utility>

#include "protocol/json_codec.hpp"
#include "protocol/snapshot.hpp"
#include "protocol/snapshot_audit.hpp"

namespace a4p::server {

namespace {

storage::error to_storage_error(const protocol::error& e) {
  storage::status_code code = e.code == "corruption" ? storage::status_code::corruption
                                                     : storage::status_code::invalid_argument;
  return storage::error{code, e.message};
}

}  // namespace

namespace {
// The log's events as protocol::state_at and snapshot_audit read them.
protocol::scan_events_fn scanner(const storage::event_log& log) {
  return [&log](std::uint64_t after, std::uint64_t up_to,
                const std::function<bool(std::string_view)>& sink) -> protocol::result<void> {
    auto st = log.scan_raw(after, up_to,
                           [&sink](std::uint64_t, std::string_view bytes) { return sink(bytes); });
    if (!st) return std::unexpected(protocol::error{"corruption", st.error().message, ""});
    return {};
  };
}
}  // namespace

storage::result<protocol::state> load_state(const storage::event_log& log, std::uint64_t at) {
  bool used_snapshot = false;
  auto load_nearest =
      [&log, &used_snapshot](
          std::uint64_t seq) -> protocol::result<std::optional<protocol::loaded_snapshot>> {
    auto got = log.open_snapshot(seq);
    if (!got) return std::unexpected(protocol::error{"corruption", got.error().message, ""});
    if (!*got) return std::nullopt;
    used_snapshot = true;
    return protocol::loaded_snapshot{(*got)->seq, (*got)->bytes, std::move((*got)->keep)};
  };
  const auto scan = scanner(log);
  auto s = protocol::state_at(at, load_nearest, scan);
  if (!s && used_snapshot) {
    // The snapshot's envelope checked out but its bytes do not make a state: the events do.
    s = protocol::state_at(at, nullptr, scan);
  }
  if (!s) return std::unexpected(to_storage_error(s.error()));
  return std::move(*s);
}

storage::status audit_snapshots(
    const storage::event_log& log,
    const std::function<void(std::uint64_t seq, const std::string& problem)>& report) {
  protocol::snapshot_audit audit(scanner(log));
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

storage::result<protocol::event> to_protocol_event(const storage::event& e) {
  protocol::event out;
  out.seq = e.seq;
  out.ts = e.ts;
  out.who = protocol::actor{e.who.user, e.who.org};
  out.name = e.name;
  out.entity = e.entity;
  protocol::parse_limits lim;
  lim.max_bytes = 64 * 1024 * 1024;
  auto data = protocol::parse_untrusted(e.data, lim);
  if (!data) {
    return std::unexpected(storage::error{storage::status_code::invalid_argument,
                                          "event data is not JSON: " + data.error().message});
  }
  out.data = std::move(*data);
  out.data_hash = e.data_hash;
  out.hash = e.hash;
  return out;
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
  for (const auto& d : drafts) {
    req.events.push_back(storage::new_event{storage::actor{p.user, p.org}, d.name, d.entity,
                                            protocol::canonical(d.data)});
  }
  auto stored = log_->append(std::move(req));
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
  return append_drafts(protocol::system_principal(), protocol::genesis());
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
