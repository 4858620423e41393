#include "server/cluster/replica.hpp"

#include <future>
#include <string>
#include <vector>

#include "server/cluster/log_message.hpp"

namespace a4p::server::cluster {

namespace {

constexpr std::string_view stream_seq_key = "cluster/stream-seq";
constexpr std::size_t batch = 1000;

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
  for (;;) {
    std::promise<nats::js_result<std::vector<nats::stored_message>>> p;
    js.fetch(
        stream, out.stream_seq + 1, batch, wait,
        [&p](nats::js_result<std::vector<nats::stored_message>> r) { p.set_value(std::move(r)); });
    auto got = p.get_future().get();
    if (!got)
      return std::unexpected(failed("fetch from " + stream + ": " + got.error().description));
    if (got->empty()) return out;
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
}

}  // namespace a4p::server::cluster
