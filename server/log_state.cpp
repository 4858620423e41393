#include "server/log_state.hpp"

#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include "protocol/json_codec.hpp"

namespace a4p::server {

storage::error to_storage_error(const protocol::error& e) {
  storage::status_code code = e.code == "corruption" ? storage::status_code::corruption
                                                     : storage::status_code::invalid_argument;
  return storage::error{code, e.message};
}

std::vector<storage::new_event> new_events(const protocol::principal& p,
                                           const std::vector<protocol::draft>& drafts) {
  std::vector<storage::new_event> out;
  out.reserve(drafts.size());
  for (const auto& d : drafts)
    out.push_back({{p.user, p.org}, d.name, d.entity, protocol::canonical(d.data)});
  return out;
}

protocol::event to_protocol_event(const storage::event& e, nlohmann::json data) {
  protocol::event out;
  out.seq = e.seq;
  out.ts = e.ts;
  out.who = protocol::actor{e.who.user, e.who.org};
  out.name = e.name;
  out.entity = e.entity;
  out.data = std::move(data);
  out.data_hash = e.data_hash;
  out.hash = e.hash;
  return out;
}

storage::result<protocol::event> to_protocol_event(const storage::event& e) {
  protocol::parse_limits lim;
  lim.max_bytes = 64 * 1024 * 1024;
  auto data = protocol::parse_untrusted(e.data, lim);
  if (!data) {
    return std::unexpected(storage::error{storage::status_code::invalid_argument,
                                          "event data is not JSON: " + data.error().message});
  }
  return to_protocol_event(e, std::move(*data));
}

storage::result<std::vector<storage::event>> append_genesis(storage::event_log& log) {
  storage::append_request req;
  req.events = new_events(protocol::system_principal(), protocol::genesis());
  return log.append(std::move(req));
}

protocol::scan_events_fn scan_fn(const storage::event_log& log) {
  return [&log](std::uint64_t after, std::uint64_t up_to,
                const std::function<bool(std::string_view)>& sink) -> protocol::result<void> {
    auto st = log.scan_raw(after, up_to,
                           [&sink](std::uint64_t, std::string_view bytes) { return sink(bytes); });
    if (!st) return std::unexpected(protocol::error{"corruption", st.error().message, ""});
    return {};
  };
}

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
  const auto scan = scan_fn(log);
  auto s = protocol::state_at(at, load_nearest, scan);
  if (!s && used_snapshot) {
    // The snapshot's envelope checked out but its bytes do not make a state: the events do.
    s = protocol::state_at(at, nullptr, scan);
  }
  if (!s) return std::unexpected(to_storage_error(s.error()));
  return std::move(*s);
}

}  // namespace a4p::server
