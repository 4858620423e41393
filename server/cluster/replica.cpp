#include "server/cluster/replica.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "nats/blocking.hpp"

#include "server/cluster/log_message.hpp"

namespace a4p::server::cluster {

namespace {

constexpr std::string_view stream_seq_key = "cluster/stream-seq";
constexpr std::size_t batch = 1000;
constexpr int max_misses = 40;  // reads in a row that failed or came back empty, 0.5 s apart

storage::error failed(std::string what) {
  return storage::error{storage::status_code::failed, std::move(what)};
}

}  // namespace

storage::result<std::uint64_t> stream_seq_of(const storage::event_log& log) {
  auto v = log.get_aux(stream_seq_key);
  if (!v) return std::unexpected(v.error());
  if (!*v) return 0;
  return std::stoull(**v);
}

storage::result<applied> apply_message(storage::event_log& log, std::uint64_t stream_seq,
                                       std::string_view payload) {
  auto m = decode(payload);
  if (!m)
    return std::unexpected(failed("stream seq " + std::to_string(stream_seq) + ": " + m.error()));
  applied out;
  out.stream_seq = stream_seq;
  out.idempotency_key = m->idempotency_key;
  out.idempotency_value = m->idempotency_value;
  // Skip what the log already holds, if it holds exactly these bytes.
  std::vector<std::string> fresh;
  for (auto& e : m->events) {
    auto parsed = storage::event::from_json(e);
    if (!parsed)
      return std::unexpected(failed("stream seq " + std::to_string(stream_seq) +
                                    " holds a bad event: " + parsed.error().message));
    const std::uint64_t seq = parsed->seq;
    if (seq <= log.head()) {
      std::string held;
      auto st = log.scan_raw(seq - 1, seq, [&held](std::uint64_t, std::string_view b) {
        held = b;
        return true;
      });
      if (!st) return std::unexpected(st.error());
      if (held != e)
        return std::unexpected(
            failed("event " + std::to_string(seq) + " in the stream differs from the log's"));
      continue;
    }
    fresh.push_back(std::move(e));
  }
  if (!fresh.empty()) {
    auto r = log.append_stored(std::move(fresh), m->idempotency_key, m->idempotency_value);
    if (!r) return std::unexpected(r.error());
    out.events = std::move(*r);
  }
  if (auto st = log.put_aux(stream_seq_key, std::to_string(stream_seq)); !st)
    return std::unexpected(st.error());
  return out;
}

storage::result<caught_up> catch_up(storage::event_log& log, nats::jetstream& js,
                                    std::chrono::milliseconds wait) {
  auto from = stream_seq_of(log);
  if (!from) return std::unexpected(from.error());
  caught_up out;
  out.stream_seq = *from;
  const std::string stream(stream_name);
  // A read that fails or comes back empty short of the target is tried again for a while: a
  // server that has just restarted, or a stream leader being elected, answers late.
  int misses = 0;
  auto missed = [&](const std::string& why) -> std::optional<storage::error> {
    if (++misses > max_misses) return failed(why);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return std::nullopt;
  };
  // The head to reach is the stream's last seq now: what is appended meanwhile is the
  // follower's (node::follow), so a catch-up under a steady write load ends.
  std::uint64_t target = 0;
  for (;;) {
    auto info = nats::await<nats::js_result<nlohmann::json>>(
        [&](auto cb) { js.stream_info(stream, std::move(cb)); });
    if (info) {
      target = (*info)["state"].value("last_seq", std::uint64_t{0});
      break;
    }
    if (auto e = missed("stream info of " + stream + ": " + info.error().description))
      return std::unexpected(*e);
  }
  out.target = target;
  while (out.stream_seq < target) {
    const auto want = std::min<std::uint64_t>(batch, target - out.stream_seq);
    auto got = nats::await<nats::js_result<std::vector<nats::stored_message>>>(
        [&](auto cb) { js.fetch(stream, out.stream_seq + 1, want, wait, std::move(cb)); });
    if (!got || got->empty()) {
      const std::string why = got ? "nothing read" : got.error().description;
      if (auto e = missed("fetch from " + stream + " at seq " + std::to_string(out.stream_seq + 1) +
                          " (the head is " + std::to_string(target) + "): " + why))
        return std::unexpected(*e);
      continue;
    }
    misses = 0;
    for (const auto& sm : *got) {
      if (sm.seq != out.stream_seq + 1)
        return std::unexpected(failed("stream seq " + std::to_string(sm.seq) + " where " +
                                      std::to_string(out.stream_seq + 1) + " was next"));
      auto a = apply_message(log, sm.seq, sm.data);
      if (!a) return std::unexpected(a.error());
      out.events += a->events.size();
      out.stream_seq = sm.seq;
      ++out.messages;
    }
  }
  return out;
}

}  // namespace a4p::server::cluster
